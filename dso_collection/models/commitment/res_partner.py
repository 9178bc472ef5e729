"""The customer's commitments: its promises and payment plans, and how
often it keeps its promises."""

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_promise_ids = fields.One2many(
        "dso.payment.promise", "partner_id", string="Promises of payment"
    )
    dso_plan_ids = fields.One2many(
        "dso.payment.plan", "partner_id", string="Payment plans"
    )
