from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestPlannerEntryPoints(DsoCollectionCommon):
    """The ways into the planner (customers, actions, the daily scheduled
    action), all through one batch loop."""

    # ------------------------------------------------------------------
    # Entry points: cron, defaults of new customers
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_cron_plans_all_customers(self):
        other = self._create_customer("Beta Industries")
        contact = self._create_contact(other, "Carol Contact")
        line_1 = self._create_item(
            self.customer, 1000, "2026-03-20", invoice_date="2026-02-20"
        )
        line_2 = self._create_item(
            contact, 800, "2026-02-20", invoice_date="2026-01-20"
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
            line = self._create_item(
                partner, 1000, "2026-02-20", invoice_date="2026-01-20"
            )
            self._plan("2026-03-01", partners=partner)
        action = self._open_action(partner)
        self.assertEqual(action.step_id, self.step_first)
        self.assertEqual(action.user_id, self.collector)
        self.assertEqual(action.line_ids, line)

    # ------------------------------------------------------------------
    # One batch loop: batches, progress, replanning inside another cron
    # ------------------------------------------------------------------

    def _customers_with_invoices(self, count):
        """``count`` customers, each with one invoice past due on 2026-03-01."""
        customers = self.env["res.partner"]
        for index in range(count):
            customer = self._create_customer(f"Batch customer {index}")
            self._create_invoice(customer, amount=100 + index, due_date="2026-02-20")
            customers |= customer
        return customers

    def _patch_batch_size(self, size):
        """Plan by batches of ``size`` customers; return the batches planned."""
        Planner = self.registry["dso.collection.planner"]
        plan_batch = Planner._plan_batch
        batches = []

        def record_batch(planner, company, partner_ids, date):
            batches.append(list(partner_ids))
            return plan_batch(planner, company, partner_ids, date)

        self.patch(Planner, "_batch_size", lambda planner: size)
        self.patch(Planner, "_plan_batch", record_batch)
        return batches

    @freeze_time("2026-03-01")
    def test_customers_planned_in_batches_like_all_at_once(self):
        customers = self._customers_with_invoices(5)
        batches = self._patch_batch_size(2)
        self._plan("2026-03-01", partners=customers)
        self.assertEqual(
            batches, [customers.ids[:2], customers.ids[2:4], customers.ids[4:]]
        )
        for customer in customers:
            action = self._open_action(customer)
            self.assertEqual(action.step_id, self.step_first)
            self.assertEqual(action.date, date(2026, 2, 25))
            self.assertEqual(action.line_ids, self._receivable(customer.invoice_ids))
        by_batches = self._agenda_snapshot(customers)

        # All at once (one batch), the agenda stays as planned by batches.
        batches.clear()
        self.patch(self.registry["dso.collection.planner"], "_batch_size", lambda p: 10)
        self._plan("2026-03-01", partners=customers)
        self.assertEqual(batches, [customers.ids])
        self.assertEqual(self._agenda_snapshot(customers), by_batches)

    @freeze_time("2026-03-01")
    def test_cron_reports_its_progress_batch_by_batch(self):
        customers = self._customers_with_invoices(3)
        batches = self._patch_batch_size(2)
        IrCron = self.registry["ir.cron"]
        notify_progress = IrCron._notify_progress
        notified = []

        def record_progress(cron, *, done, remaining, deactivate=False):
            notified.append((done, remaining))
            return notify_progress(
                cron, done=done, remaining=remaining, deactivate=deactivate
            )

        self.patch(IrCron, "_notify_progress", record_progress)
        cron = self.env.ref("dso_collection.ir_cron_dso_plan").sudo()
        cron.method_direct_trigger()

        self.assertEqual(batches, [customers.ids[:2], customers.ids[2:]])
        self.assertEqual(notified, [(2, 1), (3, 0)])
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", cron.id)], order="id desc", limit=1
        )
        self.assertEqual((progress.done, progress.remaining), (3, 0))
        for customer in customers:
            self.assertEqual(self._open_action(customer).step_id, self.step_first)

    @freeze_time("2026-03-01")
    def test_replanning_inside_another_scheduled_action_leaves_its_progress(self):
        """An action done while the sending cron runs replans its customer:
        that replanning must not report progress for (nor commit) the cron
        that is running."""
        self._create_invoice(self.customer, amount=1000, due_date="2026-02-20")
        cron = self.env.ref("dso_collection.ir_cron_dso_send_automatic").sudo()
        cron, progress = cron._add_progress()
        progress.write({"done": 4, "remaining": 96})
        self.customer.with_context(ir_cron_progress_id=progress.id)._dso_plan(
            date=date(2026, 3, 1)
        )
        first = self._open_action()
        self.assertEqual(first.step_id, self.step_first)
        first.with_context(ir_cron_progress_id=progress.id).action_done()
        self.assertEqual(self._open_action().step_id, self.step_call)
        self.assertEqual((progress.done, progress.remaining), (4, 96))

    @freeze_time("2026-03-01")
    def test_cron_plan_of_the_action_model_is_the_planners(self):
        """The scheduled action's code (dso.collection.action._cron_plan, the
        public API) plans through the planner."""
        self._create_invoice(self.customer, amount=1000, due_date="2026-02-20")
        batches = self._patch_batch_size(1000)
        self.env["dso.collection.action"]._cron_plan()
        self.assertEqual(batches, [self.customer.ids])
        self.assertEqual(self._open_action().step_id, self.step_first)
