"""Customer risk: the score and class of a customer, and which scenario rule
picks its scenario. Plain values in, plain values out: the models read a
whole company's customers at once and call these functions customer by
customer (``models/risk/``); ``tests/test_risk_score.py`` checks each input
moving the class on a table of hand-made customers.

The score (0 to 100) is the weighted average of five factors, each between
0 (no risk) and 1 (the worst):

- ``delay``: how late the customer pays its last paid invoices: its
  average days late plus half their spread, full at 60 days (early or on
  time: 0);
- ``overdue``: the age of its oldest overdue item, full at 90 days;
- ``disputes``: its items in dispute now, full at 2;
- ``commitments``: its promises of payment and payment plans broken in
  the last 12 months, full at 2;
- ``limit``: the share of its credit limit in use, from 0 at 50 % to 1 at
  100 % and over (no credit limit: 0).

The class follows from three thresholds of the score: A below the first,
B from it, C from the second, D from the third.
"""

from typing import NamedTuple

CLASSES = ("A", "B", "C", "D")
FACTORS = ("delay", "overdue", "disputes", "commitments", "limit")

# Where each factor is full (1).
DELAY_FULL_DAYS = 60
OVERDUE_FULL_DAYS = 90
DISPUTES_FULL = 2
COMMITMENTS_FULL = 2
LIMIT_FROM_SHARE = 50.0
LIMIT_FULL_SHARE = 100.0


class RiskInputs(NamedTuple):
    """What a customer's risk is computed from."""

    days_late_avg: float = 0.0  # of its last paid invoices (0 without any)
    days_late_spread: float = 0.0
    oldest_overdue_days: int = 0  # 0: nothing overdue
    open_disputes: int = 0
    broken_commitments: int = 0  # promises and plans, last 12 months
    limit_share: float = 0.0  # % of its credit limit in use; 0: no limit


class RiskSettings(NamedTuple):
    """A company's weights (``{factor: weight}``) and the scores from which
    a customer is in class B, C and D."""

    weights: dict
    thresholds: tuple  # (B, C, D)


DEFAULT_SETTINGS = RiskSettings(
    weights={
        "delay": 30,
        "overdue": 25,
        "disputes": 10,
        "commitments": 15,
        "limit": 20,
    },
    thresholds=(20, 40, 60),
)


class RiskResult(NamedTuple):
    score: int
    risk_class: str
    # (factor, points it adds to the score), the heaviest first, factors
    # adding nothing left out
    parts: tuple


def _clamp(value):
    return min(max(value, 0.0), 1.0)


def factors(inputs):
    """The five factors of ``inputs``, each between 0 and 1."""
    delay = inputs.days_late_avg + inputs.days_late_spread / 2
    limit = (inputs.limit_share - LIMIT_FROM_SHARE) / (
        LIMIT_FULL_SHARE - LIMIT_FROM_SHARE
    )
    return {
        "delay": _clamp(delay / DELAY_FULL_DAYS),
        "overdue": _clamp(inputs.oldest_overdue_days / OVERDUE_FULL_DAYS),
        "disputes": _clamp(inputs.open_disputes / DISPUTES_FULL),
        "commitments": _clamp(inputs.broken_commitments / COMMITMENTS_FULL),
        "limit": _clamp(limit) if inputs.limit_share > 0 else 0.0,
    }


def risk_class(score, thresholds):
    """The class of ``score``: A below ``thresholds[0]``, then B, C, D."""
    klass = CLASSES[0]
    for threshold, name in zip(thresholds, CLASSES[1:], strict=True):
        if score >= threshold:
            klass = name
    return klass


def score(inputs, settings=DEFAULT_SETTINGS):
    """The customer's score, class and what made them (``RiskResult``)."""
    total_weight = sum(max(w, 0) for w in settings.weights.values())
    if total_weight <= 0:
        return RiskResult(0, CLASSES[0], ())
    points = {
        name: 100.0 * max(settings.weights.get(name, 0), 0) * value / total_weight
        for name, value in factors(inputs).items()
    }
    total = round(sum(points.values()))
    parts = tuple(
        sorted(
            ((name, value) for name, value in points.items() if value >= 0.5),
            key=lambda part: (-part[1], FACTORS.index(part[0])),
        )
    )
    return RiskResult(total, risk_class(total, settings.thresholds), parts)


def scorer(settings=DEFAULT_SETTINGS):
    """``score``'s score and class without the parts, for thousands of
    customers at once: ``scorer(settings)(inputs) -> (score, class)``, the
    weights read once (equal to ``score(inputs, settings)[:2]``)."""
    total_weight = sum(max(w, 0) for w in settings.weights.values())
    if total_weight <= 0:
        return lambda inputs: (0, CLASSES[0])
    delay_w, overdue_w, disputes_w, commitments_w, limit_w = (
        100.0 * max(settings.weights.get(name, 0), 0) / total_weight for name in FACTORS
    )
    thresholds = settings.thresholds
    limit_span = LIMIT_FULL_SHARE - LIMIT_FROM_SHARE

    def score_and_class(inputs):
        limit = 0.0
        if inputs.limit_share > 0:
            limit = _clamp((inputs.limit_share - LIMIT_FROM_SHARE) / limit_span)
        total = round(
            delay_w
            * _clamp(
                (inputs.days_late_avg + inputs.days_late_spread / 2) / DELAY_FULL_DAYS
            )
            + overdue_w * _clamp(inputs.oldest_overdue_days / OVERDUE_FULL_DAYS)
            + disputes_w * _clamp(inputs.open_disputes / DISPUTES_FULL)
            + commitments_w * _clamp(inputs.broken_commitments / COMMITMENTS_FULL)
            + limit_w * limit
        )
        return total, risk_class(total, thresholds)

    return score_and_class


def class_rank(klass):
    """A=0 … D=3; no class (never computed): -1."""
    return CLASSES.index(klass) if klass in CLASSES else -1


# ----------------------------------------------------------------------
# Scenario rules
# ----------------------------------------------------------------------


class Rule(NamedTuple):
    """An assignment rule: its conditions (an empty one matches everyone)
    and what it gives (``None``: leaves that field alone)."""

    id: int
    classes: frozenset = frozenset()
    country_ids: frozenset = frozenset()
    tag_ids: frozenset = frozenset()
    public_sector: str = "any"  # "any", "public" or "private"
    balance_min: float = 0.0  # 0: no bound
    balance_max: float = 0.0
    scenario_id: int | None = None
    collector_id: int | None = None


class RuleCustomer(NamedTuple):
    """A customer as the rules see it."""

    id: int
    risk_class: str | None
    country_id: int | None
    tag_ids: frozenset
    public_sector: bool
    balance: float
    manual: bool  # its scenario and collector were chosen by hand
    scenario_id: int | None  # its own (None: the company's default)
    collector_id: int | None
    rule_id: int | None  # the rule that set them, if one did


class Assignment(NamedTuple):
    """A customer moved by the rules."""

    partner_id: int
    rule_id: int | None  # None: no rule matches any more, back to defaults
    old_scenario_id: int | None
    new_scenario_id: int | None
    old_collector_id: int | None
    new_collector_id: int | None


def matches(rule, customer):
    """Whether ``customer`` meets every condition of ``rule``."""
    sector_ok = rule.public_sector == "any" or customer.public_sector == (
        rule.public_sector == "public"
    )
    return (
        (not rule.classes or customer.risk_class in rule.classes)
        and (not rule.country_ids or customer.country_id in rule.country_ids)
        and (not rule.tag_ids or bool(rule.tag_ids & customer.tag_ids))
        and sector_ok
        and (not rule.balance_min or customer.balance >= rule.balance_min)
        and (not rule.balance_max or customer.balance <= rule.balance_max)
    )


def assign(rules, customers):
    """The customers ``rules`` (in their order) move: the first rule a
    customer matches gives its scenario and collector; a customer chosen
    by hand is never moved; one a rule had moved and no rule matches any
    more goes back to the company's defaults.

    :return: a list of ``Assignment``, for the customers that change only
    """
    changes = []
    for customer in customers:
        if customer.manual:
            continue
        rule = next((rule for rule in rules if matches(rule, customer)), None)
        if rule:
            scenario = (
                rule.scenario_id
                if rule.scenario_id is not None
                else customer.scenario_id
            )
            collector = (
                rule.collector_id
                if rule.collector_id is not None
                else customer.collector_id
            )
            rule_id = rule.id
        elif customer.rule_id:
            scenario = collector = rule_id = None
        else:
            continue
        if (scenario, collector, rule_id) != (
            customer.scenario_id,
            customer.collector_id,
            customer.rule_id,
        ):
            changes.append(
                Assignment(
                    customer.id,
                    rule_id,
                    customer.scenario_id,
                    scenario,
                    customer.collector_id,
                    collector,
                )
            )
    return changes
