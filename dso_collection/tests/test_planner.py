from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestPlanner(DsoCollectionCommon):
    @freeze_time("2026-03-01")
    def test_pre_due_reminder_then_first_reminder(self):
        invoice = self._invoice(self.customer, 1000, "2026-03-20", "2026-02-20")
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.step_id, self.step_pre)
        self.assertEqual(action.date, date(2026, 3, 15))
        self.assertEqual(action.state, "todo")
        self.assertEqual(action.line_ids, self._receivable(invoice))
        self.assertEqual(action.user_id, self.collector)
        self.assertEqual(self.customer.dso_leader_line_id, self._receivable(invoice))
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
        small = self._receivable(
            self._invoice(self.customer, 30, "2026-02-01", "2026-01-01")
        )
        at_threshold = self._receivable(
            self._invoice(self.customer, 50, "2026-04-10", "2026-03-01")
        )
        big = self._receivable(
            self._invoice(self.customer, 1000, "2026-03-20", "2026-02-20")
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
        line = self._receivable(
            self._invoice(self.customer, 400, "2026-02-20", "2026-01-20")
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
        invoice = self._invoice(self.customer, 1000, "2026-02-20", "2026-01-20")
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
        line = self._receivable(
            self._invoice(self.customer, 1000, "2026-03-20", "2026-02-20")
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
        self._invoice(self.customer, 1000, "2026-02-20", "2026-01-20")
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
        line = self._receivable(
            self._invoice(self.customer, 1000, "2026-02-20", "2026-01-20")
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
        self._invoice(self.customer, 1000, "2026-02-20", "2026-01-20")
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

    # ------------------------------------------------------------------
    # Rule 4: a new cycle whenever the leader changes; pre-due steps
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_rule4_leader_paid_next_invoice_restarts_at_first_step(self):
        invoice_a = self._invoice(self.customer, 1000, "2026-02-20", "2026-01-20")
        line_b = self._receivable(
            self._invoice(self.customer, 700, "2026-03-20", "2026-02-20")
        )
        self._plan("2026-03-01")
        first = self._open_action()
        self.assertEqual(first.leader_line_id, self._receivable(invoice_a))
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
        line_a = self._receivable(
            self._invoice(self.customer, 1000, "2026-03-20", "2026-02-20")
        )
        line_b = self._receivable(
            self._invoice(self.customer, 600, "2026-03-25", "2026-02-25")
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
        line = self._receivable(
            self._invoice(self.customer, 1000, "2026-02-20", "2026-01-20")
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
        self._invoice(self.customer, 1000, "2026-03-20", "2026-02-20")
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
        self._invoice(self.customer, 1000, "2026-02-20", "2026-01-20")
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
        line_a = self._receivable(
            self._invoice(self.customer, 1000, "2026-02-10", "2026-01-10")
        )
        line_b = self._receivable(
            self._invoice(self.customer, 400, "2026-02-20", "2026-01-20")
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
        line = self._receivable(
            self._invoice(self.customer, 1000, "2026-02-10", "2026-01-10")
        )
        line.dso_status_id = dispute
        self._plan("2026-03-01")
        self.assertFalse(self._open_actions())
        self.assertFalse(self._customer_view().dso_leader_line_id)

    def _check_specific_action_gives_items_back(self, close):
        line_a = self._receivable(
            self._invoice(self.customer, 1000, "2026-02-10", "2026-01-10")
        )
        line_b = self._receivable(
            self._invoice(self.customer, 400, "2026-02-20", "2026-01-20")
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

    # ------------------------------------------------------------------
    # Rule 6: idempotent planning, in a fixed number of queries
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_rule6_planning_twice_is_idempotent(self):
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        pre_due = self._create_customer("Pre-due Ltd")
        self._invoice(pre_due, 800, "2026-03-20", "2026-02-20")
        overdue = self._create_customer("Overdue Ltd")
        self._invoice(overdue, 900, "2026-02-10", "2026-01-10")
        self._invoice(overdue, 100, "2026-02-28", "2026-01-28", move_type="out_refund")
        advanced = self._create_customer("Advanced Ltd")
        self._invoice(advanced, 1500, "2026-02-01", "2026-01-01")
        disputed = self._create_customer("Disputed Ltd")
        disputed_line = self._receivable(
            self._invoice(disputed, 300, "2026-01-15", "2025-12-15")
        )
        self._invoice(disputed, 200, "2026-02-15", "2026-01-15")
        with_specific = self._create_customer("Specific Ltd")
        specific_line = self._receivable(
            self._invoice(with_specific, 300, "2026-01-15", "2025-12-15")
        )
        self._invoice(with_specific, 250, "2026-02-15", "2026-01-15")
        customers = pre_due | overdue | advanced | disputed | with_specific

        disputed_line.dso_status_id = dispute
        self._specific_action(specific_line, "2026-03-10")
        self._plan("2026-03-01", partners=customers)
        self._open_action(advanced).action_done()
        first = self._agenda_snapshot(customers)
        self.assertEqual(len(first["cycles"]), 5)
        self.assertEqual(
            len(
                [
                    action
                    for action in first["actions"]
                    if action[5] in ("todo", "to_confirm")
                ]
            ),
            6,
        )

        self._plan("2026-03-01", partners=customers)
        self.assertEqual(self._agenda_snapshot(customers), first)
        self._plan("2026-03-01", partners=customers)
        self.assertEqual(self._agenda_snapshot(customers), first)
        # Planned one by one or all at once: the same agenda.
        for customer in customers:
            self._plan("2026-03-01", partners=customer)
        self.assertEqual(self._agenda_snapshot(customers), first)

    @freeze_time("2026-03-01")
    def test_rule6_query_count_does_not_grow_with_customers(self):
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        customers = self.env["res.partner"]
        for index in range(12):
            customer = self._create_customer(f"Customer {index:02d}")
            customers |= customer
            # A mix of situations, repeated every three customers.
            kind = index % 3
            if kind == 0:
                self._invoice(customer, 1000 + index, "2026-03-20", "2026-02-20")
            elif kind == 1:
                self._invoice(customer, 500 + index, "2026-02-10", "2026-01-10")
                self._invoice(customer, 200, "2026-02-20", "2026-01-20")
            else:
                line = self._receivable(
                    self._invoice(customer, 300 + index, "2026-01-10", "2025-12-10")
                )
                self._invoice(customer, 400, "2026-02-25", "2026-01-25")
                line.dso_status_id = dispute
        self._plan("2026-03-01", partners=customers)
        for customer in customers[1::3]:
            self._open_action(customer).action_done()
        planned = self._agenda_snapshot(customers)
        self.assertEqual(len(self._open_actions_of(customers)), 12)

        few = self._count_queries(
            lambda: self._plan("2026-03-01", partners=customers[:3])
        )
        many = self._count_queries(lambda: self._plan("2026-03-01", partners=customers))
        self.assertEqual(few, many)
        self.assertEqual(self._agenda_snapshot(customers), planned)

    def _open_actions_of(self, partners):
        return self.env["dso.collection.action"].search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", self.company.id),
                ("state", "in", ("todo", "to_confirm")),
            ]
        )

    # ------------------------------------------------------------------
    # Rule 7: specific actions whose items are all closed disappear
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_rule7_specific_action_all_items_paid_deleted_on_its_date(self):
        invoice_a = self._invoice(self.customer, 1000, "2026-02-10", "2026-01-10")
        invoice_b = self._invoice(self.customer, 400, "2026-02-20", "2026-01-20")
        paid = self._specific_action(self._receivable(invoice_a), "2026-03-10")
        unpaid = self._specific_action(self._receivable(invoice_b), "2026-03-10")
        self._pay(invoice_a, date="2026-03-05")

        self._plan("2026-03-05")
        self.assertTrue(paid.exists())
        self._plan("2026-03-09")
        self.assertTrue(paid.exists())
        self.assertEqual(paid.state, "todo")

        self._plan("2026-03-10")
        self.assertFalse(paid.exists())
        self.assertTrue(unpaid.exists())
        self.assertEqual(unpaid.state, "todo")
        self.assertEqual(self._open_actions(), unpaid)

    @freeze_time("2026-03-01")
    def test_rule7_partly_paid_specific_action_stays(self):
        invoice_a = self._invoice(self.customer, 1000, "2026-02-10", "2026-01-10")
        invoice_b = self._invoice(self.customer, 400, "2026-02-20", "2026-01-20")
        specific = self._specific_action(
            self._receivable(invoice_a | invoice_b), "2026-03-10"
        )
        self._pay(invoice_a, date="2026-03-05")
        self._pay(invoice_b, 300.0, date="2026-03-05")
        self._plan("2026-03-12")
        self.assertTrue(specific.exists())
        self.assertEqual(specific.amount_total, 100.0)

    # ------------------------------------------------------------------
    # Credit notes, partial payments, contacts
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_credit_note_lowers_balance_listed_never_leader(self):
        invoice = self._receivable(
            self._invoice(self.customer, 1000, "2026-02-20", "2026-01-20")
        )
        # The credit note is older than the invoice: it would lead if it could.
        refund = self._receivable(
            self._invoice(
                self.customer, 300, "2026-01-05", "2026-01-05", move_type="out_refund"
            )
        )
        self.assertEqual(refund.amount_residual, -300.0)
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.leader_line_id, invoice)
        self.assertEqual(
            (action.step_id, action.date), (self.step_first, date(2026, 2, 25))
        )
        self.assertEqual(action.line_ids, invoice | refund)
        self.assertEqual(action.amount_total, 700.0)
        customer = self._customer_view()
        self.assertEqual(customer.dso_balance, 700.0)
        self.assertEqual(customer.dso_leader_line_id, invoice)

    @freeze_time("2026-03-01")
    def test_credit_note_brings_balance_below_minimum(self):
        self.company.dso_minimum_amount = 800.0
        self._invoice(self.customer, 1000, "2026-02-20", "2026-01-20")
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.step_id, self.step_first)
        self._invoice(
            self.customer, 300, "2026-03-01", "2026-03-01", move_type="out_refund"
        )
        self._plan("2026-03-01")
        self.assertFalse(action.exists())
        self.assertFalse(self._open_actions())

    @freeze_time("2026-03-01")
    def test_only_credit_notes_no_leader_no_action(self):
        self._invoice(
            self.customer, 300, "2026-01-05", "2026-01-05", move_type="out_refund"
        )
        self._plan("2026-03-01")
        self.assertFalse(self._open_actions())
        self.assertFalse(self._cycles())
        customer = self._customer_view()
        self.assertFalse(customer.dso_leader_line_id)
        self.assertEqual(customer.dso_balance, -300.0)

    @freeze_time("2026-03-01")
    def test_partial_payment_leader_stays_residual_counts(self):
        invoice_a = self._invoice(self.customer, 1000, "2026-02-10", "2026-01-10")
        line_a = self._receivable(invoice_a)
        line_b = self._receivable(
            self._invoice(self.customer, 500, "2026-02-20", "2026-01-20")
        )
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.leader_line_id, line_a)
        self.assertEqual(action.amount_total, 1500.0)

        self._pay(invoice_a, 600.0, date="2026-03-02")
        self.assertEqual(line_a.amount_residual, 400.0)
        self.assertEqual(invoice_a.payment_state, "partial")
        self._plan("2026-03-02")
        self.assertEqual(self._open_action(), action)
        self.assertEqual(action.leader_line_id, line_a)
        self.assertEqual(
            (action.step_id, action.date), (self.step_first, date(2026, 2, 15))
        )
        self.assertEqual(action.line_ids, line_a | line_b)
        self.assertEqual(action.amount_total, 900.0)
        self.assertEqual(len(self._cycles()), 1)
        customer = self._customer_view()
        self.assertEqual(customer.dso_leader_line_id, line_a)
        self.assertEqual(customer.dso_balance, 900.0)

    @freeze_time("2026-03-01")
    def test_contacts_items_belong_to_the_commercial_partner(self):
        accounting = self._create_contact(self.customer, "Alice Accounting")
        buyer = self._create_contact(self.customer, "Bob Buyer")
        line_1 = self._receivable(
            self._invoice(accounting, 1000, "2026-02-20", "2026-01-20")
        )
        line_2 = self._receivable(self._invoice(buyer, 500, "2026-02-10", "2026-01-10"))
        # Planning one contact plans its company.
        self._plan("2026-03-01", partners=accounting)
        action = self._open_action()
        self.assertEqual(action.partner_id, self.customer)
        self.assertEqual(action.leader_line_id, line_2)
        self.assertEqual(
            (action.step_id, action.date), (self.step_first, date(2026, 2, 15))
        )
        self.assertEqual(action.line_ids, line_1 | line_2)
        self.assertEqual(action.user_id, self.collector)
        self.assertFalse(
            self.env["dso.collection.action"].search(
                [("partner_id", "in", (accounting | buyer).ids)]
            )
        )
        self.assertEqual(self._open_actions(), action)
        # The contacts see their company's collection.
        self.assertEqual(self._customer_view(buyer).dso_leader_line_id, line_2)
        self.assertEqual(self._customer_view(accounting).dso_balance, 1500.0)
        # A specific action created on a contact belongs to the company.
        specific = self.env["dso.collection.action"].create(
            {
                "name": "Call Bob",
                "is_specific": True,
                "partner_id": buyer.id,
                "action_type": "call",
                "date": date(2026, 3, 3),
                "line_ids": [(6, 0, line_2.ids)],
            }
        )
        self.assertEqual(specific.partner_id, self.customer)
        self.assertEqual(self._open_action().leader_line_id, line_1)

    # ------------------------------------------------------------------
    # Entry points: cron, defaults of new customers
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_cron_plans_all_customers(self):
        other = self._create_customer("Beta Industries")
        contact = self._create_contact(other, "Carol Contact")
        line_1 = self._receivable(
            self._invoice(self.customer, 1000, "2026-03-20", "2026-02-20")
        )
        line_2 = self._receivable(
            self._invoice(contact, 800, "2026-02-20", "2026-01-20")
        )
        cron = self.env.ref("dso_collection.ir_cron_dso_plan")
        cron.sudo().method_direct_trigger()

        action_1 = self._open_action()
        self.assertEqual(
            (action_1.step_id, action_1.date), (self.step_pre, date(2026, 3, 15))
        )
        self.assertEqual(action_1.line_ids, line_1)
        action_2 = self._open_action(other)
        self.assertEqual(
            (action_2.step_id, action_2.date), (self.step_first, date(2026, 2, 25))
        )
        self.assertEqual(action_2.line_ids, line_2)

        # The cron is idempotent too.
        before = self._agenda_snapshot(self.customer | other)
        self.env["dso.collection.action"]._cron_plan()
        self.assertEqual(self._agenda_snapshot(self.customer | other), before)

    def test_new_customers_get_company_defaults(self):
        standard = self.env.ref("dso_collection.dso_collection_scenario_standard")
        Partner = self.env["res.partner"].with_company(self.company)
        # A company created after the install follows the standard scenario.
        self.assertEqual(self.company.dso_default_scenario_id, standard)
        self.assertEqual(Partner.create({"name": "Before"}).dso_scenario_id, standard)

        self.company.write(
            {
                "dso_default_scenario_id": self.scenario.id,
                "dso_default_collector_id": self.collector.id,
            }
        )
        partner = Partner.create({"name": "Newcomer Ltd", "is_company": True})
        self.assertEqual(partner.dso_scenario_id, self.scenario)
        self.assertEqual(partner.dso_collector_id, self.collector)
        # A customer's own choice is kept.
        own = self._create_customer("Own Ltd")
        own.with_company(self.company).dso_scenario_id = standard
        self.assertEqual(own.with_company(self.company).dso_scenario_id, standard)

        with freeze_time("2026-03-01"):
            line = self._receivable(
                self._invoice(partner, 1000, "2026-02-20", "2026-01-20")
            )
            self._plan("2026-03-01", partners=partner)
        action = self._open_action(partner)
        self.assertEqual(action.step_id, self.step_first)
        self.assertEqual(action.user_id, self.collector)
        self.assertEqual(action.line_ids, line)
