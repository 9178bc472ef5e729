"""The commitments' part of the action: the instalment a payment plan's
reminder is for."""

from odoo import fields, models


class DsoCollectionAction(models.Model):
    _inherit = "dso.collection.action"

    installment_id = fields.Many2one(
        "dso.payment.plan.installment",
        string="Instalment",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
    )
    plan_id = fields.Many2one(
        related="installment_id.plan_id", string="Payment plan", store=True
    )
