"""Set-based planner of the collectors' agenda.

It applies the scenario rules (readme/USAGE.md, "Glossary and scenario
rules") to a batch of customers of one company with a fixed number of
queries, whatever the size of the batch: read everything the batch needs at
once and turn it into plain values, decide customer by customer
(``lib/planner_decision.py``, ``decide``, which reads nothing), then write
the changes in bulk.

The reading side is in ``dso_collection_planner_read.py``, the writing side
in ``dso_collection_planner_write.py``, which customers the daily planning
plans and which worker plans them in ``dso_collection_planner_claim.py``.
``_plan(company, partner_ids, date)`` is the one way in for the customers'
"Plan now" and the actions that replan their customer; the daily scheduled
action (``_cron_plan``) plans the customers with news, batch by batch.
"""

import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, clean_context

from ...lib.constants import OPEN_STATES
from ...lib.planner_decision import OpenAction, decide

_logger = logging.getLogger(__name__)

# Customers planned in one run from which the agenda's statistics are
# refreshed at its end (``_analyze_agenda``).
ANALYZE_AFTER = 1_000

# Context that keeps the planner's own writes quiet and fast: no chatter
# message, no follower, no tracking, and no replanning from inside planning.
PLANNING_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "dso_planning": True,
}


class DsoCollectionPlanner(models.AbstractModel):
    _name = "dso.collection.planner"
    _inherit = ["dso.collection.batch.mixin"]
    _description = "Collection agenda planner"

    @api.model
    def _batch_size(self):
        """Customers planned per batch (and per commit of the daily planning):
        system parameter ``dso_collection.plan_batch_size``. Large enough for
        the daily planning of 10 000 customers in one batch (about 250 MB);
        smaller batches let several cron workers share the work sooner and
        hold each customer's lock for less time."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()  # a technical setting, read by any planning user
            .get_param("dso_collection.plan_batch_size", "")
        )
        return int(value) if value.isdigit() and int(value) > 0 else 10_000

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _plan(self, company, partner_ids, date):
        """Plan the agenda of these customers (commercial partners) of
        ``company`` on ``date``: the one way to plan, batch by batch.

        Idempotent (rule 6): it can run at any time, as often as needed. It
        waits for the customers another transaction is planning (the daily
        planning, another user): one transaction plans a customer at a time.
        The caller owns the transaction.

        :return: the number of customers planned
        """
        partner_ids = sorted(set(partner_ids))
        size = self._batch_size()
        for start in range(0, len(partner_ids), size):
            batch = partner_ids[start : start + size]
            self._lock_customers(company, batch)
            self._plan_batch(company, batch, date)
        return len(partner_ids)

    @api.model
    def _cron_plan(self, date=None):
        """Daily scheduled action: plan the agenda of every company.

        Only the customers with something new since their last planning are
        planned (``dso_collection_planner_claim``); each batch is claimed,
        planned, recorded and committed on its own, so that several workers
        running it at once share the batches, and a crash or a time-out
        keeps the work done: the next run resumes.

        :return: the number of customers this call planned
        """
        date = date or fields.Date.context_today(self)
        # The active companies: a handful of rows.
        companies = self.env["res.company"].search([("active", "=", True)])
        # Each customer's risk first: the assignment rules it feeds choose
        # the scenarios this run plans (models/risk/).
        Risk = self.env["dso.customer.risk"]
        for company in companies:
            self._dso_run_batch(lambda company=company: Risk._dso_daily(company, date))
        news = {
            company: self._customers_with_news(
                company, self._fingerprint_salt(company, date), date
            )
            for company in companies
        }

        def prepare():
            # The rows each batch's claim locks, committed before the
            # batches: no worker holds them longer than this short
            # transaction; and the translations open actions lack.
            for company, fingerprints in news.items():
                self._ensure_plan_states(company, fingerprints)
                self._complete_action_names(company)

        self._dso_run_batch(prepare)
        total = sum(len(fingerprints) for fingerprints in news.values())
        size = self._batch_size()
        done = planned = 0
        for company, fingerprints in news.items():
            partner_ids = list(fingerprints)
            for start in range(0, len(partner_ids), size):
                batch = {
                    partner_id: fingerprints[partner_id]
                    for partner_id in partner_ids[start : start + size]
                }
                done += len(batch)
                # As the scheduled action, each batch is saved as soon as it
                # is planned: its locks are released and a crash keeps it.
                # Never in a test, where the test owns the transaction.
                planned += self._dso_run_batch(
                    lambda company=company, batch=batch, done=done: self._plan_claimed(
                        company, batch, date, done, total
                    )
                )
        if planned >= ANALYZE_AFTER:
            self._dso_run_batch(self._analyze_agenda)
        for company in companies:
            self._dso_run_batch(
                lambda company=company: self._plan_reconciliation_tasks(company, date)
            )
        _logger.info(
            "Collection planning of %s: %s customers planned, %s without news "
            "or planned by another worker",
            date,
            planned,
            total - planned,
        )
        return planned

    @api.model
    def _analyze_agenda(self):
        """Refresh PostgreSQL's statistics of the agenda's tables after a
        planning that wrote thousands of rows (a first planning, a new
        scenario for everyone): until autovacuum gets to them, PostgreSQL
        plans the next queries on them (Customers to collect, the agenda,
        the reconciliation tasks) as if they were nearly empty, in nested
        loops that took seconds. A sample of each table, a fraction of a
        second."""
        self.env.flush_all()
        self.env.cr.execute(
            "ANALYZE dso_collection_action, dso_collection_action_line_rel,"
            " dso_collection_cycle, dso_collection_plan_state"
        )

    @api.model
    def _plan_claimed(self, company, fingerprints, date, done, total):
        """Claim, plan and record one batch of the daily planning
        (``{customer id: fingerprint}``); ``done`` of ``total`` customers
        once it is. Return how many customers it planned."""
        claimed = self._claim_batch(company, fingerprints)
        self._plan_batch(company, claimed, date)
        self._store_fingerprints(
            company,
            date,
            {partner_id: fingerprints[partner_id] for partner_id in claimed},
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
        return len(claimed)

    # ------------------------------------------------------------------
    # Deciding
    # ------------------------------------------------------------------

    @api.model
    def _decide(self, **values):
        """Rules 2 to 5 for one customer, from plain values only: see
        ``lib/planner_decision.py``'s ``decide`` (a hook for other
        modules)."""
        return decide(**values)

    @api.model
    def _plan_batch(self, company, partner_ids, date):
        """Plan a batch of customers (commercial partners) of one company."""
        if not partner_ids:
            return
        # The planner applies the company's own rules to its own customers:
        # it runs as superuser so that a collector marking an action done
        # replans the customer even without rights on cycles, and reads only
        # rows of `company` (every query below filters on it). The caller's
        # default_* keys (e.g. the agenda's default_is_specific) must not leak
        # into the cycles and actions it creates; sudo() drops them only when
        # the caller is not superuser already.
        self = (  # noqa: PLW0642
            self.sudo()
            .with_context(clean_context(self.env.context), **PLANNING_CONTEXT)
            .with_company(company)
        )
        company = company.with_env(self.env)
        Action = self.env["dso.collection.action"]

        # Read the batch, as plain values for the decision.
        self._without_jit()
        self._delete_closed_specific_actions(company, partner_ids, date)
        items_by_partner = self._read_open_items(company, partner_ids, date)
        partners = self.env["res.partner"].browse(partner_ids)
        # Only these two company-dependent fields: reading one through the
        # prefetch would load all of them (pricelist included) for the batch.
        partners.fetch(["dso_scenario_id", "dso_collector_id"])
        step_records, steps_by_scenario = self._read_steps(partners.dso_scenario_id)
        cycles = self._read_current_cycles(company, partner_ids)
        last_actions = self._read_last_actions([cycle.id for cycle in cycles.values()])
        open_actions = Action.search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                ("is_specific", "=", False),
                ("state", "in", OPEN_STATES),
            ],
            ["partner_id", "step_id", "cycle_id", "line_ids"],
        )
        open_by_partner = {action.partner_id.id: action for action in open_actions}
        minimum_amount = company.dso_minimum_amount
        rounding = company.currency_id.rounding

        to_delete = Action
        cycle_vals, pending = [], []
        for partner in partners:
            cycle = cycles.get(partner.id)
            action = open_by_partner.get(partner.id)
            decision = self._decide(
                items=items_by_partner.get(partner.id, []),
                steps=steps_by_scenario.get(partner.dso_scenario_id.id, []),
                cycle=cycle,
                last_action=last_actions.get(cycle.id) if cycle else None,
                open_action=(
                    OpenAction(action.id, action.step_id.id, action.cycle_id.id)
                    if action
                    else None
                ),
                minimum_amount=minimum_amount,
                rounding=rounding,
                date=date,
            )
            if decision.keep_open_action:
                if tuple(sorted(action.line_ids.ids)) != decision.line_ids:
                    action.line_ids = [fields.Command.set(decision.line_ids)]
                continue
            if action:
                to_delete |= action
            if not decision.step:
                continue
            if decision.new_cycle:
                cycle_vals.append(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "scenario_id": decision.step.scenario_id,
                        "leader_line_id": decision.leader.id,
                        "date_start": date,
                    }
                )
            pending.append((partner, decision))

        # Obsolete plans are deleted before their replacements are created:
        # one open scenario action per customer (a unique index checks it).
        to_delete.unlink()
        self.env.flush_all()
        new_cycle_ids = self._create_cycles(cycle_vals)
        names = self._step_names(list(step_records))
        step_vals = {
            step_id: self._step_action_vals(step, company, names[step_id])
            for step_id, step in step_records.items()
        }
        # The expected cash impact of the new actions, from the items just
        # read (the action's ``_dso_refresh_cash_impact_company``).
        late = Action._dso_late_probabilities(company, [p.id for p, _d in pending])
        residuals = {
            item.id: item.residual
            for items in items_by_partner.values()
            for item in items
        }
        vals_list = []
        for partner, decision in pending:
            vals = self._prepare_action_vals(
                partner,
                company,
                step_vals[decision.step.id],
                new_cycle_ids[partner.id]
                if decision.new_cycle
                else cycles[partner.id].id,
                decision,
            )
            vals["dso_cash_impact"] = company.currency_id.round(
                sum(residuals[line_id] for line_id in decision.line_ids)
                * late.get(partner.id, 0.0)
            )
            vals_list.append(vals)
        new_actions = self._create_actions(vals_list)
        # The other open actions' impact (kept, specific): their items or
        # their customer's payment history may have changed. Rows whose
        # impact is right already are not written.
        Action._dso_refresh_cash_impact_company(
            company, partner_ids=partner_ids, exclude_ids=new_actions.ids
        )
        # Free the memory of this batch before the next one.
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Reconciliation tasks
    # ------------------------------------------------------------------

    @api.model
    def _plan_reconciliation_tasks(self, company, date):
        """One "Reconcile" activity for the collector of each customer of
        ``company`` whose overdue invoices sit beside open credits (credit
        notes, unmatched payments) the accountant has not matched: the
        reminders would claim money the customer may not owe (the
        reconciliation guard holds the automatic ones) and the penalties
        run only on what the credits leave unpaid. The task names the
        credits and the invoices to match; a customer that has one open
        gets no other. One query for the company; one worker at a time.

        :return: the number of tasks created
        """
        activity_type = self.env.ref(
            "dso_collection.mail_activity_type_dso_reconcile", raise_if_not_found=False
        )
        if not activity_type:
            return 0
        # One worker at a time per company: two cron workers running the
        # daily planning would both create the same tasks (and subscribe the
        # same collector twice). The other skips: the first does them all.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_company WHERE id = %s "
                "FOR NO KEY UPDATE SKIP LOCKED",
                company.id,
            )
        )
        if not self.env.cr.fetchone():
            return 0
        self.env["account.move.line"].flush_model()
        self.env["mail.activity"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH item(id, partner_id, due, date, residual, excluded, overdue,
                          has_due) AS (%(open_items)s),
                todo AS (
                    SELECT partner_id
                      FROM item
                     GROUP BY partner_id
                    HAVING bool_or(residual < 0) AND bool_or(overdue AND residual > 0)
                    EXCEPT
                    SELECT res_id
                      FROM mail_activity
                     WHERE res_model = 'res.partner'
                       AND activity_type_id = %(type)s
                       AND active
                )
                SELECT item.partner_id,
                       COALESCE(aml.move_name, aml.name), item.due, item.residual
                  FROM item
                  JOIN todo ON todo.partner_id = item.partner_id
                  JOIN account_move_line aml ON aml.id = item.id
                 WHERE item.residual < 0 OR (item.overdue AND item.residual > 0)
                 ORDER BY item.partner_id, item.due, item.date, item.id
                """,
                open_items=self._open_items_query(company, today=date),
                type=activity_type.id,
            )
        )
        rows_by_customer = defaultdict(list)
        for partner_id, *row in self.env.cr.fetchall():
            rows_by_customer[partner_id].append(row)
        if not rows_by_customer:
            return 0
        # Thousands of customers on a first planning: the tasks are inserted
        # in one query with their followers (``_dso_insert_activities``:
        # mail.activity's create cost seconds for them), their items read in
        # the query above.
        Partner = self.env["res.partner"].with_company(company)
        partners = Partner.browse(list(rows_by_customer))
        partners.fetch(["dso_collector_id"])
        Line = self.env["account.move.line"]
        # The task in its collector's language: an environment, a summary and
        # the note's words per language.
        in_lang, summaries, texts = {}, {}, {}
        vals_list = []
        for partner in partners:
            user = partner.dso_collector_id or company.dso_default_collector_id
            user = user or self.env.user
            lang = user.lang or self.env.lang
            if lang not in in_lang:
                in_lang[lang] = Line.with_context(lang=lang)
                summaries[lang] = in_lang[lang].env._("Reconcile credits and invoices")
                texts[lang] = in_lang[lang]._dso_reconciliation_texts()
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_id": partner.id,
                    # As create() names it: the display name in this
                    # environment's language, as superuser.
                    "res_name": partner.sudo().display_name,
                    "date_deadline": date,
                    "summary": summaries[lang],
                    "note": in_lang[lang]._dso_reconciliation_note(
                        rows_by_customer[partner.id], company.currency_id, texts[lang]
                    ),
                    "user_id": user.id,
                }
            )
        self.env["mail.activity"]._dso_insert_activities("res.partner", vals_list)
        return len(rows_by_customer)
