"""Agree a payment plan on chosen items: instalments computed (count, first
date, period) or typed (amounts and dates)."""

from odoo import fields, models


class DsoPaymentPlanWizard(models.TransientModel):
    _name = "dso.payment.plan.wizard"
    _description = "Agree a payment plan"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.Many2many("account.move.line", string="Items")
    wizard_line_ids = fields.One2many(
        "dso.payment.plan.wizard.line", "wizard_id", string="Instalments"
    )


class DsoPaymentPlanWizardLine(models.TransientModel):
    _name = "dso.payment.plan.wizard.line"
    _description = "Instalment of a payment plan to agree"
    _order = "date, id"

    wizard_id = fields.Many2one(
        "dso.payment.plan.wizard", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
