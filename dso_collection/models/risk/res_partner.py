"""The customer's risk on its sheet: its credit limit in use, its class and
score, its review date, who chose its scenario; and what changing them by
hand means (a limit changed gets a new review date, a scenario chosen by
hand is left alone by the rules)."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import float_compare

from .dso_risk_score_mixin import RISK_CLASSES

CREDIT_STATES = [
    ("none", "No limit"),
    ("ok", "Within its limit"),
    ("near", "Near its limit"),
    ("over", "Over its limit"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_public_sector = fields.Boolean(
        string="Public sector",
        help="A public body (administration, local authority, hospital ...): "
        "scenario rules can choose its scenario apart.",
    )
    dso_credit_limit = fields.Monetary(
        string="Credit limit in use",
        compute="_compute_dso_credit",
        currency_field="dso_currency_id",
        help="Odoo's credit limit of the customer in the current company, when "
        "the company uses credit limits (Accounting settings, Sales Credit "
        "Limit); 0: no limit.",
    )
    dso_credit_limit_on = fields.Boolean(
        string="Company uses credit limits", compute="_compute_dso_credit"
    )
    dso_credit_to_invoice = fields.Monetary(
        string="Orders to invoice",
        compute="_compute_dso_credit",
        currency_field="dso_currency_id",
        help="Confirmed sale orders not invoiced yet, as of the last risk refresh "
        "(with the Sales app).",
    )
    dso_credit_used = fields.Monetary(
        string="Credit used",
        compute="_compute_dso_credit",
        currency_field="dso_currency_id",
        help="Open balance plus orders to invoice.",
    )
    dso_credit_share = fields.Float(
        string="Limit used (%)",
        compute="_compute_dso_credit",
        digits=(16, 0),
    )
    dso_credit_state = fields.Selection(
        CREDIT_STATES, string="Credit", compute="_compute_dso_credit"
    )
    dso_risk_class = fields.Selection(
        RISK_CLASSES, string="Risk class", compute="_compute_dso_risk"
    )
    dso_risk_score = fields.Integer(string="Risk score", compute="_compute_dso_risk")
    dso_risk_explanation = fields.Char(
        string="Risk explanation", compute="_compute_dso_risk"
    )
    dso_credit_review_date = fields.Date(
        string="Credit limit review", compute="_compute_dso_risk"
    )
    dso_scenario_manual = fields.Boolean(
        string="Scenario chosen by hand", compute="_compute_dso_risk"
    )
    dso_scenario_rule_id = fields.Many2one(
        "dso.scenario.rule", string="Scenario set by rule", compute="_compute_dso_risk"
    )
    dso_risk_history_ids = fields.One2many(
        "dso.risk.history",
        "partner_id",
        string="Risk history",
        domain=lambda self: [("company_id", "=", self.env.company.id)],
    )

    @api.depends_context("company", "tz")
    @api.depends("credit_limit")
    def _compute_dso_credit(self):
        company = self.env.company
        uses_limit = company._dso_uses_credit_limit()
        risks = self._dso_risks()
        for partner in self:
            customer = partner.commercial_partner_id
            risk = risks.get(customer.id)
            limit = customer.credit_limit if uses_limit else 0.0
            to_invoice = risk.credit_to_invoice if risk else 0.0
            used = partner.dso_balance + to_invoice
            share = 100.0 * used / limit if limit > 0 and used > 0 else 0.0
            partner.dso_credit_limit = limit
            partner.dso_credit_limit_on = uses_limit
            partner.dso_credit_to_invoice = to_invoice
            partner.dso_credit_used = used
            partner.dso_credit_share = share
            partner.dso_credit_state = self._dso_credit_state(company, limit, used)

    @api.model
    def _dso_credit_state(self, company, limit, used):
        """none, ok, near or over: the one rule of the sheet and of Customers
        to collect (``dso.collection.customer``)."""
        if limit <= 0:
            return "none"
        if (
            float_compare(used, limit, precision_rounding=company.currency_id.rounding)
            > 0
        ):
            return "over"
        if 100.0 * used / limit > company.dso_credit_near_share:
            return "near"
        return "ok"

    @api.depends_context("company")
    def _compute_dso_risk(self):
        risks = self._dso_risks()
        for partner in self:
            risk = risks.get(partner.commercial_partner_id.id)
            partner.dso_risk_class = risk.risk_class if risk else False
            partner.dso_risk_score = risk.risk_score if risk else 0
            partner.dso_risk_explanation = risk.risk_explanation if risk else False
            partner.dso_credit_review_date = risk.credit_review_date if risk else False
            partner.dso_scenario_manual = risk.scenario_manual if risk else False
            partner.dso_scenario_rule_id = risk.scenario_rule_id if risk else False

    def _dso_risks(self):
        """The risk rows of these customers in the current company, by
        commercial partner id (one query)."""
        customers = self.filtered("id").commercial_partner_id
        if not customers:
            return {}
        return {
            risk.partner_id.id: risk
            for risk in self.env["dso.customer.risk"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.env.company.id),
                    ("partner_id", "in", customers.ids),
                ]
            )
        }

    # ------------------------------------------------------------------
    # Changed by hand
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if self.env.context.get("dso_rule_assignment"):
            return partners
        # A scenario or collector chosen in the new customer's form (the form
        # sends empty fields too: only those given a value count).
        chosen = partners.browse(
            partner.id
            for partner, vals in zip(partners, vals_list, strict=True)
            if (vals.get("dso_scenario_id") or vals.get("dso_collector_id"))
            and partner == partner.commercial_partner_id
        )
        if chosen:
            self.env["dso.customer.risk"].sudo()._dso_ensure(
                self.env.company, chosen.ids
            ).write({"scenario_manual": True})
        return partners

    def write(self, vals):
        result = super().write(vals)
        customers = self.filtered(
            lambda partner: partner == partner.commercial_partner_id
        )
        if not customers:
            return result
        if "credit_limit" in vals:
            customers._dso_limit_changed()
        if ("dso_scenario_id" in vals or "dso_collector_id" in vals) and not (
            self.env.context.get("dso_rule_assignment")
        ):
            risks = (
                self.env["dso.customer.risk"]
                .sudo()
                ._dso_ensure(self.env.company, customers.ids)
            )
            risks.write({"scenario_manual": True})
        return result

    def _dso_limit_changed(self):
        """A credit limit changed by hand in the current company: its next
        review after the months of the customer's class (Settings)."""
        company = self.env.company
        today = fields.Date.context_today(self)
        risks = self.env["dso.customer.risk"].sudo()._dso_ensure(company, self.ids)
        for risk in risks:
            limit = risk.partner_id.with_company(company).credit_limit
            months = company._dso_review_months(risk.risk_class)
            risk.write(
                {
                    "credit_review_date": today + relativedelta(months=months)
                    if limit > 0
                    else False,
                    "credit_limit_reviewed": limit,
                }
            )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_dso_refresh_risk(self):
        """Button: compute the customer's risk now (its class, its orders to
        invoice, its review date), then apply the scenario rules to it."""
        customers = self.commercial_partner_id
        company = self.env.company
        today = fields.Date.context_today(self)
        self.env["dso.customer.risk"]._dso_refresh(company, today, customers.ids)
        changes = self.env["dso.scenario.rule"]._dso_apply_rules(
            company, today, customers.ids
        )
        moved = customers.browse({change.partner_id for change in changes})
        if moved:
            moved._dso_plan()
        return self._dso_notification(
            self.env._("Risk refreshed"),
            "\n".join(
                customer.with_company(company).dso_risk_explanation or customer.name
                for customer in customers[:5]
            ),
        )

    def action_dso_rules_choose(self):
        """Button: the scenario and collector are chosen by the rules again
        (not by hand), applied now."""
        customers = self.commercial_partner_id
        company = self.env.company
        risks = self.env["dso.customer.risk"].sudo()._dso_ensure(company, customers.ids)
        risks.write({"scenario_manual": False})
        today = fields.Date.context_today(self)
        self.env["dso.customer.risk"]._dso_refresh(company, today, customers.ids)
        changes = self.env["dso.scenario.rule"]._dso_apply_rules(
            company, today, customers.ids
        )
        moved = customers.browse({change.partner_id for change in changes})
        if moved:
            moved._dso_plan()
        return self._dso_notification(
            self.env._("Scenario by rules"), self._dso_next_action_message()
        )
