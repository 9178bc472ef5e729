from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dso_credit_manager_id = fields.Many2one(
        related="company_id.dso_credit_manager_id", readonly=False
    )
    dso_credit_near_share = fields.Float(
        related="company_id.dso_credit_near_share", readonly=False
    )
    dso_risk_weight_delay = fields.Integer(
        related="company_id.dso_risk_weight_delay", readonly=False
    )
    dso_risk_weight_overdue = fields.Integer(
        related="company_id.dso_risk_weight_overdue", readonly=False
    )
    dso_risk_weight_disputes = fields.Integer(
        related="company_id.dso_risk_weight_disputes", readonly=False
    )
    dso_risk_weight_commitments = fields.Integer(
        related="company_id.dso_risk_weight_commitments", readonly=False
    )
    dso_risk_weight_limit = fields.Integer(
        related="company_id.dso_risk_weight_limit", readonly=False
    )
    dso_risk_class_b = fields.Integer(
        related="company_id.dso_risk_class_b", readonly=False
    )
    dso_risk_class_c = fields.Integer(
        related="company_id.dso_risk_class_c", readonly=False
    )
    dso_risk_class_d = fields.Integer(
        related="company_id.dso_risk_class_d", readonly=False
    )
    dso_review_months_a = fields.Integer(
        related="company_id.dso_review_months_a", readonly=False
    )
    dso_review_months_b = fields.Integer(
        related="company_id.dso_review_months_b", readonly=False
    )
    dso_review_months_c = fields.Integer(
        related="company_id.dso_review_months_c", readonly=False
    )
    dso_review_months_d = fields.Integer(
        related="company_id.dso_review_months_d", readonly=False
    )
