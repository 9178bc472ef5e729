"""Set-based planner of the collectors' agenda.

It applies the scenario rules of DESIGN.md to a batch of customers of one
company with a fixed number of queries, whatever the size of the batch:
read everything the batch needs at once and turn it into plain values,
decide customer by customer (``dso_collection_planner_decision.decide``,
which reads nothing), then write the changes in bulk.

The reading side is in ``dso_collection_planner_read.py``.
``_plan(company, partner_ids, date)`` is the one way in: the customers'
"Plan now", the actions that replan their customer, and the daily scheduled
action (``_cron_plan``) all call it.
"""

from odoo import api, fields, models
from odoo.tools import SQL, clean_context

from .dso_collection_constants import OPEN_STATES
from .dso_collection_planner_decision import OpenAction, decide

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
    _description = "Collection agenda planner"

    @api.model
    def _batch_size(self):
        return 1000

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _plan(self, company, partner_ids, date, *, progress=None):
        """Plan the agenda of these customers (commercial partners) of
        ``company`` on ``date``: the one way to plan, batch by batch.

        Idempotent (rule 6): it can run at any time, as often as needed.

        :param progress: ``(done, total)`` of the daily planning of every
            company (``_cron_plan``): customers planned before this call and
            in all. Only then does it report its progress and commit batch by
            batch; any other caller (a button, an action done while the
            sending cron runs) owns its transaction.
        :return: the number of customers planned
        """
        partner_ids = sorted(set(partner_ids))
        size = self._batch_size()
        for start in range(0, len(partner_ids), size):
            batch = partner_ids[start : start + size]
            self._plan_batch(company, batch, date)
            if progress:
                done = progress[0] + start + len(batch)
                self.env["ir.cron"]._notify_progress(
                    done=done, remaining=progress[1] - done
                )
                # As the scheduled action, each batch is saved as soon as it
                # is planned: a crash or a time-out keeps the work done and
                # the next run resumes (planning is idempotent). Never in a
                # test, where the test owns the transaction.
                if self.env["dso.collection.action"]._dso_can_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return len(partner_ids)

    @api.model
    def _cron_plan(self, date=None):
        """Daily scheduled action: plan the agenda of every company."""
        date = date or fields.Date.context_today(self)
        # The active companies: a handful of rows.
        companies = self.env["res.company"].search([("active", "=", True)])
        partner_ids_by_company = {
            company: self._get_customers_to_plan(company) for company in companies
        }
        total = sum(len(ids) for ids in partner_ids_by_company.values())
        done = 0
        for company, partner_ids in partner_ids_by_company.items():
            done += self._plan(company, partner_ids, date, progress=(done, total))
        return True

    # ------------------------------------------------------------------
    # Deciding
    # ------------------------------------------------------------------

    @api.model
    def _decide(self, **values):
        """Rules 2 to 5 for one customer, from plain values only: see
        ``dso_collection_planner_decision.decide`` (a hook for other
        modules)."""
        return decide(**values)

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------

    @api.model
    def _prepare_action_vals(self, partner, company, step, cycle_id, decision):
        """Values of the scenario action ``decision`` plans for ``step``."""
        needs_confirmation = step.automatic and (
            step.to_confirm or company.dso_confirm_automatic
        )
        return {
            **step._dso_followup_values(),
            "name": step.name,
            "partner_id": partner.id,
            "company_id": company.id,
            "step_id": step.id,
            "cycle_id": cycle_id,
            "date": decision.date,
            "state": "to_confirm" if needs_confirmation else "todo",
            "user_id": (
                partner.dso_collector_id or company.dso_default_collector_id
            ).id,
            "to_confirm": needs_confirmation,
            "line_ids": [fields.Command.set(decision.line_ids)],
        }

    @api.model
    def _delete_closed_specific_actions(self, company, partner_ids, date):
        """Rule 7: a specific action whose items are all closed on its date
        disappears."""
        # The query reads the actions' items: a new action's must be written.
        self.env["dso.collection.action"].flush_model(["line_ids", "state", "date"])
        self.env["account.move.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id
                  FROM dso_collection_action a
                 WHERE a.company_id = %(company)s
                   AND a.partner_id IN %(partners)s
                   AND a.is_specific
                   AND a.state IN %(open_states)s
                   AND a.date <= %(date)s
                   AND NOT EXISTS (
                        SELECT 1
                          FROM dso_collection_action_line_rel rel
                          JOIN account_move_line aml ON aml.id = rel.line_id
                         WHERE rel.action_id = a.id
                           AND %(open_item)s)
                """,
                company=company.id,
                partners=tuple(partner_ids),
                open_states=OPEN_STATES,
                date=date,
                open_item=self.env["account.move.line"]._dso_open_sql(SQL("aml")),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["dso.collection.action"].browse(ids).unlink()

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
        Cycle = self.env["dso.collection.cycle"]

        # Read the batch, as plain values for the decision.
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
        new_cycle_ids = iter(Cycle.create(cycle_vals).ids)
        action_vals = []
        for partner, decision in pending:
            cycle_id = (
                next(new_cycle_ids) if decision.new_cycle else cycles[partner.id].id
            )
            action_vals.append(
                self._prepare_action_vals(
                    partner,
                    company,
                    step_records[decision.step.id],
                    cycle_id,
                    decision,
                )
            )
        # Manual actions appear in the collector's activities and calendar.
        Action.create(action_vals)._dso_schedule_activities()
        # Free the memory of this batch before the next one.
        self.env.invalidate_all()
