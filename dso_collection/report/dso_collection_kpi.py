"""The collection KPIs (``dso.collection.kpi``): the SQL view by customer and
month the pivot, the graph and the list read, and the query it is built on
(``_kpi_query``), which the dashboard reads too.

- ``_kpi_query``: the KPI amounts per group (company, collector or customer)
  and month, read from the receivable journal items in one statement;
- ``_view_query``: the view's rows, one per company, customer and month,
  with the customer's collector and its own ratios;
- ``_collector_view_query``: the same rows added up per collector and month,
  with the number of rows by customer each one stands for
  (``customer_rows``), for the read_groups that need no more
  (``_read_group_by_collector``);
- ``_dso_ratio_select``: the ratios of any group from its sums;
- ``dso_read_groups``: the read_groups the pivot asks for a group it
  opens, in one call, from one evaluation of the query
  (``static/src/kpi/kpi_pivot.js`` sends it).
"""

import json

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
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

# Rolling ones: "amount / sales of the last 3 months x their days", the
# amount and the sales summed over the group, the days averaged.
ROLLING_RATIOS = {
    "dso_3m": "receivable_end",
    "best_dso_3m": "not_due_end",
    "add_3m": "overdue_net_end",
}

PERCENT_RATIOS = {
    "overdue_ratio": ("overdue_end", "open_debit_end"),
    "cei": ("cei_collected", "cei_collectible"),
}

# What the rows by customer and the rows by collector share: a read_group
# that groups and filters only on these is answered from the rows by
# collector (``_read_group_by_collector``).
BY_COLLECTOR_FIELDS = (
    "company_id",
    "currency_id",
    "collector_id",
    "month",
    "month_end",
    "days",
    "days_3m",
)

# How ``_kpi_query`` groups the amounts: the key of a row.
GROUPS = ("company", "collector", "partner")

# Months of a rolling DSO: the month and the two before.
ROLLING_MONTHS = 3

INTERVAL_MONTH = SQL("INTERVAL '1 month'")

# Where ``dso_read_groups`` keeps the rows of the query it ran (in the
# cursor's cache, for the call only).
ROWS_MEMO = "dso_kpi_rows_memo"


class DsoCollectionKpi(models.Model):
    """Collection KPIs: one read-only row per company, customer and month
    (the last 24 months, the current one up to today), with the amounts the
    KPIs are made of: sales, receivables at the start and the end of the
    month, and the end-of-month receivables split into not due and overdue
    by age. The ratios (DSO, best possible DSO, ADD, their rolling 3-month
    versions, CEI, overdue ratio) are computed for any group of rows from
    the group's sums, so that the pivot and the graph show them right per
    collector, customer, month, quarter or year. The countback DSO needs the
    months before, month by month: the dashboard computes it
    (``dso.collection.dashboard``), from the same query (``_kpi_query``):
    its figures of a month are the pivot's.

    Everything is read from the accounting: posted receivable journal items,
    their dates and due dates, and their partial reconciliations dated up to
    each month end (what was open at that date), in the company's currency.

    A read_group that groups only by company, collector and month (any
    granularity: month, quarter, year...), with a domain (and record rules)
    on those fields only, and asks only for ``__count``, sums of amounts,
    ratios, and the days or the end of the month, is answered from the rows
    by collector and month (``_collector_view_query``: a few hundred rows at
    10 000 customers) instead of the rows by customer (240 000): the pivot
    and the graph by collector and month. Its figures are the same:

    - ``__count`` is the sum of ``customer_rows``, the number of rows by
      customer of each collector and month (``_customer_rows_ctes``);
    - an amount is the sum of the collector's sums;
    - the ratios are read from the group's sums as always; the months and
      days they use are the same (a collector has a row in a month when one
      of its customers has), the average 3-month days of a rolling DSO
      weighted by the customer rows;
    - the days of the month (``days``, ``days_3m``): max and min as they are,
      sum and average weighted by the customer rows.

    Anything else (a group or a domain on the customer or on an amount, the
    rows themselves, an average of an amount, a count of distinct values)
    reads the rows by customer. The context key ``dso_kpi_by_customer``
    forces that (to compare the two).
    """

    _name = "dso.collection.kpi"
    _inherit = ["dso.report.mixin"]
    _description = "Collection KPIs"
    _auto = False
    # Percentages from the group's sums (the DSO-like ratios: _dso_ratio_select).
    _dso_percent_ratios = PERCENT_RATIOS
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
    open_debit_end = fields.Monetary(
        string="Open invoices at end",
        currency_field="currency_id",
        readonly=True,
        help="What customers owe on their open invoices (and other debit "
        "items) at the end of the month: not due plus overdue.",
    )
    unapplied_end = fields.Monetary(
        string="Unapplied credits at end",
        currency_field="currency_id",
        readonly=True,
        help="Open credit notes and unmatched payments at the end of the "
        "month: open invoices at end minus receivables at end.",
    )
    sales_3m = fields.Monetary(
        string="Sales of 3 months",
        currency_field="currency_id",
        readonly=True,
        help="Sales of the month and the two months before.",
    )
    days_3m = fields.Integer(
        string="Days of 3 months",
        readonly=True,
        aggregator="avg",
        help="Calendar days of the month (up to today for the current one) "
        "and the two months before.",
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
    dso_3m = fields.Float(
        string="DSO 3 months (days)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Rolling DSO: receivables at end / sales of the month and the "
        "two before x their days.",
    )
    best_dso_3m = fields.Float(
        string="Best possible DSO 3 months (days)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Not due at end / sales of the month and the two before x their days.",
    )
    add_3m = fields.Float(
        string="ADD 3 months (days)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="DSO 3 months minus best possible DSO 3 months.",
    )
    overdue_ratio = fields.Float(
        string="Overdue ratio (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Overdue at end / open invoices at end: the share of what "
        "customers owe on their open invoices that is overdue (at most 100 "
        "%); unapplied credits are left out.",
    )
    cei = fields.Float(
        string="CEI (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Collection effectiveness index: collected / collectible.",
    )

    @api.model
    def _kpi_query_settings(self):
        """How PostgreSQL runs the KPI query, for the rest of this
        transaction (the request's):

        - no JIT compilation (as the planner does): its cost estimate at
          10 000 customers triggers a compilation that costs more than the
          query itself (0.4 s of 0.9 s for the dashboard's, on a 2-core
          machine);
        - the receivable items read and joined by parallel workers when the
          server has them: with the default cost of a row passed from a
          worker (0.1) PostgreSQL never chose to, though at 10 000 customers
          the query ran in two thirds of the time with two workers (0.21 s
          down to 0.14 s for the company's rows). ``max_parallel_workers``
          and ``max_parallel_workers_per_gather`` still decide how many;
        - room for its aggregates (``work_mem``, as the reports have): at a
          million items the dashboard's spilled to disk with the default."""
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute("SET LOCAL parallel_tuple_cost = 0.01")
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        """The pivot and the graph: one aggregate over the KPI query, read
        from the rows by collector when the groups and the domain allow it
        (``_read_group_by_collector``)."""
        by_collector = self._read_group_by_collector(
            domain, groupby, aggregates, having, order
        )
        kpi = self.with_context(dso_kpi_by_collector=True) if by_collector else self
        result = super(DsoCollectionKpi, kpi)._read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )
        if not by_collector:
            return result
        # The groups' records (collectors, companies) in the caller's
        # environment: a read through them must not see the rows by
        # collector.
        return [
            tuple(
                value.with_env(self.env)
                if isinstance(value, models.BaseModel)
                else value
                for value in row
            )
            for row in result
        ]

    # ------------------------------------------------------------------
    # The pivot's read_groups in one call
    # ------------------------------------------------------------------

    @api.model
    @api.readonly
    def dso_read_groups(self, domain, fields, groupbys, lazy=True, orderby=False):
        """``read_group(domain, fields, groupby, lazy=lazy, orderby=orderby)``
        for each ``groupby`` of ``groupbys``, in that order: what the pivot
        asks for a group it opens (the group alone, by its rows, by its
        columns, by both), in one call (``static/src/kpi/kpi_pivot.js``).

        Each read_group reads the KPI query of a company; here the query is
        run once for all of them and its rows given to the others
        (``_rows_memo_query``): at 10 000 customers the query is most of
        what a read_group costs, and the pivot asked for it three times in
        three requests. The rows are the same statement's, so the groups
        always add up, even while invoices are posted."""
        if not isinstance(groupbys, (list, tuple)) or not all(
            isinstance(groupby, (list, tuple, str)) for groupby in groupbys
        ):
            raise UserError(
                self.env._(
                    "Collection KPIs: the groupings to read must be a list of"
                    " groupings (each a list of fields), not %(groupbys)r.",
                    groupbys=groupbys,
                )
            )
        memo = self.env.cr.cache.setdefault(ROWS_MEMO, {})
        kpi = self.with_context(dso_kpi_rows_memo=True)
        try:
            return [
                kpi.read_group(domain, fields, groupby, lazy=lazy, orderby=orderby)
                for groupby in groupbys
            ]
        finally:
            memo.clear()
            self.env.cr.cache.pop(ROWS_MEMO, None)

    @api.model
    def _rows_memo_query(self, query):
        """``query`` (the rows of a company by collector), or, inside
        ``dso_read_groups``, its rows as they were kept: the first
        read_group runs it and keeps its rows, the others read them back
        from a JSON parameter, typed as the query's columns."""
        memo = self.env.cr.cache.get(ROWS_MEMO)
        if memo is None or not self.env.context.get("dso_kpi_rows_memo"):
            return query
        key = (query.code, repr(query.params))
        if key not in memo:
            self.env.flush_all()
            self.env.cr.execute(query)
            names = [column.name for column in self.env.cr.description]
            memo[key] = (names, self.env.cr.fetchall())
        names, rows = memo[key]
        return SQL(
            "SELECT * FROM jsonb_to_recordset(%s::jsonb) AS k(%s)",
            json.dumps(
                [dict(zip(names, row, strict=True)) for row in rows], default=str
            ),
            SQL(", ").join(
                SQL("%s %s", SQL.identifier(name), SQL(self._rows_memo_type(name)))
                for name in names
            ),
        )

    @api.model
    def _rows_memo_type(self, name):
        """The PostgreSQL type of the query's column ``name``."""
        if name in ("id", "customer_rows"):
            return "bigint"
        return self._fields[name].column_type[1]

    @api.model
    def _read_group_by_collector(self, domain, groupby, aggregates, having, order):
        """Whether this read_group can be answered from the rows by company,
        collector and month (``_collector_view_query``): its groups, its
        domain and the record rules only use the fields those rows share
        with the rows by customer (``BY_COLLECTOR_FIELDS``: company,
        collector, month and what the month gives), and its aggregates are
        ones those rows give exactly (``_by_collector_select``)."""
        if self.env.context.get("dso_kpi_by_customer"):
            return False

        def fields_of(dom):
            return {
                str(leaf[0]).split(".", 1)[0]
                for leaf in dom
                if isinstance(leaf, (list, tuple)) and len(leaf) == 3
            }

        rules = self.env["ir.rule"]._compute_domain(self._name, "read") or []
        if not fields_of(list(domain or [])).union(fields_of(rules)) <= set(
            BY_COLLECTOR_FIELDS
        ):
            return False
        if any(
            parse_read_group_spec(spec)[0] not in BY_COLLECTOR_FIELDS
            for spec in groupby
        ):
            return False
        specs = [*aggregates]
        specs += [leaf[0] for leaf in having or () if isinstance(leaf, (list, tuple))]
        for part in (order or "").split(","):
            term = part.strip().split(" ")[0]
            if term and term not in groupby:
                specs.append(term)
        return all(self._by_collector_aggregate(spec) for spec in specs)

    @api.model
    def _company_query(self, company, today):
        """The last 24 months of ``company``, the current one up to today:
        the rows by customer, or by collector for a read_group that allows
        it (``_read_group_by_collector``)."""
        self._kpi_query_settings()
        first = today.replace(day=1) - relativedelta(months=23)
        if self.env.context.get("dso_kpi_by_collector"):
            # a few hundred rows: kept for the next read_group of the call
            return self._rows_memo_query(
                self._collector_view_query(company, first, today)
            )
        return self._view_query(company, first, today)

    @api.model
    def _view_query(self, company, first_month, today):
        """The rows of one company: its customers' amounts month by month,
        with their collector and their own ratios."""
        Partner = self.env["res.partner"].with_company(company)
        return SQL(
            """
            -- The collector of each customer read once per customer, not
            -- once per customer and month (24 times).
            WITH collector AS MATERIALIZED (
                SELECT cp.id AS partner_id, %(collector)s AS collector_id
                  FROM res_partner cp
            )
            SELECT k.id, k.month, k.month_end, k.days, k.company_id,
                   k.currency_id, k.group_id AS partner_id,
                   c.collector_id,
                   k.sales, k.receivable_start, k.receivable_end,
                   k.not_due_end, k.overdue_end, k.overdue_net_end,
                   k.open_debit_end, k.unapplied_end, k.sales_3m, k.days_3m,
                   k.band_1_30, k.band_31_60, k.band_61_90, k.band_90_plus,
                   k.cei_collected, k.cei_collectible,
                   k.receivable_end / %(sales)s * k.days AS dso,
                   k.not_due_end / %(sales)s * k.days AS best_dso,
                   k.overdue_net_end / %(sales)s * k.days AS add,
                   k.receivable_end / %(sales_3m)s * k.days_3m AS dso_3m,
                   k.not_due_end / %(sales_3m)s * k.days_3m AS best_dso_3m,
                   k.overdue_net_end / %(sales_3m)s * k.days_3m AS add_3m,
                   100.0 * k.overdue_end / NULLIF(k.open_debit_end, 0)
                       AS overdue_ratio,
                   100.0 * k.cei_collected / NULLIF(k.cei_collectible, 0) AS cei
              FROM (%(kpi)s) k
              JOIN collector c ON c.partner_id = k.group_id
            """,
            collector=Partner._field_to_sql("cp", "dso_collector_id"),
            kpi=self._kpi_query(company, first_month, today, "partner"),
            # No DSO without sales, nor when credit notes exceed them.
            sales=SQL("(CASE WHEN k.sales > 0 THEN k.sales END)"),
            sales_3m=SQL("(CASE WHEN k.sales_3m > 0 THEN k.sales_3m END)"),
        )

    @api.model
    def _collector_view_query(self, company, first_month, today):
        """The rows of one company by collector and month: the sums of the
        rows by customer (``_view_query``) of each collector and month, with
        the number of those rows (``customer_rows``). No customer, no
        per-row ratio: the ratios are read from the group's sums."""
        return SQL(
            """
            SELECT k.id, k.month, k.month_end, k.days, k.company_id,
                   k.currency_id, NULL::integer AS partner_id,
                   NULLIF(k.group_id, 0) AS collector_id,
                   k.sales, k.receivable_start, k.receivable_end,
                   k.not_due_end, k.overdue_end, k.overdue_net_end,
                   k.open_debit_end, k.unapplied_end, k.sales_3m, k.days_3m,
                   k.band_1_30, k.band_31_60, k.band_61_90, k.band_90_plus,
                   k.cei_collected, k.cei_collectible,
                   NULL::numeric AS dso, NULL::numeric AS best_dso,
                   NULL::numeric AS add, NULL::numeric AS dso_3m,
                   NULL::numeric AS best_dso_3m, NULL::numeric AS add_3m,
                   NULL::numeric AS overdue_ratio, NULL::numeric AS cei,
                   k.customer_rows
              FROM (%(kpi)s) k
            """,
            kpi=self._kpi_query(
                company, first_month, today, "collector", customer_rows=True
            ),
        )

    @api.model
    def _by_collector_aggregate(self, aggregate_spec):
        """How ``aggregate_spec`` is read from the rows by collector so that
        it gives what it gives over the rows by customer, or None when it
        cannot be (then the rows by customer are read):

        - ``"count"``: ``__count``, the sum of the rows' ``customer_rows``;
        - ``"plain"``: the aggregate itself: the sum of an amount (a sum of
          sums), the max or min of the month, its end or its days;
        - ``"weighted"``: the sum or the average of the days of a month
          (``days``, ``days_3m``, the same for every customer of a month),
          each row counted as many times as it has customer rows;
        - ``"ratio"``: a ratio, from the group's sums (``_dso_ratio_select``),
          the days of the rolling ones weighted by the customer rows.
        """
        if aggregate_spec == "__count":
            return "count"
        try:
            fname, __, func = parse_read_group_spec(aggregate_spec)
        except ValueError:
            return None
        field = self._fields.get(fname)
        kind = None
        if fname in DAYS_RATIOS or fname in ROLLING_RATIOS or fname in PERCENT_RATIOS:
            kind = "ratio"
        elif field is not None and field.type == "monetary" and func == "sum":
            kind = "plain"
        elif fname in ("month", "month_end", "days", "days_3m") and func in (
            "max",
            "min",
        ):
            kind = "plain"
        elif fname in ("days", "days_3m") and func in ("sum", "avg"):
            kind = "weighted"
        return kind

    @api.model
    def _rows_sql(self, query):
        # a column of the rows by collector only, not a field
        return SQL.identifier(self._table, "customer_rows")

    @api.model
    def _weighted_sum(self, fname, query):
        """SUM(fname) over the customer rows, from the rows by collector."""
        return SQL(
            "SUM(%s * %s)",
            self._field_to_sql(self._table, fname, query),
            self._rows_sql(query),
        )

    @api.model
    def _weighted_avg(self, fname, query):
        """AVG(fname) over the customer rows, from the rows by collector:
        the same numeric division as PostgreSQL's AVG of an integer."""
        return SQL(
            "(%s::numeric / SUM(%s)::numeric)",
            self._weighted_sum(fname, query),
            self._rows_sql(query),
        )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        kind = self.env.context.get(
            "dso_kpi_by_collector"
        ) and self._by_collector_aggregate(aggregate_spec)
        if kind == "count":
            return SQL("SUM(%s)::bigint", self._rows_sql(query))
        if kind == "weighted":
            fname, __, func = parse_read_group_spec(aggregate_spec)
            if func == "sum":
                return self._weighted_sum(fname, query)
            return self._weighted_avg(fname, query)
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------
    # Ratios per group
    # ------------------------------------------------------------------

    @api.model
    def _dso_ratio_select(self, fname, query):
        """A DSO is the average month-end amount over the months the group
        spans, divided by the group's sales, times the days those months
        cover; a percentage is 100 x sum(numerator) / sum(denominator). For
        one month it is the month's own figure. A rolling DSO is the group's
        amount over its 3-month sales, times the average 3-month days (for
        one month, the month's own figure)."""
        if fname in ROLLING_RATIOS and not self.env.context.get("dso_kpi_by_collector"):
            return SQL(
                "SUM(%(amount)s)"
                " / (CASE WHEN SUM(%(sales)s) > 0 THEN SUM(%(sales)s) END)"
                " * AVG(%(days)s)",
                amount=self._field_to_sql(self._table, ROLLING_RATIOS[fname], query),
                sales=self._field_to_sql(self._table, "sales_3m", query),
                days=self._field_to_sql(self._table, "days_3m", query),
            )
        if fname in ROLLING_RATIOS:
            # rows by collector: the days averaged over the customer rows
            return SQL(
                "SUM(%(amount)s)"
                " / (CASE WHEN SUM(%(sales)s) > 0 THEN SUM(%(sales)s) END)"
                " * %(days)s",
                amount=self._field_to_sql(self._table, ROLLING_RATIOS[fname], query),
                sales=self._field_to_sql(self._table, "sales_3m", query),
                days=self._weighted_avg("days_3m", query),
            )
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
        return super()._dso_ratio_select(fname, query)

    @api.model
    def _customer_rows_ctes(self, first_month, today, history_first):
        """The CTEs that count, per group and month, the customers of the
        group that have a row in the view by customer: ``customer_rows``
        (group_id, month, customer_rows), appended to ``_kpi_query``'s.

        A customer has a row in a month when one of its amounts is not 0
        (``keep`` in ``_kpi_query``). Those amounts change only in the
        months the customer has items, so each one is turned into spans of
        months, read from the customer's few rows of ``line`` rather than
        from its 26 months:

        - receivables at end or at start: from a month with items to the
          next one, when the balance after it is not 0 (at start: up to
          that next month included);
        - sales of the month or of its 3 months: the month of a sale and
          the two after, when the sum over the 3 months is not 0 or the
          month has its own;
        - not due or overdue: from the month of an invoice never
          reconciled on (its residual is its amount, above 0: open for
          good), and each month a partly paid invoice is open with a
          residual other than 0. What is left to pay on an invoice is
          never below 0 (an item is never reconciled for more than its
          amount), so a sum of residuals is 0 only when each one is.

        The spans of a customer are merged, then counted month by month:
        +1 where a merged span starts, -1 after it ends, added up.

        A customer with an invoice never reconciled with has a row in every
        month from that invoice's on (its open span): only the spans before
        its first one are merged, cut at the month before, and the open span
        is counted on its own. Most customers of a ledger have such an
        invoice, and most of their months are after it: their few months
        before are all that is merged.
        """
        month = INTERVAL_MONTH
        return SQL(
            """,
            -- the month of a customer's first invoice never reconciled
            -- with: it has a row every month from then on
            cust_open AS MATERIALIZED (
                SELECT group_id, customer_id, MIN(date_month) AS open_from
                  FROM line
                 WHERE untouched IS NOT NULL
                 GROUP BY 1, 2
            ),
            -- a customer's months with items before that one: the
            -- movement of its balance, its sales (those before the months
            -- read are in the opening balance only, as in the ledger)
            cust_move AS (
                SELECT line.group_id, line.customer_id,
                       GREATEST(line.date_month, %(opening)s::date) AS month,
                       SUM(line.balance) AS amount,
                       COALESCE(SUM(line.sales) FILTER (
                           WHERE line.date_month >= %(history_first)s::date
                       ), 0) AS sales
                  FROM line
                  LEFT JOIN cust_open o ON o.customer_id = line.customer_id
                 WHERE o.open_from IS NULL
                    OR GREATEST(line.date_month, %(opening)s::date) < o.open_from
                 GROUP BY 1, 2, 3
            ),
            -- and after each of them: the balance, the sales of the 3
            -- months (and of the 2) up to it, the next month with items
            cust_event AS (
                SELECT group_id, customer_id, month, sales,
                       LEAD(month) OVER w AS next_month,
                       SUM(amount) OVER w AS balance,
                       SUM(sales) OVER (w RANGE BETWEEN 2 * %(month)s PRECEDING
                                                   AND CURRENT ROW) AS sales_3m,
                       SUM(sales) OVER (w RANGE BETWEEN %(month)s PRECEDING
                                                   AND CURRENT ROW) AS sales_2m
                  FROM cust_move
                WINDOW w AS (PARTITION BY customer_id ORDER BY month)
            ),
            cust_span AS (
                -- receivables at end (to the month before the next one
                -- with items) or at start (to that next month)
                SELECT group_id, customer_id, month AS lo, next_month AS hi
                  FROM cust_event
                 WHERE balance != 0
                 UNION ALL
                -- with a balance of 0, the sales: of the month or of its 3
                -- months; in the month after, of the 2 months up to this
                -- one; in the second month after, of this one
                SELECT group_id, customer_id, month, month
                  FROM cust_event
                 WHERE balance = 0 AND (sales != 0 OR sales_3m != 0)
                 UNION ALL
                SELECT group_id, customer_id, m1, m1
                  FROM (SELECT *, (month + %(month)s)::date AS m1
                          FROM cust_event) e
                 WHERE balance = 0 AND sales_2m != 0
                   AND (next_month IS NULL OR next_month > m1)
                 UNION ALL
                SELECT group_id, customer_id, m2, m2
                  FROM (SELECT *, (month + 2 * %(month)s)::date AS m2
                          FROM cust_event) e
                 WHERE balance = 0 AND sales != 0
                   AND (next_month IS NULL OR next_month > m2)
                 UNION ALL
                -- not due or overdue: a partly paid invoice month by month
                -- (one never reconciled with: the open span)
                SELECT group_id, customer_id, month, month
                  FROM aged_touched
                 GROUP BY 1, 2, 3
                HAVING BOOL_OR(residual != 0)
            ),
            -- the spans within the months shown and before the open span,
            -- merged per customer
            cust_clamped AS (
                SELECT s.group_id, s.customer_id,
                       GREATEST(s.lo, %(first)s::date) AS lo,
                       LEAST(COALESCE(s.hi, %(last)s::date), %(last)s::date,
                             (o.open_from - %(month)s)::date) AS hi
                  FROM cust_span s
                  LEFT JOIN cust_open o ON o.customer_id = s.customer_id
            ),
            cust_island AS (
                SELECT group_id, customer_id, lo, hi,
                       SUM(starts) OVER (PARTITION BY customer_id
                                         ORDER BY lo, hi
                                         ROWS UNBOUNDED PRECEDING) AS island
                  FROM (SELECT group_id, customer_id, lo, hi,
                               CASE WHEN lo <= MAX(hi) OVER (
                                        PARTITION BY customer_id ORDER BY lo, hi
                                        ROWS BETWEEN UNBOUNDED PRECEDING
                                                 AND 1 PRECEDING) + %(month)s
                                    THEN 0 ELSE 1 END AS starts
                          FROM cust_clamped
                         WHERE lo <= hi) f
            ),
            cust_delta AS (
                SELECT group_id, month, SUM(delta) AS delta
                  FROM (SELECT group_id, MIN(lo) AS month, 1 AS delta
                          FROM cust_island
                         GROUP BY group_id, customer_id, island
                         UNION ALL
                        SELECT group_id, (MAX(hi) + %(month)s)::date, -1
                          FROM cust_island
                         GROUP BY group_id, customer_id, island
                         UNION ALL
                        -- the open spans, up to the last month
                        SELECT group_id, GREATEST(open_from, %(first)s::date), 1
                          FROM cust_open) d
                 GROUP BY 1, 2
            ),
            customer_rows AS (
                SELECT l.group_id, l.month,
                       SUM(COALESCE(d.delta, 0)) OVER (
                           PARTITION BY l.group_id ORDER BY l.month
                       ) AS customer_rows
                  FROM ledger l
                  LEFT JOIN cust_delta d
                         ON d.group_id = l.group_id
                        AND d.month = l.month
            )
            """,
            opening=history_first - relativedelta(months=1),
            history_first=history_first,
            first=first_month,
            last=today.replace(day=1),
            month=month,
        )

    # ------------------------------------------------------------------
    # The query
    # ------------------------------------------------------------------

    @api.model
    def _collector_id_sql(self, company, alias):
        """The id of the collector ``res.partner`` ``alias`` has in
        ``company``, as stored: what Odoo's SQL of the company-dependent
        field reads (the company's value, else the field's default), without
        the look-up of the user it adds for each row: the KPI query joins the
        users once (at 10 000 customers, a sixth of the query's time)."""
        Partner = self.env["res.partner"].with_company(company)
        field = Partner._fields["dso_collector_id"]
        value = SQL("%s -> %s", SQL.identifier(alias, field.name), str(company.id))
        fallback = field.get_company_dependent_fallback(Partner)
        if fallback:
            value = SQL("COALESCE(%s, to_jsonb(%s::int4))", value, fallback.id)
        return SQL("(%s ->> 0)::int4", value)

    # The query of the collection KPIs (``dso.collection.kpi``): the amounts
    # the KPIs are made of, per group and month, read from the accounting in one
    # statement. The view rows, the ratios and the dashboard are built on it.

    @api.model
    def _kpi_query(
        self,
        company,
        first_month,
        today,
        group,
        partner_ids=None,
        customer_rows=False,
    ):
        """The KPI amounts of ``company`` per group and month, from the month
        of ``first_month`` to the month of ``today`` (up to today).

        :param group: ``company`` (one row a month), ``collector`` or
            ``partner`` (the customer): the ``group_id`` of the rows
        :param partner_ids: only these customers (commercial partners)
        :param customer_rows: add the column ``customer_rows``, the number
            of customers of the group that have a row that month in the
            view by customer (``_view_query``), and keep the rows of the
            months where it is not 0 (see ``_customer_rows_ctes``)
        """
        assert group in GROUPS
        group_sql = {
            "company": SQL("%s", company.id),
            "collector": SQL("collector.id"),
            "partner": SQL("cp.id"),
        }[group]
        group_join = (
            SQL(
                "LEFT JOIN res_users collector ON collector.id = %s",
                self._collector_id_sql(company, "cp"),
            )
            if group == "collector"
            else SQL()
        )
        first_month = first_month.replace(day=1)
        # The rolling DSO of the first month needs the sales of the two
        # months before: they are read, not returned.
        history_first = first_month - relativedelta(months=ROLLING_MONTHS - 1)
        partner_filter = (
            SQL("AND cp.id IN %s", tuple(partner_ids) or (0,))
            if partner_ids is not None
            else SQL()
        )
        # A row with any amount is kept: a customer whose overdue invoices
        # are offset by open credit notes has receivables of 0 but an
        # overdue, and its sales count in the 3-month sales of the months
        # after. (A group's amounts are its customers' sums: a group with
        # an amount has a customer with one.)
        keep = SQL(
            """(l.sales != 0 OR l.sales_3m != 0
                OR l.receivable_start != 0 OR l.receivable_end != 0
                OR COALESCE(a.not_due, 0) != 0
                OR COALESCE(a.overdue, 0) != 0)"""
        )
        return SQL(
            """
            WITH months AS (
                SELECT m::date AS month,
                       LEAST((m + INTERVAL '1 month' - INTERVAL '1 day')::date,
                             %(today)s::date) AS month_end
                  FROM generate_series(%(history_first)s::date, %(today)s::date,
                                       INTERVAL '1 month') m
            ),
            -- The group of each partner: its customer's (the commercial
            -- partner's collector ..., 0 for none), read once per partner
            -- rather than once per journal item (OFFSET 0 keeps it apart).
            -- Every partner, keyed by its own id: PostgreSQL then knows how
            -- many rows this holds and joins the journal items by hash, where
            -- a filter on "cp.id = cp.commercial_partner_id" made it expect
            -- 50 and loop over the items of each customer through an index (4
            -- times slower at 10 000 customers). A subquery rather than a
            -- materialized CTE: PostgreSQL knows its partner ids are unique,
            -- and hashes these 10 000 rows rather than the 100 000 items
            -- (a fifth of the time of this query at 10 000 customers).
            grp AS NOT MATERIALIZED (
                SELECT p.id AS partner_id, COALESCE(%(group)s, 0) AS group_id,
                       cp.id AS customer_id
                  FROM res_partner p
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                  %(group_join)s
                 WHERE TRUE
                   %(partner_filter)s
                OFFSET 0
            ),
            -- The receivable journal items, added up by group, month and
            -- due date in one pass: their balance, the sales among them
            -- and the invoices nothing was ever reconciled with
            -- ("untouched", open for their full amount from the month of
            -- their date on). An invoice partly or fully paid ("touched")
            -- keeps a row of its own (touched_id), read with its
            -- reconciliations below. At 10 000 customers this is a few
            -- hundred rows a collector, rather than 100 000 items read
            -- three times.
            line AS MATERIALIZED (
                SELECT grp.group_id,
                       -- by customer too when its rows are counted
                       %(line_customer)s AS customer_id,
                       aml.date - EXTRACT(DAY FROM aml.date)::int + 1 AS date_month,
                       COALESCE(aml.date_maturity, aml.date) AS due,
                       CASE WHEN aml.balance > 0
                             AND (aml.amount_residual != aml.balance
                                  OR aml.reconciled)
                            THEN aml.id END AS touched_id,
                       SUM(aml.balance) AS balance,
                       SUM(aml.balance) FILTER (
                           WHERE am.move_type IN ('out_invoice', 'out_refund')
                       ) AS sales,
                       SUM(aml.balance) FILTER (
                           WHERE aml.balance > 0
                             AND aml.amount_residual = aml.balance
                             AND NOT aml.reconciled
                       ) AS untouched,
                       -- a touched row is one item: its own date and flag
                       MIN(aml.date) AS date,
                       BOOL_OR(aml.reconciled) AS reconciled
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN grp ON grp.partner_id = aml.partner_id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND aml.date <= %(today)s
                   -- the receivable accounts, read first: PostgreSQL then
                   -- knows how many items they hold (it expected a tenth)
                   AND aml.account_id IN %(receivable_accounts)s
                 GROUP BY 1, 2, 3, 4, 5
            ),
            -- Receivables and sales by group and month; everything before
            -- the first month is its opening balance.
            movement AS (
                SELECT group_id,
                       GREATEST(date_month, %(opening)s::date) AS month,
                       SUM(balance) AS amount,
                       SUM(sales) AS sales
                  FROM line
                 GROUP BY 1, 2
            ),
            ledger AS (
                SELECT g.group_id, mo.month, mo.month_end,
                       COALESCE(mv.sales, 0) AS sales,
                       SUM(COALESCE(mv.amount, 0)) OVER w
                           - COALESCE(mv.amount, 0)
                           + COALESCE(op.amount, 0) AS receivable_start,
                       SUM(COALESCE(mv.amount, 0)) OVER w
                           + COALESCE(op.amount, 0) AS receivable_end,
                       SUM(COALESCE(mv.sales, 0)) OVER w3 AS sales_3m,
                       mo.month_end
                           - (mo.month - %(rolling_rows)s * INTERVAL '1 month')::date
                           + 1 AS days_3m
                  FROM (SELECT DISTINCT group_id FROM movement) g
                 CROSS JOIN months mo
                  LEFT JOIN movement mv
                         ON mv.group_id = g.group_id
                        AND mv.month = mo.month
                  LEFT JOIN movement op
                         ON op.group_id = g.group_id
                        AND op.month = %(opening)s::date
                WINDOW w AS (PARTITION BY g.group_id ORDER BY mo.month),
                       w3 AS (PARTITION BY g.group_id ORDER BY mo.month
                              ROWS BETWEEN %(rolling_rows)s PRECEDING
                                       AND CURRENT ROW)
            ),
            -- What was left to pay on each invoice at each month end. An
            -- invoice nothing was ever reconciled with is open for its full
            -- amount from the month of its date on: those are added up by
            -- group, due date and month first. The others are read one by
            -- one: their amount less the reconciliations dated up to the
            -- month end, until the month they were fully paid.
            untouched AS (
                SELECT group_id, due, date_month AS from_month,
                       SUM(untouched) AS residual
                  FROM line
                 WHERE untouched IS NOT NULL
                 GROUP BY 1, 2, 3
            ),
            touched AS (
                SELECT line.touched_id AS id, line.group_id, line.customer_id,
                       line.date, line.due, line.balance, line.reconciled
                  FROM line
                 WHERE line.touched_id IS NOT NULL
            ),
            partial AS (
                SELECT pr.debit_move_id AS line_id, pr.max_date, pr.amount
                  FROM account_partial_reconcile pr
                  JOIN touched ON touched.id = pr.debit_move_id
            ),
            paid AS (
                SELECT t.id, t.group_id, t.customer_id, t.date, t.due, t.balance,
                       CASE WHEN t.reconciled THEN MAX(pa.max_date) END AS paid_on
                  FROM touched t
                  LEFT JOIN partial pa ON pa.line_id = t.id
                 GROUP BY t.id, t.group_id, t.customer_id, t.date, t.due,
                          t.balance, t.reconciled
            ),
            aged_touched AS (
                SELECT t.group_id, t.customer_id, mo.month,
                       mo.month_end - t.due AS days_late,
                       t.balance - COALESCE(SUM(pa.amount), 0) AS residual
                  FROM paid t
                  JOIN months mo
                    ON t.date <= mo.month_end
                   AND (t.paid_on IS NULL OR t.paid_on > mo.month_end)
                  LEFT JOIN partial pa
                         ON pa.line_id = t.id
                        AND pa.max_date <= mo.month_end
                 GROUP BY t.id, t.group_id, t.customer_id, t.due, t.balance,
                          mo.month, mo.month_end
            ),
            aged AS (
                SELECT u.group_id, mo.month, mo.month_end - u.due AS days_late,
                       u.residual
                  FROM untouched u
                  JOIN months mo ON mo.month >= u.from_month
                 UNION ALL
                SELECT group_id, month, days_late, residual
                  FROM aged_touched
            ),
            aging AS (
                SELECT group_id, month,
                       SUM(residual) FILTER (WHERE days_late <= 0) AS not_due,
                       SUM(residual) FILTER (WHERE days_late > 0) AS overdue,
                       SUM(residual) FILTER (WHERE days_late BETWEEN 1 AND 30)
                           AS band_1_30,
                       SUM(residual) FILTER (WHERE days_late BETWEEN 31 AND 60)
                           AS band_31_60,
                       SUM(residual) FILTER (WHERE days_late BETWEEN 61 AND 90)
                           AS band_61_90,
                       SUM(residual) FILTER (WHERE days_late > 90) AS band_90_plus
                  FROM aged
                 GROUP BY 1, 2
            )
            %(customer_rows_ctes)s
            SELECT (%(company)s::bigint * 1000000000
                    + l.group_id) * 100000
                   + (EXTRACT(YEAR FROM l.month) * 12
                      + EXTRACT(MONTH FROM l.month))::bigint AS id,
                   l.group_id,
                   l.month,
                   l.month_end,
                   (l.month_end - l.month + 1) AS days,
                   %(company)s AS company_id,
                   %(currency)s AS currency_id,
                   l.sales,
                   l.receivable_start,
                   l.receivable_end,
                   COALESCE(a.not_due, 0) AS not_due_end,
                   COALESCE(a.overdue, 0) AS overdue_end,
                   l.receivable_end - COALESCE(a.not_due, 0) AS overdue_net_end,
                   COALESCE(a.not_due, 0) + COALESCE(a.overdue, 0)
                       AS open_debit_end,
                   COALESCE(a.not_due, 0) + COALESCE(a.overdue, 0)
                       - l.receivable_end AS unapplied_end,
                   l.sales_3m,
                   l.days_3m,
                   COALESCE(a.band_1_30, 0) AS band_1_30,
                   COALESCE(a.band_31_60, 0) AS band_31_60,
                   COALESCE(a.band_61_90, 0) AS band_61_90,
                   COALESCE(a.band_90_plus, 0) AS band_90_plus,
                   l.receivable_start + l.sales - l.receivable_end AS cei_collected,
                   l.receivable_start + l.sales - COALESCE(a.not_due, 0)
                       AS cei_collectible
                   %(customer_rows_column)s
              FROM ledger l
              LEFT JOIN aging a
                     ON a.group_id = l.group_id
                    AND a.month = l.month
              %(customer_rows_join)s
             WHERE l.month >= %(first)s::date
               AND %(keep)s
            """,
            today=today,
            first=first_month,
            history_first=history_first,
            opening=history_first - relativedelta(months=1),
            rolling_rows=ROLLING_MONTHS - 1,
            company=company.id,
            currency=company.currency_id.id,
            receivable_accounts=tuple(
                self.env["account.move.line"]._dso_receivable_account_ids()
            )
            or (0,),
            group=group_sql,
            group_join=group_join,
            partner_filter=partner_filter,
            line_customer=SQL("grp.customer_id") if customer_rows else SQL("0"),
            customer_rows_ctes=(
                self._customer_rows_ctes(first_month, today, history_first)
                if customer_rows
                else SQL()
            ),
            customer_rows_column=(
                SQL(", COALESCE(cr.customer_rows, 0)::bigint AS customer_rows")
                if customer_rows
                else SQL()
            ),
            customer_rows_join=(
                SQL(
                    "LEFT JOIN customer_rows cr"
                    " ON cr.group_id = l.group_id AND cr.month = l.month"
                )
                if customer_rows
                else SQL()
            ),
            keep=SQL("cr.customer_rows > 0") if customer_rows else keep,
        )
