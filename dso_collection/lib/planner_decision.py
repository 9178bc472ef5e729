"""The planner's decision for one customer: plain values in, a Decision out.

Nothing here reads the database or touches a record: the planner reads a
whole batch of customers at once, turns it into these values and calls
``decide`` customer by customer, so that the scenario rules 2 to 5
(readme/USAGE.md, "Glossary and scenario rules") live in one function that
a table of cases tests without a database (tests/test_planner_decision.py).
"""

import datetime
from datetime import timedelta
from typing import NamedTuple

from odoo.tools import float_compare


class OpenItem(NamedTuple):
    """An open item of a customer (``account.move.line._dso_open_sql``)."""

    id: int
    partner_id: int
    due: datetime.date  # its due date, else its accounting date
    date: datetime.date
    residual: float  # in the company currency; credit notes are negative
    excluded: bool  # by an excluding status or an open specific action
    overdue: bool = False  # on the planning date (``_dso_overdue_sql``)
    # It has a due date: an invoice, a credit note, a payment; a
    # miscellaneous entry without one never leads.
    has_due: bool = True


class Step(NamedTuple):
    """A step of the customer's scenario."""

    id: int
    sequence: int
    action_type: str
    trigger: str  # "due" or "last_action"
    delay: int
    scenario_id: int


class Cycle(NamedTuple):
    """The customer's current cycle: the run of a scenario for a leader."""

    id: int
    scenario_id: int
    leader_id: int | None


class LastAction(NamedTuple):
    """The last action done (or cancelled) of the current cycle."""

    step_id: int
    date_done: datetime.date


class OpenAction(NamedTuple):
    """The customer's open scenario action."""

    id: int
    step_id: int | None
    cycle_id: int | None


class Decision(NamedTuple):
    """What the planner wants for one customer: at most one open scenario
    action, the next step of its current cycle (rule 3)."""

    leader: OpenItem | None
    new_cycle: bool  # start a new cycle for the leader (rule 4)
    step: Step | None  # the step to plan, None: no scenario action
    date: datetime.date | None
    line_ids: tuple  # the items the action lists (rule 5), sorted
    keep_open_action: bool = False  # the open action stays as it is


def find_leader(items):
    """Rule 5 and the leader invoice (readme/USAGE.md): the open debit item with
    the oldest due date that is not excluded; ties by oldest date, then
    lowest id. Only an item with a due date (an invoice) leads."""
    candidates = [
        item
        for item in items
        if item.residual > 0 and not item.excluded and item.has_due
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda item: (item.due, item.date, item.id))


def decide(
    *,
    items,
    steps,
    cycle,
    last_action,
    open_action,
    minimum_amount,
    rounding,
    date,
):
    """Scenario rules 2 to 5 for one customer on ``date``.

    :param items: its open items (``OpenItem``), rule 1 already applied
    :param steps: the steps (``Step``) of its scenario, in any order
    :param cycle: its current ``Cycle``, or None
    :param last_action: the ``LastAction`` of that cycle, or None
    :param open_action: its ``OpenAction``, or None
    :param minimum_amount: the company's minimum amount for collection
    :param rounding: the rounding of the company currency, to compare the
        balance with the minimum
    :return: a ``Decision``
    """
    leader = find_leader(items)
    nothing = Decision(leader, False, None, None, ())
    if not steps or leader is None:
        return nothing
    # Rule 2: below the minimum amount, no scenario action.
    balance = sum(item.residual for item in items)
    if float_compare(balance, minimum_amount, precision_rounding=rounding) < 0:
        return nothing
    steps = sorted(steps, key=lambda step: (step.sequence, step.id))
    steps_by_id = {step.id: step for step in steps}
    # Rule 4: a new cycle whenever the leader (or the scenario) changes.
    new_cycle = not (
        cycle
        and cycle.leader_id == leader.id
        and cycle.scenario_id == steps[0].scenario_id
    )
    if new_cycle:
        last_action = None
    index = 0
    if last_action:
        # The step after the last one done; from the first step again if that
        # one left the scenario.
        positions = {step.id: position for position, step in enumerate(steps)}
        index = positions.get(last_action.step_id, -1) + 1
    # Rule 4: a reminder before the due date is skipped once the leader is
    # past due.
    while index < len(steps) and steps[index].delay < 0 and leader.overdue:
        index += 1
    if index >= len(steps):
        # The end of the scenario: nothing more until the leader changes.
        return Decision(leader, new_cycle, None, None, ())
    step = steps[index]
    # A step triggered by the last action counts from the day it was done;
    # the first step of a cycle has none, it counts from the due date.
    if step.trigger == "last_action" and last_action and last_action.date_done:
        base = last_action.date_done
    else:
        base = leader.due
    # An open action stays while it belongs to the current cycle and its step
    # to the scenario (the collector may have moved its date), unless it is a
    # reminder before the due date and the leader is now past due.
    open_step = open_action and steps_by_id.get(open_action.step_id)
    keep = bool(
        open_step
        and not new_cycle
        and open_action.cycle_id == cycle.id
        and not (open_step.delay < 0 and leader.overdue)
    )
    # Rule 5: scenario actions list every item but the excluded ones.
    listed = tuple(sorted(item.id for item in items if not item.excluded))
    return Decision(
        leader, new_cycle, step, base + timedelta(days=step.delay), listed, keep
    )
