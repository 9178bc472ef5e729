from odoo import api, fields, models
from odoo.tools import SQL

AGE_BANDS = [
    ("0_15", "0-15 days"),
    ("16_30", "16-30 days"),
    ("31_60", "31-60 days"),
    ("60_plus", "Over 60 days"),
]


class DsoDisputeReport(models.Model):
    """Dispute report: one read-only row per dispute of an item, from the
    day the item was given a dispute status (``dso.item.status.is_dispute``)
    to the day it left the disputes (another status, no status, or the item
    paid), read from the items' status history.

    A dispute starts on the status date of the history row that gave the
    dispute status (the day the item was disputed, which the collector may
    date back), not on the day that row was written; it ends on the day the
    next status was recorded, or on the day the item was paid.

    Open disputes have an age (days since they started) and the item's
    amount still due, and no resolution time; resolved ones a resolution
    time (days from start to end) and how they ended, and no age.
    """

    _name = "dso.dispute.report"
    _inherit = ["dso.report.mixin"]
    _description = "Dispute report"
    _auto = False
    _rec_name = "line_id"
    _order = "date_start desc, id desc"
    _depends = {
        "dso.item.status.history": [
            "line_id",
            "status_id",
            "status_date",
            "create_date",
        ],
        "dso.item.status": ["is_dispute"],
        "account.move.line": [
            "amount_residual",
            "balance",
            "dso_resolution_user_id",
            "dso_status_id",
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
    owner_id = fields.Many2one(
        "res.users",
        string="Resolution owner",
        readonly=True,
        help="Who must resolve the dispute (the item's resolution owner).",
    )
    status_id = fields.Many2one(
        "dso.item.status",
        readonly=True,
        help="The dispute status the item was given.",
    )
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], readonly=True
    )
    resolution = fields.Selection(
        [("paid", "Paid"), ("status", "Status changed")],
        readonly=True,
        help="How the dispute ended: the item was paid, or its status changed.",
    )
    date_start = fields.Date(string="Disputed on", readonly=True)
    date_end = fields.Date(string="Resolved on", readonly=True)
    age_days = fields.Integer(
        string="Age (days)",
        readonly=True,
        aggregator="avg",
        help="Days since the dispute started (open disputes only).",
    )
    age_band = fields.Selection(AGE_BANDS, readonly=True)
    resolution_days = fields.Integer(
        string="Resolution time (days)",
        readonly=True,
        aggregator="avg",
        help="Days from the start of the dispute to its end (resolved disputes only).",
    )
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Open disputes: what is still due on the item; resolved ones: "
        "the item's amount.",
    )
    dispute_count = fields.Integer(string="Disputes", readonly=True)

    @api.model
    def _company_query(self, company, today):
        """The disputes of one company's items. A dispute starts with a
        history row giving a dispute status after a non-dispute one (or
        none), on that row's status date (never after the day the row was
        written); it ends with the item's next history row without a dispute
        status, on the day it was written, else when the item was fully
        paid."""
        Partner = self.env["res.partner"].with_company(company)
        return SQL(
            """
            WITH hist AS (
                SELECT h.id, h.line_id, h.status_id,
                       h.create_date::date AS day,
                       LEAST(COALESCE(h.status_date, h.create_date::date),
                             h.create_date::date) AS status_day,
                       COALESCE(st.is_dispute, FALSE) AS is_dispute,
                       LAG(COALESCE(st.is_dispute, FALSE)) OVER w AS was_dispute
                  FROM dso_item_status_history h
                  JOIN account_move_line aml ON aml.id = h.line_id
                  LEFT JOIN dso_item_status st ON st.id = h.status_id
                 WHERE aml.company_id = %(company)s
                WINDOW w AS (PARTITION BY h.line_id ORDER BY h.create_date, h.id)
            ),
            dispute AS (
                SELECT s.id, s.line_id, s.status_id, s.status_day AS date_start,
                       (SELECT e.day
                          FROM hist e
                         WHERE e.line_id = s.line_id
                           AND e.id != s.id
                           AND NOT e.is_dispute
                           AND (e.day, e.id) > (s.day, s.id)
                         ORDER BY e.day, e.id
                         LIMIT 1) AS ended_on
                  FROM hist s
                 WHERE s.is_dispute AND NOT COALESCE(s.was_dispute, FALSE)
            ),
            closed AS (
                SELECT d.*,
                       CASE WHEN d.ended_on IS NULL AND aml.reconciled THEN (
                            SELECT MAX(pr.max_date)
                              FROM account_partial_reconcile pr
                             WHERE pr.debit_move_id = aml.id)
                       END AS paid_on,
                       aml.move_id, aml.amount_residual, aml.balance,
                       aml.dso_resolution_user_id, aml.partner_id AS item_partner
                  FROM dispute d
                  JOIN account_move_line aml ON aml.id = d.line_id
            )
            SELECT c.id AS id,
                   c.line_id,
                   c.move_id,
                   cp.id AS partner_id,
                   %(company)s AS company_id,
                   %(currency)s AS currency_id,
                   %(collector)s AS collector_id,
                   c.dso_resolution_user_id AS owner_id,
                   c.status_id,
                   CASE WHEN c.ended_on IS NULL AND c.paid_on IS NULL
                        THEN 'open' ELSE 'resolved' END AS state,
                   CASE WHEN c.ended_on IS NOT NULL THEN 'status'
                        WHEN c.paid_on IS NOT NULL THEN 'paid' END AS resolution,
                   c.date_start,
                   COALESCE(c.ended_on, c.paid_on) AS date_end,
                   CASE WHEN c.ended_on IS NULL AND c.paid_on IS NULL
                        THEN %(today)s::date - c.date_start END AS age_days,
                   CASE WHEN c.ended_on IS NOT NULL OR c.paid_on IS NOT NULL
                        THEN NULL
                        WHEN %(today)s::date - c.date_start <= 15 THEN '0_15'
                        WHEN %(today)s::date - c.date_start <= 30 THEN '16_30'
                        WHEN %(today)s::date - c.date_start <= 60 THEN '31_60'
                        ELSE '60_plus' END AS age_band,
                   COALESCE(c.ended_on, c.paid_on) - c.date_start
                       AS resolution_days,
                   CASE WHEN c.ended_on IS NULL AND c.paid_on IS NULL
                        THEN c.amount_residual ELSE c.balance END AS amount,
                   1 AS dispute_count
              FROM closed c
              JOIN res_partner p ON p.id = c.item_partner
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
            """,
            company=company.id,
            currency=company.currency_id.id,
            collector=Partner._field_to_sql("cp", "dso_collector_id"),
            today=today,
        )

    @api.model
    def _get_open_figures(self, domain=None):
        """Count, amount and average age of the open disputes of ``domain``
        (the allowed companies, record rules applying)."""
        [(count, amount, age)] = self._read_group(
            [("state", "=", "open"), *(domain or [])],
            aggregates=["dispute_count:sum", "amount:sum", "age_days:avg"],
        )
        return {
            "count": count or 0,
            "amount": amount or 0.0,
            "average_age": age,
        }
