"""What the collection's SQL-view reports share.

A report of this wing is a read-only model (``_auto = False``) whose rows a
query computes when the report is read. The mixin writes what they would
otherwise each repeat:

- the rows of every company the user works in: the union of one query per
  company (``_company_query(company, today)``), today being the user's, so
  that days late follow the user's timezone (and a frozen clock in tests);
- no JIT compilation, and room for a hash per customer (``work_mem``),
  for the rest of the request: the cost PostgreSQL
  estimates for these aggregates crosses ``jit_above_cost`` at a few
  thousand customers, and compiling them took seconds where the query
  runs in milliseconds (1.4 s of 1.8 s for a page of Customers to collect
  at 10 000 customers);
- every column fetched with the rows of a page: a field read later (the
  company rule's ``company_id``, a button's record) would run the whole
  query again for those rows;
- a list's page and its pager's count from one evaluation of the query
  (``web_search_read``): the web client asks for the count right after the
  page, and each evaluation aggregates every open item (at 10 000
  customers, 80 % of what Customers to collect cost);
- ratios read from their group's sums, never an average of per-row ratios:
  a model lists its percentages in ``_dso_percent_ratios`` (``{field:
  (numerator, denominator)}``: 100 x sum(numerator) / sum(denominator)) and
  may compute other ratios in ``_dso_ratio_select``.
"""

from odoo import api, fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL


class DsoReportMixin(models.AbstractModel):
    _name = "dso.report.mixin"
    _description = "Collection report read from a query"

    # {ratio field: (numerator field, denominator field)}
    _dso_percent_ratios = {}

    @property
    def _table_query(self):
        # Every read of the report builds its query here: the one place to
        # turn JIT off before PostgreSQL plans it (SET LOCAL: until the end
        # of this transaction, the request's).
        self.env.cr.execute("SET LOCAL jit = off")
        # Their aggregates hold a row per customer: at tens of thousands of
        # customers the default 4 MB made PostgreSQL spill them to disk.
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        today = fields.Date.context_today(self)
        return SQL(" UNION ALL ").join(
            SQL("(%s)", self._company_query(company, today))
            for company in self.env.companies
        )

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        """The rows with every column of the report (see the module's
        docstring)."""
        columns = [
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and name not in field_names
        ]
        return super().search_fetch(
            domain, [*field_names, *columns], offset=offset, limit=limit, order=order
        )

    @api.model
    @api.readonly
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        """A list's page and the number of rows behind it from one query:
        the rows of the page with every column (``search_fetch``) and
        ``COUNT(*) OVER ()``, the number of rows matching the domain, which
        PostgreSQL counts before it sorts and cuts the page (the report's
        subqueries still run for the page's rows only). What Odoo's
        ``web_search_read`` returns, without its ``search_count``."""
        if not limit or self.env.context.get("prefetch_langs"):
            return super().web_search_read(
                domain, specification, offset, limit, order, count_limit
            )
        query = self._search(
            domain, offset=offset, limit=limit, order=order or self._order
        )
        if query.is_empty():
            return {"length": 0, "records": []}
        fields = [
            field
            for field in self._determine_fields_to_fetch(
                [
                    *specification,
                    *(name for name, field in self._fields.items() if field.store),
                ]
            )
            if field.column_type and field.name != "id"
        ]
        rows = self.env.execute_query(
            query.select(
                SQL.identifier(self._table, "id"),
                *(
                    self._field_to_sql(
                        self._table, field.name, query, flush=field.translate
                    )
                    for field in fields
                ),
                SQL("COUNT(*) OVER ()"),
            )
        )
        if not rows:
            # (Odoo's answer to a page past the last row too.)
            return {"length": 0, "records": []}
        columns = list(zip(*rows, strict=True))
        records = self.browse(columns[0])
        for field, values in zip(fields, columns[1:-1], strict=True):
            self.env.cache.insert_missing(records, field, values)
        # The pager's figure as Odoo gives it: what the domain matches, at
        # most count_limit, or the rows seen once the page is past it.
        length = columns[-1][0]
        if count_limit:
            length = max(min(length, count_limit), offset + len(records))
        return {"length": length, "records": records.web_read(specification)}

    @api.model
    def _company_query(self, company, today):
        """The report's rows of ``company`` on ``today`` (an ``SQL``)."""
        raise NotImplementedError

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        """A ratio aggregates from its group's sums, whatever the aggregate
        asked (``_dso_ratio_select``)."""
        if aggregate_spec != "__count":
            fname = parse_read_group_spec(aggregate_spec)[0]
            select = self._dso_ratio_select(fname, query)
            if select is not None:
                return select
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _dso_ratio_select(self, fname, query):
        """The SQL aggregate of the ratio field ``fname`` over a group, or
        None when ``fname`` is not a ratio."""
        if fname not in self._dso_percent_ratios:
            return None
        numerator, denominator = self._dso_percent_ratios[fname]
        return SQL(
            "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
            self._field_to_sql(self._table, numerator, query),
            self._field_to_sql(self._table, denominator, query),
        )
