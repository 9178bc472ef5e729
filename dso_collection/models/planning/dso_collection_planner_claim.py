"""Which customers the daily planning plans, and which worker plans them.

- Nothing new, nothing to do: a fingerprint of each customer's planning
  inputs (the scenarios and settings, its open items and which of them are
  overdue on the day, its actions handled by people) is stored with
  ``dso.collection.plan.state`` when the daily planning plans it. A second
  run of the day plans only the customers whose fingerprint changed; so
  does a run on a new day: the day enters a customer's fingerprint only
  through what it changes in the decision (an item falling due, a specific
  action reaching its date), so a customer whose decision stays the same is
  confirmed without rewriting anything.
- Shared batches: a worker claims each batch by locking the customers'
  planning state rows and open actions with ``FOR UPDATE SKIP LOCKED``: a
  customer another transaction is planning, or whose action is being sent
  or edited right now, is left to it (row locks: no limit on how many, unlike
  PostgreSQL's advisory locks). A customer another worker has just planned
  has its fingerprint stored already: it is skipped.
- Every other caller of ``_plan`` (a button, an action done, the sender)
  waits for the customers' state rows instead: two transactions never plan
  one customer at once, and nobody waits for the daily planning's rows
  while holding rows it needs (it never waits).

The fingerprint is computed *before* the planner reads the batch and stored
after: a change committed in between makes it stale, so the next run plans
the customer again. Nothing is ever skipped on data the planner did not see.
"""

from odoo import api, fields, models
from odoo.tools import SQL

from ...lib.constants import OPEN_STATES
from .dso_collection_planner_write import array_literal


class DsoCollectionPlanner(models.AbstractModel):
    _inherit = "dso.collection.planner"

    # ------------------------------------------------------------------
    # Fingerprints
    # ------------------------------------------------------------------

    @api.model
    def _fingerprint_salt(self, company, date):
        """What every customer's plan depends on: the scenarios and their
        steps, the item statuses, the customers' defaults and the company's
        settings (whole rows: a change in this very transaction counts too;
        but the company's ``dso_risk_last_run``, the daily run's own date).
        Not the day itself: what the day changes in a customer's decision is
        in its own fingerprint (``_fingerprint_query``); ``date`` is kept
        for the hooks of other modules whose rules depend on it."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT md5(concat_ws('|',
                    (SELECT string_agg(s::text, ';' ORDER BY s.id)
                       FROM dso_collection_scenario s),
                    (SELECT string_agg(s::text, ';' ORDER BY s.id)
                       FROM dso_collection_step s),
                    (SELECT string_agg(s::text, ';' ORDER BY s.id)
                       FROM dso_item_status s),
                    (SELECT string_agg(d::text, ';' ORDER BY d.id)
                       FROM ir_default d
                       JOIN ir_model_fields f ON f.id = d.field_id
                      WHERE f.model = 'res.partner' AND f.name LIKE %(dso_fields)s),
                    (SELECT (to_jsonb(c) - %(bookkeeping)s)::text
                       FROM res_company c WHERE c.id = %(company)s)))
                """,
                company=company.id,
                dso_fields="dso%",
                # The day of the last risk refresh (models/risk/): no rule.
                bookkeeping="dso_risk_last_run",
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _fingerprint_query(self, company, salt, date, partner_ids=None):
        """``(customer id, fingerprint)`` of the customers to plan (open
        items or open actions in ``company``) on ``date``, of
        ``partner_ids`` only if given. Whether an item is excluded is in (by
        its status, by hand, by a specific action or a running payment
        plan); whether it is overdue on ``date`` is in as a flag
        (the one way the day changes the decision: the leader falling due
        ends a reminder before the due date), and so is whether an open
        specific action has reached its date (rule 7 deletes it once its
        items are closed). The open scenario action is left out of the
        fingerprint: the planner writes it; the actions people handle
        (done, cancelled, specific) are in."""
        item_filter = action_filter = SQL()
        if partner_ids is not None:
            item_filter = SQL(
                "AND p.commercial_partner_id = ANY(%s)", list(partner_ids)
            )
            action_filter = SQL("AND partner_id = ANY(%s)", list(partner_ids))
        return SQL(
            """
            WITH items AS (
                SELECT p.commercial_partner_id AS partner_id,
                       concat_ws(',', COUNT(*), bit_xor(hashtextextended(
                           concat_ws(',', aml.id, aml.amount_residual,
                                     aml.date_maturity, aml.date,
                                     aml.dso_status_id, %(excluded)s,
                                     aml.amount_residual > 0 AND COALESCE(
                                         aml.date_maturity, aml.date) < %(date)s),
                                     0)))
                           AS hash
                %(open_receivables)s
                %(item_filter)s
                 GROUP BY 1
            ), actions AS (
                SELECT partner_id,
                       COUNT(*) FILTER (WHERE %(handled)s) AS handled,
                       bit_xor(hashtextextended(
                           concat_ws(',', id, state, write_date, date, date_done,
                                     step_id, cycle_id, is_specific,
                                     state IN %(open)s AND date <= %(date)s), 0))
                           FILTER (WHERE %(handled)s) AS hash,
                       bool_or(state IN %(open)s) AS has_open
                  FROM dso_collection_action
                 WHERE company_id = %(company)s
                 %(action_filter)s
                 GROUP BY 1
            ), customers AS (
                SELECT partner_id FROM items
                 UNION
                SELECT partner_id FROM actions WHERE has_open
            )
            SELECT c.partner_id,
                   md5(concat_ws('|', %(salt)s, p.write_date, p.active,
                                 p.dso_scenario_id, p.dso_collector_id,
                                 COALESCE(i.hash, '-'),
                                 CASE WHEN a.handled > 0
                                      THEN concat_ws(',', a.handled, a.hash)
                                      ELSE '-' END))
              FROM customers c
              JOIN res_partner p ON p.id = c.partner_id
              LEFT JOIN items i ON i.partner_id = c.partner_id
              LEFT JOIN actions a ON a.partner_id = c.partner_id
            """,
            open_receivables=self._open_receivables_sql(company),
            excluded=self.env["account.move.line"]._dso_excluded_sql(SQL("aml")),
            item_filter=item_filter,
            action_filter=action_filter,
            open=OPEN_STATES,
            # Actions people handle: all but the open scenario action.
            handled=SQL("(is_specific OR state NOT IN %s)", OPEN_STATES),
            company=company.id,
            salt=salt,
            date=date,
        )

    @api.model
    def _without_jit(self):
        """No JIT compilation for the rest of this transaction: the
        planner's queries are short, and PostgreSQL's cost estimate of their
        aggregates over thousands of customers triggers a compilation that
        takes seconds, several times the query itself."""
        self.env.cr.execute("SET LOCAL jit = off")

    @api.model
    def _customers_with_news(self, company, salt, date=None):
        """``{customer id: fingerprint}`` of the customers to plan on
        ``date`` (by default the user's today) whose fingerprint differs
        from the one stored (or who have none), in customer order."""
        date = date or fields.Date.context_today(self)
        self.env.flush_all()
        self._without_jit()
        self.env.cr.execute(
            SQL(
                """
                SELECT f.partner_id, f.fingerprint
                  FROM (%(fingerprints)s) AS f(partner_id, fingerprint)
                  LEFT JOIN dso_collection_plan_state s
                         ON s.partner_id = f.partner_id
                        AND s.company_id = %(company)s
                 WHERE s.fingerprint IS NULL OR s.fingerprint <> f.fingerprint
                 ORDER BY f.partner_id
                """,
                fingerprints=self._fingerprint_query(company, salt, date),
                company=company.id,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _store_fingerprints(self, company, date, fingerprints):
        """Record ``{customer id: fingerprint}`` as planned on ``date``."""
        if not fingerprints:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO dso_collection_plan_state
                       (partner_id, company_id, fingerprint, plan_date, planned_at)
                SELECT v.partner_id, %(company)s, v.fingerprint, %(date)s,
                       %(now)s
                  FROM unnest(%(partners)s::int[], %(fingerprints)s::varchar[])
                       AS v(partner_id, fingerprint)
                    ON CONFLICT (partner_id, company_id) DO UPDATE
                   SET fingerprint = EXCLUDED.fingerprint,
                       plan_date = EXCLUDED.plan_date,
                       planned_at = EXCLUDED.planned_at
                """,
                company=company.id,
                date=date,
                now=self.env.cr.now(),
                partners=array_literal(fingerprints),
                fingerprints=array_literal(fingerprints.values()),
            )
        )

    # ------------------------------------------------------------------
    # Locks
    # ------------------------------------------------------------------

    @api.model
    def _ensure_plan_states(self, company, partner_ids):
        """A planning state row for each of these customers of ``company``:
        the row planners lock. Inserted in customer order, so that two
        transactions inserting the same rows wait for each other at most
        once and never in a circle."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO dso_collection_plan_state (partner_id, company_id)
                SELECT id, %s FROM unnest(%s::int[]) AS id ORDER BY id
                    ON CONFLICT (partner_id, company_id) DO NOTHING
                """,
                company.id,
                array_literal(sorted(partner_ids)),
            )
        )

    @api.model
    def _lock_customers(self, company, partner_ids):
        """Wait for the planning state rows of these customers (callers other
        than the daily planning), in customer order."""
        self._ensure_plan_states(company, partner_ids)
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id FROM dso_collection_plan_state
                 WHERE company_id = %s AND partner_id = ANY(%s)
                 ORDER BY partner_id
                   FOR UPDATE
                """,
                company.id,
                list(partner_ids),
            )
        )

    @api.model
    def _claim_batch(self, company, fingerprints):
        """The customers of this batch (``{customer id: fingerprint}``) that
        this worker plans now: not planned by another transaction right now,
        none of their open actions locked by another transaction, and not
        planned since with the same fingerprint. Never waits (their state
        rows exist: ``_ensure_plan_states``)."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT partner_id, fingerprint FROM dso_collection_plan_state
                 WHERE company_id = %s AND partner_id = ANY(%s)
                   FOR UPDATE SKIP LOCKED
                """,
                company.id,
                list(fingerprints),
            )
        )
        # Locked now: the latest committed fingerprint of each row.
        claimed = {
            partner_id
            for partner_id, stored in cr.fetchall()
            if stored != fingerprints[partner_id]
        }
        if not claimed:
            return []
        self.env["dso.collection.action"].flush_model()
        cr.execute(
            SQL(
                """
                SELECT partner_id FROM dso_collection_action
                 WHERE company_id = %(company)s AND partner_id = ANY(%(ids)s)
                   AND state IN %(open)s
                EXCEPT ALL
                SELECT partner_id FROM (
                    SELECT partner_id FROM dso_collection_action
                     WHERE company_id = %(company)s AND partner_id = ANY(%(ids)s)
                       AND state IN %(open)s
                       FOR UPDATE SKIP LOCKED) AS locked
                """,
                company=company.id,
                ids=list(claimed),
                open=OPEN_STATES,
            )
        )
        claimed -= {row[0] for row in cr.fetchall()}
        return sorted(claimed)
