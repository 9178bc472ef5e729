"""Reading side of the planner: everything a batch of customers needs, read
at once with a fixed number of queries and turned into the plain values of
``lib/planner_decision.py``."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ...lib.constants import OPEN_STATES
from ...lib.planner_decision import Cycle, LastAction, OpenItem, Step


class DsoCollectionPlanner(models.AbstractModel):
    _inherit = "dso.collection.planner"

    @api.model
    def _open_receivables_sql(self, company):
        """FROM and WHERE of the company's open items, aliased ``aml``, with
        their customer's row aliased ``p``."""
        return SQL(
            """
              FROM account_move_line aml
              JOIN res_partner p ON p.id = aml.partner_id
             WHERE aml.company_id = %s
               AND %s
            """,
            company.id,
            self.env["account.move.line"]._dso_open_sql(SQL("aml")),
        )

    @api.model
    def _open_items_query(self, company, partner_ids=None, today=None):
        """Open items of the company, above "ignore transactions below"
        (rule 1), with their exclusion flag (rule 5), whether they are
        overdue on ``today`` (by default the user's today) and whether they
        have a due date (only those lead): the columns of ``OpenItem``."""
        Line = self.env["account.move.line"]
        today = today or fields.Date.context_today(self)
        partner_filter = (
            SQL("AND p.commercial_partner_id IN %s", tuple(partner_ids))
            if partner_ids is not None
            else SQL()
        )
        return SQL(
            """
            SELECT aml.id,
                   p.commercial_partner_id,
                   COALESCE(aml.date_maturity, aml.date),
                   aml.date,
                   aml.amount_residual,
                   %(excluded)s,
                   %(overdue)s,
                   aml.date_maturity IS NOT NULL
            %(open_receivables)s
               AND ABS(aml.amount_residual) >= %(ignore_below)s
               %(partner_filter)s
            """,
            excluded=Line._dso_excluded_sql(SQL("aml")),
            overdue=Line._dso_overdue_sql(SQL("aml"), today),
            open_receivables=self._open_receivables_sql(company),
            ignore_below=company.dso_ignore_below or 0.0,
            partner_filter=partner_filter,
        )

    @api.model
    def _read_open_items(self, company, partner_ids, today=None):
        """Open items (``OpenItem``) of a batch of customers, grouped by
        customer; overdue on ``today`` (by default the user's today)."""
        items = defaultdict(list)
        if not partner_ids:
            return items
        self.env["account.move.line"].flush_model()
        self.env["dso.collection.action"].flush_model()
        self.env.cr.execute(self._open_items_query(company, partner_ids, today))
        for row in self.env.cr.fetchall():
            item = OpenItem(*row)
            items[item.partner_id].append(item)
        return items

    @api.model
    def _get_customers_to_plan(self, company):
        """Customers with open items or open actions in the company."""
        self.env["account.move.line"].flush_model()
        self.env["dso.collection.action"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT p.commercial_partner_id
                %(open_receivables)s
                 UNION
                SELECT partner_id
                  FROM dso_collection_action
                 WHERE company_id = %(company)s
                   AND state IN %(open)s
                 ORDER BY 1
                """,
                company=company.id,
                open=OPEN_STATES,
                open_receivables=self._open_receivables_sql(company),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _read_steps(self, scenarios):
        """The steps of the scenarios: records by id (to write the actions)
        and plain ``Step`` values by scenario id (to decide)."""
        records = self.env["dso.collection.step"].search_fetch(
            [("scenario_id", "in", scenarios.ids)],
            [
                "scenario_id",
                "sequence",
                "name",
                "trigger",
                "delay",
                "action_type",
                "mail_template_id",
                "sms_template_id",
                "automatic",
                "to_confirm",
            ],
        )
        values = defaultdict(list)
        for step in records:
            values[step.scenario_id.id].append(
                Step(
                    step.id,
                    step.sequence,
                    step.action_type,
                    step.trigger,
                    step.delay,
                    step.scenario_id.id,
                )
            )
        return {step.id: step for step in records}, values

    @api.model
    def _read_current_cycles(self, company, partner_ids):
        """The latest cycle (``Cycle``) of each customer, by customer id."""
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (partner_id)
                       partner_id, id, scenario_id, leader_line_id
                  FROM dso_collection_cycle
                 WHERE company_id = %s AND partner_id IN %s
                 ORDER BY partner_id, id DESC
                """,
                company.id,
                tuple(partner_ids),
            )
        )
        return {row[0]: Cycle(*row[1:]) for row in self.env.cr.fetchall()}

    @api.model
    def _read_last_actions(self, cycle_ids):
        """The last action done or cancelled (``LastAction``) of each cycle,
        by cycle id."""
        if not cycle_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (cycle_id) cycle_id, step_id, date_done
                  FROM dso_collection_action
                 WHERE cycle_id IN %s
                   AND state IN ('done', 'cancel')
                   AND step_id IS NOT NULL
                 ORDER BY cycle_id, date_done DESC NULLS LAST, id DESC
                """,
                tuple(cycle_ids),
            )
        )
        return {row[0]: LastAction(*row[1:]) for row in self.env.cr.fetchall()}
