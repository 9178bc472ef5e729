"""The expected cash impact of the open actions, the insight wing's part of
``dso.collection.action``: the open amount of an action's items times its
customer's chance of paying late (``insight/res_partner.py``); ordering the
agenda by it puts first the money most at risk of coming late. The action
refreshes it when it is created, the planner after each batch."""

from odoo import api, fields, models
from odoo.tools import SQL

from ...lib.constants import OPEN_STATES


class DsoCollectionAction(models.Model):
    _inherit = "dso.collection.action"

    dso_cash_impact = fields.Monetary(
        string="Expected cash impact",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="Open amount of the action's items times the customer's chance of "
        "paying late (the share of its last 6 paid invoices paid after their due "
        "date); 0 for a customer without payment history. Refreshed by the daily "
        "planning and when the action is created.",
    )

    # Expected cash impact of the open actions: what ordering the agenda by it
    # puts first is the money most at risk of coming late.

    @api.model
    def _dso_late_probabilities(self, company, partner_ids):
        """``{customer id: chance of paying late}`` of these customers of
        ``company`` that have a payment history."""
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, late_probability FROM (%s) AS history",
                self.env["res.partner"]._dso_payment_history_sql(company, partner_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    def _dso_refresh_cash_impact(self):
        """Refresh the expected cash impact of these actions, one query per
        company."""
        for company in self.company_id:
            actions = self.filtered(lambda action, c=company: action.company_id == c)
            self._dso_refresh_cash_impact_company(
                company, actions.ids, partner_ids=actions.partner_id.ids
            )

    @api.model
    def _dso_refresh_cash_impact_company(
        self, company, action_ids=None, partner_ids=None, exclude_ids=()
    ):
        """Set the expected cash impact of the open actions of ``company``
        (of ``action_ids`` only, if given, whose customers are
        ``partner_ids``; else of the customers ``partner_ids``, if given;
        but ``exclude_ids``): the residual of their items times their
        customer's late probability (see
        ``res.partner._dso_payment_history_sql``), rounded to the currency.

        The actions are listed first, then updated by id: the daily planning
        calls this right after inserting thousands of actions and item links
        the table statistics do not count yet; estimating one row, PostgreSQL
        joined the payment history in nested loops (once 33 s at 10 000
        customers). A list of ids is estimated at its length. Nothing to
        refresh (a first planning, where every action is new): no UPDATE."""
        self.flush_model(["line_ids", "state", "partner_id", "company_id"])
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        action_filter = SQL("TRUE")
        if action_ids is not None:
            action_filter = SQL("a.id = ANY(%s)", list(action_ids) or [0])
        elif partner_ids is not None:
            action_filter = SQL("a.partner_id = ANY(%s)", list(partner_ids) or [0])
        if exclude_ids:
            action_filter = SQL(
                "%s AND NOT (a.id = ANY(%s))", action_filter, list(exclude_ids)
            )
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id, a.partner_id
                  FROM dso_collection_action a
                 WHERE a.company_id = %(company)s
                   AND a.state IN %(open_states)s
                   AND %(action_filter)s
                """,
                company=company.id,
                open_states=OPEN_STATES,
                action_filter=action_filter,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        ids = [row[0] for row in rows]
        self.env.cr.execute(
            SQL(
                """
                WITH history AS (%(history)s),
                impact AS (
                    SELECT a.id,
                           ROUND(
                               (COALESCE(SUM(aml.amount_residual), 0)
                                * COALESCE(MAX(h.late_probability), 0))::numeric,
                               %(digits)s
                           ) AS amount
                      FROM dso_collection_action a
                      LEFT JOIN dso_collection_action_line_rel rel
                             ON rel.action_id = a.id
                      LEFT JOIN account_move_line aml ON aml.id = rel.line_id
                      LEFT JOIN history h ON h.partner_id = a.partner_id
                     WHERE a.id = ANY(%(ids)s)
                     GROUP BY a.id
                )
                UPDATE dso_collection_action a
                   SET dso_cash_impact = impact.amount
                  FROM impact
                 WHERE impact.id = a.id
                   AND a.dso_cash_impact IS DISTINCT FROM impact.amount
                """,
                history=self.env["res.partner"]._dso_payment_history_sql(
                    company, sorted({row[1] for row in rows})
                ),
                digits=company.currency_id.decimal_places,
                ids=ids,
            )
        )
        self.invalidate_model(["dso_cash_impact"])
