from odoo.tests import TransactionCase, tagged

# Shipped scenarios: xml id -> (number of steps, delays in order).
SHIPPED_SCENARIOS = {
    "dso_collection.dso_collection_scenario_standard": [-5, 5, 7, 7, 10, 15],
    "dso_collection.dso_collection_scenario_risky": [-7, 1, 3, 4, 7, 10],
    "dso_collection.dso_collection_scenario_public": [-10, 15, 15, 15, 30],
}

SHIPPED_STATUSES = {
    "dso_collection.dso_item_status_promise": False,
    "dso_collection.dso_item_status_dispute": True,
    "dso_collection.dso_item_status_payment_in_progress": False,
    "dso_collection.dso_item_status_waiting_credit_note": True,
    "dso_collection.dso_item_status_not_reachable": False,
}


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """What the install leaves in a fresh database, before anyone configures."""

    def test_shipped_scenarios_start_with_a_pre_due_reminder(self):
        for xmlid, delays in SHIPPED_SCENARIOS.items():
            with self.subTest(scenario=xmlid):
                scenario = self.env.ref(xmlid)
                self.assertTrue(scenario.active)
                self.assertFalse(scenario.company_id)
                steps = scenario._get_ordered_steps()
                self.assertEqual(steps, scenario.step_ids.sorted("sequence"))
                self.assertEqual(steps.mapped("delay"), delays)
                self.assertEqual(scenario.step_count, len(delays))
                first = steps[0]
                self.assertLess(first.delay, 0)
                self.assertEqual(first.trigger, "due")
                self.assertEqual(first.action_type, "email")
                self.assertTrue(first.automatic)
                # Only the first step falls before the due date, and every
                # automatic step is an email.
                self.assertTrue(all(step.delay > 0 for step in steps[1:]))
                for step in steps.filtered("automatic"):
                    self.assertIn(
                        step.action_type,
                        ("email", "interactive_email", "internal_email"),
                    )
                self.assertEqual(steps[-1].trigger, "last_action")

    def test_shipped_statuses(self):
        statuses = self.env["dso.item.status"].search([])
        for xmlid, excludes in SHIPPED_STATUSES.items():
            with self.subTest(status=xmlid):
                status = self.env.ref(xmlid)
                self.assertIn(status, statuses)
                self.assertTrue(status.active)
                self.assertIs(status.exclude_from_scenario, excludes)
                self.assertTrue(status.action_type)
        self.assertEqual(len(statuses), 6)
        # Litigation is set by the litigation step itself: no follow-up.
        litigation = self.env.ref("dso_collection.dso_item_status_litigation")
        self.assertTrue(litigation.exclude_from_scenario)
        self.assertFalse(litigation.action_type)
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        self.assertEqual(dispute.name, "Dispute")
        self.assertTrue(dispute.exclude_from_scenario)

    def test_planning_cron(self):
        cron = self.env.ref("dso_collection.ir_cron_dso_plan")
        self.assertTrue(cron.active)
        self.assertEqual(cron.model_id.model, "dso.collection.planner")
        self.assertEqual(cron.state, "code")
        self.assertEqual(cron.code.strip(), "model._cron_plan()")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        # Its code runs on a fresh database (a missing or renamed method
        # would raise here), and the run is recorded.
        cron.sudo().lastcall = False
        cron.sudo().method_direct_trigger()
        self.assertTrue(cron.lastcall)

    def test_main_company_follows_the_standard_scenario(self):
        standard = self.env.ref("dso_collection.dso_collection_scenario_standard")
        main = self.env.ref("base.main_company")
        self.assertEqual(main.dso_default_scenario_id, standard)
        partner = (
            self.env["res.partner"].with_company(main).create({"name": "New customer"})
        )
        self.assertEqual(partner.dso_scenario_id, standard)
        for company in self.env["res.company"].search([]):
            self.assertTrue(company.dso_default_scenario_id, company.name)

    def test_groups_and_rules(self):
        collector = self.env.ref("dso_collection.group_dso_collector")
        manager = self.env.ref("dso_collection.group_dso_manager")
        self.assertIn(collector, manager.implied_ids)
        self.assertIn(
            self.env.ref("account.group_account_invoice"), collector.implied_ids
        )
        self.assertIn(self.env.ref("base.user_admin"), manager.users)
        rule = self.env.ref("dso_collection.dso_collection_action_rule_company")
        self.assertEqual(rule.model_id.model, "dso.collection.action")
        self.assertTrue(rule["global"])
