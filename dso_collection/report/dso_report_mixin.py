"""What the collection's SQL-view reports share.

A report of this wing is a read-only model (``_auto = False``) whose rows a
query computes when the report is read. The mixin writes the two things
they would otherwise each repeat:

- the rows of every company the user works in: the union of one query per
  company (``_company_query(company, today)``), today being the user's, so
  that days late follow the user's timezone (and a frozen clock in tests);
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
        today = fields.Date.context_today(self)
        return SQL(" UNION ALL ").join(
            SQL("(%s)", self._company_query(company, today))
            for company in self.env.companies
        )

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
