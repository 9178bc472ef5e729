from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang


class DsoReferenceRate(models.Model):
    """Reference interest rate by half-year (e.g. the ECB main refinancing
    rate in force on 1 January and 1 July), used for late-payment interest
    when the company charges "reference rate + margin"."""

    _name = "dso.reference.rate"
    _description = "Late-payment reference rate"
    _order = "date_from desc"

    date_from = fields.Date(
        string="Valid from",
        required=True,
        help="First day of the half-year (1 January or 1 July).",
    )
    rate = fields.Float(
        string="Rate (%)", required=True, digits=(16, 4), help="Annual rate in percent."
    )
    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty for a rate shared by all companies (the ECB rate).",
    )

    _sql_constraints = [
        (
            "date_company_uniq",
            "unique(date_from, company_id)",
            "There is already a reference rate for this half-year.",
        ),
    ]

    @api.depends("date_from", "rate")
    def _compute_name(self):
        for rate in self:
            rate.name = self.env._(
                "%(rate)s %% from %(date)s",
                rate=formatLang(self.env, rate.rate),
                date=rate.date_from and fields.Date.to_string(rate.date_from),
            )

    @api.constrains("date_from")
    def _check_half_year(self):
        for rate in self:
            if (rate.date_from.month, rate.date_from.day) not in ((1, 1), (7, 1)):
                raise ValidationError(
                    self.env._(
                        "The reference rate valid from %(date)s must start a "
                        "half-year: set its date to 1 January or 1 July.",
                        date=fields.Date.to_string(rate.date_from),
                    )
                )

    @api.model
    def _get_periods(self, company, date_start, date_end):
        """Split [date_start, date_end) into (start, end, rate) pieces, each
        with the reference rate in force; rates of the company win over
        shared ones. A period before the first known rate has rate 0 and is
        reported by the caller."""
        rates = self.search(
            [("company_id", "in", (company.id, False)), ("date_from", "<", date_end)],
            order="date_from",
        )
        by_date = {}
        for rate in rates:  # company rates come after shared ones for a date
            if rate.date_from not in by_date or rate.company_id:
                by_date[rate.date_from] = rate.rate
        starts = sorted(by_date)
        periods = []
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else date_end
            piece_start, piece_end = max(start, date_start), min(end, date_end)
            if piece_start < piece_end:
                periods.append((piece_start, piece_end, by_date[start]))
        return periods
