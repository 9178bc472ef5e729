from odoo import api, fields, models

# Company field holding the default -> customer field it fills.
DEFAULT_FIELDS = {
    "dso_default_scenario_id": "dso_scenario_id",
    "dso_default_collector_id": "dso_collector_id",
    "dso_default_late_penalty": "dso_late_penalty",
    "dso_default_recovery_cost": "dso_recovery_cost",
    "dso_default_interactive_email": "dso_interactive_email",
}


class ResCompany(models.Model):
    _inherit = "res.company"

    def _default_dso_scenario(self):
        return self.env.ref(
            "dso_collection.dso_collection_scenario_standard", raise_if_not_found=False
        )

    dso_default_scenario_id = fields.Many2one(
        "dso.collection.scenario",
        string="Default collection scenario",
        default=_default_dso_scenario,
        domain="[('company_id', 'in', (id, False))]",
    )
    dso_default_collector_id = fields.Many2one(
        "res.users",
        string="Default collector",
        domain="[('share', '=', False)]",
    )
    dso_default_late_penalty = fields.Boolean(
        string="Late-payment penalties by default"
    )
    dso_default_recovery_cost = fields.Boolean(string="Recovery costs by default")
    dso_default_interactive_email = fields.Boolean(
        string="Interactive emails by default"
    )
    dso_minimum_amount = fields.Monetary(
        string="Minimum amount for collection",
        currency_field="currency_id",
        help="No scenario action is planned while the customer's open balance is "
        "below this amount (specific actions still run).",
    )
    dso_ignore_below = fields.Monetary(
        string="Ignore transactions below",
        currency_field="currency_id",
        help="Open items whose residual amount is below this amount are left out of "
        "collection (rounding differences, small remainders).",
    )
    dso_confirm_automatic = fields.Boolean(
        string="Automatic actions must be confirmed",
        help="Every automatic email waits for one click of the collector before it is "
        "sent.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._dso_sync_partner_defaults()
        return companies

    def write(self, vals):
        res = super().write(vals)
        if set(DEFAULT_FIELDS) & set(vals):
            self._dso_sync_partner_defaults()
        return res

    def _dso_sync_partner_defaults(self):
        """The company's defaults are the fallback values of the customers'
        company-dependent collection fields: new customers get them, and a
        customer without its own value follows them."""
        IrDefault = self.env["ir.default"].sudo()
        for company in self:
            for company_field, partner_field in DEFAULT_FIELDS.items():
                value = company[company_field]
                if isinstance(value, models.BaseModel):
                    value = value.id
                IrDefault.set(
                    "res.partner", partner_field, value or False, company_id=company.id
                )

    @api.model
    def _dso_install_defaults(self):
        """At install: every existing company follows the standard scenario."""
        scenario = self._default_dso_scenario()
        companies = self.sudo().search([("dso_default_scenario_id", "=", False)])
        companies.write({"dso_default_scenario_id": scenario.id})
