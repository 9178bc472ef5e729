"""The planner's decision, table-driven: plain values in, a decision out, no
database. Each case names the scenario rule it checks (readme/USAGE.md,
"Glossary and scenario rules")."""

from datetime import date

from odoo.tests import BaseCase, tagged

from ..lib.planner_decision import (
    Cycle,
    LastAction,
    OpenAction,
    OpenItem,
    Step,
    decide,
)

TODAY = date(2026, 3, 1)
CUSTOMER = 7

# The scenario of tests/common.py (id 1), and a second one (id 2).
PRE = Step(11, 1, "email", "due", -5, 1)
FIRST = Step(12, 2, "email", "due", 5, 1)
CALL = Step(13, 3, "call", "last_action", 7, 1)
NOTICE = Step(14, 4, "registered_letter", "last_action", 10, 1)
STEPS = (PRE, FIRST, CALL, NOTICE)
OTHER_CALL = Step(21, 1, "call", "due", 3, 2)
OTHER_LETTER = Step(22, 2, "letter", "last_action", 10, 2)
OTHER_STEPS = (OTHER_CALL, OTHER_LETTER)


def item(item_id, due, residual=1000.0, *, on=None, excluded=False, overdue=False):
    """An open item due on ``due`` (an ISO date), dated ``on`` (else due)."""
    due = date.fromisoformat(due)
    return OpenItem(
        item_id,
        CUSTOMER,
        due,
        date.fromisoformat(on) if on else due,
        residual,
        excluded,
        overdue,
    )


# Open items of the cases: A and B past due on TODAY, C not yet due.
A = item(1, "2026-02-10", overdue=True)
B = item(2, "2026-02-20", 400.0, overdue=True)
C = item(3, "2026-03-20", 700.0)
CREDIT_NOTE = item(4, "2026-01-05", -300.0)
A_DISPUTED = A._replace(excluded=True)

NOTHING = (None, False, None, None, (), False)

# (description, inputs (over the defaults of ``_inputs``),
#  expected (leader id, new cycle, step id, date, listed item ids, keep))
CASES = [
    # No scenario action without a leader or without steps.
    ("no open item", {"items": []}, NOTHING),
    ("only a credit note: no leader", {"items": [CREDIT_NOTE]}, NOTHING),
    (
        "no steps in the scenario: the leader, no action",
        {"items": [A], "steps": ()},
        (1, False, None, None, (), False),
    ),
    # Rule 2: the minimum amount for collection.
    (
        "rule 2: balance below the minimum",
        {"items": [A], "minimum_amount": 1000.01},
        (1, False, None, None, (), False),
    ),
    (
        "rule 2: balance equal to the minimum once rounded",
        {"items": [A._replace(residual=999.996)], "minimum_amount": 1000.0},
        (1, True, 12, date(2026, 2, 15), (1,), False),
    ),
    (
        "rule 2: a credit note brings the balance below the minimum",
        {"items": [A, CREDIT_NOTE], "minimum_amount": 800.0},
        (1, False, None, None, (), False),
    ),
    # Rule 5 and the leader invoice (readme/USAGE.md): the listed items.
    (
        "leader: the oldest due date",
        {"items": [B, A, C]},
        (1, True, 12, date(2026, 2, 15), (1, 2, 3), False),
    ),
    (
        "leader: same due date, the oldest date",
        {
            "items": [
                item(5, "2026-02-10", on="2026-01-20", overdue=True),
                item(6, "2026-02-10", on="2026-01-10", overdue=True),
            ]
        },
        (6, True, 12, date(2026, 2, 15), (5, 6), False),
    ),
    (
        "leader: same due date and date, the lowest id",
        {
            "items": [
                item(9, "2026-02-10", overdue=True),
                item(8, "2026-02-10", overdue=True),
            ]
        },
        (8, True, 12, date(2026, 2, 15), (8, 9), False),
    ),
    (
        "a credit note never leads but is listed",
        {"items": [CREDIT_NOTE, B]},
        (2, True, 12, date(2026, 2, 25), (2, 4), False),
    ),
    (
        "rule 5: an excluded item never leads and is not listed",
        {"items": [A_DISPUTED, B]},
        (2, True, 12, date(2026, 2, 25), (2,), False),
    ),
    (
        "rule 5: only excluded items, no leader",
        {"items": [A_DISPUTED]},
        NOTHING,
    ),
    # Rule 4: cycles and steps before the due date.
    (
        "rule 4: a reminder before the due date of a leader not yet due",
        {"items": [C]},
        (3, True, 11, date(2026, 3, 15), (3,), False),
    ),
    (
        "rule 4: a reminder before the due date skipped when past due",
        {"items": [A]},
        (1, True, 12, date(2026, 2, 15), (1,), False),
    ),
    (
        "rule 4: only reminders before the due date, leader past due",
        {"items": [A], "steps": (PRE,)},
        (1, True, None, None, (), False),
    ),
    (
        "rule 3: same leader and scenario, the step after the last done",
        {
            "items": [A],
            "cycle": Cycle(5, 1, 1),
            "last_action": LastAction(FIRST.id, date(2026, 3, 4)),
        },
        (1, False, 13, date(2026, 3, 11), (1,), False),
    ),
    (
        "rule 4: new cycle when the leader changes, the last action ignored",
        {
            "items": [B],
            "cycle": Cycle(5, 1, 1),
            "last_action": LastAction(CALL.id, date(2026, 3, 4)),
        },
        (2, True, 12, date(2026, 2, 25), (2,), False),
    ),
    (
        "rule 4: new cycle when the scenario changes",
        {
            "items": [A],
            "steps": OTHER_STEPS,
            "cycle": Cycle(5, 1, 1),
            "last_action": LastAction(FIRST.id, date(2026, 3, 4)),
        },
        (1, True, 21, date(2026, 2, 13), (1,), False),
    ),
    # Triggers.
    (
        "trigger last action: from the day done, even done late",
        {
            "items": [A],
            "cycle": Cycle(5, 1, 1),
            "last_action": LastAction(CALL.id, date(2026, 3, 15)),
        },
        (1, False, 14, date(2026, 3, 25), (1,), False),
    ),
    (
        "trigger last action on the first step: from the due date",
        {"items": [A], "steps": (Step(31, 1, "call", "last_action", 7, 3),)},
        (1, True, 31, date(2026, 2, 17), (1,), False),
    ),
    (
        "end of the scenario: nothing more for this leader",
        {
            "items": [A],
            "cycle": Cycle(5, 1, 1),
            "last_action": LastAction(NOTICE.id, date(2026, 3, 20)),
        },
        (1, False, None, None, (), False),
    ),
    (
        "the last step done left the scenario: from the first step again",
        {
            "items": [C],
            "cycle": Cycle(5, 1, 3),
            "last_action": LastAction(99, date(2026, 3, 1)),
        },
        (3, False, 11, date(2026, 3, 15), (3,), False),
    ),
    (
        "steps in any order: by sequence, then id",
        {
            "items": [C],
            "steps": (NOTICE, CALL, FIRST._replace(sequence=1), PRE),
        },
        (3, True, 11, date(2026, 3, 15), (3,), False),
    ),
    # Rule 3: the open scenario action.
    (
        "rule 3: the open action of the current cycle stays",
        {
            "items": [A],
            "cycle": Cycle(5, 1, 1),
            "last_action": LastAction(FIRST.id, date(2026, 3, 4)),
            "open_action": OpenAction(40, CALL.id, 5),
        },
        (1, False, 13, date(2026, 3, 11), (1,), True),
    ),
    (
        "rule 4: an open reminder before the due date goes once past due",
        {
            "items": [A],
            "cycle": Cycle(5, 1, 1),
            "open_action": OpenAction(40, PRE.id, 5),
        },
        (1, False, 12, date(2026, 2, 15), (1,), False),
    ),
    (
        "rule 4: the open action of the previous leader goes",
        {
            "items": [B],
            "cycle": Cycle(5, 1, 1),
            "open_action": OpenAction(40, FIRST.id, 5),
        },
        (2, True, 12, date(2026, 2, 25), (2,), False),
    ),
    (
        "the open action of an older cycle goes",
        {
            "items": [A],
            "cycle": Cycle(5, 1, 1),
            "open_action": OpenAction(40, FIRST.id, 4),
        },
        (1, False, 12, date(2026, 2, 15), (1,), False),
    ),
    (
        "the open action of a step that left the scenario goes",
        {
            "items": [A],
            "cycle": Cycle(5, 1, 1),
            "open_action": OpenAction(40, OTHER_CALL.id, 5),
        },
        (1, False, 12, date(2026, 2, 15), (1,), False),
    ),
    (
        "rule 2: the open action goes below the minimum",
        {
            "items": [A],
            "cycle": Cycle(5, 1, 1),
            "open_action": OpenAction(40, FIRST.id, 5),
            "minimum_amount": 5000.0,
        },
        (1, False, None, None, (), False),
    ),
]


@tagged("post_install", "-at_install")
class TestPlannerDecision(BaseCase):
    """``decide``: every scenario rule it applies (2 to 5)."""

    @staticmethod
    def _inputs(**values):
        return {
            "items": [],
            "steps": STEPS,
            "cycle": None,
            "last_action": None,
            "open_action": None,
            "minimum_amount": 0.0,
            "rounding": 0.01,
            "date": TODAY,
            **values,
        }

    def test_cases(self):
        for description, values, expected in CASES:
            with self.subTest(description):
                decision = decide(**self._inputs(**values))
                self.assertEqual(
                    (
                        decision.leader and decision.leader.id,
                        decision.new_cycle,
                        decision.step and decision.step.id,
                        decision.date,
                        decision.line_ids,
                        decision.keep_open_action,
                    ),
                    expected,
                )

    def test_cases_have_distinct_descriptions(self):
        descriptions = [case[0] for case in CASES]
        self.assertEqual(len(descriptions), len(set(descriptions)))

    def test_decision_reads_no_record(self):
        """Plain values in, plain values out: the decision holds no record."""
        decision = decide(
            **self._inputs(
                items=[A, B],
                cycle=Cycle(5, 1, 1),
                last_action=LastAction(FIRST.id, date(2026, 3, 4)),
            )
        )
        self.assertIsInstance(decision.leader, OpenItem)
        self.assertIsInstance(decision.step, Step)
        self.assertEqual(decision.step, CALL)
        self.assertEqual(decision.leader, A)
