"""The Risk menu walked in headless Chromium as the credit manager does
(static/tests/tours/dso_risk_tour.js)."""

from odoo import fields
from odoo.tests import tagged

from .common import DsoCollectionHttpCommon


@tagged("post_install", "-at_install")
class TestRiskUi(DsoCollectionHttpCommon):
    def test_risk_menu_tour(self):
        company = self.company
        company.write(
            {
                "account_use_credit_limit": True,
                "dso_credit_manager_id": self.env.ref("base.user_admin").id,
            }
        )
        self.env.ref("base.user_admin").write(
            {
                "company_ids": [fields.Command.link(company.id)],
                "company_id": company.id,
            }
        )
        today = fields.Date.context_today(self.env.user)
        over = self._create_customer("Risk Tour Over")
        near = self._create_customer("Risk Tour Near")
        late = self._create_customer("Risk Tour Late")
        self._create_item(over, 1500, today)
        self._create_item(near, 900, today)
        self._create_item(late, 500, fields.Date.subtract(today, days=130))  # class B
        over.with_company(company).credit_limit = 1000
        near.with_company(company).credit_limit = 1000
        customers = over | near | late
        Risk = self.env["dso.customer.risk"]
        Risk._dso_refresh(company, today, customers.ids)
        Risk._dso_ensure(company, late.ids).scenario_manual = False
        scenario = self._create_scenario(
            "Risk tour scenario",
            [{"name": "Call", "action_type": "call", "trigger": "due", "delay": 1}],
        )

        self.start_tour("/odoo", "dso_risk_tour", login="admin")

        over_c = over.with_company(company)
        self.assertEqual(over_c.credit_limit, 2000)
        review = self.env["dso.risk.review"].search([("partner_id", "=", over.id)])
        self.assertEqual(review.state, "done")
        rule = self.env["dso.scenario.rule"].search([("name", "=", "Late payers")])
        self.assertTrue(rule.class_b)
        late_c = late.with_company(company)
        late_c.invalidate_recordset()
        self.assertEqual(late_c.dso_scenario_id, scenario)
        self.assertEqual(late_c.dso_scenario_rule_id, rule)
        # Planned with its new scenario.
        self.assertEqual(self._open_action(late).scenario_id, scenario)

    def test_menus_fit_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search(
            [("name", "=", "dso_collection")]
        )._update_translations(["fr_FR"])
        self.env.ref("base.user_admin").lang = "fr_FR"
        self.start_tour("/odoo", "dso_menus_fit_tour", login="admin")
