from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.constants import ACTION_TYPES
from ..lib.constants import EFFECTIVENESS_WINDOWS as WINDOWS

# A rate is the share of the amount concerned that was paid within its
# window, over the actions whose window is over (matured): read_group
# computes it from the sums of each group, never as an average of rates.
RATE_FIELDS = {
    f"rate_{days}": (f"amount_paid_{days}", f"matured_{days}") for days in WINDOWS
}


class DsoCollectionEffectiveness(models.Model):
    """Reminder effectiveness: one read-only row per action done (with
    items), with the amount its items still owed the day it was done and the
    part of it paid within 7, 15 and 30 days after, to measure which steps
    and templates make customers pay.

    ``amount_concerned``: the residual of the action's debit items on the
    day it was done (their amount minus the reconciliations dated that day
    or before). ``amount_paid_N``: the reconciliations of those items dated
    in the N days after. ``matured_N``: the N days are over (done on or
    before today minus N), so that a recent action does not count as unpaid.
    ``rate_N`` = sum of ``amount_paid_N`` / sum of ``amount_concerned``, over
    the matured actions of a group only.

    Today is the Python one, passed as a parameter (the user's timezone, a
    frozen clock in the tests).
    """

    _name = "dso.collection.effectiveness"
    _inherit = ["dso.report.mixin"]
    _description = "Reminder effectiveness"
    _auto = False
    _rec_name = "action_id"
    _order = "date_done desc, id desc"
    _depends = {
        "dso.collection.action": [
            "company_id",
            "date_done",
            "is_specific",
            "line_ids",
            "mail_template_id",
            "partner_id",
            "scenario_id",
            "state",
            "step_id",
            "action_type",
            "user_id",
        ],
        "account.move.line": ["balance"],
        "account.partial.reconcile": ["amount", "debit_move_id", "max_date"],
    }

    action_id = fields.Many2one("dso.collection.action", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    scenario_id = fields.Many2one("dso.collection.scenario", readonly=True)
    step_id = fields.Many2one("dso.collection.step", readonly=True)
    mail_template_id = fields.Many2one(
        "mail.template", string="Template", readonly=True
    )
    action_type = fields.Selection(ACTION_TYPES, readonly=True)
    is_specific = fields.Boolean(string="Specific action", readonly=True)
    date_done = fields.Date(string="Done on", readonly=True)
    action_count = fields.Integer(string="Actions", readonly=True)
    amount_concerned = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="What the action's items still owed the day it was done.",
    )
    amount_paid_7 = fields.Monetary(
        string="Paid within 7 days",
        currency_field="currency_id",
        readonly=True,
    )
    amount_paid_15 = fields.Monetary(
        string="Paid within 15 days",
        currency_field="currency_id",
        readonly=True,
    )
    amount_paid_30 = fields.Monetary(
        string="Paid within 30 days",
        currency_field="currency_id",
        readonly=True,
    )
    matured_7 = fields.Integer(
        string="Measured at 7 days",
        readonly=True,
        help="Actions done at least 7 days ago: the ones the 7-day rate counts.",
    )
    matured_15 = fields.Integer(
        string="Measured at 15 days",
        readonly=True,
        help="Actions done at least 15 days ago: the ones the 15-day rate counts.",
    )
    matured_30 = fields.Integer(
        string="Measured at 30 days",
        readonly=True,
        help="Actions done at least 30 days ago: the ones the 30-day rate counts.",
    )
    rate_7 = fields.Float(
        string="Paid within 7 days (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Share of the amount concerned paid within 7 days, over the actions "
        "done at least 7 days ago.",
    )
    rate_15 = fields.Float(
        string="Paid within 15 days (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Share of the amount concerned paid within 15 days, over the actions "
        "done at least 15 days ago.",
    )
    rate_30 = fields.Float(
        string="Paid within 30 days (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Share of the amount concerned paid within 30 days, over the actions "
        "done at least 30 days ago.",
    )

    @property
    def _table_query(self):
        return self._effectiveness_query(fields.Date.context_today(self))

    @api.model
    def _effectiveness_query(self, today):
        windows = {
            f"paid_{days}": SQL(
                "COALESCE(SUM(apr.amount) FILTER (WHERE apr.max_date > a.date_done"
                " AND apr.max_date <= a.date_done + %s), 0)",
                days,
            )
            for days in WINDOWS
        }
        matured = {
            f"matured_{days}": SQL("(a.date_done + %s <= %s::date)", days, today)
            for days in WINDOWS
        }
        rates = {
            f"rate_{days}": SQL(
                "CASE WHEN %(matured)s AND i.concerned > 0"
                " THEN 100.0 * %(paid)s / i.concerned END",
                matured=matured[f"matured_{days}"],
                paid=SQL.identifier("i", f"paid_{days}"),
            )
            for days in WINDOWS
        }
        return SQL(
            """
            WITH item AS (
                SELECT rel.action_id,
                       a.date_done,
                       aml.balance
                           - COALESCE(SUM(apr.amount)
                                 FILTER (WHERE apr.max_date <= a.date_done), 0)
                           AS concerned,
                       %(paid_7)s AS paid_7,
                       %(paid_15)s AS paid_15,
                       %(paid_30)s AS paid_30
                  FROM dso_collection_action a
                  JOIN dso_collection_action_line_rel rel ON rel.action_id = a.id
                  JOIN account_move_line aml ON aml.id = rel.line_id
                  LEFT JOIN account_partial_reconcile apr
                         ON apr.debit_move_id = aml.id
                 WHERE a.state = 'done'
                   AND a.date_done IS NOT NULL
                   AND aml.balance > 0
                 GROUP BY rel.action_id, a.date_done, aml.id, aml.balance
            ),
            i AS (
                SELECT item.action_id,
                       SUM(item.concerned) AS concerned,
                       SUM(item.paid_7) AS paid_7,
                       SUM(item.paid_15) AS paid_15,
                       SUM(item.paid_30) AS paid_30
                  FROM item
                 GROUP BY item.action_id
            )
            SELECT a.id AS id,
                   a.id AS action_id,
                   a.company_id AS company_id,
                   c.currency_id AS currency_id,
                   a.partner_id AS partner_id,
                   a.user_id AS user_id,
                   COALESCE(st.scenario_id, a.scenario_id) AS scenario_id,
                   a.step_id AS step_id,
                   a.mail_template_id AS mail_template_id,
                   a.action_type AS action_type,
                   COALESCE(a.is_specific, FALSE) AS is_specific,
                   a.date_done AS date_done,
                   1 AS action_count,
                   i.concerned AS amount_concerned,
                   i.paid_7 AS amount_paid_7,
                   i.paid_15 AS amount_paid_15,
                   i.paid_30 AS amount_paid_30,
                   %(matured_7)s::int AS matured_7,
                   %(matured_15)s::int AS matured_15,
                   %(matured_30)s::int AS matured_30,
                   %(rate_7)s AS rate_7,
                   %(rate_15)s AS rate_15,
                   %(rate_30)s AS rate_30
              FROM i
              JOIN dso_collection_action a ON a.id = i.action_id
              JOIN res_company c ON c.id = a.company_id
              -- A scenario action's scenario is its step's (its cycle's
              -- when the step was deleted since).
              LEFT JOIN dso_collection_step st ON st.id = a.step_id
            """,
            **windows,
            **matured,
            **rates,
        )

    @api.model
    def _dso_ratio_select(self, fname, query):
        """A rate aggregates as the share of its group: 100 * sum(paid) /
        sum(concerned) over the group's matured actions (an average of the
        actions' rates would weigh a small invoice as much as a large
        one)."""
        if fname not in RATE_FIELDS:
            return super()._dso_ratio_select(fname, query)
        paid, matured = RATE_FIELDS[fname]
        matured_sql = self._field_to_sql(self._table, matured, query)
        return SQL(
            "100.0 * SUM(CASE WHEN %(matured)s = 1 THEN %(paid)s ELSE 0 END)"
            " / NULLIF(SUM(CASE WHEN %(matured)s = 1 THEN %(concerned)s"
            " ELSE 0 END), 0)",
            matured=matured_sql,
            paid=self._field_to_sql(self._table, paid, query),
            concerned=self._field_to_sql(self._table, "amount_concerned", query),
        )

    @api.model
    def _get_rates(self, domain, groupby):
        """The rates and measured counts of ``domain`` grouped by the fields
        ``groupby``, in one query: ``{group key: {"action_count", "rate_7",
        "matured_7", ...}}``, the key a record (one field) or a tuple of
        them. A rate is ``None`` when no action of the group is measured at
        its window."""
        aggregates = ["action_count:sum"]
        for days in WINDOWS:
            aggregates += [f"rate_{days}:avg", f"matured_{days}:sum"]
        result = {}
        for row in self._read_group(domain, groupby=groupby, aggregates=aggregates):
            key = row[0] if len(groupby) == 1 else row[: len(groupby)]
            count, *figures = row[len(groupby) :]
            values = {"action_count": count or 0}
            for position, days in enumerate(WINDOWS):
                rate, measured = figures[2 * position : 2 * position + 2]
                values[f"matured_{days}"] = measured or 0
                values[f"rate_{days}"] = rate if measured else None
            result[key] = values
        return result
