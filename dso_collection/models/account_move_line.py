"""The collection's view of a journal item: the item.

Sections: the collection fields (status, exclusion, penalties, days
overdue); "open item" and "overdue", defined once in each language (SQL for
the planner and the reports, a domain for searches and screens, Python for
records at hand); the payment prediction (when an open item will be paid).
Qualifying items (statuses, history, review) is the ``qualification`` wing's
part of this model.
"""

from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, float_round

from ..lib.constants import OPEN_STATES
from ..lib.lang_formats import LangFormats

# What "open" and "overdue" read (see _dso_open_sql and _dso_overdue_sql).
OPEN_DEPENDS = (
    "account_id.account_type",
    "parent_state",
    "reconciled",
    "amount_residual",
)

OVERDUE_DEPENDS = (*OPEN_DEPENDS, "date_maturity", "date")


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dso_status_id = fields.Many2one(
        "dso.item.status",
        string="Collection status",
        index="btree_not_null",
        copy=False,
    )
    dso_status_date = fields.Date(string="Status date", copy=False)
    dso_comment = fields.Text(string="Collection comment", copy=False)
    dso_resolution_user_id = fields.Many2one(
        "res.users",
        string="Resolution owner",
        copy=False,
        help="Who must resolve the status (sales, manager, collector ...).",
    )
    dso_action_ids = fields.Many2many(
        "dso.collection.action",
        "dso_collection_action_line_rel",
        "line_id",
        "action_id",
        string="Collection actions",
        copy=False,
    )
    dso_payment_plan_ids = fields.Many2many(
        "dso.payment.plan",
        "dso_payment_plan_line_rel",
        "line_id",
        "plan_id",
        string="Payment plans",
        copy=False,
        readonly=True,
    )
    dso_excluded = fields.Boolean(
        string="Excluded from scenario",
        compute="_compute_dso_excluded",
        search="_search_dso_excluded",
        help="Excluded by its status, by an open specific action, by a running "
        "payment plan or ignored by hand: never the leader invoice and not "
        "listed by scenario actions.",
    )
    dso_is_open = fields.Boolean(
        string="Open item",
        compute="_compute_dso_is_open",
        search="_search_dso_is_open",
        help="A receivable item of a posted entry, not fully paid.",
    )
    dso_is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_dso_is_overdue",
        search="_search_dso_is_overdue",
        help="An open debit item whose due date is past.",
    )
    dso_days_overdue = fields.Integer(
        string="Days overdue", compute="_compute_dso_days_overdue"
    )

    dso_penalty_amount = fields.Monetary(
        string="Late interest",
        compute="_compute_dso_penalties",
        currency_field="currency_id",
        help="Simple late-payment interest as of today, in the item's currency: "
        "residual x annual rate x days late / 365. None for items not yet due, "
        "items whose status suspends penalties (a dispute), credit notes, or "
        "customers without late penalties.",
    )
    dso_recovery_cost_amount = fields.Monetary(
        string="Recovery cost",
        compute="_compute_dso_penalties",
        currency_field="currency_id",
        help="Fixed recovery cost, once per late invoice (on its first late "
        "instalment), for customers with recovery costs.",
    )
    dso_penalty_total = fields.Monetary(
        string="Penalties",
        compute="_compute_dso_penalties",
        currency_field="currency_id",
    )
    dso_amount_with_penalties = fields.Monetary(
        string="Due with penalties",
        compute="_compute_dso_penalties",
        currency_field="currency_id",
    )
    dso_predicted_payment_date = fields.Date(
        string="Predicted payment",
        compute="_compute_dso_predicted_payment",
        help="Due date plus the customer's average days late over its last paid "
        "invoices, never before today; the due date when the customer has no "
        "payment history yet.",
    )
    dso_payment_explanation = fields.Char(
        string="Prediction basis",
        compute="_compute_dso_predicted_payment",
        help="The customer's payment history the predicted date comes from.",
    )

    @api.depends(
        "amount_residual_currency",
        "date_maturity",
        "dso_status_id.suspend_penalties",
        "partner_id.commercial_partner_id.dso_late_penalty",
        "partner_id.commercial_partner_id.dso_recovery_cost",
    )
    @api.depends_context("tz")
    def _compute_dso_penalties(self):
        today = fields.Date.context_today(self)
        unpaid = self._dso_unpaid_shares()
        for line in self:
            interest = cost = 0.0
            share = unpaid.get(line.id, 1.0)
            if line._dso_is_late(today) and share > 0:
                company = line.company_id
                partner = line.partner_id.commercial_partner_id.with_company(company)
                due = line.date_maturity or line.date
                if partner.dso_late_penalty:
                    interest = company._dso_late_interest(
                        line.amount_residual_currency * share,
                        line.currency_id,
                        due,
                        today,
                    )
                if partner.dso_recovery_cost and line._dso_is_first_late_instalment(
                    today
                ):
                    cost = company.currency_id._convert(
                        company.dso_recovery_cost_amount,
                        line.currency_id,
                        company,
                        today,
                    )
            line.dso_penalty_amount = interest
            line.dso_recovery_cost_amount = cost
            line.dso_penalty_total = interest + cost
            line.dso_amount_with_penalties = (
                (line.amount_residual_currency if line._dso_is_open() else 0.0)
                + interest
                + cost
            )

    def _dso_unpaid_shares(self):
        """``{item id: share of its residual really unpaid}`` for the open
        debit items among these whose customer also has open credits (credit
        notes, unmatched payments): the credits settle the customer's
        oldest debit items first (due date, date, id), so late interest and
        recovery costs run only on what the credits leave unpaid. Items of
        customers without open credits are not listed (all unpaid). One
        query for all the customers of these items (a page of the Open items
        list reads this for its 80 rows)."""
        debits = self.filtered(
            lambda line: line._dso_is_open() and line.amount_residual > 0
        )
        if not debits:
            return {}
        self.flush_model(
            ["amount_residual", "date_maturity", "date", "partner_id", "company_id"]
        )
        # The amounts of the items of the customers of lines the user reads,
        # in the companies of those lines.
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id, aml.company_id, aml.id,
                       aml.amount_residual,
                       COALESCE(aml.date_maturity, aml.date), aml.date
                  FROM account_move_line aml
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.company_id = ANY(%s)
                   AND p.commercial_partner_id = ANY(%s)
                   AND %s
                """,
                debits.company_id.ids,
                debits.partner_id.commercial_partner_id.ids,
                self._dso_open_sql(SQL("aml")),
            )
        )
        by_customer = defaultdict(list)
        for partner_id, company_id, *item in self.env.cr.fetchall():
            by_customer[partner_id, company_id].append(item)
        shares = {}
        for customer_items in by_customer.values():
            # item: (id, residual, due date, date)
            credit = -sum(item[1] for item in customer_items if item[1] < 0)
            if not credit:
                continue
            # (due date, date, id): the oldest first.
            owed = sorted(
                (
                    (due, date, item_id, residual)
                    for item_id, residual, due, date in customer_items
                    if residual > 0
                ),
            )
            for __, __, item_id, residual in owed:
                settled = min(credit, residual)
                credit -= settled
                shares[item_id] = (residual - settled) / residual
        return shares

    @api.model
    def _dso_reconciliation_texts(self):
        """The words of a reconciliation task (``_dso_reconciliation_note``)
        in this environment's language: translated once for all the tasks
        of a planning in that language."""
        return {
            "pattern": self.env._("%(number)s of %(date)s: %(amount)s"),
            "intro": escape(
                self.env._(
                    "Open credits sit beside overdue invoices: match them (or "
                    "refund the credits) so that reminders and penalties claim "
                    "only what is owed."
                )
            ),
            "credits": escape(self.env._("Credits:")),
            "debits": escape(self.env._("Overdue invoices:")),
        }

    @api.model
    def _dso_reconciliation_note(self, rows, currency, texts=None):
        """The collector's reconciliation task: the open credits (credit
        notes, unmatched payments) and overdue invoices of one customer, to
        match; dates and amounts in the task's language.

        :param rows: ``(number, due date, residual)`` of each item, in
            ``currency`` (credits are negative): plain values, as the
            planner reads thousands of customers' items in one query
        :param texts: ``_dso_reconciliation_texts()`` of this language, when
            the caller writes many notes
        """
        texts = texts or self._dso_reconciliation_texts()
        formats = LangFormats.get(self.env)
        # A first planning writes thousands of these notes, built as plain
        # strings of escaped values (Markup's ``%`` and join per item cost
        # most of their time); the same HTML.
        pattern = texts["pattern"]
        credits, debits = [], []
        for number, due, residual in rows:
            text = pattern % {
                "number": number or "",
                "date": formats.date(due),
                "amount": formats.amount(abs(residual), currency),
            }
            (credits if residual < 0 else debits).append(f"<li>{escape(text)}</li>")
        return Markup(
            f"<p>{texts['intro']}</p>"
            f"<p>{texts['credits']}</p><ul>{''.join(credits)}</ul>"
            f"<p>{texts['debits']}</p><ul>{''.join(debits)}</ul>"
        )

    def _dso_is_late(self, today):
        """Open debit item past its due date whose status does not suspend
        penalties: a dispute does; litigation, which excludes the item
        from the scenario too, does not."""
        self.ensure_one()
        due = self.date_maturity or self.date
        return bool(
            self._dso_is_open()
            and self.amount_residual > 0
            and due
            and due < today
            and not self.dso_status_id.suspend_penalties
        )

    def _dso_is_first_late_instalment(self, today):
        """Recovery costs are due once per late invoice: on its late
        instalment with the oldest due date."""
        self.ensure_one()
        late = self.move_id.line_ids.filtered(lambda line: line._dso_is_late(today))
        first = min(late, key=lambda line: (line.date_maturity or line.date, line.id))
        return first == self

    @api.model
    def _dso_excluded_sql(self, alias):
        """SQL expression: the item `alias` is excluded from the scenario,
        by an excluding status, by an open specific action (rule 5) or a
        running payment plan, or ignored by hand."""
        return SQL(
            """(
                COALESCE(%(alias)s.dso_ignored, FALSE)
                OR EXISTS (SELECT 1 FROM dso_item_status st
                         WHERE st.id = %(alias)s.dso_status_id
                           AND st.exclude_from_scenario)
                OR EXISTS (SELECT 1
                             FROM dso_collection_action_line_rel rel
                             JOIN dso_collection_action act ON act.id = rel.action_id
                            WHERE rel.line_id = %(alias)s.id
                              AND act.is_specific
                              AND act.state IN %(open)s)
                OR EXISTS (SELECT 1
                             FROM dso_payment_plan_line_rel prel
                             JOIN dso_payment_plan plan ON plan.id = prel.plan_id
                            WHERE prel.line_id = %(alias)s.id
                              AND plan.state = 'running')
            )""",
            alias=alias,
            open=OPEN_STATES,
        )

    @api.depends(
        "dso_status_id.exclude_from_scenario",
        "dso_ignored",
        "dso_action_ids.state",
        "dso_action_ids.is_specific",
        "dso_payment_plan_ids.state",
    )
    def _compute_dso_excluded(self):
        excluded_ids = set()
        if self.ids:
            self.flush_model(["dso_status_id", "dso_ignored"])
            self.env["dso.collection.action"].flush_model(["state", "is_specific"])
            self.env["dso.payment.plan"].flush_model(["state", "line_ids"])
            self.env.cr.execute(
                SQL(
                    "SELECT aml.id FROM account_move_line aml"
                    " WHERE aml.id IN %s AND %s",
                    tuple(self.ids),
                    self._dso_excluded_sql(SQL("aml")),
                )
            )
            excluded_ids = {row[0] for row in self.env.cr.fetchall()}
        for line in self:
            line.dso_excluded = line.id in excluded_ids

    def _search_dso_excluded(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(
                self.env._("Excluded from scenario only supports = True / False.")
            )
        query = SQL(
            "(SELECT aml.id FROM account_move_line aml WHERE %s)",
            self._dso_excluded_sql(SQL("aml")),
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", query)]

    @api.depends(*OPEN_DEPENDS)
    def _compute_dso_is_open(self):
        for line in self:
            line.dso_is_open = line._dso_is_open()

    def _search_dso_is_open(self, operator, value):
        return self._dso_search_boolean(operator, value, self._dso_open_domain())

    @api.depends(*OVERDUE_DEPENDS)
    @api.depends_context("tz")
    def _compute_dso_is_overdue(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.dso_is_overdue = line._dso_is_overdue(today)

    def _search_dso_is_overdue(self, operator, value):
        today = fields.Date.context_today(self)
        return self._dso_search_boolean(
            operator, value, self._dso_overdue_domain(today)
        )

    @api.model
    def _dso_search_boolean(self, operator, value, domain):
        """The search of a Boolean field defined by ``domain``."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(
                self.env._("This filter only supports = True / False.")
            )
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    @api.depends(*OVERDUE_DEPENDS)
    @api.depends_context("tz")
    def _compute_dso_days_overdue(self):
        today = fields.Date.context_today(self)
        for line in self:
            overdue = line._dso_is_overdue(today)
            line.dso_days_overdue = (
                (today - line._dso_due_date()).days if overdue else 0
            )

    @api.onchange("dso_status_id")
    def _onchange_dso_status_id(self):
        if self.dso_status_id:
            self.dso_status_date = fields.Date.context_today(self)

    # ------------------------------------------------------------------
    # "Open item" and "overdue", defined once in each language: SQL for the
    # planner and the reports, a domain for searches and screens, Python for
    # records at hand. tests/test_open_items.py checks that they agree.
    # ------------------------------------------------------------------

    def init(self):
        res = super().init()
        # The open items of a company, by partner, in an index that holds
        # only them (a fraction of the journal items) with the columns the
        # collection's aggregates read: the planner's news, Customers to
        # collect and the reconciliation tasks read the open items of every
        # customer without touching the table (an index-only scan, half the
        # time of a scan of the table at 100 000 open items). Its predicate
        # is the first half of ``_dso_open_sql``, which PostgreSQL matches.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS dso_collection_aml_open_item_idx
                ON account_move_line (company_id, partner_id)
                   INCLUDE (account_id, amount_residual, date_maturity, date)
             WHERE parent_state = 'posted'
               AND NOT reconciled
               AND amount_residual != 0
            """
        )
        return res

    @api.model
    def _dso_open_sql(self, alias, account_ids=None):
        """SQL condition: the item ``alias`` is open, a receivable item of a
        posted entry that is not fully paid (an "item": readme/USAGE.md,
        "Glossary and scenario rules").

        :param account_ids: the receivable accounts, read beforehand
            (``_dso_receivable_account_ids``): PostgreSQL then estimates how
            many items they hold, where it expected a tenth of them behind
            the subquery, and filters them in the index it reads
        """
        accounts = (
            SQL("%s", tuple(account_ids) or (0,))
            if account_ids is not None
            else SQL(
                "(SELECT acc.id FROM account_account acc"
                " WHERE acc.account_type = 'asset_receivable')"
            )
        )
        return SQL(
            """(
                %(alias)s.parent_state = 'posted'
                AND NOT %(alias)s.reconciled
                AND %(alias)s.amount_residual != 0
                AND %(alias)s.account_id IN %(accounts)s
            )""",
            alias=alias,
            accounts=accounts,
        )

    @api.model
    def _dso_receivable_account_ids(self):
        """The ids of the receivable accounts of every company (a query
        keeps its company's items), for ``_dso_open_sql``."""
        self.env["account.account"].flush_model(["account_type"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_account WHERE account_type = %s",
                "asset_receivable",
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _dso_overdue_sql(self, alias, today, account_ids=None):
        """SQL condition: the item ``alias`` is overdue on ``today``, an open
        debit item whose due date (else its date) is before ``today``
        (``account_ids``: see ``_dso_open_sql``)."""
        return SQL(
            """(
                %(open)s
                AND %(alias)s.amount_residual > 0
                AND COALESCE(%(alias)s.date_maturity, %(alias)s.date) < %(today)s
            )""",
            open=self._dso_open_sql(alias, account_ids=account_ids),
            alias=alias,
            today=today,
        )

    @api.model
    def _dso_open_domain(self):
        """Domain of the open items (see ``_dso_open_sql``)."""
        return [
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ]

    @api.model
    def _dso_overdue_domain(self, today):
        """Domain of the items overdue on ``today`` (see ``_dso_overdue_sql``)."""
        return expression.AND(
            [
                self._dso_open_domain(),
                [
                    ("amount_residual", ">", 0),
                    "|",
                    ("date_maturity", "<", today),
                    "&",
                    ("date_maturity", "=", False),
                    ("date", "<", today),
                ],
            ]
        )

    def _dso_is_open(self):
        """This item is open (see ``_dso_open_sql``)."""
        self.ensure_one()
        return bool(
            self.account_id.account_type == "asset_receivable"
            and self.parent_state == "posted"
            and not self.reconciled
            and not self.company_currency_id.is_zero(self.amount_residual)
        )

    def _dso_is_overdue(self, today):
        """This item is overdue on ``today`` (see ``_dso_overdue_sql``)."""
        self.ensure_one()
        return bool(
            self._dso_is_open()
            and self.amount_residual > 0
            and self._dso_due_date() < today
        )

    def _dso_due_date(self):
        """The item's due date, else its accounting date."""
        self.ensure_one()
        return self.date_maturity or self.date

    # ------------------------------------------------------------------
    # Payment prediction
    # ------------------------------------------------------------------
    # When an open item will be paid: its due date moved by its customer's
    # average delay (see ``insight/res_partner.py``).

    @api.depends("date_maturity", "date", "partner_id", "company_id", "amount_residual")
    @api.depends_context("tz")
    def _compute_dso_predicted_payment(self):
        today = fields.Date.context_today(self)
        Partner = self.env["res.partner"]
        open_lines = self.filtered("id").filtered(
            lambda line: line._dso_is_open() and line.amount_residual > 0
        )
        (self - open_lines).update(
            {"dso_predicted_payment_date": False, "dso_payment_explanation": False}
        )
        # One query per company (a handful), for every customer of the lines.
        for company in open_lines.company_id:
            lines = open_lines.filtered(lambda line, c=company: line.company_id == c)
            history = Partner._dso_payment_history(
                company, lines.partner_id.commercial_partner_id.ids
            )
            for line in lines:
                stats = history.get(line.partner_id.commercial_partner_id.id)
                delay = (
                    int(float_round(stats["avg"], precision_digits=0)) if stats else 0
                )
                due = line.date_maturity or line.date
                line.dso_predicted_payment_date = max(
                    due + timedelta(days=delay), today
                )
                line.dso_payment_explanation = Partner._dso_payment_explanation(stats)
            # Items under an open promise: predicted from the promise.
            Partner._dso_apply_promise_prediction(company, lines, history, today)
