from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DsoCollectionMultiCompanyCommon

SHIPPED = "dso_collection.dso_collection_scenario_standard"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestSeedGaps(DsoCollectionMultiCompanyCommon):
    """What the seed product did that we add: bulk assignment of scenario
    and collector, templates required on letter/fax/SMS steps, shipped
    scenarios added again, confirmation of automatic emails by default."""

    # Bulk assignment ----------------------------------------------------

    def _assign_wizard(self, model, records, **vals):
        return (
            self.env["dso.assign.wizard"]
            .with_context(active_model=model, active_ids=records.ids)
            .create(vals)
        )

    def test_bulk_assign_from_customers_to_collect(self):
        other = self._create_customer("Beta Ltd")
        for partner in (self.customer, other):
            self._create_invoice(partner, amount=500, due_date="2026-02-01")
        new_scenario = self._create_scenario(
            "Calls only",
            [{"name": "Call", "action_type": "call", "trigger": "due", "delay": 2}],
        )
        new_collector = self._create_collector("dso_collector_new", "Nina New")
        rows = self.env["dso.collection.customer"].search(
            [("partner_id", "in", (self.customer | other).ids)]
        )
        self.assertEqual(rows.partner_id, self.customer | other)
        wizard = self._assign_wizard(
            "dso.collection.customer",
            rows,
            scenario_id=new_scenario.id,
            collector_id=new_collector.id,
        )
        self.assertEqual(wizard.company_id, self.company)
        self.assertEqual(wizard.partner_count, 2)
        wizard.action_assign()
        for customer in (self.customer, other):
            partner = customer.with_company(self.company)
            self.assertEqual(partner.dso_scenario_id, new_scenario)
            self.assertEqual(partner.dso_collector_id, new_collector)
            # Replanned with the new scenario.
            action = self._open_action(partner)
            self.assertEqual(action.step_id, new_scenario.step_ids)
            self.assertEqual(str(action.date), "2026-02-03")
        # Company-dependent: the shared customer keeps its settings in company 2.
        shared = self.shared_customer.with_company(self.company_2)
        self.assertEqual(shared.dso_scenario_id, self.scenario_2)

    def test_bulk_assign_from_contacts_one_field_only(self):
        new_collector = self._create_collector("dso_collector_new", "Nina New")
        wizard = self._assign_wizard(
            "res.partner",
            self.customer | self.shared_customer,
            collector_id=new_collector.id,
        )
        wizard.action_assign()
        for customer in (self.customer, self.shared_customer):
            partner = customer.with_company(self.company)
            self.assertEqual(partner.dso_collector_id, new_collector)
            # Scenario left empty in the wizard: unchanged.
            self.assertEqual(partner.dso_scenario_id, self.scenario)
        self.assertEqual(
            self.shared_customer.with_company(self.company_2).dso_collector_id,
            self.collector_2,
        )

    def test_bulk_assign_refused(self):
        wizard = self._assign_wizard("res.partner", self.customer)
        with self.assertRaisesRegex(UserError, "Choose a scenario, a collector"):
            wizard.action_assign()
        wizard.scenario_id = self.scenario_2
        with self.assertRaisesRegex(
            UserError, "Scenario Company 2 scenario belongs to company_2"
        ):
            wizard.action_assign()
        wizard.write({"scenario_id": False, "collector_id": self.collector_2.id})
        with self.assertRaisesRegex(UserError, "Carl Collector cannot collect for"):
            wizard.action_assign()
        self.assertEqual(
            self.customer.with_company(self.company).dso_collector_id, self.collector
        )

    # Templates required ---------------------------------------------------

    def test_step_without_template_refused(self):
        for action_type, label in (
            ("letter", "Letter"),
            ("registered_letter", "Registered letter"),
            ("fax", "Fax"),
            ("litigation", "Litigation"),
            ("sms", "SMS"),
        ):
            with self.subTest(action_type=action_type):
                with self.assertRaises(ValidationError) as error:
                    self._create_scenario(
                        "No template",
                        [
                            {
                                "name": "Blank step",
                                "action_type": action_type,
                                "trigger": "due",
                                "delay": 5,
                            }
                        ],
                    )
                self.assertEqual(
                    str(error.exception),
                    "Step “Blank step” of scenario “No template” has no template: a "
                    f"step of type “{label}” prints or sends its template. Choose a "
                    "template for the step.",
                )
        # An SMS step needs an SMS template, not an email one.
        with self.assertRaises(ValidationError):
            self.step_call.write(
                {
                    "action_type": "sms",
                    "mail_template_id": self.env.ref(
                        "dso_collection.mail_template_dso_first_reminder"
                    ).id,
                }
            )
        # Removing the template of a letter step is refused too.
        with self.assertRaises(ValidationError):
            self.step_notice.mail_template_id = False
        # Calls need no template.
        self.step_call.action_type = "call"
        self.assertFalse(self.step_call.mail_template_id)

    # Shipped scenarios ----------------------------------------------------

    def test_restore_shipped_scenario(self):
        shipped = self.env.ref(SHIPPED)
        # The shipped scenario was edited: renamed, a step removed, a delay changed.
        shipped.name = "Our standard"
        shipped.step_ids.sorted("sequence")[0].delay = -20
        shipped.step_ids.sorted("sequence")[-1].unlink()
        wizard = self.env["dso.scenario.restore.wizard"].create(
            {"shipped_scenario": SHIPPED}
        )
        self.assertIn(
            (SHIPPED, "Standard"),
            wizard._fields["shipped_scenario"]._description_selection(self.env),
        )
        result = wizard.action_restore()
        fresh = self.env["dso.collection.scenario"].browse(result["res_id"])
        self.assertEqual(fresh.name, "Standard (shipped)")
        self.assertNotEqual(fresh, shipped)
        self.assertFalse(fresh.company_id)
        steps = fresh._get_ordered_steps()
        self.assertEqual(
            [(s.name, s.action_type, s.trigger, s.delay) for s in steps],
            [
                ("Friendly reminder before due date", "email", "due", -5),
                ("First reminder", "email", "due", 5),
                ("Phone call", "call", "last_action", 7),
                ("Second reminder", "email", "last_action", 7),
                ("Formal notice", "registered_letter", "last_action", 10),
                ("Litigation hand-over", "litigation", "last_action", 15),
            ],
        )
        self.assertEqual(
            steps[0].mail_template_id,
            self.env.ref("dso_collection.mail_template_dso_friendly_reminder"),
        )
        self.assertEqual(
            steps[5].mail_template_id,
            self.env.ref("dso_collection.mail_template_dso_litigation"),
        )
        self.assertEqual(
            [(s.automatic, s.to_confirm) for s in steps],
            [(True, True), (True, True), (False, False), (True, True)]
            + [(False, False)] * 2,
        )
        # The edited one is left as it is.
        self.assertEqual(shipped.name, "Our standard")
        self.assertEqual(len(shipped.step_ids), 5)

    def test_restore_shipped_scenario_lists_every_shipped_one(self):
        definitions = self.env["dso.collection.scenario"]._dso_shipped_definitions()
        self.assertEqual(
            {xmlid: (d["name"], len(d["steps"])) for xmlid, d in definitions.items()},
            {
                SHIPPED: ("Standard", 6),
                "dso_collection.dso_collection_scenario_risky": (
                    "Risky customers",
                    6,
                ),
                "dso_collection.dso_collection_scenario_public": ("Public sector", 5),
                "dso_collection.dso_collection_scenario_payment_plan": (
                    "Payment plan",
                    2,
                ),
            },
        )
        # Also when the shipped record itself was deleted.
        public = self.env.ref("dso_collection.dso_collection_scenario_public")
        public.unlink()
        fresh = self.env["dso.collection.scenario"]._dso_restore_shipped(
            "dso_collection.dso_collection_scenario_public"
        )
        self.assertEqual(fresh.name, "Public sector (shipped)")
        self.assertEqual(fresh.step_count, 5)
        with self.assertRaisesRegex(UserError, "is not a shipped collection scenario"):
            self.env["dso.collection.scenario"]._dso_restore_shipped(
                "base.main_company"
            )

    # Confirmation by default ----------------------------------------------

    def test_automatic_actions_confirmed_by_default(self):
        # A new company, and the company that existed at install.
        company = self.env["res.company"].create({"name": "Fresh Co"})
        self.assertTrue(company.dso_confirm_automatic)
        self.assertTrue(self.env.ref("base.main_company").dso_confirm_automatic)
        # Every automatic email of the shipped scenarios is to be confirmed.
        steps = self.env["dso.collection.step"].search(
            [("automatic", "=", True), ("scenario_id.name", "!=", "Test scenario")]
        )
        shipped_steps = steps.filtered(
            lambda step: step.scenario_id.get_external_id()[step.scenario_id.id]
        )
        self.assertEqual(len(shipped_steps), 9)
        self.assertTrue(all(shipped_steps.mapped("to_confirm")))
        # With the company setting on, an automatic email of a step that is
        # not to be confirmed waits for the collector all the same.
        self.company.dso_confirm_automatic = True
        self.step_pre.to_confirm = False
        self._create_invoice(self.customer, amount=500, due_date="2026-03-04")
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.step_id, self.step_pre)
        self.assertEqual(action.state, "to_confirm")
        self.assertTrue(action.to_confirm)
