"""When an open item will be paid: its due date moved by its customer's
average delay (see ``res_partner_prediction``)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import float_round


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    dso_predicted_payment_date = fields.Date(
        string="Predicted payment",
        compute="_compute_dso_predicted_payment",
        help="Due date plus the customer's average days late over its last paid "
        "invoices, never before today; the due date when the customer has no "
        "payment history yet.",
    )
    dso_payment_explanation = fields.Char(
        string="Prediction basis",
        compute="_compute_dso_predicted_payment",
        help="The customer's payment history the predicted date comes from.",
    )

    @api.depends("date_maturity", "date", "partner_id", "company_id", "amount_residual")
    @api.depends_context("tz")
    def _compute_dso_predicted_payment(self):
        today = fields.Date.context_today(self)
        Partner = self.env["res.partner"]
        open_lines = self.filtered("id").filtered(
            lambda line: line._dso_is_open() and line.amount_residual > 0
        )
        (self - open_lines).update(
            {"dso_predicted_payment_date": False, "dso_payment_explanation": False}
        )
        # One query per company (a handful), for every customer of the lines.
        for company in open_lines.company_id:
            lines = open_lines.filtered(lambda line, c=company: line.company_id == c)
            history = Partner._dso_payment_history(
                company, lines.partner_id.commercial_partner_id.ids
            )
            for line in lines:
                stats = history.get(line.partner_id.commercial_partner_id.id)
                delay = (
                    int(float_round(stats["avg"], precision_digits=0)) if stats else 0
                )
                due = line.date_maturity or line.date
                line.dso_predicted_payment_date = max(
                    due + timedelta(days=delay), today
                )
                line.dso_payment_explanation = Partner._dso_payment_explanation(stats)
