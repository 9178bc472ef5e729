from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.constants import ACTION_TYPES, OPEN_STATES
from ..models.risk.dso_risk_score_mixin import RISK_CLASSES
from ..models.risk.res_partner import CREDIT_STATES


class DsoCollectionCustomer(models.Model):
    """Customers to collect: one read-only row per customer and company, with
    the figures a collector sorts and filters on (open balance, overdue
    amount, leader invoice, next action and its date).

    A query, not stored figures: it is computed by PostgreSQL over the open
    items of the allowed companies when the list is read (an index-only
    scan of the open items, ``dso_collection_aml_open_item_idx``), so it
    sorts and filters tens of thousands of customers without a field to keep
    up to date, and never disagrees with Open items. Open and overdue items
    are the planner's, whose definitions are those of ``account.move.line``
    (``_dso_open_sql``, ``_dso_overdue_sql``);
    customers with a zero balance and no open action are left out, but for
    those whose overdue invoices are offset by unapplied credits ("to
    reconcile").
    """

    _name = "dso.collection.customer"
    _inherit = ["dso.report.mixin"]
    _description = "Customer to collect"
    _auto = False
    _rec_name = "partner_id"
    _order = "overdue_amount desc, balance desc, partner_id"
    # A group's share of its limits used: its credit used over its limits.
    _dso_percent_ratios = {"credit_share": ("credit_used", "credit_limit")}
    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "company_id",
            "date",
            "date_maturity",
            "dso_status_id",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "dso.collection.action": [
            "action_type",
            "company_id",
            "date",
            "is_specific",
            "line_ids",
            "name",
            "partner_id",
            "state",
        ],
        "res.partner": [
            "commercial_partner_id",
            "credit_limit",
            "dso_collector_id",
            "dso_scenario_id",
        ],
        "dso.customer.risk": ["credit_to_invoice", "risk_class", "risk_score"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    balance = fields.Monetary(
        string="Open balance", currency_field="currency_id", readonly=True
    )
    overdue_amount = fields.Monetary(
        string="Overdue amount",
        currency_field="currency_id",
        readonly=True,
        help="Open debit items past their due date.",
    )
    credit_amount = fields.Monetary(
        string="Unapplied credits",
        currency_field="currency_id",
        readonly=True,
        help="Open credit notes and unmatched payments, not yet matched with "
        "the invoices they settle.",
    )
    to_reconcile = fields.Boolean(
        string="To reconcile",
        readonly=True,
        help="Overdue invoices beside unapplied credits: match them before "
        "reminding the customer (its collector has a Reconcile task).",
    )
    leader_line_id = fields.Many2one(
        "account.move.line",
        string="Leader invoice",
        readonly=True,
        help="Open invoice with the oldest due date that is not excluded: the "
        "scenario steps are timed from it.",
    )
    leader_due_date = fields.Date(string="Leader due date", readonly=True)
    next_action_id = fields.Many2one(
        "dso.collection.action", string="Next action record", readonly=True
    )
    next_action_name = fields.Char(string="Next action", readonly=True, translate=True)
    next_action_date = fields.Date(string="Next action on", readonly=True)
    next_action_type = fields.Selection(
        ACTION_TYPES, string="Next action type", readonly=True
    )
    next_action_late = fields.Boolean(
        string="Next action late",
        readonly=True,
        help="The next action's date is past and it is still open.",
    )
    scenario_id = fields.Many2one("dso.collection.scenario", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    # The credit limit in use and the risk (models/risk/): the rules of the
    # customer sheet (``res.partner._compute_dso_credit``), in SQL.
    credit_limit = fields.Monetary(
        string="Credit limit",
        currency_field="currency_id",
        readonly=True,
        help="Odoo's credit limit of the customer, when the company uses credit "
        "limits; 0: no limit.",
    )
    credit_used = fields.Monetary(
        string="Credit used",
        currency_field="currency_id",
        readonly=True,
        help="Open balance plus orders to invoice (as of the last risk refresh).",
    )
    credit_share = fields.Float(
        string="Limit used (%)",
        digits=(16, 0),
        readonly=True,
    )
    credit_state = fields.Selection(CREDIT_STATES, string="Credit", readonly=True)
    risk_class = fields.Selection(RISK_CLASSES, string="Risk class", readonly=True)
    risk_score = fields.Integer(string="Risk score", readonly=True, aggregator="max")

    @api.model
    def _company_query(self, company, today):
        """The rows of one company, as of ``today``.

        Shaped for a list read page by page: the figures sorted and
        filtered on (balance, overdue, credits) come from one aggregate of
        the open items, grouped by journal-item partner before the
        customers (a hundred thousand items, a few thousand partners); the
        leader invoice and the next action are scalar subqueries that
        PostgreSQL evaluates only for the rows of the page (it postpones
        such columns past the sort and the limit), and the pager's count
        never evaluates them."""
        Line = self.env["account.move.line"]
        Partner = self.env["res.partner"].with_company(company)
        # The receivable accounts read first: filtered in the index of the
        # open items (a quarter of the query's time behind a subquery).
        is_open = Line._dso_open_sql(
            SQL("aml"), account_ids=Line._dso_receivable_account_ids()
        )
        # Overdue among the open items the aggregate reads (the rest of
        # ``_dso_overdue_sql``, whose first half is its WHERE clause).
        overdue = SQL(
            "(aml.amount_residual > 0 AND COALESCE(aml.date_maturity, aml.date) < %s)",
            today,
        )
        leader = SQL(
            """
              FROM account_move_line aml
              JOIN res_partner lp ON lp.id = aml.partner_id
             WHERE lp.commercial_partner_id = p.id
               AND aml.company_id = %(company)s
               AND %(open)s
               AND ABS(aml.amount_residual) >= %(ignore_below)s
               AND aml.amount_residual > 0
               -- "(…) IS TRUE": the items of the customer are found by
               -- partner; read as a plain IS NOT NULL, PostgreSQL also
               -- scanned the whole index of due dates for each row.
               AND (aml.date_maturity IS NOT NULL) IS TRUE
               AND NOT %(excluded)s
             ORDER BY COALESCE(aml.date_maturity, aml.date), aml.date, aml.id
             LIMIT 1
            """,
            company=company.id,
            open=is_open,
            ignore_below=company.dso_ignore_below or 0.0,
            excluded=Line._dso_excluded_sql(SQL("aml")),
        )
        next_action = SQL(
            """
              FROM dso_collection_action nxt
             WHERE nxt.partner_id = p.id
               AND nxt.company_id = %(company)s
               AND nxt.state IN %(open)s
             ORDER BY nxt.date, nxt.id
             LIMIT 1
            """,
            company=company.id,
            open=OPEN_STATES,
        )
        return SQL(
            """
            SELECT (p.id::bigint << 20) + %(company)s AS id,
                   p.id AS partner_id,
                   %(company)s AS company_id,
                   %(currency)s AS currency_id,
                   COALESCE(total.balance, 0) AS balance,
                   COALESCE(total.overdue, 0) AS overdue_amount,
                   COALESCE(total.credits, 0) AS credit_amount,
                   COALESCE(total.credits > 0 AND total.has_overdue, FALSE)
                       AS to_reconcile,
                   (SELECT aml.id %(leader)s) AS leader_line_id,
                   (SELECT COALESCE(aml.date_maturity, aml.date) %(leader)s)
                       AS leader_due_date,
                   (SELECT nxt.id %(next)s) AS next_action_id,
                   (SELECT nxt.name %(next)s) AS next_action_name,
                   (SELECT nxt.date %(next)s) AS next_action_date,
                   (SELECT nxt.action_type %(next)s) AS next_action_type,
                   COALESCE((SELECT nxt.date < %(today)s %(next)s), FALSE)
                       AS next_action_late,
                   %(scenario)s AS scenario_id,
                   %(collector)s AS collector_id,
                   credit.credit_limit,
                   credit.credit_used,
                   CASE WHEN credit.credit_limit > 0 AND credit.credit_used > 0
                        THEN 100.0 * credit.credit_used / credit.credit_limit
                        ELSE 0 END AS credit_share,
                   CASE WHEN credit.credit_limit <= 0 THEN 'none'
                        WHEN credit.credit_used - credit.credit_limit
                             >= %(rounding)s / 2.0 THEN 'over'
                        WHEN 100.0 * credit.credit_used / credit.credit_limit
                             > %(near)s THEN 'near'
                        ELSE 'ok' END AS credit_state,
                   risk.risk_class,
                   COALESCE(risk.risk_score, 0) AS risk_score
              FROM (
                    SELECT cp.commercial_partner_id AS partner_id,
                           SUM(by_partner.balance) AS balance,
                           SUM(by_partner.overdue) AS overdue,
                           SUM(by_partner.credits) AS credits,
                           bool_or(by_partner.has_overdue) AS has_overdue
                      FROM (
                            SELECT aml.partner_id,
                                   SUM(aml.amount_residual) AS balance,
                                   COALESCE(SUM(aml.amount_residual)
                                            FILTER (WHERE %(overdue)s), 0)
                                       AS overdue,
                                   COALESCE(-SUM(aml.amount_residual)
                                            FILTER (WHERE aml.amount_residual < 0), 0)
                                       AS credits,
                                   bool_or(%(overdue)s) AS has_overdue
                              FROM account_move_line aml
                             WHERE aml.company_id = %(company)s
                               AND %(open)s
                               AND ABS(aml.amount_residual) >= %(ignore_below)s
                             GROUP BY aml.partner_id
                           ) AS by_partner
                      JOIN res_partner cp ON cp.id = by_partner.partner_id
                     GROUP BY cp.commercial_partner_id
                   ) AS total
              FULL JOIN (
                    SELECT DISTINCT partner_id
                      FROM dso_collection_action
                     WHERE company_id = %(company)s AND state IN %(open_states)s
                   ) AS planned ON planned.partner_id = total.partner_id
              JOIN res_partner p
                ON p.id = COALESCE(total.partner_id, planned.partner_id)
              LEFT JOIN dso_customer_risk risk
                ON risk.partner_id = p.id AND risk.company_id = %(company)s
             CROSS JOIN LATERAL (
                    SELECT COALESCE(%(credit_limit)s, 0)::numeric AS credit_limit,
                           (COALESCE(total.balance, 0)
                            + COALESCE(risk.credit_to_invoice, 0)) AS credit_used
                   ) AS credit
             WHERE COALESCE(total.balance, 0) != 0
                OR planned.partner_id IS NOT NULL
                OR (total.credits > 0 AND total.has_overdue)
            """,
            leader=leader,
            next=next_action,
            overdue=overdue,
            open=is_open,
            ignore_below=company.dso_ignore_below or 0.0,
            today=today,
            company=company.id,
            currency=company.currency_id.id,
            open_states=OPEN_STATES,
            scenario=Partner._field_to_sql("p", "dso_scenario_id"),
            collector=Partner._field_to_sql("p", "dso_collector_id"),
            credit_limit=Partner._field_to_sql("p", "credit_limit")
            if company._dso_uses_credit_limit()
            else SQL("0"),
            rounding=company.currency_id.rounding,
            near=company.dso_credit_near_share,
        )

    def action_open_partner(self):
        """Open the customer's form (without the list's default_* keys)."""
        self.ensure_one()
        return self.partner_id._get_records_action(context={})
