from datetime import date

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestPlannerNews(DsoCollectionCommon):
    """The daily planning plans the customers with something new since
    their last planning, and only them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"]
        cls.invoices = cls.env["account.move"]
        for index in range(3):
            customer = cls._create_customer(f"News customer {index}")
            cls.customers |= customer
            cls.invoices |= cls._create_invoice(
                customer, amount=500 + index, due_date="2026-02-20"
            )

    def _cron(self, day="2026-03-01"):
        return self.env["dso.collection.planner"]._cron_plan(
            date=date.fromisoformat(day)
        )

    @freeze_time("2026-03-01")
    def test_second_run_of_the_day_plans_nothing(self):
        self.assertEqual(self._cron(), 3)
        snapshot = self._agenda_snapshot(self.customers)
        self.assertEqual(self._cron(), 0)
        self.assertEqual(self._agenda_snapshot(self.customers), snapshot)
        states = self.env["dso.collection.plan.state"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(len(states), 3)
        self.assertEqual(set(states.mapped("plan_date")), {date(2026, 3, 1)})

    @freeze_time("2026-03-01")
    def test_each_kind_of_news_replans_its_customers(self):
        first, second, third = self.customers
        other = self._create_scenario(
            "Other scenario",
            [{"name": "Call at once", "action_type": "call", "trigger": "due"}],
        )
        self._cron()
        # A payment: only its customer, whose action goes.
        self._pay(self.invoices[0])
        self.assertEqual(self._cron(), 1)
        self.assertFalse(self._open_action(first))
        # Another scenario for a customer, in this very transaction.
        second.with_company(self.company).dso_scenario_id = other
        self.assertEqual(self._cron(), 1)
        self.assertEqual(self._open_action(second).step_id, other.step_ids)
        # A new invoice.
        self._create_invoice(third, amount=50, due_date="2026-01-10")
        self.assertEqual(self._cron(), 1)
        self.assertEqual(
            self._open_action(third).leader_line_id.move_id.amount_total, 50
        )
        # An excluding status on an item.
        self._receivable(self.invoices[2])._dso_set_status(
            self.env.ref("dso_collection.dso_item_status_dispute")
        )
        self.assertEqual(self._cron(), 1)
        # A step of the scenario changes: all its customers.
        self.step_first.delay = 6
        self.assertEqual(self._cron(), 2)
        self.assertEqual(self._cron(), 0)

    @freeze_time("2026-03-01")
    def test_an_action_done_by_hand_is_news(self):
        self._cron()
        action = self._open_action(self.customers[0])
        action.action_done()
        self.assertEqual(self._cron(), 1)
        self.assertEqual(self._open_action(self.customers[0]).step_id, self.step_call)

    @freeze_time("2026-03-01")
    def test_a_new_day_replans_only_what_the_day_changes(self):
        first, second, __ = self.customers
        self.assertEqual(self._cron(), 3)
        snapshot = self._agenda_snapshot(self.customers)
        # A new day with nothing falling due: every decision stands, nothing
        # is rewritten, not even the planning states.
        self.assertEqual(self._cron("2026-03-02"), 0)
        self.assertEqual(self._agenda_snapshot(self.customers), snapshot)
        states = self.env["dso.collection.plan.state"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(set(states.mapped("plan_date")), {date(2026, 3, 1)})
        # An invoice due on 03-05: news when it is created, then again only
        # on the day it is overdue (the day after its due date).
        self._create_invoice(first, amount=70, due_date="2026-03-05")
        self.assertEqual(self._cron("2026-03-02"), 1)
        self.assertEqual(self._cron("2026-03-05"), 0)
        self.assertEqual(self._cron("2026-03-06"), 1)
        self.assertEqual(self._cron("2026-03-06"), 0)
        # A specific action dated 03-10 whose items are paid: it goes on its
        # date (rule 7), the one day its customer is news again.
        action = self._specific_action(self._receivable(self.invoices[1]), "2026-03-10")
        self._pay(self.invoices[1])
        self.assertEqual(self._cron("2026-03-06"), 1)
        self.assertTrue(action.exists())
        self.assertEqual(self._cron("2026-03-09"), 0)
        self.assertEqual(self._cron("2026-03-10"), 1)
        self.assertFalse(action.exists())
        self.assertFalse(self._open_actions(second))

    @freeze_time("2026-03-01")
    def test_company_settings_replan_everyone(self):
        self._cron()
        self.company.dso_minimum_amount = 10_000
        self.assertEqual(self._cron(), 3)
        self.assertFalse(self._open_actions(self.customers[0]))


@tagged("post_install", "-at_install")
class TestPlannerWorkers(TransactionCase):
    """Two workers planning at once, each with its own transaction: the data
    is committed through separate cursors and deleted at the end, as in
    test_automatic_concurrency."""

    LOCK_TIMEOUT = "SET LOCAL lock_timeout = '10s'"

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute(self.LOCK_TIMEOUT)
        return cr

    def _create_committed_data(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            scenario = env["dso.collection.scenario"].create(
                {
                    "name": "Workers test scenario",
                    "company_id": company.id,
                    "step_ids": [
                        Command.create(
                            {
                                "name": "Workers call",
                                "action_type": "call",
                                "trigger": "due",
                                "delay": 5,
                            }
                        )
                    ],
                }
            )
            customers = env["res.partner"].create(
                [
                    {"name": f"Worker customer {index}", "is_company": True}
                    for index in range(4)
                ]
            )
            customers.with_company(company).dso_scenario_id = scenario
            invoices = (
                env["account.move"]
                .with_company(company)
                .create(
                    [
                        {
                            "move_type": "out_invoice",
                            "partner_id": customer.id,
                            "invoice_date": date(2026, 2, 1),
                            "invoice_date_due": date(2026, 2, 20),
                            "invoice_payment_term_id": False,
                            "invoice_line_ids": [
                                Command.create(
                                    {
                                        "name": "Consulting",
                                        "quantity": 1,
                                        "price_unit": 1000.0,
                                        "tax_ids": [Command.clear()],
                                    }
                                )
                            ],
                        }
                        for customer in customers
                    ]
                )
            )
            invoices.action_post()
            env["dso.collection.planner"]._plan(
                company, customers.ids, date(2026, 3, 1)
            )
            return {
                "company": company.id,
                "scenario": scenario.id,
                "customers": customers.ids,
                "invoices": invoices.ids,
            }

    def _delete_committed_data(self, ids):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["dso.collection.action"].search(
                [("partner_id", "in", ids["customers"])]
            ).unlink()
            env["dso.collection.cycle"].search(
                [("partner_id", "in", ids["customers"])]
            ).unlink()
            invoices = env["account.move"].browse(ids["invoices"])
            invoices.button_draft()
            invoices.with_context(force_delete=True).unlink()
            env["res.partner"].browse(ids["customers"]).unlink()
            env["dso.collection.scenario"].browse(ids["scenario"]).unlink()

    def _planned_on(self, env, ids):
        states = env["dso.collection.plan.state"].search(
            [("partner_id", "in", ids["customers"])]
        )
        return {state.partner_id.id: state.plan_date for state in states}

    @freeze_time("2026-03-02 06:00:00")
    def test_busy_customers_are_left_to_their_worker(self):
        ids = self._create_committed_data()
        self.addCleanup(self._delete_committed_data, ids)
        first, second, third, fourth = ids["customers"]
        cr_a, cr_b = self._cursor(), self._cursor()
        self.addCleanup(cr_a.close)
        self.addCleanup(cr_b.close)
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        # Worker B is planning the first customer, and a collector is
        # marking the second one's action done.
        cr_b.execute(
            "SELECT id FROM dso_collection_plan_state WHERE partner_id = %s FOR UPDATE",
            (first,),
        )
        cr_b.execute(
            "SELECT id FROM dso_collection_action WHERE partner_id = %s FOR UPDATE",
            (second,),
        )
        # Worker A plans the others, without waiting.
        planner = env_a["dso.collection.planner"].with_context(
            allowed_company_ids=[ids["company"]]
        )
        planned = planner._cron_plan(date=date(2026, 3, 2))
        self.assertGreaterEqual(planned, 2)
        planned_on = self._planned_on(env_a, ids)
        self.assertEqual(planned_on[third], date(2026, 3, 2))
        self.assertEqual(planned_on[fourth], date(2026, 3, 2))
        self.assertNotEqual(planned_on.get(first), date(2026, 3, 2))
        self.assertNotEqual(planned_on.get(second), date(2026, 3, 2))
        cr_a.commit()
        cr_b.commit()

        # Once free, the next run plans them; then there is nothing new.
        cr_a.execute(self.LOCK_TIMEOUT)
        env_a.invalidate_all()
        planner._cron_plan(date=date(2026, 3, 2))
        planned_on = self._planned_on(env_a, ids)
        self.assertEqual(
            {planned_on[customer] for customer in ids["customers"]},
            {date(2026, 3, 2)},
        )
        self.assertEqual(
            env_a["dso.collection.planner"]
            ._customers_with_news(
                env_a["res.company"].browse(ids["company"]),
                env_a["dso.collection.planner"]._fingerprint_salt(
                    env_a["res.company"].browse(ids["company"]), date(2026, 3, 2)
                ),
            )
            .keys()
            & set(ids["customers"]),
            set(),
        )
        actions = env_a["dso.collection.action"].search(
            [("partner_id", "in", ids["customers"]), ("state", "=", "todo")]
        )
        self.assertEqual(sorted(actions.partner_id.ids), sorted(ids["customers"]))
        cr_a.commit()
