from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

# Ratio measures, computed per group from the group's summed amounts (see
# _read_group_select): DSO-like ones are "amount / sales x days", where the
# amount is the average month-end amount over the months of the group and
# the days the calendar days those months cover.
DAYS_RATIOS = {
    "dso": "receivable_end",
    "best_dso": "not_due_end",
    "add": "overdue_net_end",
}
PERCENT_RATIOS = {
    "overdue_ratio": ("overdue_end", "receivable_end"),
    "cei": ("cei_collected", "cei_collectible"),
}


class DsoCollectionKpi(models.Model):
    """Collection KPIs: one read-only row per company, customer and month
    (the last 24 months, the current one up to today), with the amounts the
    KPIs are made of: sales, receivables at the start and the end of the
    month, and the end-of-month receivables split into not due and overdue
    by age. The ratios (DSO, best possible DSO, ADD, CEI, overdue ratio) are
    computed for any group of rows from the group's sums, so that the pivot
    and the graph show them right per collector, customer, month, quarter or
    year. The countback DSO needs the months before, month by month: the
    dashboard computes it (``dso.collection.dashboard``).

    Everything is read from the accounting: posted receivable journal items,
    their dates and due dates, and their partial reconciliations dated up to
    each month end (what was open at that date), in the company's currency.
    """

    _name = "dso.collection.kpi"
    _description = "Collection KPIs"
    _auto = False
    _order = "month desc, partner_id"
    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "balance",
            "company_id",
            "date",
            "date_maturity",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "account.partial.reconcile": ["amount", "debit_move_id", "max_date"],
        "res.partner": ["commercial_partner_id", "dso_collector_id"],
    }

    month = fields.Date(readonly=True)
    month_end = fields.Date(readonly=True, aggregator="max")
    days = fields.Integer(
        readonly=True,
        aggregator="max",
        help="Calendar days of the month (up to today for the current one).",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    sales = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Customer invoices minus credit notes of the month, taxes included.",
    )
    receivable_start = fields.Monetary(
        string="Receivables at start", currency_field="currency_id", readonly=True
    )
    receivable_end = fields.Monetary(
        string="Receivables at end",
        currency_field="currency_id",
        readonly=True,
        help="Balance of the receivable accounts at the end of the month.",
    )
    not_due_end = fields.Monetary(
        string="Not due at end", currency_field="currency_id", readonly=True
    )
    overdue_end = fields.Monetary(
        string="Overdue at end",
        currency_field="currency_id",
        readonly=True,
        help="Open invoices past their due date at the end of the month.",
    )
    overdue_net_end = fields.Monetary(
        string="Overdue net of credits",
        currency_field="currency_id",
        readonly=True,
        help="Receivables at end minus what is not due yet: the overdue "
        "invoices less the unmatched payments and credit notes.",
    )
    band_1_30 = fields.Monetary(
        string="1-30 days", currency_field="currency_id", readonly=True
    )
    band_31_60 = fields.Monetary(
        string="31-60 days", currency_field="currency_id", readonly=True
    )
    band_61_90 = fields.Monetary(
        string="61-90 days", currency_field="currency_id", readonly=True
    )
    band_90_plus = fields.Monetary(
        string="Over 90 days", currency_field="currency_id", readonly=True
    )
    cei_collected = fields.Monetary(
        string="Collected",
        currency_field="currency_id",
        readonly=True,
        help="Receivables at start + sales - receivables at end.",
    )
    cei_collectible = fields.Monetary(
        string="Collectible",
        currency_field="currency_id",
        readonly=True,
        help="Receivables at start + sales - not due at end.",
    )
    dso = fields.Float(
        string="DSO (days)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Receivables at end / sales x days of the period.",
    )
    best_dso = fields.Float(
        string="Best possible DSO (days)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Not due at end / sales x days of the period.",
    )
    add = fields.Float(
        string="Average days delinquent",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="DSO minus best possible DSO.",
    )
    overdue_ratio = fields.Float(
        string="Overdue ratio (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Overdue at end / receivables at end.",
    )
    cei = fields.Float(
        string="CEI (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Collection effectiveness index: collected / collectible.",
    )

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        first = today.replace(day=1) - relativedelta(months=23)
        return SQL(" UNION ALL ").join(
            SQL("(%s)", self._view_query(company, first, today))
            for company in self.env.companies
        )

    @api.model
    def _view_query(self, company, first_month, today):
        """The rows of one company: its customers' amounts month by month,
        with their collector and their own ratios."""
        Partner = self.env["res.partner"].with_company(company)
        return SQL(
            """
            SELECT k.id, k.month, k.month_end, k.days, k.company_id,
                   k.currency_id, k.group_id AS partner_id,
                   %(collector)s AS collector_id,
                   k.sales, k.receivable_start, k.receivable_end,
                   k.not_due_end, k.overdue_end, k.overdue_net_end,
                   k.band_1_30, k.band_31_60, k.band_61_90, k.band_90_plus,
                   k.cei_collected, k.cei_collectible,
                   k.receivable_end / %(sales)s * k.days AS dso,
                   k.not_due_end / %(sales)s * k.days AS best_dso,
                   k.overdue_net_end / %(sales)s * k.days AS add,
                   100.0 * k.overdue_end / NULLIF(k.receivable_end, 0)
                       AS overdue_ratio,
                   100.0 * k.cei_collected / NULLIF(k.cei_collectible, 0) AS cei
              FROM (%(kpi)s) k
              JOIN res_partner cp ON cp.id = k.group_id
            """,
            collector=Partner._field_to_sql("cp", "dso_collector_id"),
            kpi=self._kpi_query(company, first_month, today, "partner"),
            # No DSO without sales, nor when credit notes exceed them.
            sales=SQL("(CASE WHEN k.sales > 0 THEN k.sales END)"),
        )

    # ------------------------------------------------------------------
    # Ratios per group
    # ------------------------------------------------------------------

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        """A ratio aggregates from its group's sums, whatever the aggregate
        asked: a DSO is the average month-end amount over the months the
        group spans, divided by the group's sales, times the days those
        months cover; a percentage is 100 x sum(numerator) / sum(denominator).
        For one month it is the month's own figure."""
        if aggregate_spec != "__count":
            fname = parse_read_group_spec(aggregate_spec)[0]
            if fname in DAYS_RATIOS:
                month = self._field_to_sql(self._table, "month", query)
                month_end = self._field_to_sql(self._table, "month_end", query)
                months = SQL(
                    "(EXTRACT(YEAR FROM AGE(MAX(%(m)s), MIN(%(m)s))) * 12"
                    " + EXTRACT(MONTH FROM AGE(MAX(%(m)s), MIN(%(m)s))) + 1)",
                    m=month,
                )
                return SQL(
                    "SUM(%(amount)s) / %(months)s"
                    " / (CASE WHEN SUM(%(sales)s) > 0 THEN SUM(%(sales)s) END)"
                    " * (MAX(%(end)s) - MIN(%(m)s) + 1)",
                    amount=self._field_to_sql(self._table, DAYS_RATIOS[fname], query),
                    months=months,
                    sales=self._field_to_sql(self._table, "sales", query),
                    end=month_end,
                    m=month,
                )
            if fname in PERCENT_RATIOS:
                numerator, denominator = PERCENT_RATIOS[fname]
                return SQL(
                    "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                    self._field_to_sql(self._table, numerator, query),
                    self._field_to_sql(self._table, denominator, query),
                )
        return super()._read_group_select(aggregate_spec, query)
