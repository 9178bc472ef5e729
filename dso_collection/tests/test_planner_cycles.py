from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestPlannerCycles(DsoCollectionCommon):
    """Scenario rules 4 and 5 (cycles, steps before the due date,
    excluded items) and the trigger "last action", on real invoices."""

    # ------------------------------------------------------------------
    # Rule 4: a new cycle whenever the leader changes; pre-due steps
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_rule4_leader_paid_next_invoice_restarts_at_first_step(self):
        line_a = self._create_item(
            self.customer, 1000, "2026-02-20", invoice_date="2026-01-20"
        )
        invoice_a = line_a.move_id
        line_b = self._create_item(
            self.customer, 700, "2026-03-20", invoice_date="2026-02-20"
        )
        self._plan("2026-03-01")
        first = self._open_action()
        self.assertEqual(first.leader_line_id, line_a)
        self.assertEqual(first.step_id, self.step_first)
        first.action_done()
        call = self._open_action()
        self.assertEqual(call.step_id, self.step_call)
        self.assertEqual(call.date, date(2026, 3, 8))

        self._pay(invoice_a, date="2026-03-02")
        self._plan("2026-03-02")
        self.assertFalse(call.exists())
        action = self._open_action()
        self.assertEqual(action.leader_line_id, line_b)
        self.assertEqual(action.step_id, self.step_pre)
        self.assertEqual(action.date, date(2026, 3, 15))
        self.assertEqual(action.line_ids, line_b)
        old_cycle, new_cycle = self._cycles()
        self.assertEqual(first.cycle_id, old_cycle)
        self.assertEqual(action.cycle_id, new_cycle)
        self.assertEqual(new_cycle.leader_line_id, line_b)
        self.assertEqual(new_cycle.date_start, date(2026, 3, 2))
        self.assertEqual(self._customer_view().dso_leader_line_id, line_b)

    @freeze_time("2026-03-01")
    def test_rule4_leader_back_restarts_at_first_step(self):
        """A leads with its first step done, B leads for a while, A leads
        again: A's scenario starts again at the first step."""
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        line_a = self._create_item(
            self.customer, 1000, "2026-03-20", invoice_date="2026-02-20"
        )
        line_b = self._create_item(
            self.customer, 600, "2026-03-25", invoice_date="2026-02-25"
        )
        self._plan("2026-03-01")
        pre_a = self._open_action()
        self.assertEqual((pre_a.leader_line_id, pre_a.step_id), (line_a, self.step_pre))
        pre_a.action_done()
        first_a = self._open_action()
        self.assertEqual(
            (first_a.step_id, first_a.date), (self.step_first, date(2026, 3, 25))
        )

        line_a.dso_status_id = dispute
        self._plan("2026-03-02")
        self.assertFalse(first_a.exists())
        pre_b = self._open_action()
        self.assertEqual(pre_b.leader_line_id, line_b)
        self.assertEqual(
            (pre_b.step_id, pre_b.date), (self.step_pre, date(2026, 3, 20))
        )
        self.assertEqual(pre_b.line_ids, line_b)

        line_a.dso_status_id = False
        self._plan("2026-03-03")
        self.assertFalse(pre_b.exists())
        again = self._open_action()
        self.assertEqual(again.leader_line_id, line_a)
        self.assertEqual(again.step_id, self.step_pre)
        self.assertEqual(again.date, date(2026, 3, 15))
        self.assertEqual(again.line_ids, line_a | line_b)
        cycles = self._cycles()
        self.assertEqual(cycles.mapped("leader_line_id"), line_a | line_b)
        self.assertEqual(
            [cycle.leader_line_id for cycle in cycles], [line_a, line_b, line_a]
        )
        self.assertEqual(again.cycle_id, cycles[2])
        self.assertNotEqual(again.cycle_id, pre_a.cycle_id)

    @freeze_time("2026-03-01")
    def test_rule4_pre_due_step_skipped_when_leader_past_due(self):
        line = self._create_item(
            self.customer, 1000, "2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.step_id, self.step_first)
        self.assertEqual(action.date, date(2026, 2, 25))
        self.assertEqual(action.state, "to_confirm")
        self.assertEqual(action.line_ids, line)
        self.assertEqual(self._scenario_actions(), action)

    @freeze_time("2026-03-01")
    def test_rule4_open_pre_due_action_replaced_once_leader_past_due(self):
        self._create_invoice(
            self.customer, amount=1000, due_date="2026-03-20", invoice_date="2026-02-20"
        )
        self._plan("2026-03-01")
        pre = self._open_action()
        self.assertEqual((pre.step_id, pre.date), (self.step_pre, date(2026, 3, 15)))
        cycle = pre.cycle_id

        # On the due date the leader is not past due yet: the reminder stays.
        self._plan("2026-03-20")
        self.assertEqual(self._open_action(), pre)

        self._plan("2026-03-21")
        self.assertFalse(pre.exists())
        first = self._open_action()
        self.assertEqual(first.step_id, self.step_first)
        self.assertEqual(first.date, date(2026, 3, 25))
        self.assertEqual(first.cycle_id, cycle)
        self.assertEqual(self._cycles(), cycle)

    # ------------------------------------------------------------------
    # Trigger "last action": the interval between actions is kept
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_last_action_trigger_counts_from_the_day_done(self):
        self._create_invoice(
            self.customer, amount=1000, due_date="2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01")
        first = self._open_action()
        self.assertEqual(
            (first.step_id, first.date), (self.step_first, date(2026, 2, 25))
        )

        with freeze_time("2026-03-04"):
            first.action_done()
        call = self._open_action()
        self.assertEqual(call.step_id, self.step_call)
        self.assertEqual(call.date, date(2026, 3, 11))

        # Done late: the next step keeps its interval from the day done.
        with freeze_time("2026-03-15"):
            call.action_done()
        notice = self._open_action()
        self.assertEqual(notice.step_id, self.step_notice)
        self.assertEqual(notice.date, date(2026, 3, 25))

        with freeze_time("2026-03-16"):
            self._plan("2026-03-16")
        self.assertEqual(self._open_action(), notice)
        self.assertEqual(notice.date, date(2026, 3, 25))

    # ------------------------------------------------------------------
    # Rule 5: excluded items
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_rule5_disputed_item_never_leader_nor_listed(self):
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        line_a = self._create_item(
            self.customer, 1000, "2026-02-10", invoice_date="2026-01-10"
        )
        line_b = self._create_item(
            self.customer, 400, "2026-02-20", invoice_date="2026-01-20"
        )
        line_a.write({"dso_status_id": dispute.id, "dso_status_date": date(2026, 3, 1)})
        self.assertTrue(line_a.dso_excluded)
        self.assertFalse(line_b.dso_excluded)
        self._plan("2026-03-01")

        action = self._open_action()
        self.assertEqual(action.leader_line_id, line_b)
        self.assertEqual(action.step_id, self.step_first)
        self.assertEqual(action.date, date(2026, 2, 25))
        self.assertEqual(action.line_ids, line_b)
        customer = self._customer_view()
        self.assertEqual(customer.dso_leader_line_id, line_b)

        # The dispute is settled: A leads again, from the first step.
        line_a.dso_status_id = False
        self._plan("2026-03-02")
        self.assertFalse(action.exists())
        action = self._open_action()
        self.assertEqual(action.leader_line_id, line_a)
        self.assertEqual(
            (action.step_id, action.date), (self.step_first, date(2026, 2, 15))
        )
        self.assertEqual(action.line_ids, line_a | line_b)

    @freeze_time("2026-03-01")
    def test_rule5_only_excluded_items_no_scenario_action(self):
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        line = self._create_item(
            self.customer, 1000, "2026-02-10", invoice_date="2026-01-10"
        )
        line.dso_status_id = dispute
        self._plan("2026-03-01")
        self.assertFalse(self._open_actions())
        self.assertFalse(self._customer_view().dso_leader_line_id)

    def _check_specific_action_gives_items_back(self, close):
        line_a = self._create_item(
            self.customer, 1000, "2026-02-10", invoice_date="2026-01-10"
        )
        line_b = self._create_item(
            self.customer, 400, "2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01")
        action_a = self._open_action()
        self.assertEqual(action_a.leader_line_id, line_a)
        self.assertEqual(action_a.line_ids, line_a | line_b)

        # Creating the specific action replans the customer at once.
        specific = self._specific_action(line_a, "2026-03-05")
        self.assertTrue(line_a.dso_excluded)
        self.assertFalse(action_a.exists())
        action_b = self._open_action()
        self.assertEqual(action_b.leader_line_id, line_b)
        self.assertEqual(
            (action_b.step_id, action_b.date), (self.step_first, date(2026, 2, 25))
        )
        self.assertEqual(action_b.line_ids, line_b)
        self.assertEqual(self._open_actions(), specific | action_b)

        with freeze_time("2026-03-05"):
            close(specific)
        self.assertFalse(line_a.dso_excluded)
        self.assertFalse(action_b.exists())
        back = self._open_action()
        self.assertEqual(back.leader_line_id, line_a)
        self.assertEqual(
            (back.step_id, back.date), (self.step_first, date(2026, 2, 15))
        )
        self.assertEqual(back.line_ids, line_a | line_b)
        self.assertEqual(
            [cycle.leader_line_id for cycle in self._cycles()], [line_a, line_b, line_a]
        )
        return specific

    @freeze_time("2026-03-01")
    def test_rule5_specific_action_done_gives_items_back(self):
        specific = self._check_specific_action_gives_items_back(
            lambda action: action.action_done()
        )
        self.assertEqual(specific.state, "done")

    @freeze_time("2026-03-01")
    def test_rule5_specific_action_cancelled_gives_items_back(self):
        specific = self._check_specific_action_gives_items_back(
            lambda action: action.action_cancel()
        )
        self.assertEqual(specific.state, "cancel")

    @freeze_time("2026-03-01")
    def test_rule5_specific_action_deleted_gives_items_back(self):
        specific = self._check_specific_action_gives_items_back(
            lambda action: action.unlink()
        )
        self.assertFalse(specific.exists())
