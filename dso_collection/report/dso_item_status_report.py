from odoo import api, fields, models
from odoo.tools import SQL

AGE_BANDS = [
    ("1_30", "1-30 days late"),
    ("31_60", "31-60 days late"),
    ("61_90", "61-90 days late"),
    ("90_plus", "Over 90 days late"),
]

# Rates are shares of the rows they group, not sums or averages of per-row
# values: read_group computes them from their numerator and denominator.
RATE_FIELDS = {
    "item_rate": ("qualified_count", "item_count"),
    "amount_rate": ("qualified_amount", "amount_overdue"),
}


class DsoItemStatusReport(models.Model):
    """Item status report: one read-only row per overdue open item, with its
    customer, collector, status and age band, to measure the qualification
    rate (the share of overdue items, and of the overdue amount, that carry a
    status) by collector, customer, status and age band.

    A query, not a stored table: it is the planner's open items (the ones the
    collectors see: above "ignore transactions below") that are overdue on
    the user's today, read by PostgreSQL when the report is read. Today is the
    Python one (``fields.Date.context_today``), passed as a parameter, so the
    days late follow the user's timezone (and a frozen clock in the tests)
    rather than the database's ``CURRENT_DATE``.
    """

    _name = "dso.item.status.report"
    _inherit = ["dso.report.mixin"]
    _description = "Item status report"
    _auto = False
    _rec_name = "line_id"
    _order = "due_date, id"
    # A rate aggregates as the share of its group: for the item rate it
    # equals the average of the rows' 0 or 100; the amount rate weighs each
    # item by its amount, which an average would not.
    _dso_percent_ratios = RATE_FIELDS
    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "company_id",
            "date",
            "date_maturity",
            "dso_status_id",
            "move_id",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "res.partner": ["commercial_partner_id", "dso_collector_id"],
    }

    line_id = fields.Many2one("account.move.line", string="Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    status_id = fields.Many2one("dso.item.status", readonly=True)
    is_qualified = fields.Boolean(
        string="Qualified", readonly=True, help="The item carries a status."
    )
    due_date = fields.Date(readonly=True)
    days_late = fields.Integer(readonly=True, aggregator="max")
    age_band = fields.Selection(AGE_BANDS, readonly=True)
    amount_overdue = fields.Monetary(
        string="Amount overdue",
        currency_field="currency_id",
        readonly=True,
        help="Residual amount of the item, in the company's currency.",
    )
    qualified_amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Amount overdue of the items that carry a status.",
    )
    item_count = fields.Integer(string="Overdue items", readonly=True)
    qualified_count = fields.Integer(string="Qualified items", readonly=True)
    item_rate = fields.Float(
        string="Item rate (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Share of the overdue items that carry a status.",
    )
    amount_rate = fields.Float(
        string="Amount rate (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Share of the overdue amount that carries a status.",
    )

    @api.model
    def _company_query(self, company, today):
        """The rows of one company: its open items overdue on ``today``, above
        "ignore transactions below" (the items of the planner's
        ``_open_items_query`` that are overdue), read straight from the
        journal items: the report needs neither the planner's exclusion
        flags nor its other items."""
        Line = self.env["account.move.line"]
        Partner = self.env["res.partner"].with_company(company)
        qualified = SQL("aml.dso_status_id IS NOT NULL")
        due = SQL("COALESCE(aml.date_maturity, aml.date)")
        days_late = SQL("(%s::date - %s)", today, due)
        return SQL(
            """
            SELECT aml.id AS id,
                   aml.id AS line_id,
                   aml.move_id AS move_id,
                   who.commercial_partner_id AS partner_id,
                   %(company)s AS company_id,
                   %(currency)s AS currency_id,
                   who.collector_id AS collector_id,
                   aml.dso_status_id AS status_id,
                   %(qualified)s AS is_qualified,
                   %(due)s AS due_date,
                   %(days_late)s AS days_late,
                   CASE WHEN %(days_late)s <= 30 THEN '1_30'
                        WHEN %(days_late)s <= 60 THEN '31_60'
                        WHEN %(days_late)s <= 90 THEN '61_90'
                        ELSE '90_plus'
                   END AS age_band,
                   aml.amount_residual AS amount_overdue,
                   CASE WHEN %(qualified)s THEN aml.amount_residual ELSE 0 END
                       AS qualified_amount,
                   1 AS item_count,
                   CASE WHEN %(qualified)s THEN 1 ELSE 0 END AS qualified_count,
                   CASE WHEN %(qualified)s THEN 100.0 ELSE 0.0 END AS item_rate,
                   CASE WHEN %(qualified)s THEN 100.0 ELSE 0.0 END AS amount_rate
              FROM account_move_line aml
              -- Each partner's customer and collector, worked out once per
              -- partner rather than once per item (OFFSET 0 keeps it apart).
              JOIN (SELECT lp.id, lp.commercial_partner_id,
                           %(collector)s AS collector_id
                      FROM res_partner lp
                      JOIN res_partner p ON p.id = lp.commercial_partner_id
                    OFFSET 0) AS who ON who.id = aml.partner_id
             WHERE aml.company_id = %(company)s
               AND %(overdue)s
               AND ABS(aml.amount_residual) >= %(ignore_below)s
            """,
            company=company.id,
            currency=company.currency_id.id,
            collector=Partner._field_to_sql("p", "dso_collector_id"),
            qualified=qualified,
            due=due,
            days_late=days_late,
            # The receivable accounts read first (see _dso_open_sql).
            overdue=Line._dso_overdue_sql(
                SQL("aml"), today, account_ids=Line._dso_receivable_account_ids()
            ),
            ignore_below=company.dso_ignore_below or 0.0,
        )

    @api.model
    def _get_qualification_figures(self, domain):
        """Counts, amounts and rates of the overdue items of ``domain`` (in
        the allowed companies, the record rules applying)."""
        [(count, qualified, amount, qualified_amount, item_rate, amount_rate)] = (
            self._read_group(
                domain,
                aggregates=[
                    "item_count:sum",
                    "qualified_count:sum",
                    "amount_overdue:sum",
                    "qualified_amount:sum",
                    "item_rate:avg",
                    "amount_rate:avg",
                ],
            )
        )
        return {
            "item_count": count or 0,
            "qualified_count": qualified or 0,
            "amount_overdue": amount or 0.0,
            "qualified_amount": qualified_amount or 0.0,
            "item_rate": item_rate if count else None,
            "amount_rate": amount_rate if amount else None,
        }

    @api.model
    def _get_dashboard_figures(self, company, today, limit):
        """The dashboard's figures of ``company`` on ``today`` in one
        query: the qualification figures of its overdue items (as
        ``_get_qualification_figures`` of the company's rows) and its
        ``limit`` customers with the most overdue, ``[(partner id, amount
        overdue, days late of the latest item)]``, most overdue first.

        The rows are the report's own (``_company_query``), read once
        rather than by two ``_read_group`` over the report (each one
        recomputing every overdue item); the rates are computed from the
        same sums, with the same SQL, as the report's aggregates. The
        report's only record rule keeps the rows of the allowed companies:
        the current company's are all of them.
        """
        self.check_access("read")
        self.env["account.move.line"].flush_model()
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH per_customer AS (
                    SELECT r.partner_id,
                           SUM(r.item_count) AS item_count,
                           SUM(r.qualified_count) AS qualified_count,
                           SUM(r.amount_overdue) AS amount_overdue,
                           SUM(r.qualified_amount) AS qualified_amount,
                           MAX(r.days_late) AS days_late
                      FROM (%(rows)s) r
                     GROUP BY r.partner_id
                ),
                total AS (
                    -- counts stay integers, as the report's sums are
                    SELECT SUM(item_count)::bigint AS item_count,
                           SUM(qualified_count)::bigint AS qualified_count,
                           SUM(amount_overdue) AS amount_overdue,
                           SUM(qualified_amount) AS qualified_amount
                      FROM per_customer
                ),
                top AS (
                    SELECT partner_id, amount_overdue, days_late
                      FROM per_customer
                     ORDER BY amount_overdue DESC, partner_id
                     LIMIT %(limit)s
                )
                SELECT t.item_count, t.qualified_count, t.amount_overdue,
                       t.qualified_amount,
                       100.0 * t.qualified_count / NULLIF(t.item_count, 0),
                       100.0 * t.qualified_amount / NULLIF(t.amount_overdue, 0),
                       top.partner_id, top.amount_overdue, top.days_late
                  FROM total t
                  LEFT JOIN top ON TRUE
                 ORDER BY top.amount_overdue DESC, top.partner_id
                """,
                rows=self._company_query(company, today),
                limit=limit,
            )
        )
        rows = self.env.cr.fetchall()
        count, qualified, amount, qualified_amount, item_rate, amount_rate = rows[0][:6]
        figures = {
            "item_count": count or 0,
            "qualified_count": qualified or 0,
            "amount_overdue": amount or 0.0,
            "qualified_amount": qualified_amount or 0.0,
            "item_rate": item_rate if count else None,
            "amount_rate": amount_rate if amount else None,
        }
        top = [tuple(row[6:]) for row in rows if row[6] is not None]
        return figures, top

    @api.model
    def get_qualification_rate(self):
        """The qualification rates the agenda shows: of every overdue item of
        the allowed companies (``all``), and of the current user's customers
        (``mine``). A rate is ``None`` when there is no overdue item. One
        read of the report, by collector: the agenda's banner asks for it
        each time the agenda opens."""
        groups = self._read_group(
            [],
            groupby=["collector_id"],
            aggregates=[
                "item_count:sum",
                "qualified_count:sum",
                "amount_overdue:sum",
                "qualified_amount:sum",
            ],
        )
        mine = [group for group in groups if group[0].id == self.env.uid]
        return {
            "all": self._qualification_figures(groups),
            "mine": self._qualification_figures(mine),
        }

    @api.model
    def _qualification_figures(self, groups):
        """The figures of ``_get_qualification_figures`` from the sums of
        groups of ``get_qualification_rate``: the rates are the same shares
        of the same sums (``RATE_FIELDS``)."""
        count = sum(group[1] or 0 for group in groups)
        qualified = sum(group[2] or 0 for group in groups)
        amount = sum(group[3] or 0.0 for group in groups)
        qualified_amount = sum(group[4] or 0.0 for group in groups)
        return {
            "item_count": count,
            "qualified_count": qualified,
            "amount_overdue": amount,
            "qualified_amount": qualified_amount,
            "item_rate": 100.0 * qualified / count if count else None,
            "amount_rate": 100.0 * qualified_amount / amount if amount else None,
        }
