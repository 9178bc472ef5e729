"""One instalment of a payment plan."""

from odoo import fields, models

INSTALLMENT_STATES = [("open", "Open"), ("paid", "Paid"), ("late", "Late")]


class DsoPaymentPlanInstallment(models.Model):
    _name = "dso.payment.plan.installment"
    _description = "Payment plan instalment"
    _order = "plan_id, date, id"

    plan_id = fields.Many2one(
        "dso.payment.plan", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    state = fields.Selection(INSTALLMENT_STATES, required=True, default="open")
