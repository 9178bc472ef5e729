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
    dso_interactive_expiry_days = fields.Integer(
        related="company_id.dso_interactive_expiry_days", readonly=False
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
    dso_fax_gateway = fields.Char(related="company_id.dso_fax_gateway", readonly=False)
    dso_penalty_rate_type = fields.Selection(
        related="company_id.dso_penalty_rate_type", readonly=False
    )
    dso_penalty_fixed_rate = fields.Float(
        related="company_id.dso_penalty_fixed_rate", readonly=False
    )
    dso_penalty_margin = fields.Float(
        related="company_id.dso_penalty_margin", readonly=False
    )
    dso_recovery_cost_amount = fields.Monetary(
        related="company_id.dso_recovery_cost_amount", readonly=False
    )
    dso_auto_monday = fields.Boolean(
        related="company_id.dso_auto_monday", readonly=False
    )
    dso_auto_tuesday = fields.Boolean(
        related="company_id.dso_auto_tuesday", readonly=False
    )
    dso_auto_wednesday = fields.Boolean(
        related="company_id.dso_auto_wednesday", readonly=False
    )
    dso_auto_thursday = fields.Boolean(
        related="company_id.dso_auto_thursday", readonly=False
    )
    dso_auto_friday = fields.Boolean(
        related="company_id.dso_auto_friday", readonly=False
    )
    dso_auto_saturday = fields.Boolean(
        related="company_id.dso_auto_saturday", readonly=False
    )
    dso_auto_sunday = fields.Boolean(
        related="company_id.dso_auto_sunday", readonly=False
    )
    dso_auto_hour_from = fields.Float(
        related="company_id.dso_auto_hour_from", readonly=False
    )
    dso_auto_hour_to = fields.Float(
        related="company_id.dso_auto_hour_to", readonly=False
    )
    dso_hold_unmatched = fields.Boolean(
        related="company_id.dso_hold_unmatched", readonly=False
    )
    dso_bank_statement_max_days = fields.Integer(
        related="company_id.dso_bank_statement_max_days", readonly=False
    )
    dso_promise_grace_days = fields.Integer(
        related="company_id.dso_promise_grace_days", readonly=False
    )
    dso_plan_grace_days = fields.Integer(
        related="company_id.dso_plan_grace_days", readonly=False
    )
    dso_plan_scenario_id = fields.Many2one(
        related="company_id.dso_plan_scenario_id", readonly=False
    )
    dso_ack_answers = fields.Boolean(
        related="company_id.dso_ack_answers", readonly=False
    )
    dso_thank_you = fields.Boolean(related="company_id.dso_thank_you", readonly=False)
