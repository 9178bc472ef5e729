from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestPlanner(DsoCollectionCommon):
    """The scenario rules 1 to 3 (readme/USAGE.md), planned on real invoices."""

    @freeze_time("2026-03-01")
    def test_pre_due_reminder_then_first_reminder(self):
        line = self._create_item(
            self.customer, 1000, "2026-03-20", invoice_date="2026-02-20"
        )
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.step_id, self.step_pre)
        self.assertEqual(action.date, date(2026, 3, 15))
        self.assertEqual(action.state, "todo")
        self.assertEqual(action.line_ids, line)
        self.assertEqual(action.user_id, self.collector)
        self.assertEqual(self.customer.dso_leader_line_id, line)
        action.action_done()
        nxt = self._open_action()
        self.assertEqual(nxt.step_id, self.step_first)
        self.assertEqual(nxt.date, date(2026, 3, 25))
        self.assertEqual(nxt.state, "to_confirm")

    # ------------------------------------------------------------------
    # Rule 1: items below "ignore transactions below" are left out
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_rule1_item_below_ignore_threshold_left_out(self):
        self.company.dso_ignore_below = 50.0
        # The oldest item is a small remainder: without rule 1 it would lead.
        small = self._create_item(
            self.customer, 30, "2026-02-01", invoice_date="2026-01-01"
        )
        at_threshold = self._create_item(
            self.customer, 50, "2026-04-10", invoice_date="2026-03-01"
        )
        big = self._create_item(
            self.customer, 1000, "2026-03-20", invoice_date="2026-02-20"
        )
        self._plan("2026-03-01")

        action = self._open_action()
        self.assertEqual(action.leader_line_id, big)
        self.assertEqual(action.step_id, self.step_pre)
        self.assertEqual(action.date, date(2026, 3, 15))
        self.assertEqual(action.line_ids, big | at_threshold)
        self.assertNotIn(small, action.line_ids)
        customer = self._customer_view()
        self.assertEqual(customer.dso_leader_line_id, big)
        self.assertEqual(customer.dso_balance, 1050.0)
        self.assertEqual(customer.dso_open_line_ids, big | at_threshold)

    # ------------------------------------------------------------------
    # Rule 2: minimum amount for collection
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_rule2_no_scenario_action_below_minimum_amount(self):
        self.company.dso_minimum_amount = 500.0
        line = self._create_item(
            self.customer, 400, "2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01")
        self.assertFalse(self._open_actions())
        self.assertFalse(self._cycles())
        self.assertEqual(self._customer_view().dso_leader_line_id, line)

        # Specific actions still run below the minimum.
        specific = self._specific_action(line, "2026-03-05")
        self._plan("2026-03-01")
        self.assertEqual(self._open_actions(), specific)
        self.assertEqual(specific.state, "todo")
        self.assertEqual(specific.line_ids, line)
        with freeze_time("2026-03-05"):
            specific.action_done()
        self.assertEqual(specific.state, "done")
        self.assertEqual(specific.date_done, date(2026, 3, 5))
        # Back in the scenario, still below the minimum: nothing planned.
        self.assertFalse(self._open_actions())
        self.assertFalse(self._scenario_actions())

    @freeze_time("2026-03-01")
    def test_rule2_open_action_removed_when_balance_drops_below_minimum(self):
        self.company.dso_minimum_amount = 500.0
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.step_id, self.step_first)
        self.assertEqual(action.date, date(2026, 2, 25))

        # Exactly the minimum: still collected.
        self._pay(invoice, 500.0, date="2026-03-01")
        self._plan("2026-03-01")
        self.assertEqual(self._open_action(), action)
        self.assertEqual(action.amount_total, 500.0)

        self._pay(invoice, 100.0, date="2026-03-02")
        self._plan("2026-03-02")
        self.assertFalse(action.exists())
        self.assertFalse(self._open_actions())
        self.assertEqual(self._customer_view().dso_balance, 400.0)

    # ------------------------------------------------------------------
    # Rule 3: one open scenario action, the next step when it is done
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_rule3_done_plans_next_step_one_open_action(self):
        line = self._create_item(
            self.customer, 1000, "2026-03-20", invoice_date="2026-02-20"
        )
        self._plan("2026-03-01")
        pre = self._open_action()
        self.assertEqual(pre.step_id, self.step_pre)

        pre.action_done()
        self.assertEqual(pre.state, "done")
        self.assertEqual(pre.date_done, date(2026, 3, 1))
        self.assertEqual(pre.done_user_id, self.env.user)
        first = self._open_action()
        self.assertEqual(first.step_id, self.step_first)
        self.assertEqual(first.date, date(2026, 3, 25))
        self.assertEqual(first.cycle_id, pre.cycle_id)
        self.assertEqual(first.line_ids, line)
        self.assertEqual(self._scenario_actions(), pre | first)
        self.assertEqual(len(self._open_actions()), 1)

        # The database refuses a second open scenario action.
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.env["dso.collection.action"].create(
                {
                    "name": "Duplicate",
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "step_id": self.step_call.id,
                    "cycle_id": first.cycle_id.id,
                    "action_type": "call",
                    "date": date(2026, 3, 2),
                }
            )

    @freeze_time("2026-03-01")
    def test_rule3_cancel_moves_on_to_next_step(self):
        self._create_invoice(
            self.customer, amount=1000, due_date="2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01")
        first = self._open_action()
        self.assertEqual(first.step_id, self.step_first)
        with freeze_time("2026-03-03"):
            first.action_cancel()
        self.assertEqual(first.state, "cancel")
        self.assertEqual(first.date_done, date(2026, 3, 3))
        call = self._open_action()
        self.assertEqual(call.step_id, self.step_call)
        self.assertEqual(call.date, date(2026, 3, 10))
        self.assertEqual(call.cycle_id, first.cycle_id)

    def _check_done_with_agenda_context(self, as_superuser):
        line = self._create_item(
            self.customer, 1000, "2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01")
        first = self._open_action()
        if as_superuser:
            first = first.sudo()
        # The context the agenda's window action gives its buttons.
        first.with_context(
            search_default_filter_open=1,
            default_is_specific=True,
            default_partner_id=self.customer.id,
            default_state="done",
        ).action_done()
        call = self._open_action()
        self.assertEqual(call.step_id, self.step_call)
        self.assertFalse(call.is_specific)
        self.assertEqual(call.state, "todo")
        self.assertEqual(call.date, date(2026, 3, 8))
        self.assertEqual(call.cycle_id, first.cycle_id)
        self.assertEqual(call.line_ids, line)
        self.assertFalse(line.dso_excluded)
        self.assertEqual(self._open_actions(), call)

    @freeze_time("2026-03-01")
    def test_rule3_done_from_the_agenda_plans_a_scenario_action(self):
        """The agenda's window action makes new actions specific by default
        (default_is_specific); the next step planned when an action is marked
        done from it is a scenario action all the same."""
        self._check_done_with_agenda_context(as_superuser=False)

    @freeze_time("2026-03-01")
    def test_rule3_done_from_the_agenda_as_superuser(self):
        """Same from a superuser environment (server action, cron, sudo), where
        sudo() does not drop the caller's default_* keys."""
        self._check_done_with_agenda_context(as_superuser=True)

    @freeze_time("2026-03-01")
    def test_rule3_last_step_done_leaves_no_open_action(self):
        self._create_invoice(
            self.customer, amount=1000, due_date="2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01")
        for step in (self.step_first, self.step_call, self.step_notice):
            action = self._open_action()
            self.assertEqual(action.step_id, step)
            action.action_done()
        self._plan("2026-03-02")
        self.assertFalse(self._open_actions())
        self.assertEqual(len(self._cycles()), 1)
        self.assertEqual(
            self._scenario_actions().mapped("state"), ["done", "done", "done"]
        )
