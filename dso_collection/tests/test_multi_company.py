from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import DsoCollectionMultiCompanyCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(DsoCollectionMultiCompanyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The company 2 invoice is the older one: planning company 1 must not
        # see it, or it would become company 1's leader invoice.
        cls.line_1 = cls._create_item(
            cls.shared_customer, 1000, "2026-02-20", invoice_date="2026-01-20"
        )
        cls.invoice_1 = cls.line_1.move_id
        cls.line_2 = cls._create_item(
            cls.shared_customer,
            700,
            "2026-02-10",
            invoice_date="2026-01-10",
            company=cls.company_2,
        )

    def _plan_both(self, day):
        self._plan(day, partners=self.shared_customer)
        self._plan(day, partners=self.shared_customer, company=self.company_2)

    @freeze_time("2026-03-01")
    def test_planning_one_company_only_plans_its_items(self):
        self._plan("2026-03-01", partners=self.shared_customer)
        action_1 = self._open_action(self.shared_customer)
        self.assertEqual(action_1.company_id, self.company)
        self.assertEqual(action_1.leader_line_id, self.line_1)
        self.assertEqual(action_1.line_ids, self.line_1)
        self.assertEqual(action_1.step_id, self.step_first)
        self.assertEqual(action_1.date, date(2026, 2, 25))
        self.assertEqual(action_1.user_id, self.collector)
        self.assertFalse(self._open_actions(self.shared_customer, self.company_2))
        self.assertFalse(self._cycles(self.shared_customer, self.company_2))
        self.assertEqual(
            self.env["dso.collection.action"].search(
                [("partner_id", "=", self.shared_customer.id)]
            ),
            action_1,
        )

        self._plan("2026-03-01", partners=self.shared_customer, company=self.company_2)
        action_2 = self._open_action(self.shared_customer, self.company_2)
        self.assertEqual(action_2.company_id, self.company_2)
        self.assertEqual(action_2.leader_line_id, self.line_2)
        self.assertEqual(action_2.line_ids, self.line_2)
        self.assertEqual(action_2.step_id, self.step2_call)
        self.assertEqual(action_2.date, date(2026, 2, 13))
        self.assertEqual(action_2.user_id, self.collector_2)
        # Company 1's agenda did not move.
        self.assertEqual(self._open_action(self.shared_customer), action_1)
        self.assertEqual(action_1.line_ids, self.line_1)

    @freeze_time("2026-03-01")
    def test_actions_of_each_company_follow_their_own_cycle(self):
        self._plan_both("2026-03-01")
        action_1 = self._open_action(self.shared_customer)
        action_2 = self._open_action(self.shared_customer, self.company_2)
        with freeze_time("2026-03-02"):
            action_2.action_done()
        letter = self._open_action(self.shared_customer, self.company_2)
        self.assertEqual(letter.step_id, self.step2_letter)
        self.assertEqual(letter.date, date(2026, 3, 12))
        self.assertEqual(letter.line_ids, self.line_2)
        # Marking company 2's action done did not touch company 1's.
        self.assertEqual(self._open_action(self.shared_customer), action_1)
        self.assertEqual(action_1.step_id, self.step_first)

        # Paying company 1's invoice clears company 1's agenda only.
        self._pay(self.invoice_1, date="2026-03-03")
        self._plan_both("2026-03-03")
        self.assertFalse(action_1.exists())
        self.assertFalse(self._open_actions(self.shared_customer))
        self.assertEqual(
            self._open_action(self.shared_customer, self.company_2), letter
        )

    def test_company_dependent_scenario_collector_and_balance(self):
        customer_1 = self._customer_view(self.shared_customer, self.company)
        customer_2 = self._customer_view(self.shared_customer, self.company_2)
        self.assertEqual(customer_1.dso_scenario_id, self.scenario)
        self.assertEqual(customer_2.dso_scenario_id, self.scenario_2)
        self.assertEqual(customer_1.dso_collector_id, self.collector)
        self.assertEqual(customer_2.dso_collector_id, self.collector_2)
        self.assertEqual(customer_1.dso_balance, 1000.0)
        self.assertEqual(customer_2.dso_balance, 700.0)
        self.assertEqual(customer_1.dso_leader_line_id, self.line_1)
        self.assertEqual(customer_2.dso_leader_line_id, self.line_2)
        self.assertEqual(customer_1.dso_open_line_ids, self.line_1)
        self.assertEqual(customer_2.dso_open_line_ids, self.line_2)

    def test_new_customer_gets_defaults_of_each_company(self):
        self.company.write(
            {
                "dso_default_scenario_id": self.scenario.id,
                "dso_default_collector_id": self.collector.id,
            }
        )
        self.company_2.write(
            {
                "dso_default_scenario_id": self.scenario_2.id,
                "dso_default_collector_id": self.collector_2.id,
            }
        )
        partner = self.env["res.partner"].create(
            {"name": "Newcomer SA", "is_company": True}
        )
        self.assertEqual(
            partner.with_company(self.company).dso_scenario_id, self.scenario
        )
        self.assertEqual(
            partner.with_company(self.company_2).dso_scenario_id, self.scenario_2
        )
        self.assertEqual(
            partner.with_company(self.company).dso_collector_id, self.collector
        )
        self.assertEqual(
            partner.with_company(self.company_2).dso_collector_id, self.collector_2
        )

    @freeze_time("2026-03-01")
    def test_collector_reads_only_own_company_actions(self):
        self._plan_both("2026-03-01")
        action_1 = self._open_action(self.shared_customer)
        action_2 = self._open_action(self.shared_customer, self.company_2)
        Action = self.env["dso.collection.action"]

        self.assertEqual(Action.with_user(self.collector).search([]), action_1)
        self.assertEqual(Action.with_user(self.collector_2).search([]), action_2)
        self.assertEqual(
            action_1.with_user(self.collector).read(["state"])[0]["state"], "to_confirm"
        )
        with self.assertRaises(AccessError):
            action_2.with_user(self.collector).read(["state"])
        with self.assertRaises(AccessError):
            action_1.with_user(self.collector_2).read(["state"])
        with self.assertRaises(AccessError):
            action_2.with_user(self.collector).action_done()
        with self.assertRaises(AccessError):
            self.env["dso.collection.cycle"].with_user(self.collector).browse(
                action_2.cycle_id.id
            ).read(["leader_line_id"])

    @freeze_time("2026-03-01")
    def test_specific_action_refuses_items_of_another_company(self):
        vals = {
            "name": "Mixed companies",
            "is_specific": True,
            "partner_id": self.shared_customer.id,
            "company_id": self.company.id,
            "action_type": "call",
            "date": date(2026, 3, 5),
        }
        Action = self.env["dso.collection.action"]
        with self.assertRaises(ValidationError) as raised:
            Action.create(
                {**vals, "line_ids": [Command.set((self.line_1 | self.line_2).ids)]}
            )
        self.assertIn(self.line_2.display_name, str(raised.exception))
        # The items of its own company are accepted.
        specific = Action.create({**vals, "line_ids": [Command.set(self.line_1.ids)]})
        self.assertEqual(specific.line_ids, self.line_1)
        self.assertEqual(self._open_actions(self.shared_customer), specific)

    @freeze_time("2026-03-01")
    def test_cron_plans_every_company(self):
        self.env.ref("dso_collection.ir_cron_dso_plan").sudo().method_direct_trigger()
        action_1 = self._open_action(self.shared_customer)
        action_2 = self._open_action(self.shared_customer, self.company_2)
        self.assertEqual(
            (action_1.step_id, action_1.line_ids), (self.step_first, self.line_1)
        )
        self.assertEqual(
            (action_2.step_id, action_2.line_ids), (self.step2_call, self.line_2)
        )
        self.assertEqual(action_1.date, date(2026, 2, 25))
        self.assertEqual(action_2.date, date(2026, 2, 13))
