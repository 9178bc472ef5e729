from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.constants import ACTION_TYPES, OPEN_STATES


class DsoCollectionCustomer(models.Model):
    """Customers to collect: one read-only row per customer and company, with
    the figures a collector sorts and filters on (open balance, overdue
    amount, leader invoice, next action and its date).

    A query, not stored figures: it is computed by PostgreSQL in one pass over
    the open items of the allowed companies when the list is read, so it
    sorts and filters tens of thousands of customers without a field to keep
    up to date. Open and overdue items are the planner's, whose definitions
    are those of ``account.move.line`` (``_dso_open_sql``, ``_dso_overdue_sql``);
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
        "res.partner": ["commercial_partner_id", "dso_collector_id", "dso_scenario_id"],
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

    @api.model
    def _company_query(self, company, today):
        """The rows of one company, as of ``today``."""
        planner = self.env["dso.collection.planner"]
        Partner = self.env["res.partner"].with_company(company)
        return SQL(
            """
            WITH item(id, partner_id, due, date, residual, excluded, overdue,
                      has_due) AS (
                    %(open_items)s
                 ),
                 total AS (
                    SELECT partner_id,
                           SUM(residual) AS balance,
                           COALESCE(SUM(residual) FILTER (WHERE overdue), 0)
                               AS overdue,
                           COALESCE(-SUM(residual) FILTER (WHERE residual < 0), 0)
                               AS credits,
                           bool_or(overdue AND residual > 0) AS has_overdue
                      FROM item
                     GROUP BY partner_id
                 ),
                 leader AS (
                    SELECT DISTINCT ON (partner_id) partner_id, id, due
                      FROM item
                     WHERE residual > 0 AND NOT excluded AND has_due
                     ORDER BY partner_id, due, date, id
                 ),
                 nxt AS (
                    SELECT DISTINCT ON (partner_id)
                           partner_id, id, name, date, action_type
                      FROM dso_collection_action
                     WHERE company_id = %(company)s AND state IN %(open)s
                     ORDER BY partner_id, date, id
                 )
            SELECT (p.id::bigint << 20) + %(company)s AS id,
                   p.id AS partner_id,
                   %(company)s AS company_id,
                   %(currency)s AS currency_id,
                   COALESCE(total.balance, 0) AS balance,
                   COALESCE(total.overdue, 0) AS overdue_amount,
                   COALESCE(total.credits, 0) AS credit_amount,
                   COALESCE(total.credits > 0 AND total.has_overdue, FALSE)
                       AS to_reconcile,
                   leader.id AS leader_line_id,
                   leader.due AS leader_due_date,
                   nxt.id AS next_action_id,
                   nxt.name AS next_action_name,
                   nxt.date AS next_action_date,
                   nxt.action_type AS next_action_type,
                   COALESCE(nxt.date < %(today)s, FALSE) AS next_action_late,
                   %(scenario)s AS scenario_id,
                   %(collector)s AS collector_id
              FROM total
              FULL JOIN nxt ON nxt.partner_id = total.partner_id
              JOIN res_partner p ON p.id = COALESCE(total.partner_id, nxt.partner_id)
              LEFT JOIN leader ON leader.partner_id = p.id
             WHERE COALESCE(total.balance, 0) != 0
                OR nxt.id IS NOT NULL
                OR (total.credits > 0 AND total.has_overdue)
            """,
            open_items=planner._open_items_query(company, today=today),
            today=today,
            company=company.id,
            currency=company.currency_id.id,
            open=OPEN_STATES,
            scenario=Partner._field_to_sql("p", "dso_scenario_id"),
            collector=Partner._field_to_sql("p", "dso_collector_id"),
        )

    def action_open_partner(self):
        """Open the customer's form (without the list's default_* keys)."""
        self.ensure_one()
        return self.partner_id._get_records_action(context={})
