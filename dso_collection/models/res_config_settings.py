from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dso_default_scenario_id = fields.Many2one(
        related="company_id.dso_default_scenario_id", readonly=False
    )
    dso_default_collector_id = fields.Many2one(
        related="company_id.dso_default_collector_id", readonly=False
    )
    dso_default_late_penalty = fields.Boolean(
        related="company_id.dso_default_late_penalty", readonly=False
    )
    dso_default_recovery_cost = fields.Boolean(
        related="company_id.dso_default_recovery_cost", readonly=False
    )
    dso_default_interactive_email = fields.Boolean(
        related="company_id.dso_default_interactive_email", readonly=False
    )
    dso_minimum_amount = fields.Monetary(
        related="company_id.dso_minimum_amount", readonly=False
    )
    dso_ignore_below = fields.Monetary(
        related="company_id.dso_ignore_below", readonly=False
    )
    dso_confirm_automatic = fields.Boolean(
        related="company_id.dso_confirm_automatic", readonly=False
    )
