"""The risk of a customer in a company, refreshed set-based by the daily run.

One row per customer (commercial partner) and company: its class and
score (``lib/risk.py``) with the inputs behind them, its orders to invoice
(from ``sale``, through the ``dso_collection_sale`` bridge) as of the last
refresh, when its credit limit is next reviewed, whether its scenario was
chosen by hand or by a rule, and whether it was alerted for passing its
limit. The daily run (``_dso_daily``, called by the planner's scheduled
action before it plans) refreshes every customer of the company with open
items in a fixed number of queries; each change of class is kept in
``dso.risk.history``; the customers whose review is due, who passed their
limit or whose class worsened get a review in the risk agenda
(``dso.risk.review``), and the last two, or a promise broken while over the
limit, an alert to their collector and the credit manager.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, float_compare, format_amount

from ...lib.risk import RiskInputs, class_rank, scorer
from ..planning.dso_collection_planner import ANALYZE_AFTER
from ..planning.dso_collection_planner_write import array_literal
from .dso_risk_score_mixin import RISK_CLASSES

# Over how many months broken promises and plans weigh on the score.
BROKEN_MONTHS = 12

# Columns of a risk row written by the daily run, and their array types.
RISK_COLUMNS = {
    "partner_id": "int",
    "company_id": "int",
    "risk_class": "varchar",
    "risk_score": "int",
    "days_late_avg": "float8",
    "days_late_spread": "float8",
    "oldest_overdue_date": "date",
    "open_disputes": "int",
    "broken_commitments": "int",
    "limit_share": "float8",
    "previous_class": "varchar",
    "date_class_changed": "date",
    "credit_to_invoice": "numeric",
    "credit_review_date": "date",
    "credit_limit_reviewed": "float8",
    "over_limit_alerted": "bool",
}

HISTORY_COLUMNS = {
    "partner_id": "int",
    "company_id": "int",
    "date": "date",
    "kind": "varchar",
    "old_class": "varchar",
    "risk_class": "varchar",
    "risk_score": "int",
    "days_late_avg": "float8",
    "days_late_spread": "float8",
    "oldest_overdue_days": "int",
    "open_disputes": "int",
    "broken_commitments": "int",
    "limit_share": "float8",
}

REVIEW_COLUMNS = {
    "partner_id": "int",
    "company_id": "int",
    "user_id": "int",
    "date": "date",
    "review_due": "bool",
    "over_limit": "bool",
    "class_worse": "bool",
    "old_class": "varchar",
    "new_class": "varchar",
    "new_credit_limit": "numeric",
    "next_review_date": "date",
}


class DsoCustomerRisk(models.Model):
    _name = "dso.customer.risk"
    _inherit = ["dso.risk.score.mixin"]
    _description = "Customer risk"
    _rec_name = "partner_id"
    _order = "risk_score desc, id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    previous_class = fields.Selection(
        RISK_CLASSES, string="Previous class", readonly=True
    )
    date_class_changed = fields.Date(string="Class changed on", readonly=True)
    oldest_overdue_date = fields.Date(
        string="Oldest overdue due date",
        readonly=True,
        help="Due date of the customer's oldest overdue item when its score was "
        "computed.",
    )
    # Its age today, from the date above: the row is not rewritten each day
    # the item ages (only when the score or an input changes).
    oldest_overdue_days = fields.Integer(compute="_compute_oldest_overdue_days")
    credit_to_invoice = fields.Monetary(
        string="Orders to invoice",
        currency_field="currency_id",
        readonly=True,
        help="Confirmed sale orders not invoiced yet, as of the last risk "
        "refresh (with the Sales app).",
    )
    credit_review_date = fields.Date(
        string="Credit limit review",
        help="When the credit limit is reviewed next: set when the limit "
        "changes, after the months of the customer's class (Settings).",
    )
    credit_limit_reviewed = fields.Float(
        string="Limit of the review date",
        readonly=True,
        help="The credit limit the review date was set for: another limit "
        "gets a new review date.",
    )
    scenario_manual = fields.Boolean(
        string="Scenario chosen by hand",
        help="The customer's scenario and collector were chosen by hand: the "
        "assignment rules leave them alone.",
    )
    scenario_rule_id = fields.Many2one(
        "dso.scenario.rule",
        string="Set by rule",
        ondelete="set null",
        readonly=True,
    )
    over_limit_alerted = fields.Boolean(readonly=True)

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A customer has one risk per company.",
        )
    ]

    @api.depends("oldest_overdue_date")
    @api.depends_context("tz")
    def _compute_oldest_overdue_days(self):
        today = fields.Date.context_today(self)
        for risk in self:
            due = risk.oldest_overdue_date
            risk.oldest_overdue_days = (today - due).days if due else 0

    # ------------------------------------------------------------------
    # Daily run
    # ------------------------------------------------------------------

    @api.model
    def _dso_daily(self, company, date):
        """The risk part of the daily run for ``company``: refresh every
        customer's risk, then apply the scenario rules. Once a day per
        company, one worker at a time (another skips it).

        :return: the refresh's counts (``_dso_refresh``), or None when skipped
        """
        self = self.sudo().with_company(company)  # noqa: PLW0642
        company = company.with_env(self.env)
        # One worker at a time: the company's row locked, then written. A
        # worker whose snapshot predates another's run fails to write it and
        # runs the batch again (``_dso_run_batch``), then skips.
        self.env.cr.execute(
            SQL(
                "SELECT dso_risk_last_run FROM res_company WHERE id = %s "
                "FOR NO KEY UPDATE SKIP LOCKED",
                company.id,
            )
        )
        row = self.env.cr.fetchone()
        if not row or (row[0] and row[0] >= date):
            return None
        counts = self._dso_refresh(company, date, last_run=row[0])
        self.env["dso.scenario.rule"]._dso_apply_rules(company, date)
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET dso_risk_last_run = %s WHERE id = %s",
                date,
                company.id,
            )
        )
        company.invalidate_recordset(["dso_risk_last_run"])
        return counts

    @api.model
    def _dso_refresh(self, company, date, partner_ids=None, last_run=None):
        """Compute the risk of the customers of ``company`` (all those with
        open items or a risk already; or only ``partner_ids``) on ``date``,
        write what changed, keep the class changes, open the reviews and
        send the alerts. A fixed number of queries whatever the number of
        customers.

        :param last_run: the date of the previous run: promises broken
            after it are news (by default the day before ``date``)
        :return: ``{"customers", "changed", "class_changes", "reviews",
            "alerts"}``
        """
        self = self.sudo().with_company(company)  # noqa: PLW0642
        company = company.with_env(self.env)
        last_run = last_run or date - timedelta(days=1)
        rows = self._dso_read_risk_inputs(company, date, partner_ids, last_run)
        ids = [row["partner_id"] for row in rows]
        history = self.env["res.partner"]._dso_payment_history(company, ids)
        to_invoice = self._dso_credit_to_invoice(company, ids)
        score_and_class = scorer(company._dso_risk_settings())
        currency = company.currency_id
        rounding = currency.rounding
        # The stored columns a row's new values are compared with.
        compared = [name for name in RISK_COLUMNS if name != "company_id"]

        risk_rows, history_rows, review_rows, alerts = [], [], [], []
        for row in rows:
            partner_id = row["partner_id"]
            stats = history.get(partner_id)
            invoiced_later = to_invoice.get(partner_id, 0.0)
            if invoiced_later:
                invoiced_later = currency.round(invoiced_later)
            limit = row["credit_limit"] or 0.0
            used = row["balance"] + invoiced_later
            share = 100.0 * used / limit if limit > 0 and used > 0 else 0.0
            inputs = RiskInputs(
                days_late_avg=stats["avg"] if stats else 0.0,
                days_late_spread=stats["spread"] if stats else 0.0,
                oldest_overdue_days=(date - row["oldest_due"]).days
                if row["oldest_due"]
                else 0,
                open_disputes=row["disputes"],
                broken_commitments=row["broken"],
                limit_share=round(share, 2),
            )
            score, risk_class = score_and_class(inputs)
            old_class = row["risk_class"]
            over = (
                limit > 0
                and float_compare(used, limit, precision_rounding=rounding) > 0
            )
            class_worse = bool(old_class) and class_rank(risk_class) > class_rank(
                old_class
            )
            newly_over = over and not row["over_limit_alerted"]
            broke_over = over and row["broken_new"] > 0
            review_date, limit_reviewed = self._dso_review_date(
                company, date, limit, risk_class, row
            )
            review_due = bool(review_date) and review_date <= date
            new = {
                "partner_id": partner_id,
                "company_id": company.id,
                "risk_class": risk_class,
                "risk_score": score,
                "days_late_avg": inputs.days_late_avg,
                "days_late_spread": inputs.days_late_spread,
                "oldest_overdue_date": row["oldest_due"],
                "open_disputes": inputs.open_disputes,
                "broken_commitments": inputs.broken_commitments,
                "limit_share": inputs.limit_share,
                "previous_class": old_class
                if old_class != risk_class
                else row["previous_class"],
                "date_class_changed": date
                if old_class != risk_class
                else row["date_class_changed"],
                "credit_to_invoice": invoiced_later,
                "credit_review_date": review_date,
                "credit_limit_reviewed": limit_reviewed,
                "over_limit_alerted": over,
            }
            # Written only when something changed: not each day an overdue
            # item ages without moving the score.
            if row["id"] is None or any(new[name] != row[name] for name in compared):
                risk_rows.append(new)
            if old_class != risk_class:
                history_rows.append(
                    {
                        **{name: new[name] for name in HISTORY_COLUMNS if name in new},
                        "oldest_overdue_days": inputs.oldest_overdue_days,
                        "date": date,
                        "kind": "class",
                        "old_class": old_class,
                    }
                )
            if review_due or newly_over or class_worse:
                review_rows.append(
                    {
                        "partner_id": partner_id,
                        "company_id": company.id,
                        "user_id": company.dso_credit_manager_id.id or None,
                        "date": date,
                        "review_due": review_due,
                        "over_limit": newly_over,
                        "class_worse": class_worse,
                        "old_class": old_class if class_worse else None,
                        "new_class": risk_class,
                        "new_credit_limit": limit,
                        "next_review_date": date
                        + relativedelta(months=company._dso_review_months(risk_class)),
                    }
                )
            if newly_over or class_worse or broke_over:
                alerts.append(
                    {
                        "partner_id": partner_id,
                        "collector_id": row["collector_id"],
                        "over": newly_over,
                        "limit": limit,
                        "used": used,
                        "old_class": old_class if class_worse else None,
                        "new_class": risk_class,
                        "inputs": inputs,
                        "score": score,
                        "broke_over": broke_over,
                    }
                )
        self._dso_upsert_risks(risk_rows)
        self._dso_insert_rows("dso_risk_history", HISTORY_COLUMNS, history_rows)
        self.env["dso.risk.review"]._dso_open_reviews(review_rows)
        alerted = self._dso_send_alerts(company, date, alerts)
        if len(risk_rows) >= ANALYZE_AFTER:
            # As the planner does for the agenda: fresh statistics before
            # Customers to collect joins the thousands of rows just written
            # (planned on an empty table's, it loops over them).
            self.env.cr.execute("ANALYZE dso_customer_risk, dso_risk_history")
        self.env.invalidate_all()
        return {
            "customers": len(rows),
            "changed": len(risk_rows),
            "class_changes": len(history_rows),
            "reviews": len(review_rows),
            "alerts": alerted,
        }

    @api.model
    def _dso_review_date(self, company, date, limit, risk_class, row):
        """When the customer's credit ``limit`` is reviewed next, and the
        limit that date is for: as stored in its risk ``row``, unless the
        limit changed (or has no date yet): then after the months of its
        class from ``date``. No limit, no review."""
        review_date = row["credit_review_date"]
        limit_reviewed = row["credit_limit_reviewed"]
        if limit <= 0:
            return None, 0.0
        if review_date is None or float_compare(
            limit, limit_reviewed or 0.0, precision_digits=2
        ):
            months = company._dso_review_months(risk_class)
            return date + relativedelta(months=months), limit
        return review_date, limit_reviewed

    @api.model
    def _dso_credit_to_invoice(self, company, partner_ids):
        """Hook: what these customers (commercial partner ids) have ordered
        and not been invoiced yet, in the company currency: ``{partner id:
        amount}``. Nothing without the Sales app; the ``dso_collection_sale``
        bridge reads the confirmed sale orders."""
        return {}

    @api.model
    def _dso_read_risk_inputs(self, company, date, partner_ids, last_run):
        """One row (a dict) per customer to refresh: its open balance, its
        oldest overdue due date, its items in dispute, its broken promises
        and plans, its credit limit, its collector and its current risk
        row. One query."""
        Partner = self.env["res.partner"].with_company(company)
        planner = self.env["dso.collection.planner"]
        for model in (
            "account.move.line",
            "dso.payment.promise",
            "dso.payment.plan",
            "dso.customer.risk",
        ):
            self.env[model].flush_model()
        self.env["res.partner"].flush_model()
        credit_limit = (
            Partner._field_to_sql("p", "credit_limit")
            if company._dso_uses_credit_limit()
            else SQL("0.0")
        )
        risk_filter = item_filter = SQL()
        if partner_ids is not None:
            risk_filter = SQL("AND partner_id IN %s", tuple(partner_ids or [0]))
            item_filter = SQL(
                "AND aml.partner_id IN (SELECT id FROM res_partner"
                " WHERE commercial_partner_id IN %s)",
                tuple(partner_ids or [0]),
            )
        Line = self.env["account.move.line"]
        if partner_ids is not None and not partner_ids:
            return []
        planner._without_jit()
        self.env.cr.execute(
            SQL(
                """
                -- Grouped by journal-item partner before the customers, as
                -- Customers to collect reads them: the same balance.
                WITH open AS (
                    SELECT cp.commercial_partner_id AS partner_id,
                           SUM(by_partner.balance) AS balance,
                           MIN(by_partner.oldest_due) AS oldest_due
                      FROM (
                            SELECT aml.partner_id,
                                   SUM(aml.amount_residual) AS balance,
                                   MIN(COALESCE(aml.date_maturity, aml.date))
                                       FILTER (WHERE %(overdue)s) AS oldest_due
                              FROM account_move_line aml
                             WHERE aml.company_id = %(company)s
                               AND %(is_open)s
                               AND ABS(aml.amount_residual) >= %(ignore_below)s
                               %(item_filter)s
                             GROUP BY aml.partner_id
                           ) AS by_partner
                      JOIN res_partner cp ON cp.id = by_partner.partner_id
                     GROUP BY cp.commercial_partner_id
                ),
                -- The few items in dispute, found by their status (indexed).
                dispute AS (
                    SELECT p.commercial_partner_id AS partner_id,
                           COUNT(*) AS disputes
                      FROM account_move_line aml
                      JOIN res_partner p ON p.id = aml.partner_id
                     WHERE aml.dso_status_id IN (SELECT id FROM dso_item_status
                                                  WHERE is_dispute)
                       AND aml.company_id = %(company)s
                       AND %(is_open)s
                       AND ABS(aml.amount_residual) >= %(ignore_below)s
                     GROUP BY 1
                ),
                broken AS (
                    SELECT partner_id,
                           COUNT(*) AS total,
                           COUNT(*) FILTER (WHERE is_promise
                                              AND date_closed > %(last_run)s)
                               AS promises_new
                      FROM (
                            SELECT partner_id, date_closed, TRUE AS is_promise
                              FROM dso_payment_promise
                             WHERE company_id = %(company)s AND state = 'broken'
                               AND date_closed > %(since)s
                               AND date_closed <= %(date)s
                             UNION ALL
                            SELECT partner_id, date_closed, FALSE
                              FROM dso_payment_plan
                             WHERE company_id = %(company)s AND state = 'broken'
                               AND date_closed > %(since)s
                               AND date_closed <= %(date)s
                           ) AS closed
                     GROUP BY partner_id
                ),
                customer AS (
                    SELECT partner_id FROM open
                     UNION
                    SELECT partner_id FROM dso_customer_risk
                     WHERE company_id = %(company)s %(risk_filter)s
                )
                SELECT c.partner_id,
                       COALESCE(open.balance, 0)::float8,
                       open.oldest_due,
                       COALESCE(dispute.disputes, 0),
                       COALESCE(broken.total, 0),
                       COALESCE(broken.promises_new, 0),
                       COALESCE(%(credit_limit)s, 0)::float8,
                       %(collector)s,
                       r.id, r.risk_class, r.risk_score, r.days_late_avg,
                       r.days_late_spread, r.oldest_overdue_date, r.open_disputes,
                       r.broken_commitments, r.limit_share, r.previous_class,
                       r.date_class_changed, r.credit_to_invoice::float8,
                       r.credit_review_date, r.credit_limit_reviewed,
                       COALESCE(r.over_limit_alerted, FALSE)
                  FROM customer c
                  JOIN res_partner p ON p.id = c.partner_id
                  LEFT JOIN open ON open.partner_id = c.partner_id
                  LEFT JOIN dispute ON dispute.partner_id = c.partner_id
                  LEFT JOIN broken ON broken.partner_id = c.partner_id
                  LEFT JOIN dso_customer_risk r
                    ON r.partner_id = c.partner_id AND r.company_id = %(company)s
                 ORDER BY c.partner_id
                """,
                # Overdue among the open items (``_dso_overdue_sql``'s rest).
                overdue=SQL(
                    "aml.amount_residual > 0"
                    " AND COALESCE(aml.date_maturity, aml.date) < %s",
                    date,
                ),
                item_filter=item_filter,
                is_open=Line._dso_open_sql(
                    SQL("aml"), account_ids=Line._dso_receivable_account_ids()
                ),
                ignore_below=company.dso_ignore_below or 0.0,
                company=company.id,
                last_run=last_run,
                since=date - relativedelta(months=BROKEN_MONTHS),
                date=date,
                risk_filter=risk_filter,
                credit_limit=credit_limit,
                collector=self.env["dso.collection.kpi"]._collector_id_sql(
                    company, "p"
                ),
            )
        )
        names = (
            "partner_id",
            "balance",
            "oldest_due",
            "disputes",
            "broken",
            "broken_new",
            "credit_limit",
            "collector_id",
            "id",
            "risk_class",
            "risk_score",
            "days_late_avg",
            "days_late_spread",
            "oldest_overdue_date",
            "open_disputes",
            "broken_commitments",
            "limit_share",
            "previous_class",
            "date_class_changed",
            "credit_to_invoice",
            "credit_review_date",
            "credit_limit_reviewed",
            "over_limit_alerted",
        )
        return [
            dict(zip(names, values, strict=True)) for values in self.env.cr.fetchall()
        ]

    # ------------------------------------------------------------------
    # Writing in bulk
    # ------------------------------------------------------------------

    @api.model
    def _dso_insert_rows(self, table, columns, rows, conflict=None):
        """Insert ``rows`` (dicts with the keys of ``columns``, ``{name:
        PostgreSQL type}``) into ``table`` in one query, with their
        create/write user and date; ``conflict``: an ``ON CONFLICT`` clause
        (SQL). Return the ids of the inserted or updated rows."""
        if not rows:
            return []
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %(table)s (%(columns)s, create_uid, create_date,
                                       write_uid, write_date)
                SELECT %(columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(arrays)s) AS v(%(columns)s)
                %(conflict)s
             RETURNING id
                """,
                table=SQL.identifier(table),
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                # One text literal per column, as the planner sends them
                # (``array_literal``): psycopg2's ARRAY[...] of 10 000 values
                # took PostgreSQL half a second to parse.
                arrays=SQL(", ").join(
                    SQL(
                        "%s::%s[]",
                        array_literal([row[name] for row in rows]),
                        SQL(kind),
                    )
                    for name, kind in columns.items()
                ),
                uid=self.env.uid,
                now=self.env.cr.now(),
                conflict=conflict or SQL(),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _dso_upsert_risks(self, rows):
        """Insert or update these risk rows (``RISK_COLUMNS``), one query;
        the scenario's provenance (by hand, by rule) is left as it is."""
        updated = [
            name for name in RISK_COLUMNS if name not in ("partner_id", "company_id")
        ]
        self._dso_insert_rows(
            self._table,
            RISK_COLUMNS,
            rows,
            conflict=SQL(
                "ON CONFLICT (partner_id, company_id) DO UPDATE SET %s, "
                "write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date",
                SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in updated
                ),
            ),
        )

    @api.model
    def _dso_ensure(self, company, partner_ids):
        """The risk rows of these customers in ``company``, created empty
        where missing (one query each way)."""
        if partner_ids:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO dso_customer_risk (partner_id, company_id,
                                create_uid, create_date, write_uid, write_date)
                    SELECT id, %(company)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM unnest(%(ids)s::int[]) AS id
                    ON CONFLICT (partner_id, company_id) DO NOTHING
                    """,
                    company=company.id,
                    ids=list(partner_ids),
                    uid=self.env.uid,
                    now=self.env.cr.now(),
                )
            )
        return self.search(
            [("company_id", "=", company.id), ("partner_id", "in", list(partner_ids))]
        )

    # ------------------------------------------------------------------
    # Alerts
    # ------------------------------------------------------------------

    @api.model
    def _dso_send_alerts(self, company, date, alerts):
        """One "Credit risk" activity for the collector and one for the
        credit manager of each customer of ``alerts``, saying why; none for
        a user who has one open on the customer already. Return how many
        activities were created."""
        activity_type = self.env.ref(
            "dso_collection.mail_activity_type_dso_risk_alert", raise_if_not_found=False
        )
        if not alerts or not activity_type:
            return 0
        partner_ids = [alert["partner_id"] for alert in alerts]
        open_pairs = {
            (activity.res_id, activity.user_id.id)
            for activity in self.env["mail.activity"].search_fetch(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partner_ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id", "user_id"],
            )
        }
        # By id, from one recordset: each partner's name read with the others.
        partners = {
            partner.id: partner
            for partner in self.env["res.partner"].browse(partner_ids)
        }
        default_user = company.dso_default_collector_id or self.env.ref(
            "base.user_admin", raise_if_not_found=False
        )
        users = self.env["res.users"].browse(
            {alert["collector_id"] for alert in alerts if alert["collector_id"]}
            | set(company.dso_credit_manager_id.ids)
            | set(default_user.ids if default_user else [])
        )
        users.fetch(["lang"])
        vals_list = []
        for alert in alerts:
            partner = partners[alert["partner_id"]]
            collector = users.browse(alert["collector_id"] or []) or default_user
            recipients = (collector | company.dso_credit_manager_id).filtered("active")
            for user in recipients:
                if (partner.id, user.id) in open_pairs:
                    continue
                in_lang = self.with_context(lang=user.lang or self.env.lang)
                vals_list.append(
                    {
                        "activity_type_id": activity_type.id,
                        "res_id": partner.id,
                        "res_name": partner.display_name,
                        "date_deadline": date,
                        "summary": in_lang.env._("Credit risk"),
                        "note": in_lang._dso_alert_note(company, alert),
                        "user_id": user.id,
                    }
                )
        self.env["mail.activity"]._dso_insert_activities("res.partner", vals_list)
        return len(vals_list)

    @api.model
    def _dso_alert_note(self, company, alert):
        """Why a customer is alerted, one line per reason (markup)."""
        lines = []
        if alert["over"]:
            lines.append(
                self.env._(
                    "Over its credit limit: %(used)s used for a limit of %(limit)s.",
                    used=format_amount(self.env, alert["used"], company.currency_id),
                    limit=format_amount(self.env, alert["limit"], company.currency_id),
                )
            )
        if alert["old_class"]:
            lines.append(
                self.env._(
                    "Risk class worse: %(old)s to %(new)s (%(why)s).",
                    old=alert["old_class"],
                    new=alert["new_class"],
                    why=self._dso_risk_explanation(
                        company, alert["new_class"], alert["score"], alert["inputs"]
                    ),
                )
            )
        if alert["broke_over"]:
            lines.append(
                self.env._("Broke a promise of payment while over its credit limit.")
            )
        return Markup("<br/>").join(escape(line) for line in lines)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id._get_records_action(context={})
