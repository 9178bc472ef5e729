"""A customer's payment behaviour, read from its last paid invoices.

An item under an open promise of payment is predicted from the promise:
on its date when the customer keeps at least half its promises (over 12
months), else on its date plus the customer's usual delay.

The customer (commercial partner) pays each of its last paid invoices some
days after the due date (negative: before). Their average, their spread
(population standard deviation) and the share paid late predict when its
open items will be paid (``account.move.line``) and which actions of the
agenda weigh most (``dso.collection.action``).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, float_round, format_date

# How many of a customer's last paid invoices make its history.
PAYMENT_SAMPLE = 6

# The kept-promise rate (%) from which a promise date is believed as such.
PROMISE_TRUST_RATE = 50


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_days_late_avg = fields.Float(
        string="Average days late",
        compute="_compute_dso_payment_prediction",
        digits=(16, 1),
        help="Average number of days between the due date and the payment of the "
        "customer's last paid invoices in the current company (negative: paid "
        "early).",
    )
    dso_days_late_spread = fields.Float(
        string="Spread (days)",
        compute="_compute_dso_payment_prediction",
        digits=(16, 1),
        help="Standard deviation of the days late of those invoices: how far the "
        "customer strays from its average.",
    )
    dso_paid_sample = fields.Integer(
        string="Paid invoices measured",
        compute="_compute_dso_payment_prediction",
        help="Number of the customer's last fully paid invoices the prediction "
        "reads (at most 6).",
    )
    dso_late_probability = fields.Float(
        string="Chance of paying late",
        compute="_compute_dso_payment_prediction",
        help="Share of those invoices paid after their due date.",
    )
    dso_payment_explanation = fields.Char(
        string="Payment behaviour",
        compute="_compute_dso_payment_prediction",
    )

    @api.depends_context("company")
    def _compute_dso_payment_prediction(self):
        history = self._dso_payment_history(
            self.env.company, self.commercial_partner_id.ids
        )
        for partner in self:
            stats = history.get(partner.commercial_partner_id.id)
            partner.dso_days_late_avg = stats["avg"] if stats else 0.0
            partner.dso_days_late_spread = stats["spread"] if stats else 0.0
            partner.dso_paid_sample = stats["sample"] if stats else 0
            partner.dso_late_probability = stats["late_probability"] if stats else 0.0
            partner.dso_payment_explanation = self._dso_payment_explanation(stats)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _dso_payment_history_sql(self, company, partner_ids=None):
        """SQL query: one row per customer (commercial partner) of
        ``company`` with a paid invoice (of ``partner_ids`` only, if given),
        with ``partner_id``, ``paid_sample``, ``days_late_avg``,
        ``days_late_spread`` and ``late_probability``.

        Its history is its last ``PAYMENT_SAMPLE`` fully paid invoices: the
        receivable debit items of its posted customer invoices that are fully
        reconciled, the latest first. An item is paid on the latest date of
        its reconciliations; it is late by that date minus its due date.
        """
        partner_filter = SQL("TRUE")
        if partner_ids is not None:
            partner_filter = SQL(
                "p.commercial_partner_id = ANY(%s)", list(partner_ids) or [0]
            )
        return SQL(
            """
            WITH paid AS (
                SELECT p.commercial_partner_id AS partner_id,
                       aml.id AS line_id,
                       MAX(apr.max_date) AS paid_date,
                       MAX(apr.max_date) - COALESCE(aml.date_maturity, aml.date)
                           AS days_late
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND aml.reconciled
                   AND aml.balance > 0
                   AND acc.account_type = 'asset_receivable'
                   AND move.move_type = 'out_invoice'
                   AND %(partner_filter)s
                 GROUP BY p.commercial_partner_id, aml.id
            ),
            ranked AS (
                SELECT paid.*,
                       ROW_NUMBER() OVER (
                           PARTITION BY partner_id
                           ORDER BY paid_date DESC, line_id DESC
                       ) AS position
                  FROM paid
            )
            SELECT partner_id,
                   COUNT(*) AS paid_sample,
                   AVG(days_late)::float AS days_late_avg,
                   STDDEV_POP(days_late)::float AS days_late_spread,
                   AVG(CASE WHEN days_late > 0 THEN 1.0 ELSE 0.0 END)::float
                       AS late_probability
              FROM ranked
             WHERE position <= %(sample)s
             GROUP BY partner_id
            """,
            company=company.id,
            partner_filter=partner_filter,
            sample=PAYMENT_SAMPLE,
        )

    @api.model
    def _dso_payment_history(self, company, partner_ids):
        """The payment history of these customers (commercial partner ids)
        in ``company``, in one query: ``{partner_id: {"sample", "avg",
        "spread", "late_probability"}}``; a customer without a paid invoice
        is left out."""
        if not partner_ids:
            return {}
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(self._dso_payment_history_sql(company, partner_ids))
        return {
            partner_id: {
                "sample": sample,
                "avg": avg,
                "spread": spread,
                "late_probability": probability,
            }
            for partner_id, sample, avg, spread, probability in self.env.cr.fetchall()
        }

    @api.model
    def _dso_payment_explanation(self, stats):
        """The sentence that explains a payment history (see
        ``_dso_payment_history``), e.g. "Pays 12 days late on average (± 3),
        last 6 invoices"."""
        if not stats:
            return self.env._("No payment history yet")
        days = int(float_round(stats["avg"], precision_digits=0))
        spread = int(float_round(stats["spread"], precision_digits=0))
        count = stats["sample"]
        if count == 1:
            invoices = self.env._("last invoice")
        else:
            invoices = self.env._("last %(count)s invoices", count=count)
        if days > 0:
            return self.env._(
                "Pays %(days)s days late on average (± %(spread)s), %(invoices)s",
                days=days,
                spread=spread,
                invoices=invoices,
            )
        if days < 0:
            return self.env._(
                "Pays %(days)s days early on average (± %(spread)s), %(invoices)s",
                days=-days,
                spread=spread,
                invoices=invoices,
            )
        return self.env._(
            "Pays on time on average (± %(spread)s), %(invoices)s",
            spread=spread,
            invoices=invoices,
        )

    # ------------------------------------------------------------------
    # Promises of payment in the prediction
    # ------------------------------------------------------------------

    @api.model
    def _dso_apply_promise_prediction(self, company, lines, history, today):
        """Predict the items of ``lines`` (of ``company``) under an open
        promise from the promise: on its date when the customer keeps at
        least ``PROMISE_TRUST_RATE`` % of its promises, else on its date
        plus the customer's usual delay (``history``, see
        ``_dso_payment_history``); never before today. Two queries for all
        the lines."""
        promises = self.env["dso.payment.promise"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "open"),
                ("line_ids", "in", lines.ids),
            ],
            order="date desc, id desc",
        )
        if not promises:
            return
        promise_of = {}
        for promise in promises:
            for line_id in promise.line_ids.ids:
                promise_of.setdefault(line_id, promise)
        rates = self._dso_promise_stats(company, promises.partner_id.ids, today)
        for line in lines:
            promise = promise_of.get(line.id)
            if not promise:
                continue
            kept, broken = rates.get(promise.partner_id.id, (0, 0))
            rate = self._dso_promise_rate(kept, broken)
            stats = history.get(promise.partner_id.id)
            delay = int(float_round(stats["avg"], precision_digits=0)) if stats else 0
            trusted = rate is not None and rate >= PROMISE_TRUST_RATE
            predicted = promise.date
            if not trusted:
                predicted += timedelta(days=max(delay, 0))
            line.dso_predicted_payment_date = max(predicted, today)
            line.dso_payment_explanation = self._dso_promise_explanation(
                promise, kept, broken, trusted, delay
            )

    @api.model
    def _dso_promise_explanation(self, promise, kept, broken, trusted, delay):
        """e.g. "Promised for 12/03/2026; keeps 75 % of its promises (3 of
        4, last 12 months)"."""
        date = format_date(self.env, promise.date)
        if not kept + broken:
            return self.env._(
                "Promised for %(date)s; no promise kept or broken yet: "
                "%(days)s days of usual delay added",
                date=date,
                days=max(delay, 0),
            )
        rate = round(self._dso_promise_rate(kept, broken))
        if trusted:
            return self.env._(
                "Promised for %(date)s; keeps %(rate)s %% of its promises "
                "(%(kept)s of %(total)s, last 12 months)",
                date=date,
                rate=rate,
                kept=kept,
                total=kept + broken,
            )
        return self.env._(
            "Promised for %(date)s; keeps only %(rate)s %% of its promises "
            "(%(kept)s of %(total)s, last 12 months): %(days)s days of usual "
            "delay added",
            date=date,
            rate=rate,
            kept=kept,
            total=kept + broken,
            days=max(delay, 0),
        )
