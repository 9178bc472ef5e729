"""Demo of customer risk in the main company: Odoo's credit limits in use,
Harbor Finch over its limit (it broke its promise, too), Summit near its
limit, Atlas's limit due for review, the administrator as credit manager,
and an assignment rule that gives the Risky customers scenario to the
customers of classes C and D.

Run last: the planning of ``_demo_plan`` computed every customer's risk
before the year of paid invoices and the broken promise existed; this
second refresh reads them, so that some classes get worse (the Risk agenda
and the alerts show them); then the customers are handed to the rules,
which move the risky ones, whose agenda is planned again."""

from datetime import timedelta

from odoo import api, models

MAIN_COMPANY = "base.main_company"
# Customer: its credit limit as a share of what it owes today.
LIMITS = {
    "harbor_finch": 0.8,
    "summit": 1.1,
    "pioneer": 2.0,
    "atlas": 3.0,
    "brightwave": 2.5,
}
REVIEW_DUE = "atlas"


class DsoCollectionDemo(models.AbstractModel):
    _inherit = "dso.collection.demo"

    @api.model
    def _demo_risk(self, today):
        company = self.env.ref(MAIN_COMPANY)
        company.write(
            {
                "account_use_credit_limit": True,
                "dso_credit_manager_id": self.env.ref("base.user_admin").id,
            }
        )
        Partner = self.env["res.partner"].with_company(company)
        for name, share in LIMITS.items():
            partner = Partner.browse(
                self.env.ref("dso_collection.demo_partner_" + name).id
            )
            used = partner.dso_balance or 1000.0
            partner.credit_limit = company.currency_id.round(max(used, 1000.0) * share)
        review = self.env["dso.customer.risk"]._dso_ensure(
            company, self.env.ref("dso_collection.demo_partner_" + REVIEW_DUE).ids
        )
        review.credit_review_date = today - timedelta(days=2)
        self.env["dso.scenario.rule"].create(
            {
                "name": "Risky customers (classes C and D)",
                "company_id": company.id,
                "class_c": True,
                "class_d": True,
                "scenario_id": self.env.ref(
                    "dso_collection.dso_collection_scenario_risky"
                ).id,
            }
        )
        self.env["dso.customer.risk"]._dso_refresh(company, today)
        # The demo customers were given their scenario when created (a
        # choice by hand): the credit manager hands the main company's to
        # the rules ("Let the rules choose"), which moves the risky ones and
        # plans them again.
        customers = Partner.browse(
            self.env["dso.customer.risk"]
            .search([("company_id", "=", company.id)])
            .partner_id.ids
        )
        customers.action_dso_rules_choose()
