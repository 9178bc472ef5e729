"""The dunning simulator: what the planner and the automatic sender will do
over the next days if nobody pays, computed without writing anything.

It reads the same batch of values as the planner (open items, steps,
cycles, last actions, open actions: ``dso_collection_planner_read.py``),
then replays them day by day in memory (``lib/simulation.py``): the same
``decide()`` for each customer, the sending window of the company, the
one-automatic-email-a-day rule, the confirmations, the reconciliation guard
and the customers without email.
"""

from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

from ...lib import simulation
from ...lib.constants import OPEN_STATES
from ...lib.simulation import MAX_DAYS, Customer, SimAction, SimStep, Simulation
from ..res_company import WEEKDAY_FIELDS

ACTION_FIELDS = [
    "name",
    "partner_id",
    "step_id",
    "cycle_id",
    "is_specific",
    "action_type",
    "date",
    "state",
    "automatic",
    "mail_template_id",
    "line_ids",
    "send_error",
]


class DsoCollectionSimulation(models.AbstractModel):
    _name = "dso.collection.simulation"
    _description = "Dunning simulation"

    @api.model
    def _simulate(
        self,
        company,
        partner_ids,
        date_from,
        days,
        assume_manual_done=True,
        assume_confirmed=True,
    ):
        """Replay ``days`` days of collection of these customers of
        ``company`` from ``date_from`` (its first day), nobody paying.

        :return: the list of ``SimEvent``, by date; the actions still open
            at the end come last with the outcome ``planned`` or ``waiting``
        """
        if not 1 <= days <= MAX_DAYS:
            raise UserError(
                self.env._(
                    "Simulate between 1 and %(max)s days, not %(days)s.",
                    max=MAX_DAYS,
                    days=days,
                )
            )
        planner = self.env["dso.collection.planner"].with_company(company)
        # Customers are simulated independently of each other: batch by
        # batch (the planner's batch size), so that the records of a hundred
        # thousand customers and a million items are never all in memory.
        partner_ids = sorted(set(partner_ids))
        size = planner._batch_size()
        events = []
        for start in range(0, len(partner_ids), size):
            events += self._simulate_batch(
                company,
                planner,
                partner_ids[start : start + size],
                date_from,
                days,
                assume_manual_done,
                assume_confirmed,
            )
            self.env.invalidate_all()
        events.sort(key=lambda event: (event.date, event.partner_id, event.action.id))
        return events

    @api.model
    def _simulate_batch(
        self,
        company,
        planner,
        partner_ids,
        date_from,
        days,
        assume_manual_done,
        assume_confirmed,
    ):
        """``_simulate`` for one batch of customers."""
        sim = Simulation(
            steps={},
            rounding=company.currency_id.rounding,
            customers={},
            assume_manual_done=assume_manual_done,
            assume_confirmed=assume_confirmed,
            decide=planner._decide,
            hold_reasons=lambda partner_ids, day: self._hold_reasons(
                company, partner_ids, day
            ),
            sending_days=frozenset(
                weekday
                for weekday, fname in enumerate(WEEKDAY_FIELDS)
                if company[fname]
            ),
            minimum_amount=company.dso_minimum_amount,
            no_email_note=self.env._(
                "No email address: the collector gets it by hand."
            ),
        )
        self._read_customers(sim, company, planner, partner_ids, date_from)
        return simulation.run(sim, date_from, days)

    @api.model
    def _hold_reasons(self, company, partner_ids, day):
        """The reconciliation guard's holds on ``day``."""
        if not partner_ids:
            return {}
        return self.env["dso.collection.send"]._dso_hold_reasons(
            company, partner_ids, day
        )

    # ------------------------------------------------------------------
    # Reading the customers' state
    # ------------------------------------------------------------------
    # The customers' state at the start of a simulation, read as the planner
    # reads a batch (its readers in ``dso_collection_planner_read.py``), and
    # the customers a simulation covers.

    @api.model
    def _read_customers(self, sim, company, planner, partner_ids, date_from):
        """The customers' state on ``date_from``, read as the planner reads
        a batch."""
        partner_ids = sorted(set(partner_ids))
        if not partner_ids:
            return
        items = planner._read_open_items(company, partner_ids, date_from)
        partners = self.env["res.partner"].with_company(company).browse(partner_ids)
        step_records, steps = planner._read_steps(partners.dso_scenario_id)
        cycles = planner._read_current_cycles(company, partner_ids)
        last_actions = planner._read_last_actions([c.id for c in cycles.values()])
        actions = self.env["dso.collection.action"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                ("state", "in", OPEN_STATES),
            ],
            ACTION_FIELDS,
            order="date, id",
        )
        excluded_ids = [
            item.id for rows in items.values() for item in rows if item.excluded
        ]
        status_excluded = set(
            self.env["account.move.line"]
            .search_fetch(
                [("id", "in", excluded_ids)],
                ["dso_ignored", "dso_status_id", "dso_payment_plan_ids"],
            )
            .filtered(
                lambda line: (
                    line.dso_ignored
                    or line.dso_status_id.exclude_from_scenario
                    # A running payment plan keeps its items out of the
                    # scenario all along, after its reminders too.
                    or "running" in line.dso_payment_plan_ids.mapped("state")
                )
            )
            .ids
        )
        sim.steps = {
            step.id: SimStep(
                id=step.id,
                name=step.name,
                action_type=step.action_type,
                automatic=step.automatic,
                needs_confirmation=step._dso_needs_confirmation(
                    company, step._dso_followup_values()
                ),
                template=step.mail_template_id.name or "",
            )
            for step in step_records.values()
        }
        by_partner = defaultdict(list)
        for action in actions:
            by_partner[action.partner_id.id].append(self._sim_action(action))
        with_email = self._customers_with_email(partners)
        for partner in partners:
            own = by_partner[partner.id]
            scenario = next((a for a in own if not a.is_specific), None)
            sim.customers[partner.id] = Customer(
                id=partner.id,
                items=items.get(partner.id, []),
                status_excluded=status_excluded,
                steps=steps.get(partner.dso_scenario_id.id, []),
                cycle=cycles.get(partner.id),
                last_action=(
                    last_actions.get(cycles[partner.id].id)
                    if partner.id in cycles
                    else None
                ),
                scenario_action=scenario,
                specific_actions=[a for a in own if a.is_specific],
                can_email=partner.id in with_email,
                residuals={
                    item.id: item.residual for item in items.get(partner.id, [])
                },
            )

    @api.model
    def _customers_with_email(self, partners):
        """Ids of the customers whose collection emails have someone to go
        to (``res.partner._dso_collection_contacts``): the customer or one
        of its contacts has an email address. Two queries for all."""
        contacts = self.env["res.partner"].search_fetch(
            [("parent_id", "in", partners.ids), ("email", "!=", False)],
            ["parent_id"],
        )
        partners.fetch(["email"])
        return set(contacts.parent_id.ids) | set(partners.filtered("email").ids)

    @api.model
    def _sim_action(self, action):
        return SimAction(
            id=action.id,
            partner_id=action.partner_id.id,
            name=action.name,
            step_id=action.step_id.id or None,
            cycle_id=action.cycle_id.id or None,
            is_specific=action.is_specific,
            action_type=action.action_type,
            date=action.date,
            state=action.state,
            automatic=action.automatic and not action.send_error,
            template=action.mail_template_id.name or "",
            line_ids=tuple(sorted(action.line_ids.ids)),
        )

    @api.model
    def _customers_for(self, company, scenario=None, partner=None):
        """The customers a simulation covers: those the planner plans, of a
        scenario or one customer."""
        planner = self.env["dso.collection.planner"].with_company(company)
        partner_ids = planner._get_customers_to_plan(company)
        if partner:
            return [partner.commercial_partner_id.id]
        if scenario:
            partners = self.env["res.partner"].with_company(company).browse(partner_ids)
            partners.fetch(["dso_scenario_id"])
            return partners.filtered(lambda p: p.dso_scenario_id == scenario).ids
        return partner_ids

    @api.model
    def _send_hour(self, company):
        """When the automatic emails of a day go: the start of the window."""
        hours = int(company.dso_auto_hour_from)
        minutes = round((company.dso_auto_hour_from - hours) * 60)
        return f"{hours:02d}:{minutes:02d}"
