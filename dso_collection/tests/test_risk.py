"""Customer risk: the credit limit in use, the class and its history, the
risk agenda and its reviews, the alerts, the scenario assignment rules, and
the daily refresh set-based (models/risk/). Today 2026-03-10."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DsoCollectionCommon, DsoCollectionMultiCompanyCommon

TODAY = date(2026, 3, 10)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestRisk(DsoCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "account_use_credit_limit": True,
                "dso_credit_manager_id": cls.env.user.id,
            }
        )
        cls.Risk = cls.env["dso.customer.risk"]
        cls.Rule = cls.env["dso.scenario.rule"]
        cls.risky = cls._create_scenario(
            "Risky",
            [{"name": "Call", "action_type": "call", "trigger": "due", "delay": 1}],
        )

    def _refresh(self, partners=None, when=TODAY):
        partners = partners or self.customer
        return self.Risk._dso_refresh(self.company, when, partners.ids)

    def _risk(self, partner=None):
        return self.Risk.search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("company_id", "=", self.company.id),
            ]
        )

    def _by_rules(self, partners):
        """Customers whose scenario the rules may choose (not by hand)."""
        self.Risk._dso_ensure(self.company, partners.ids).scenario_manual = False

    def _alerts(self, partner=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", (partner or self.customer).id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("dso_collection.mail_activity_type_dso_risk_alert").id,
                ),
            ]
        )

    # ------------------------------------------------------------------
    # Credit limit in use
    # ------------------------------------------------------------------

    def test_credit_limit_in_use(self):
        customer = self.customer.with_company(self.company)
        customer.credit_limit = 1000
        self._create_item(self.customer, 850, "2026-02-01")
        self._refresh()
        customer.invalidate_recordset()
        self.assertEqual(customer.dso_credit_limit, 1000)
        self.assertEqual(customer.dso_credit_used, 850)
        self.assertAlmostEqual(customer.dso_credit_share, 85.0)
        self.assertEqual(customer.dso_credit_state, "near")
        Report = self.env["dso.collection.customer"]
        row = Report.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            (
                row.credit_limit,
                row.credit_used,
                round(row.credit_share),
                row.credit_state,
            ),
            (1000, 850, 85, "near"),
        )
        self.assertEqual(Report.search([("credit_state", "=", "near")]), row)
        self._create_item(self.customer, 200, "2026-03-01")
        customer.invalidate_recordset()
        self.assertEqual(customer.dso_credit_state, "over")
        self.assertEqual(
            Report.search([("credit_state", "=", "over")]).partner_id, self.customer
        )
        # The figures agree: the sheet's open balance is what is used.
        self.assertEqual(customer.dso_credit_used, customer.dso_balance)
        # Without Odoo's credit limits, no limit is in use.
        self.company.account_use_credit_limit = False
        customer.invalidate_recordset()
        self.env.invalidate_all()
        self.assertEqual(
            (customer.dso_credit_limit, customer.dso_credit_state), (0, "none")
        )
        row = Report.search([("partner_id", "=", self.customer.id)])
        self.assertEqual((row.credit_limit, row.credit_state), (0, "none"))

    # ------------------------------------------------------------------
    # Class and history
    # ------------------------------------------------------------------

    def test_class_from_behaviour_and_history(self):
        # Three invoices paid 40 days late each: class B (20 points).
        for month in (9, 10, 11):
            due = date(2025, month, 1)
            move = self._create_invoice(self.customer, amount=100, due_date=due)
            self._pay(move, date=due + timedelta(days=40))
        self._refresh()
        risk = self._risk()
        self.assertEqual((risk.risk_class, risk.risk_score), ("B", 20))
        self.assertEqual(risk.days_late_avg, 40)
        self.assertIn("pays 40 days late on average", risk.risk_explanation)
        history = self.env["dso.risk.history"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(
            (history.old_class, history.risk_class, history.date), (False, "B", TODAY)
        )
        # Refreshed again: nothing changed, no new history.
        self._refresh()
        self.assertEqual(
            len(
                self.env["dso.risk.history"].search(
                    [("partner_id", "=", self.customer.id)]
                )
            ),
            1,
        )
        # An item 90 days overdue: +25, class C; kept with why.
        self._create_item(self.customer, 500, "2025-12-10")
        self._refresh()
        self.assertEqual(
            (risk.risk_class, risk.risk_score, risk.previous_class), ("C", 45, "B")
        )
        last = self.env["dso.risk.history"].search(
            [("partner_id", "=", self.customer.id)], limit=1
        )
        self.assertEqual((last.old_class, last.risk_class), ("B", "C"))
        self.assertIn("oldest overdue item 90 days late", last.summary)
        self.assertEqual(self.customer.with_company(self.company).dso_risk_class, "C")

    def test_disputes_and_broken_commitments_count(self):
        line = self._create_item(self.customer, 500, "2026-03-01")
        dispute = self.env["dso.item.status"].search(
            [("is_dispute", "=", True)], limit=1
        )
        line.dso_status_id = dispute
        self.env["dso.payment.promise"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "date": "2026-02-20",
                "line_ids": [Command.set(line.ids)],
            }
        ).write({"state": "broken", "date_closed": "2026-02-25"})
        self._refresh()
        risk = self._risk()
        self.assertEqual((risk.open_disputes, risk.broken_commitments), (1, 1))
        # 9 days overdue: 2.5; dispute 5; broken promise 7.5
        self.assertEqual(risk.risk_score, 15)

    # ------------------------------------------------------------------
    # Review dates and the risk agenda
    # ------------------------------------------------------------------

    def test_review_dates_and_agenda(self):
        customer = self.customer.with_company(self.company)
        customer.credit_limit = 5000
        risk = self._risk()
        self.assertEqual(
            risk.credit_review_date, date(2027, 3, 10)
        )  # class A: 12 months
        Review = self.env["dso.risk.review"]
        self._refresh()
        self.assertFalse(Review.search([("partner_id", "=", self.customer.id)]))
        # The review date comes: the daily run opens one review, once.
        when = date(2027, 3, 10)
        with freeze_time(when):
            self._refresh(when=when)
            self._refresh(when=when)
            review = Review.search([("partner_id", "=", self.customer.id)])
            self.assertEqual(len(review), 1)
            self.assertTrue(review.review_due)
            self.assertEqual(review.credit_limit, 5000)
            self.assertEqual(review.new_credit_limit, 5000)
            self.assertEqual(review.user_id, self.env.user)
            review.write({"new_credit_limit": 8000, "next_review_date": "2027-09-10"})
            review.action_review_done()
            self.assertEqual(review.state, "done")
            customer.invalidate_recordset()
            self.assertEqual(customer.credit_limit, 8000)
            self.assertEqual(risk.credit_review_date, date(2027, 9, 10))
            self.assertIn("8,000.00", customer.message_ids[0].body)
            with self.assertRaises(UserError):
                review.action_review_done()
            self._refresh(when=when)
            self.assertEqual(
                Review.search_count(
                    [("partner_id", "=", self.customer.id), ("state", "=", "open")]
                ),
                0,
            )

    def test_review_done_checks(self):
        self.customer.with_company(self.company).credit_limit = 100
        self._create_item(self.customer, 500, "2026-03-01")
        self._refresh()
        review = self.env["dso.risk.review"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertTrue(review.over_limit)
        review.new_credit_limit = -1
        with self.assertRaisesRegex(UserError, "Acme Corp"):
            review.action_review_done()
        review.write({"new_credit_limit": 1000, "next_review_date": "2026-03-01"})
        with self.assertRaisesRegex(UserError, "after today"):
            review.action_review_done()
        self.assertEqual(review.state, "open")

    def test_limit_change_sets_review_by_class(self):
        self._create_item(self.customer, 500, "2025-11-01")  # 129 days overdue: class B
        self._refresh()
        self.assertEqual(self._risk().risk_class, "B")
        self.customer.with_company(self.company).credit_limit = 2000
        self.assertEqual(self._risk().credit_review_date, date(2027, 3, 10))
        self.company.dso_review_months_b = 4
        self.customer.with_company(self.company).credit_limit = 3000
        self.assertEqual(self._risk().credit_review_date, date(2026, 7, 10))
        with self.assertRaises(ValidationError):
            self.company.dso_risk_class_c = 10

    # ------------------------------------------------------------------
    # Alerts
    # ------------------------------------------------------------------

    def test_over_limit_alerted_once(self):
        self.customer.with_company(self.company).credit_limit = 1000
        self._create_item(self.customer, 1500, "2026-03-20")
        counts = self._refresh()
        self.assertEqual(counts["alerts"], 2)
        alerts = self._alerts()
        self.assertEqual(alerts.user_id, self.collector | self.env.user)
        self.assertIn("Over its credit limit", str(alerts[0].note))
        # The next days: no other alert, no other review.
        for day in (11, 12):
            self._refresh(when=date(2026, 3, day))
        self.assertEqual(len(self._alerts()), 2)
        self.assertEqual(
            self.env["dso.risk.review"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            1,
        )
        # Back under its limit, then over again: alerted again, once the
        # first alerts are done.
        self.customer.with_company(self.company).credit_limit = 5000
        self._refresh(when=date(2026, 3, 13))
        self._alerts().action_done()
        self.customer.with_company(self.company).credit_limit = 1000
        self.assertEqual(self._refresh(when=date(2026, 3, 14))["alerts"], 2)

    def test_broken_promise_over_limit_alerted(self):
        self.customer.with_company(self.company).credit_limit = 100
        line = self._create_item(self.customer, 500, "2026-03-20")
        self._refresh(when=date(2026, 3, 9))
        self._alerts().action_done()
        self.env["dso.payment.promise"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "date": "2026-03-05",
                "line_ids": [Command.set(line.ids)],
            }
        ).write({"state": "broken", "date_closed": TODAY})
        self._refresh(when=TODAY, partners=self.customer)
        notes = self._alerts().mapped("note")
        self.assertEqual(len(notes), 2)
        self.assertIn("Broke a promise", str(notes[0]))

    def test_class_worse_alerted(self):
        self._refresh()
        self._create_item(self.customer, 500, "2025-11-01")
        self._refresh()
        alerts = self._alerts()
        self.assertEqual(len(alerts), 2)
        self.assertIn("A to B", str(alerts[0].note))
        review = self.env["dso.risk.review"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(
            (review.class_worse, review.old_class, review.new_class), (True, "A", "B")
        )
        self.assertIn("class A to B", review.reasons)

    # ------------------------------------------------------------------
    # Scenario rules
    # ------------------------------------------------------------------

    def _rule(self, **vals):
        return self.Rule.create({"name": "Rule", "scenario_id": self.risky.id, **vals})

    def test_rules_by_priority_and_manual_choice(self):
        late = self._create_customer("Late payer")
        fine = self._create_customer("Fine payer")
        chosen = self._create_customer("Chosen by hand")
        for partner in late | chosen:
            self._create_item(partner, 500, "2025-11-01")  # class B
        self._create_item(fine, 500, "2026-03-20")
        customers = late | fine | chosen
        self._refresh(customers)
        self._by_rules(late | fine)
        other = self._create_scenario(
            "Other",
            [{"name": "Mail", "action_type": "email", "trigger": "due", "delay": 1}],
        )
        second = self._rule(name="B", class_b=True, sequence=20, scenario_id=other.id)
        first = self._rule(
            name="B and C",
            class_b=True,
            class_c=True,
            sequence=10,
            collector_id=self.env.user.id,
        )
        # The preview (here of a saved rule) equals what applying does.
        self.assertEqual(first.preview_partner_ids, late)
        self.assertEqual(second.preview_partner_ids, self.env["res.partner"])
        changes = self.Rule._dso_apply_rules(self.company, TODAY)
        self.assertEqual([change.partner_id for change in changes], late.ids)
        late_c = late.with_company(self.company)
        self.assertEqual(
            (late_c.dso_scenario_id, late_c.dso_collector_id),
            (self.risky, self.env.user),
        )
        self.assertEqual(late_c.dso_scenario_rule_id, first)
        # Chosen by hand: kept.
        self.assertEqual(
            chosen.with_company(self.company).dso_scenario_id, self.scenario
        )
        move = self.env["dso.risk.history"].search(
            [("partner_id", "=", late.id), ("kind", "=", "scenario")]
        )
        self.assertEqual(
            (move.rule_id, move.old_scenario_id, move.new_scenario_id),
            (first, self.scenario, self.risky),
        )
        self.assertIn("Test scenario to Risky", move.summary)
        # Applied again: nothing moves.
        self.assertFalse(self.Rule._dso_apply_rules(self.company, TODAY))
        # The rule archived: back to the company's default scenario.
        first.active = False
        second.active = False
        self.Rule._dso_apply_rules(self.company, TODAY)
        late_c.invalidate_recordset()
        self.assertEqual(late_c.dso_scenario_id, self.company.dso_default_scenario_id)
        self.assertFalse(late_c.dso_scenario_rule_id)

    def test_preview_before_save_equals_apply(self):
        late = self._create_customer("Late payer")
        self._create_item(late, 500, "2025-11-01")
        self._refresh(late | self.customer)
        self._by_rules(late | self.customer)
        form_values = {"name": "Risky", "class_b": True, "scenario_id": self.risky.id}
        new = self.Rule.new(form_values)
        self.assertEqual(new.preview_partner_ids._origin, late)
        self.assertEqual(new.preview_count, 1)
        rule = self.Rule.create(form_values)
        changes = rule._dso_apply_rules(self.company, TODAY)
        self.assertEqual([change.partner_id for change in changes], late.ids)

    def test_rule_moves_and_plan_follows(self):
        late = self._create_customer("Late payer")
        self._create_item(late, 500, "2025-11-01")
        self._by_rules(late)
        self._rule(class_b=True)
        # The daily run: risk, rules, then planning with the new scenario.
        self.env["dso.collection.planner"]._cron_plan(date=TODAY)
        action = self._open_action(late)
        self.assertEqual(action.scenario_id, self.risky)

    def test_rule_checks(self):
        with self.assertRaisesRegex(
            ValidationError, "neither a scenario nor a collector"
        ):
            self.Rule.create({"name": "Empty"})
        with self.assertRaisesRegex(ValidationError, "bounds"):
            self._rule(balance_min=100, balance_max=10)

    def test_scenario_chosen_at_creation_is_manual(self):
        chosen = (
            self.env["res.partner"]
            .with_company(self.company)
            .create(
                {
                    "name": "Chosen",
                    "is_company": True,
                    "dso_scenario_id": self.scenario.id,
                }
            )
        )
        # The form sends its empty fields too: not a choice.
        empty = (
            self.env["res.partner"]
            .with_company(self.company)
            .create({"name": "Empty", "is_company": True, "dso_scenario_id": False})
        )
        self.assertTrue(self._risk(chosen).scenario_manual)
        self.assertFalse(self._risk(empty).scenario_manual)

    def test_manual_write_marks_manual(self):
        partner = self.env["res.partner"].create({"name": "New", "is_company": True})
        self._create_item(partner, 100, "2026-03-20")
        self._refresh(partner)
        self.assertFalse(self._risk(partner).scenario_manual)
        partner.with_company(self.company).dso_scenario_id = self.scenario
        self.assertTrue(self._risk(partner).scenario_manual)
        self._rule()
        partner.with_company(self.company).action_dso_rules_choose()
        self.assertFalse(self._risk(partner).scenario_manual)
        self.assertEqual(partner.with_company(self.company).dso_scenario_id, self.risky)

    # ------------------------------------------------------------------
    # Set-based
    # ------------------------------------------------------------------

    def test_query_count_flat(self):
        """The refresh and the rules of 10 and of 1 000 customers run the
        same number of queries (half of them over their limit, alerted,
        reviewed and moved by a rule)."""
        Partner = self.env["res.partner"].with_company(self.company)
        partners = Partner.create(
            [{"name": f"Customer {n}", "is_company": True} for n in range(1020)]
        )
        partners.filtered(lambda p: p.id % 2).write({"credit_limit": 100})
        receivable = self.company_data["default_account_receivable"]
        revenue = self.company_data["default_account_revenue"]
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-01-01",
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.id,
                            "partner_id": partner.id,
                            "debit": 500,
                            "date_maturity": "2025-11-01",
                        }
                    )
                    for partner in partners
                ]
                + [
                    Command.create(
                        {"account_id": revenue.id, "credit": 500 * len(partners)}
                    )
                ],
            }
        )
        move.action_post()
        self._rule(class_b=True)
        warm, small, large = partners[:10], partners[10:20], partners[20:]
        run_once = warm  # the first call's set-up (references, caches) apart

        def run(batch):
            self.Risk._dso_refresh(self.company, TODAY, batch.ids)
            self.Rule._dso_apply_rules(self.company, TODAY, batch.ids)

        self._count_queries(lambda: run(run_once))
        counts = [
            self._count_queries(lambda batch=batch: run(batch))
            for batch in (small, large)
        ]
        # The same queries, and one more for 1 000 rows written: their
        # statistics refreshed once (ANALYZE_AFTER).
        self.assertEqual(counts[1], counts[0] + 1)
        self.assertEqual(
            self.Risk.search_count(
                [("partner_id", "in", large.ids), ("risk_class", "=", "C")]
            ),
            500,
        )
        self.assertEqual(
            self.env["dso.risk.review"].search_count([("partner_id", "in", large.ids)]),
            500,
        )
        self.assertEqual(
            large.with_company(self.company).filtered(
                lambda p: p.dso_scenario_id == self.risky
            ),
            large.filtered(lambda p: not p.id % 2),
        )


@tagged("post_install", "-at_install")
class TestRiskSettings(DsoCollectionCommon):
    def test_defaults_and_checks(self):
        settings = self.company._dso_risk_settings()
        self.assertEqual(sum(settings.weights.values()), 100)
        self.assertEqual(settings.thresholds, (20, 40, 60))
        with self.assertRaisesRegex(ValidationError, "weights"):
            self.company.dso_risk_weight_delay = -1
        self.company.dso_risk_weight_delay = 30
        with self.assertRaisesRegex(ValidationError, "one month"):
            self.company.dso_review_months_d = 0


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestRiskMultiCompany(DsoCollectionMultiCompanyCommon):
    """The same customer in two companies: a risk, a limit, reviews and rules
    of each company's own."""

    def test_each_company_its_own_risk(self):
        customer = self.shared_customer
        for company in (self.company, self.company_2):
            company.account_use_credit_limit = True
        customer.with_company(self.company).credit_limit = 100
        self._create_item(customer, 500, "2025-11-01")
        self._create_item(customer, 50, "2026-03-20", company=self.company_2)
        Risk = self.env["dso.customer.risk"]
        for company in (self.company, self.company_2):
            Risk._dso_refresh(company, TODAY, customer.ids)
        first = customer.with_company(self.company)
        second = customer.with_company(self.company_2)
        self.assertEqual((first.dso_risk_class, first.dso_credit_state), ("C", "over"))
        self.assertEqual(
            (second.dso_risk_class, second.dso_credit_state), ("A", "none")
        )
        # A rule of the second company leaves the first company's scenario.
        Risk._dso_ensure(self.company_2, customer.ids).scenario_manual = False
        other = self._create_scenario(
            "Other 2",
            [{"name": "Call", "action_type": "call", "trigger": "due", "delay": 1}],
            company=self.company_2,
        )
        self.env["dso.scenario.rule"].create(
            {"name": "All", "company_id": self.company_2.id, "scenario_id": other.id}
        )
        self.env["dso.scenario.rule"]._dso_apply_rules(self.company_2, TODAY)
        second.invalidate_recordset()
        self.assertEqual(second.dso_scenario_id, other)
        self.assertEqual(first.dso_scenario_id, self.scenario)
        # The second company's collector sees neither the first company's
        # review nor its risk.
        review = self.env["dso.risk.review"].search([("partner_id", "=", customer.id)])
        self.assertEqual(review.company_id, self.company)
        as_collector_2 = self.env["dso.risk.review"].with_user(self.collector_2)
        self.assertFalse(as_collector_2.search([("partner_id", "=", customer.id)]))
        self.assertEqual(
            Risk.with_user(self.collector_2)
            .search([("partner_id", "=", customer.id)])
            .company_id,
            self.company_2,
        )
        # A rule cannot give a scenario of another company.
        with self.assertRaisesRegex(ValidationError, "another company"):
            self.env["dso.scenario.rule"].create(
                {
                    "name": "Wrong",
                    "company_id": self.company.id,
                    "scenario_id": other.id,
                }
            )
