"""The dunning simulator's day loop: plain values in, events out.

What the daily planning, the collectors and the hourly automatic sending do,
replayed day by day in memory for customers read beforehand
(``models/planning/dso_collection_simulation.py`` reads them as the planner
reads a batch). Nothing here reads the database: the planner's decision and
the reconciliation guard's holds come in as functions of the
``Simulation``.

What the collectors do is an assumption of the simulation: they carry out
manual actions (calls, letters ...) on their date and confirm the automatic
emails that wait for them on their date, unless told otherwise.
"""

import dataclasses
import datetime
from collections.abc import Callable
from datetime import timedelta

from .constants import EMAIL_ACTION_TYPES
from .planner_decision import Cycle as CycleValues
from .planner_decision import LastAction, OpenAction

MAX_DAYS = 366


@dataclasses.dataclass
class SimStep:
    """What the simulation needs of a scenario step."""

    id: int
    name: str
    action_type: str
    automatic: bool
    needs_confirmation: bool  # follow-up mixin's ``_dso_needs_confirmation``
    template: str


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

    steps: dict  # SimStep by id
    rounding: float
    customers: dict
    assume_manual_done: bool
    assume_confirmed: bool
    # The planner's decision (``dso.collection.planner._decide``).
    decide: Callable = None
    # {customer id: why held} of these customer ids on a day (the guard).
    hold_reasons: Callable = None
    # Weekdays (0 = Monday) the automatic sending runs.
    sending_days: frozenset = frozenset()
    minimum_amount: float = 0.0
    # The note of an email the collector gets by hand (no address).
    no_email_note: str = ""
    counter: object = dataclasses.field(
        default_factory=lambda: iter(range(-1, -(10**9), -1))
    )  # ids of the planned actions and cycles: -1, -2 ...
    events: list = dataclasses.field(default_factory=list)


def run(sim, date_from, days):
    """Replay ``days`` days from ``date_from`` (its first day), nobody
    paying.

    :return: the list of ``SimEvent``, by date; the actions still open at
        the end come last with the outcome ``planned`` or ``waiting``
    """
    for offset in range(days):
        day = date_from + timedelta(days=offset)
        for customer in sim.customers.values():
            if customer.dirty or day >= customer.next_check:
                plan_customer(sim, customer, day)
        collectors_work(sim, day)
        if day.weekday() in sim.sending_days:
            send_run(sim, day)
    for customer in sim.customers.values():
        for action in open_actions(customer):
            outcome = "waiting" if action.state == "to_confirm" else "planned"
            sim.events.append(
                SimEvent(
                    action.date,
                    customer.id,
                    action,
                    outcome,
                    amount(customer, action),
                )
            )
    sim.events.sort(key=lambda event: (event.date, event.partner_id, event.action.id))
    return sim.events


# ----------------------------------------------------------------------
# One day
# ----------------------------------------------------------------------


def open_actions(customer):
    actions = list(customer.specific_actions)
    if customer.scenario_action:
        actions.append(customer.scenario_action)
    return sorted(actions, key=lambda action: (action.date, action.id))


def amount(customer, action):
    residual = customer.residuals
    return sum(residual.get(line_id, 0.0) for line_id in action.line_ids)


def plan_customer(sim, customer, day):
    """The planner for one customer on ``day`` (``_plan_batch``)."""
    specific_lines = {
        line_id for action in customer.specific_actions for line_id in action.line_ids
    }
    items = [
        item._replace(
            excluded=item.id in customer.status_excluded or item.id in specific_lines,
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
            OpenAction(action.id, action.step_id, action.cycle_id) if action else None
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
    customer.scenario_action = SimAction(
        id=next(sim.counter),
        partner_id=customer.id,
        name=step.name,
        step_id=step.id,
        cycle_id=customer.cycle.id,
        is_specific=False,
        action_type=step.action_type,
        date=decision.date,
        state="to_confirm" if step.needs_confirmation else "todo",
        automatic=step.automatic,
        template=step.template,
        line_ids=decision.line_ids,
    )


def done(sim, customer, action, day):
    """The action is carried out on ``day``; the customer is replanned."""
    if action.is_specific:
        customer.specific_actions.remove(action)
    else:
        customer.scenario_action = None
        customer.last_action = LastAction(action.step_id, day)
    plan_customer(sim, customer, day)


def collectors_work(sim, day):
    """What the collectors do on ``day`` before the automatic sending:
    confirm the due automatic emails waiting for them, carry out the due
    manual actions (and the ones these plan for the same day)."""
    for customer in sim.customers.values():
        busy = True
        while busy:
            busy = False
            for action in open_actions(customer):
                if action.date > day:
                    continue
                if action.state == "to_confirm" and sim.assume_confirmed:
                    action.state = "todo"
                elif not action.automatic and sim.assume_manual_done:
                    sim.events.append(
                        SimEvent(
                            day, customer.id, action, "done", amount(customer, action)
                        )
                    )
                    done(sim, customer, action, day)
                    busy = True
                    break


def send_run(sim, day):
    """The automatic sending of ``day`` (an allowed day): one email per
    customer, held customers and customers without email left out."""
    due = {
        customer.id: [
            action
            for action in open_actions(customer)
            if action.automatic
            and action.state == "todo"
            and action.date <= day
            and action.action_type in EMAIL_ACTION_TYPES
        ]
        for customer in sim.customers.values()
    }
    due = {partner_id: actions for partner_id, actions in due.items() if actions}
    holds = sim.hold_reasons(list(due), day) if due else {}
    for partner_id, actions in due.items():
        customer = sim.customers[partner_id]
        action = actions[0]
        value = amount(customer, action)
        if partner_id in holds:
            if action.id not in customer.held_actions:
                customer.held_actions.add(action.id)
                sim.events.append(
                    SimEvent(day, partner_id, action, "held", value, holds[partner_id])
                )
            continue
        if action.action_type != "internal_email" and not customer.can_email:
            # The collector gets it by hand (``_fall_back_to_collector``).
            action.automatic = False
            sim.events.append(
                SimEvent(
                    day, partner_id, action, "no_recipient", value, sim.no_email_note
                )
            )
            continue
        sim.events.append(SimEvent(day, partner_id, action, "sent", value))
        done(sim, customer, action, day)
