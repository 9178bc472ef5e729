"""The risk score, class and scenario rules of ``lib/risk.py``, on hand-made
customers: each input moves the class as the README's *Customer risk*
documents it. No database."""

import unittest

from odoo.tests import tagged

from ..lib.risk import (
    DEFAULT_SETTINGS,
    RiskInputs,
    RiskSettings,
    Rule,
    RuleCustomer,
    assign,
    class_rank,
    factors,
    risk_class,
    score,
    scorer,
)


@tagged("post_install", "-at_install")
class TestRiskScore(unittest.TestCase):
    def test_good_payer_is_class_a(self):
        result = score(RiskInputs())
        self.assertEqual((result.score, result.risk_class, result.parts), (0, "A", ()))
        # Early payments are no risk, and never below zero.
        self.assertEqual(score(RiskInputs(days_late_avg=-10)).score, 0)

    def test_each_input_moves_the_class(self):
        """One customer at a time, one input changed (default weights 30,
        25, 10, 15, 20; classes B from 20, C from 40, D from 60)."""
        cases = [
            # inputs, score, class
            (RiskInputs(days_late_avg=20), 10, "A"),
            (RiskInputs(days_late_avg=40), 20, "B"),
            (RiskInputs(days_late_avg=60), 30, "B"),
            # the spread counts half: 40 + 20 / 2 = 50 days
            (RiskInputs(days_late_avg=40, days_late_spread=20), 25, "B"),
            (RiskInputs(oldest_overdue_days=90), 25, "B"),
            (RiskInputs(oldest_overdue_days=180), 25, "B"),
            (RiskInputs(open_disputes=1), 5, "A"),
            (RiskInputs(open_disputes=2), 10, "A"),
            (RiskInputs(broken_commitments=1), 8, "A"),
            (RiskInputs(broken_commitments=3), 15, "A"),
            (RiskInputs(limit_share=50), 0, "A"),
            (RiskInputs(limit_share=75), 10, "A"),
            (RiskInputs(limit_share=130), 20, "B"),
            # together: late payer, old overdue, over its limit
            (RiskInputs(days_late_avg=60, oldest_overdue_days=90), 55, "C"),
            (
                RiskInputs(days_late_avg=60, oldest_overdue_days=90, limit_share=110),
                75,
                "D",
            ),
            (
                RiskInputs(
                    days_late_avg=90,
                    oldest_overdue_days=120,
                    open_disputes=3,
                    broken_commitments=2,
                    limit_share=150,
                ),
                100,
                "D",
            ),
        ]
        for inputs, expected_score, expected_class in cases:
            with self.subTest(inputs=inputs):
                result = score(inputs)
                self.assertEqual(result.score, expected_score)
                self.assertEqual(result.risk_class, expected_class)

    def test_scorer_equals_score(self):
        """The refresh's fast scorer gives what ``score`` gives, on a grid of
        inputs and two settings."""
        other = RiskSettings(
            weights={
                "delay": 5,
                "overdue": 0,
                "disputes": 3,
                "commitments": 1,
                "limit": 7,
            },
            thresholds=(15, 30, 75),
        )
        for settings in (DEFAULT_SETTINGS, other):
            fast = scorer(settings)
            for avg in (-5, 0, 13, 41, 90):
                for spread in (0, 7, 30):
                    for overdue in (0, 29, 61, 120):
                        for limit in (0, 55, 81.5, 100, 140):
                            inputs = RiskInputs(
                                avg, spread, overdue, avg % 3, spread % 4, limit
                            )
                            with self.subTest(inputs=inputs):
                                self.assertEqual(
                                    fast(inputs), score(inputs, settings)[:2]
                                )

    def test_parts_heaviest_first(self):
        result = score(
            RiskInputs(days_late_avg=30, oldest_overdue_days=90, open_disputes=1)
        )
        self.assertEqual(
            [name for name, _points in result.parts], ["overdue", "delay", "disputes"]
        )
        self.assertEqual(
            round(sum(points for _name, points in result.parts)), result.score
        )

    def test_weights_and_thresholds(self):
        # Only the delays count: 30 days late is half the score.
        settings = RiskSettings(
            weights={
                "delay": 1,
                "overdue": 0,
                "disputes": 0,
                "commitments": 0,
                "limit": 0,
            },
            thresholds=(10, 50, 90),
        )
        self.assertEqual(score(RiskInputs(days_late_avg=30), settings)[:2], (50, "C"))
        self.assertEqual(
            score(RiskInputs(oldest_overdue_days=90), settings)[:2], (0, "A")
        )
        self.assertEqual(risk_class(89, (10, 50, 90)), "C")
        self.assertEqual(risk_class(90, (10, 50, 90)), "D")
        # No weight at all: no risk rather than a division by zero.
        empty = RiskSettings(
            weights=dict.fromkeys(DEFAULT_SETTINGS.weights, 0), thresholds=(1, 2, 3)
        )
        self.assertEqual(score(RiskInputs(days_late_avg=90), empty)[:2], (0, "A"))

    def test_factors_bounds(self):
        values = factors(RiskInputs(days_late_avg=1000, limit_share=1000))
        self.assertEqual(values["delay"], 1.0)
        self.assertEqual(values["limit"], 1.0)
        self.assertEqual(factors(RiskInputs(limit_share=0))["limit"], 0.0)
        self.assertEqual(class_rank("D") - class_rank("B"), 2)
        self.assertEqual(class_rank(None), -1)


def _customer(id_, **values):
    base = {
        "risk_class": "A",
        "country_id": None,
        "tag_ids": frozenset(),
        "public_sector": False,
        "balance": 0.0,
        "manual": False,
        "scenario_id": None,
        "collector_id": None,
        "rule_id": None,
    }
    return RuleCustomer(id=id_, **{**base, **values})


@tagged("post_install", "-at_install")
class TestRules(unittest.TestCase):
    def test_first_matching_rule_wins(self):
        risky = Rule(1, classes=frozenset("CD"), scenario_id=10)
        french = Rule(2, country_ids=frozenset({75}), scenario_id=20, collector_id=7)
        public = Rule(3, public_sector="public", scenario_id=30)
        big = Rule(4, balance_min=10_000, collector_id=8)
        customers = [
            _customer(1, risk_class="D", country_id=75),
            _customer(2, risk_class="A", country_id=75),
            _customer(3, risk_class="B", public_sector=True),
            _customer(4, risk_class="A", balance=20_000, scenario_id=99),
            _customer(5, risk_class="A"),
        ]
        changes = {
            change.partner_id: change
            for change in assign([risky, french, public, big], customers)
        }
        self.assertEqual(changes[1][1:], (1, None, 10, None, None))
        self.assertEqual(changes[2][1:], (2, None, 20, None, 7))
        self.assertEqual(changes[3].new_scenario_id, 30)
        # A rule without a scenario leaves the customer's own.
        self.assertEqual(changes[4][1:], (4, 99, 99, None, 8))
        self.assertNotIn(5, changes)

    def test_manual_choice_wins(self):
        rule = Rule(1, scenario_id=10)
        self.assertEqual(assign([rule], [_customer(1, manual=True, scenario_id=5)]), [])

    def test_no_rule_matches_any_more(self):
        rule = Rule(1, classes=frozenset("D"), scenario_id=10)
        back = assign([rule], [_customer(1, risk_class="B", scenario_id=10, rule_id=1)])
        self.assertEqual(back[0][1:], (None, 10, None, None, None))
        # Applied already: nothing changes.
        self.assertEqual(
            assign([rule], [_customer(1, risk_class="D", scenario_id=10, rule_id=1)]),
            [],
        )

    def test_conditions(self):
        rule = Rule(
            1,
            tag_ids=frozenset({3, 4}),
            public_sector="private",
            balance_min=100,
            balance_max=1000,
            scenario_id=10,
        )
        matching = _customer(1, tag_ids=frozenset({4, 9}), balance=500)
        self.assertEqual(len(assign([rule], [matching])), 1)
        for other in (
            matching._replace(tag_ids=frozenset({9})),
            matching._replace(public_sector=True),
            matching._replace(balance=50),
            matching._replace(balance=5000),
        ):
            with self.subTest(customer=other):
                self.assertEqual(assign([rule], [other]), [])
