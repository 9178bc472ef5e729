"""Set-based planner of the collectors' agenda.

It applies the scenario rules of DESIGN.md to a batch of customers of one
company with a fixed number of queries, whatever the size of the batch:
read everything the batch needs at once, decide customer by customer in
Python, then write the changes in bulk.
"""

from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

from odoo import api, fields, models
from odoo.tools import SQL, clean_context

from .dso_collection_constants import OPEN_STATES

# Context that keeps the planner's own writes quiet and fast: no chatter
# message, no follower, no tracking, and no replanning from inside planning.
PLANNING_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "dso_planning": True,
}


class OpenItem(NamedTuple):
    id: int
    partner_id: int
    due: object  # datetime.date
    date: object  # datetime.date
    residual: float
    excluded: bool


class LastAction(NamedTuple):
    step_id: int
    date_done: object  # datetime.date


class Decision(NamedTuple):
    """What the planner wants for one customer: at most one open action."""

    leader: OpenItem | None
    new_cycle: bool
    step: object  # dso.collection.step record or None
    date: object  # datetime.date or None
    line_ids: tuple


class DsoCollectionPlanner(models.AbstractModel):
    _name = "dso.collection.planner"
    _description = "Collection agenda planner"

    @api.model
    def _batch_size(self):
        return 1000

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------

    @api.model
    def _open_receivables_sql(self, company):
        """FROM and WHERE of the company's open receivable items, aliased
        ``aml``, with their customer's row aliased ``p``."""
        return SQL(
            """
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
              JOIN res_partner p ON p.id = aml.partner_id
             WHERE aml.company_id = %s
               AND acc.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND NOT aml.reconciled
               AND aml.amount_residual != 0
            """,
            company.id,
        )

    @api.model
    def _open_items_query(self, company, partner_ids=None):
        """Open receivable items of the company, above "ignore transactions
        below" (rule 1), with their exclusion flag (rule 5)."""
        excluded = self.env["account.move.line"]._dso_excluded_sql(SQL("aml"))
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
                   %(excluded)s
            %(open_receivables)s
               AND ABS(aml.amount_residual) >= %(ignore_below)s
               %(partner_filter)s
            """,
            excluded=excluded,
            open_receivables=self._open_receivables_sql(company),
            ignore_below=company.dso_ignore_below or 0.0,
            partner_filter=partner_filter,
        )

    @api.model
    def _read_open_items(self, company, partner_ids):
        """Open items of a batch of customers, grouped by customer."""
        items = defaultdict(list)
        if not partner_ids:
            return items
        self.env["account.move.line"].flush_model()
        self.env["dso.collection.action"].flush_model()
        self.env.cr.execute(self._open_items_query(company, partner_ids))
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
    def _find_leader(self, items):
        """Rule 5 and the glossary: the open debit item with the oldest due
        date that is not excluded; ties by oldest date, then lowest id."""
        candidates = [item for item in items if item.residual > 0 and not item.excluded]
        if not candidates:
            return None
        return min(candidates, key=lambda item: (item.due, item.date, item.id))

    @api.model
    def _read_current_cycles(self, company, partner_ids):
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (partner_id) partner_id, id
                  FROM dso_collection_cycle
                 WHERE company_id = %s AND partner_id IN %s
                 ORDER BY partner_id, id DESC
                """,
                company.id,
                tuple(partner_ids),
            )
        )
        cycle_ids = dict(self.env.cr.fetchall())
        cycles = self.env["dso.collection.cycle"].browse(list(cycle_ids.values()))
        cycles.fetch(["partner_id", "scenario_id", "leader_line_id"])
        return {cycle.partner_id.id: cycle for cycle in cycles}

    @api.model
    def _read_last_actions(self, cycles):
        """The last action done or cancelled of each cycle (with its step)."""
        if not cycles:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (cycle_id) cycle_id, step_id, date_done
                  FROM dso_collection_action
                 WHERE cycle_id IN %s
                   AND state IN ('done', 'cancel')
                   AND step_id IS NOT NULL
                 ORDER BY cycle_id, date_done DESC, id DESC
                """,
                tuple(cycles.ids),
            )
        )
        return {row[0]: LastAction(row[1], row[2]) for row in self.env.cr.fetchall()}

    # ------------------------------------------------------------------
    # Deciding
    # ------------------------------------------------------------------

    @api.model
    def _decide(self, items, scenario_steps, cycle, last_action, company, date):
        """Rules 2 to 5 for one customer. Pure: reads nothing from the database.

        :param items: the customer's open items (rule 1 already applied)
        :param scenario_steps: the steps of its scenario, in order
        :param cycle: its current cycle (or an empty recordset)
        :param last_action: the last action done in that cycle, or None
        """
        leader = self._find_leader(items)
        listed = tuple(sorted(item.id for item in items if not item.excluded))
        balance = sum(item.residual for item in items)
        nothing = Decision(leader, False, None, None, ())
        if not scenario_steps or leader is None:
            return nothing
        # Rule 2: below the minimum amount, no scenario action.
        if company.currency_id.compare_amounts(balance, company.dso_minimum_amount) < 0:
            return nothing
        # Rule 4: a new cycle whenever the leader (or the scenario) changes.
        scenario = scenario_steps[0].scenario_id
        new_cycle = not (
            cycle
            and cycle.leader_line_id.id == leader.id
            and cycle.scenario_id == scenario
        )
        if new_cycle:
            last_action = None
        index = 0
        if last_action:
            positions = {step.id: pos for pos, step in enumerate(scenario_steps)}
            index = positions.get(last_action.step_id, -1) + 1
        # Rule 4: a reminder before the due date is skipped once it is past.
        while (
            index < len(scenario_steps)
            and scenario_steps[index].delay < 0
            and leader.due < date
        ):
            index += 1
        if index >= len(scenario_steps):
            return Decision(leader, new_cycle, None, None, ())
        step = scenario_steps[index]
        if step.trigger == "last_action" and last_action:
            base = last_action.date_done
        else:
            base = leader.due
        return Decision(
            leader, new_cycle, step, base + timedelta(days=step.delay), listed
        )

    @api.model
    def _is_still_valid(self, action, decision, date):
        """An open scenario action stays while it belongs to the current cycle
        and its step still exists; a reminder before the due date is dropped
        once the leader is past due."""
        step = action.step_id
        return bool(
            decision.step
            and not decision.new_cycle
            and step
            and action.cycle_id.leader_line_id.id == decision.leader.id
            and action.cycle_id.scenario_id == step.scenario_id
            and step.scenario_id == decision.step.scenario_id
            and not (step.delay < 0 and decision.leader.due < date)
        )

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------

    @api.model
    def _prepare_action_vals(self, partner, company, cycle, decision):
        step = decision.step
        automatic = step.automatic
        needs_confirmation = automatic and (
            step.to_confirm or company.dso_confirm_automatic
        )
        return {
            "name": step.name,
            "partner_id": partner.id,
            "company_id": company.id,
            "step_id": step.id,
            "cycle_id": cycle.id,
            "action_type": step.action_type,
            "date": decision.date,
            "state": "to_confirm" if needs_confirmation else "todo",
            "user_id": (
                partner.dso_collector_id or company.dso_default_collector_id
            ).id,
            "automatic": automatic,
            "to_confirm": needs_confirmation,
            "mail_template_id": step.mail_template_id.id,
            "sms_template_id": step.sms_template_id.id,
            "line_ids": [fields.Command.set(decision.line_ids)],
        }

    @api.model
    def _delete_closed_specific_actions(self, company, partner_ids, date):
        """Rule 7: a specific action whose items are all closed on its date
        disappears."""
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id
                  FROM dso_collection_action a
                 WHERE a.company_id = %(company)s
                   AND a.partner_id IN %(partners)s
                   AND a.is_specific
                   AND a.state IN %(open)s
                   AND a.date <= %(date)s
                   AND NOT EXISTS (
                        SELECT 1
                          FROM dso_collection_action_line_rel rel
                          JOIN account_move_line aml ON aml.id = rel.line_id
                         WHERE rel.action_id = a.id
                           AND NOT aml.reconciled
                           AND aml.amount_residual != 0)
                """,
                company=company.id,
                partners=tuple(partner_ids),
                open=OPEN_STATES,
                date=date,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["dso.collection.action"].browse(ids).unlink()

    @api.model
    def _plan_company(self, company, partner_ids, date):
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
        partner_ids = sorted(set(partner_ids))

        self._delete_closed_specific_actions(company, partner_ids, date)
        items_by_partner = self._read_open_items(company, partner_ids)
        partners = self.env["res.partner"].browse(partner_ids)
        # Only these two company-dependent fields: reading one through the
        # prefetch would load all of them (pricelist included) for the batch.
        partners.fetch(["dso_scenario_id", "dso_collector_id"])
        scenarios = partners.dso_scenario_id
        steps_by_scenario = defaultdict(list)
        for step in self.env["dso.collection.step"].search(
            [("scenario_id", "in", scenarios.ids)], order="sequence, id"
        ):
            steps_by_scenario[step.scenario_id.id].append(step)
        cycles = self._read_current_cycles(company, partner_ids)
        last_actions = self._read_last_actions(
            Cycle.union(*cycles.values()) if cycles else Cycle
        )
        open_actions = Action.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                ("is_specific", "=", False),
                ("state", "in", OPEN_STATES),
            ]
        )
        open_actions.fetch(["partner_id", "step_id", "cycle_id", "line_ids"])
        open_by_partner = {action.partner_id.id: action for action in open_actions}

        to_delete = Action
        cycle_vals, pending = [], []
        for partner in partners:
            cycle = cycles.get(partner.id, Cycle)
            decision = self._decide(
                items_by_partner.get(partner.id, []),
                steps_by_scenario.get(partner.dso_scenario_id.id, []),
                cycle,
                last_actions.get(cycle.id),
                company,
                date,
            )
            action = open_by_partner.get(partner.id)
            if action and self._is_still_valid(action, decision, date):
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
                        "scenario_id": decision.step.scenario_id.id,
                        "leader_line_id": decision.leader.id,
                        "date_start": date,
                    }
                )
            pending.append((partner, decision))

        # Obsolete plans are deleted before their replacements are created:
        # one open scenario action per customer (a unique index checks it).
        to_delete.unlink()
        new_cycles = iter(Cycle.create(cycle_vals))
        action_vals = []
        for partner, decision in pending:
            cycle = next(new_cycles) if decision.new_cycle else cycles[partner.id]
            action_vals.append(
                self._prepare_action_vals(partner, company, cycle, decision)
            )
        # Manual actions appear in the collector's activities and calendar.
        Action.create(action_vals)._dso_schedule_activities()
        # Free the memory of this batch before the next one.
        self.env.invalidate_all()

    @api.model
    def _compute_leaders(self, company, partner_ids):
        """Leader invoice id of each customer, as the planner sees it now."""
        items_by_partner = self._read_open_items(company, partner_ids)
        leaders = {}
        for partner_id, items in items_by_partner.items():
            leader = self._find_leader(items)
            if leader:
                leaders[partner_id] = leader.id
        return leaders
