"""One instalment of a payment plan."""

from odoo import api, fields, models
from odoo.tools import format_amount, format_date

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
    action_ids = fields.One2many(
        "dso.collection.action", "installment_id", string="Reminders", readonly=True
    )

    @api.depends("date", "amount", "plan_id.name")
    def _compute_display_name(self):
        for installment in self:
            installment.display_name = self.env._(
                "%(plan)s: %(amount)s on %(date)s",
                plan=installment.plan_id.name,
                amount=installment._dso_amount_text(),
                date=installment._dso_date_text(),
            )

    def _dso_amount_text(self):
        self.ensure_one()
        return format_amount(self.env, self.amount, self.currency_id)

    def _dso_date_text(self):
        self.ensure_one()
        return format_date(self.env, self.date)

    def _dso_schedule(self):
        """The plan's instalments from this one on, still unpaid: what the
        reminder of this instalment lists as the remaining schedule."""
        self.ensure_one()
        return self.plan_id.installment_ids.filtered(
            lambda other: (
                other.state != "paid" and (other.date, other.id) >= (self.date, self.id)
            )
        )
