"""The simulator's day loop (``lib/simulation.py``) without a database:
plain customers and steps in, the forward calendar out."""

from datetime import date

from odoo.tests import BaseCase, tagged

from ..lib import simulation
from ..lib.planner_decision import OpenItem, Step, decide
from ..lib.simulation import Customer, SimStep, Simulation

# A scenario (id 1): an automatic email 5 days after the due date, then a
# call 7 days after it was sent.
EMAIL = Step(11, 1, "email", "due", 5, 1)
CALL = Step(12, 2, "call", "last_action", 7, 1)
SIM_STEPS = {
    11: SimStep(11, "First reminder", "email", True, False, "Reminder"),
    12: SimStep(12, "Call", "call", False, False, ""),
}
MONDAY = date(2026, 3, 2)


def customer(partner_id=7, can_email=True, due=date(2026, 2, 25)):
    item = OpenItem(partner_id * 10, partner_id, due, due, 1000.0, False)
    return Customer(
        id=partner_id,
        items=[item],
        status_excluded=set(),
        steps=[EMAIL, CALL],
        cycle=None,
        last_action=None,
        scenario_action=None,
        specific_actions=[],
        can_email=can_email,
        residuals={item.id: item.residual},
    )


def simulate(*customers, days=14, holds=None, sending_days=range(5), **options):
    sim = Simulation(
        steps=SIM_STEPS,
        rounding=0.01,
        customers={c.id: c for c in customers},
        assume_manual_done=options.get("assume_manual_done", True),
        assume_confirmed=True,
        decide=decide,
        hold_reasons=lambda partner_ids, day: {
            partner_id: holds[partner_id]
            for partner_id in partner_ids
            if partner_id in (holds or {})
        },
        sending_days=frozenset(sending_days),
        no_email_note="no email",
    )
    return [
        (event.date, event.partner_id, event.action.name, event.outcome, event.note)
        for event in simulation.run(sim, MONDAY, days)
    ]


@tagged("post_install", "-at_install")
class TestSimulationLoop(BaseCase):
    def test_email_sent_then_call_done(self):
        # Due 25 Feb: the email is due on 2 March (a Monday), sent that day;
        # the call 7 days later, done by the collector on its date.
        self.assertEqual(
            simulate(customer()),
            [
                (date(2026, 3, 2), 7, "First reminder", "sent", ""),
                (date(2026, 3, 9), 7, "Call", "done", ""),
            ],
        )

    def test_calls_left_open_without_collectors(self):
        events = simulate(customer(), assume_manual_done=False)
        self.assertEqual(events[-1], (date(2026, 3, 9), 7, "Call", "planned", ""))

    def test_no_sending_on_days_off(self):
        # Sending on Wednesdays only: the email waits two days.
        events = simulate(customer(), sending_days={2})
        self.assertEqual(events[0], (date(2026, 3, 4), 7, "First reminder", "sent", ""))

    def test_held_customer_is_held_once(self):
        events = simulate(customer(), holds={7: "unmatched payment"}, days=5)
        self.assertEqual(
            events,
            [
                (date(2026, 3, 2), 7, "First reminder", "held", "unmatched payment"),
                (date(2026, 3, 2), 7, "First reminder", "planned", ""),
            ],
        )

    def test_customer_without_email_goes_to_the_collector(self):
        events = simulate(customer(can_email=False), days=3)
        self.assertEqual(
            events[0],
            (date(2026, 3, 2), 7, "First reminder", "no_recipient", "no email"),
        )
        # The collector carries it out by hand the next day.
        self.assertEqual(events[1][2:4], ("First reminder", "done"))
