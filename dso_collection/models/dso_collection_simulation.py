"""The dunning simulator: what the planner and the automatic sender will do
over the next days if nobody pays, computed without writing anything.

It reads the same batch of values as the planner (open items, steps,
cycles, last actions, open actions: ``dso_collection_planner_read.py``) and
replays, day by day and in memory, what the daily planning, the collectors
and the hourly automatic sending do: the same ``decide()`` for each customer,
the sending window of the company, the one-automatic-email-a-day rule, the
confirmations, the reconciliation guard and the customers without email.

What the collectors do is an assumption of the simulation: they carry out
manual actions (calls, letters ...) on their date and confirm the automatic
emails that wait for them on their date, unless told otherwise.
"""

import dataclasses
import datetime
from datetime import timedelta

from odoo import api, models
from odoo.exceptions import UserError

from .dso_collection_constants import EMAIL_ACTION_TYPES
from .dso_collection_planner_decision import Cycle as CycleValues
from .dso_collection_planner_decision import LastAction, OpenAction
from .res_company import WEEKDAY_FIELDS

MAX_DAYS = 366


@dataclasses.dataclass
class SimAction:
    """An action of the simulation: an existing open one or a planned one
    (negative id)."""

    id: int
    partner_id: int
    name: str
    step_id: int | None
    cycle_id: int | None
    is_specific: bool
    action_type: str
    date: datetime.date
    state: str
    automatic: bool
    template: str
    line_ids: tuple


@dataclasses.dataclass
class SimEvent:
    """One line of the forward calendar."""

    date: datetime.date
    partner_id: int
    action: SimAction
    outcome: str  # sent, done, held, no_recipient, waiting, planned
    amount: float
    note: str = ""


@dataclasses.dataclass
class Customer:
    """The state of one customer in the simulation."""

    id: int
    items: list
    status_excluded: set
    steps: list
    cycle: CycleValues | None
    last_action: LastAction | None
    scenario_action: SimAction | None
    specific_actions: list
    can_email: bool
    held_actions: set = dataclasses.field(default_factory=set)
    # Replanning is needed when something happened to the customer (dirty)
    # or when one of its items becomes overdue (next_check): otherwise the
    # planner would decide the same as the day before.
    dirty: bool = True
    next_check: datetime.date = datetime.date.max
    residuals: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Simulation:
    """What every step of one simulation shares."""

    company: object
    steps: dict  # step records by id
    rounding: float
    counter: object  # ids of the planned actions and cycles: -1, -2 ...
    customers: dict
    events: list
    assume_manual_done: bool
    assume_confirmed: bool
    decide: object = None  # the planner's decision (``_decide``)
    minimum_amount: float = 0.0


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
        sim = Simulation(
            company=company,
            steps={},
            rounding=company.currency_id.rounding,
            counter=iter(range(-1, -(10**9), -1)),
            customers={},
            events=[],
            assume_manual_done=assume_manual_done,
            assume_confirmed=assume_confirmed,
            decide=planner._decide,
            minimum_amount=company.dso_minimum_amount,
        )
        self._read_customers(sim, planner, partner_ids, date_from)
        for offset in range(days):
            day = date_from + timedelta(days=offset)
            for customer in sim.customers.values():
                if customer.dirty or day >= customer.next_check:
                    self._plan_customer(sim, customer, day)
            self._collectors_work(sim, day)
            if company[WEEKDAY_FIELDS[day.weekday()]]:
                self._send_run(sim, day)
        for customer in sim.customers.values():
            for action in self._open_actions(customer):
                outcome = "waiting" if action.state == "to_confirm" else "planned"
                sim.events.append(
                    SimEvent(
                        action.date,
                        customer.id,
                        action,
                        outcome,
                        self._amount(customer, action),
                    )
                )
        sim.events.sort(
            key=lambda event: (event.date, event.partner_id, event.action.id)
        )
        return sim.events

    # ------------------------------------------------------------------
    # One day
    # ------------------------------------------------------------------

    @api.model
    def _open_actions(self, customer):
        actions = list(customer.specific_actions)
        if customer.scenario_action:
            actions.append(customer.scenario_action)
        return sorted(actions, key=lambda action: (action.date, action.id))

    @api.model
    def _amount(self, customer, action):
        residual = customer.residuals
        return sum(residual.get(line_id, 0.0) for line_id in action.line_ids)

    @api.model
    def _plan_customer(self, sim, customer, day):
        """The planner for one customer on ``day`` (``_plan_batch``)."""
        company = sim.company
        specific_lines = {
            line_id
            for action in customer.specific_actions
            for line_id in action.line_ids
        }
        items = [
            item._replace(
                excluded=item.id in customer.status_excluded
                or item.id in specific_lines,
                overdue=item.residual > 0 and item.due < day,
            )
            for item in customer.items
        ]
        customer.dirty = False
        customer.next_check = min(
            (item.due + timedelta(days=1) for item in items if item.due >= day),
            default=datetime.date.max,
        )
        action = customer.scenario_action
        decision = sim.decide(
            items=items,
            steps=customer.steps,
            cycle=customer.cycle,
            last_action=customer.last_action,
            open_action=(
                OpenAction(action.id, action.step_id, action.cycle_id)
                if action
                else None
            ),
            minimum_amount=sim.minimum_amount,
            rounding=sim.rounding,
            date=day,
        )
        if decision.keep_open_action:
            action.line_ids = decision.line_ids
            return
        customer.scenario_action = None
        if not decision.step:
            return
        if decision.new_cycle:
            customer.cycle = CycleValues(
                next(sim.counter), decision.step.scenario_id, decision.leader.id
            )
            customer.last_action = None
        step = sim.steps[decision.step.id]
        needs_confirmation = step.automatic and (
            step.to_confirm or company.dso_confirm_automatic
        )
        customer.scenario_action = SimAction(
            id=next(sim.counter),
            partner_id=customer.id,
            name=step.name,
            step_id=step.id,
            cycle_id=customer.cycle.id,
            is_specific=False,
            action_type=step.action_type,
            date=decision.date,
            state="to_confirm" if needs_confirmation else "todo",
            automatic=step.automatic,
            template=step.mail_template_id.name or "",
            line_ids=decision.line_ids,
        )

    @api.model
    def _done(self, sim, customer, action, day):
        """The action is carried out on ``day``; the customer is replanned."""
        if action.is_specific:
            customer.specific_actions.remove(action)
        else:
            customer.scenario_action = None
            customer.last_action = LastAction(action.step_id, day)
        self._plan_customer(sim, customer, day)

    @api.model
    def _collectors_work(self, sim, day):
        """What the collectors do on ``day`` before the automatic sending:
        confirm the due automatic emails waiting for them, carry out the due
        manual actions (and the ones these plan for the same day)."""
        for customer in sim.customers.values():
            busy = True
            while busy:
                busy = False
                for action in self._open_actions(customer):
                    if action.date > day:
                        continue
                    if action.state == "to_confirm" and sim.assume_confirmed:
                        action.state = "todo"
                    elif not action.automatic and sim.assume_manual_done:
                        sim.events.append(
                            SimEvent(
                                day,
                                customer.id,
                                action,
                                "done",
                                self._amount(customer, action),
                            )
                        )
                        self._done(sim, customer, action, day)
                        busy = True
                        break

    @api.model
    def _send_run(self, sim, day):
        """The automatic sending of ``day`` (an allowed day): one email per
        customer, held customers and customers without email left out."""
        due = {
            customer.id: [
                action
                for action in self._open_actions(customer)
                if action.automatic
                and action.state == "todo"
                and action.date <= day
                and action.action_type in EMAIL_ACTION_TYPES
            ]
            for customer in sim.customers.values()
        }
        due = {partner_id: actions for partner_id, actions in due.items() if actions}
        holds = self._hold_reasons(sim.company, list(due), day)
        for partner_id, actions in due.items():
            customer = sim.customers[partner_id]
            action = actions[0]
            amount = self._amount(customer, action)
            if partner_id in holds:
                if action.id not in customer.held_actions:
                    customer.held_actions.add(action.id)
                    sim.events.append(
                        SimEvent(
                            day, partner_id, action, "held", amount, holds[partner_id]
                        )
                    )
                continue
            if action.action_type != "internal_email" and not customer.can_email:
                # The collector gets it by hand (``_fall_back_to_collector``).
                action.automatic = False
                sim.events.append(
                    SimEvent(
                        day,
                        partner_id,
                        action,
                        "no_recipient",
                        amount,
                        self.env._("No email address: the collector gets it by hand."),
                    )
                )
                continue
            sim.events.append(SimEvent(day, partner_id, action, "sent", amount))
            self._done(sim, customer, action, day)

    @api.model
    def _hold_reasons(self, company, partner_ids, day):
        """The reconciliation guard's holds on ``day``."""
        if not partner_ids:
            return {}
        return self.env["dso.collection.send"]._dso_hold_reasons(
            company, partner_ids, day
        )
