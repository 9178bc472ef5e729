from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestPenalties(DsoCollectionCommon):
    """Late interest and recovery costs of items, worked out by hand.

    Simple interest: residual x annual rate x days late / 365, the days
    counted from the due date (excluded) to today (included), rounded once
    to the cent at the end. Recovery cost: 40 in the company currency, once
    per late invoice.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "dso_penalty_rate_type": "fixed",
                "dso_penalty_fixed_rate": 10.0,
                "dso_penalty_margin": 10.0,
                "dso_recovery_cost_amount": 40.0,
            }
        )
        cls.customer.with_company(cls.company).write(
            {"dso_late_penalty": True, "dso_recovery_cost": True}
        )

    def _line(self, move):
        """The receivable item of a one-instalment move, computed afresh."""
        self.env.invalidate_all()
        line = self._receivable(move)
        self.assertEqual(len(line), 1)
        return line

    def _assert_penalties(self, line, interest, cost, residual):
        self.assertAlmostEqual(line.dso_penalty_amount, interest, places=2)
        self.assertAlmostEqual(line.dso_recovery_cost_amount, cost, places=2)
        self.assertAlmostEqual(line.dso_penalty_total, interest + cost, places=2)
        self.assertAlmostEqual(
            line.dso_amount_with_penalties, residual + interest + cost, places=2
        )

    def _reference_rate(self, date_from, rate, company=None):
        return self.env["dso.reference.rate"].create(
            {
                "date_from": date_from,
                "rate": rate,
                "company_id": company.id if company else False,
            }
        )

    # Fixed rate ----------------------------------------------------------

    def test_fixed_rate_worked_example(self):
        # 1 000 due 2026-01-01, today 2026-03-02:
        # 30 days of January (2 -> 31) + 28 of February + 2 March = 60 days.
        # 1 000 x 10 % x 60 / 365 = 16.438... -> 16.44; recovery cost 40.
        with freeze_time("2026-01-01 12:00:00"):
            invoice = self._create_invoice(
                self.customer,
                amount=1000,
                due_date="2026-01-01",
                invoice_date="2025-12-01",
            )
        with freeze_time("2026-03-02 12:00:00"):
            line = self._line(invoice)
            self.assertEqual(line.dso_days_overdue, 60)
            self._assert_penalties(line, 16.44, 40.0, 1000.0)

    def test_fixed_rate_none_before_or_on_due_date(self):
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-01-01", invoice_date="2025-12-01"
        )
        for today in ("2025-12-15 12:00:00", "2026-01-01 12:00:00"):
            with self.subTest(today=today), freeze_time(today):
                self._assert_penalties(self._line(invoice), 0.0, 0.0, 1000.0)
        # The day after: 1 000 x 10 % x 1 / 365 = 0.2739... -> 0.27, and the
        # recovery cost is due.
        with freeze_time("2026-01-02 12:00:00"):
            self._assert_penalties(self._line(invoice), 0.27, 40.0, 1000.0)

    def test_fixed_rate_follows_the_company_rate(self):
        # 1 000 x 8 % x 60 / 365 = 13.150... -> 13.15
        self.company.dso_penalty_fixed_rate = 8.0
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-01-01", invoice_date="2025-12-01"
        )
        with freeze_time("2026-03-02 12:00:00"):
            self._assert_penalties(self._line(invoice), 13.15, 40.0, 1000.0)

    def test_no_interest_when_customer_has_no_late_penalty(self):
        self.customer.with_company(self.company).dso_late_penalty = False
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-01-01", invoice_date="2025-12-01"
        )
        with freeze_time("2026-03-02 12:00:00"):
            # The recovery cost is a separate toggle: still due.
            self._assert_penalties(self._line(invoice), 0.0, 40.0, 1000.0)

    def test_no_recovery_cost_when_customer_has_none(self):
        self.customer.with_company(self.company).dso_recovery_cost = False
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-01-01", invoice_date="2025-12-01"
        )
        with freeze_time("2026-03-02 12:00:00"):
            self._assert_penalties(self._line(invoice), 16.44, 0.0, 1000.0)

    def test_toggles_are_per_company(self):
        """The customer's toggles of another company do not apply here."""
        other = self.env["res.company"].create({"name": "Other company"})
        self.customer.with_company(other).write(
            {"dso_late_penalty": False, "dso_recovery_cost": False}
        )
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-01-01", invoice_date="2025-12-01"
        )
        with freeze_time("2026-03-02 12:00:00"):
            self._assert_penalties(self._line(invoice), 16.44, 40.0, 1000.0)

    # Reference rate + margin ---------------------------------------------

    def test_reference_rate_changing_mid_period(self):
        # Rates: 2.15 % from 2026-01-01, 2.40 % from 2026-07-01 (the company's
        # own rate wins over the shared 3.00 %); margin 10 points.
        # 1 000 due 2026-06-01, today 2026-08-01:
        #   2026-06-01 -> 2026-07-01: 30 days at 12.15 %
        #     1 000 x 12.15 % x 30 / 365 = 9.9863...
        #   2026-07-01 -> 2026-08-01: 31 days at 12.40 %
        #     1 000 x 12.40 % x 31 / 365 = 10.5315...
        #   total 20.5178... -> 20.52
        self.company.dso_penalty_rate_type = "reference"
        self._reference_rate("2026-01-01", 2.15)
        self._reference_rate("2026-07-01", 3.00)
        self._reference_rate("2026-07-01", 2.40, company=self.company)
        # Another company's rate does not apply.
        other = self.env["res.company"].create({"name": "Other company"})
        self._reference_rate("2026-01-01", 9.00, company=other)
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-06-01", invoice_date="2026-05-01"
        )
        with freeze_time("2026-08-01 12:00:00"):
            self._assert_penalties(self._line(invoice), 20.52, 40.0, 1000.0)

    def test_reference_rate_periods(self):
        self._reference_rate("2026-01-01", 2.15)
        self._reference_rate("2026-07-01", 3.00)
        self._reference_rate("2026-07-01", 2.40, company=self.company)
        Rate = self.env["dso.reference.rate"]
        self.assertEqual(
            [
                (str(start), str(end), rate)
                for start, end, rate in Rate._get_periods(
                    self.company,
                    date(2026, 6, 1),
                    date(2026, 8, 1),
                )
            ],
            [
                ("2026-06-01", "2026-07-01", 2.15),
                ("2026-07-01", "2026-08-01", 2.40),
            ],
        )

    def test_reference_rate_rounded_once_at_the_end(self):
        # 1 000 due 2026-06-21, today 2026-07-16:
        #   10 days at 12.15 %: 1 000 x 12.15 % x 10 / 365 = 3.3287...
        #   15 days at 12.40 %: 1 000 x 12.40 % x 15 / 365 = 5.0958...
        #   total 8.4246... -> 8.42 (rounding each piece would give
        #   3.33 + 5.10 = 8.43)
        self.company.dso_penalty_rate_type = "reference"
        self._reference_rate("2026-01-01", 2.15, company=self.company)
        self._reference_rate("2026-07-01", 2.40, company=self.company)
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-06-21", invoice_date="2026-05-21"
        )
        with freeze_time("2026-07-16 12:00:00"):
            self._assert_penalties(self._line(invoice), 8.42, 40.0, 1000.0)

    def test_reference_rate_shipped_ecb_rate(self):
        # Without a newer rate, the shipped ECB rate of 2025-07-01 (2.15 %)
        # stays in force: 1 000 due 2026-01-01, today 2026-03-02, 60 days at
        # 2.15 + 10 = 12.15 %: 1 000 x 12.15 % x 60 / 365 = 19.972... -> 19.97
        self.company.dso_penalty_rate_type = "reference"
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-01-01", invoice_date="2025-12-01"
        )
        with freeze_time("2026-03-02 12:00:00"):
            self._assert_penalties(self._line(invoice), 19.97, 40.0, 1000.0)

    def test_reference_rate_must_start_a_half_year(self):
        for date_from in ("2026-02-01", "2026-07-02", "2026-12-31"):
            with self.subTest(date_from=date_from):
                with self.assertRaises(ValidationError) as raised:
                    self._reference_rate(date_from, 2.0)
                self.assertIn(date_from, str(raised.exception))
                self.assertIn("1 January or 1 July", str(raised.exception))
        # The first days of a half-year are accepted: the constraint would
        # raise a ValidationError (failing the test) otherwise.
        for date_from in ("2026-01-01", "2026-07-01"):
            with self.subTest(date_from=date_from):
                self._reference_rate(date_from, 2.0)

    # Which items bear penalties ------------------------------------------

    def test_partial_payment_interest_on_residual(self):
        # 1 000 due 2026-01-01, 400 paid on 2026-02-01, today 2026-03-02:
        # 600 x 10 % x 60 / 365 = 9.863... -> 9.86; the recovery cost stays.
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-01-01", invoice_date="2025-12-01"
        )
        self._pay(invoice, 400.0, date="2026-02-01")
        with freeze_time("2026-03-02 12:00:00"):
            line = self._line(invoice)
            self.assertEqual(line.amount_residual, 600.0)
            self._assert_penalties(line, 9.86, 40.0, 600.0)

    def test_fully_paid_invoice_has_no_penalties(self):
        invoice = self._create_invoice(
            self.customer, amount=1000, due_date="2026-01-01", invoice_date="2025-12-01"
        )
        self._pay(invoice, date="2026-02-01")
        with freeze_time("2026-03-02 12:00:00"):
            self._assert_penalties(self._line(invoice), 0.0, 0.0, 0.0)

    def test_credit_note_has_no_penalties(self):
        refund = self._create_invoice(
            self.customer,
            amount=100,
            due_date="2026-01-01",
            invoice_date="2025-12-01",
            move_type="out_refund",
        )
        with freeze_time("2026-03-02 12:00:00"):
            line = self._line(refund)
            self.assertEqual(line.amount_residual, -100.0)
            self._assert_penalties(line, 0.0, 0.0, -100.0)

    def test_disputed_item_has_no_penalties(self):
        line = self._create_item(
            self.customer, 1000, "2026-01-01", invoice_date="2025-12-01"
        )
        invoice = line.move_id
        line.write(
            {
                "dso_status_id": self.env.ref(
                    "dso_collection.dso_item_status_dispute"
                ).id,
                "dso_status_date": "2026-02-01",
            }
        )
        with freeze_time("2026-03-02 12:00:00"):
            self._assert_penalties(self._line(invoice), 0.0, 0.0, 1000.0)
        # A status that does not exclude the item (promise of payment) keeps
        # the penalties.
        line.dso_status_id = self.env.ref("dso_collection.dso_item_status_promise")
        with freeze_time("2026-03-02 12:00:00"):
            self._assert_penalties(self._line(invoice), 16.44, 40.0, 1000.0)

    # Recovery costs --------------------------------------------------------

    def test_recovery_cost_once_per_invoice_with_instalments(self):
        # 1 000 invoiced 2026-01-01, half at 30 days, half at 60 days:
        #   instalment 1: 500 due 2026-01-31; instalment 2: 500 due 2026-03-02.
        terms = self.env["account.payment.term"].create(
            {
                "name": "Half at 30, half at 60 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 50.0, "nb_days": 30}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 50.0, "nb_days": 60}
                    ),
                ],
            }
        )
        first, second = self._create_item(
            self.customer, 1000, invoice_date="2026-01-01", payment_term=terms
        ).sorted("date_maturity")
        invoice = first.move_id
        self.assertEqual(str(first.date_maturity), "2026-01-31")
        self.assertEqual(str(second.date_maturity), "2026-03-02")

        # 2026-02-15: only the first instalment is late, 15 days:
        # 500 x 10 % x 15 / 365 = 2.054... -> 2.05
        with freeze_time("2026-02-15 12:00:00"):
            self.env.invalidate_all()
            self._assert_penalties(first, 2.05, 40.0, 500.0)
            self._assert_penalties(second, 0.0, 0.0, 500.0)

        # 2026-04-01: both late; the cost stays on the first one only.
        #   first: 60 days, 500 x 10 % x 60 / 365 = 8.219... -> 8.22
        #   second: 30 days, 500 x 10 % x 30 / 365 = 4.109... -> 4.11
        with freeze_time("2026-04-01 12:00:00"):
            self.env.invalidate_all()
            self._assert_penalties(first, 8.22, 40.0, 500.0)
            self._assert_penalties(second, 4.11, 0.0, 500.0)
            customer = self._customer_view()
            self.assertAlmostEqual(customer.dso_penalty_amount, 12.33, places=2)
            self.assertAlmostEqual(customer.dso_recovery_cost_amount, 40.0, places=2)

        # The first instalment paid: the invoice is still late, its cost
        # moves to the instalment that is still late (still once).
        self._pay(invoice, 500.0, date="2026-03-15")
        with freeze_time("2026-04-01 12:00:00"):
            self.env.invalidate_all()
            self.assertTrue(first.reconciled)
            self._assert_penalties(first, 0.0, 0.0, 0.0)
            self._assert_penalties(second, 4.11, 40.0, 500.0)

    def test_recovery_cost_in_the_item_currency(self):
        # 1 USD (company currency) = 2 EUR from 2026-01-01.
        # 300 EUR due 2026-01-01, today 2026-03-15: 73 days.
        #   interest 300 x 10 % x 73 / 365 = 6.00 EUR
        #   recovery cost 40 USD x 2 = 80.00 EUR
        # The customer's totals are in the company currency: 3.00 and 40.00.
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        self.assertEqual(self.company.currency_id.name, "USD")
        invoice = self._create_invoice(
            self.customer,
            amount=300,
            due_date="2026-01-01",
            invoice_date="2025-12-01",
            currency=eur,
        )
        with freeze_time("2026-03-15 12:00:00"):
            line = self._line(invoice)
            self.assertEqual(line.currency_id, eur)
            self.assertEqual(line.amount_residual_currency, 300.0)
            self._assert_penalties(line, 6.0, 80.0, 300.0)
            customer = self._customer_view()
            self.assertAlmostEqual(customer.dso_penalty_amount, 3.0, places=2)
            self.assertAlmostEqual(customer.dso_recovery_cost_amount, 40.0, places=2)

    # Customer totals -----------------------------------------------------

    def test_customer_totals(self):
        # Today 2026-03-15:
        #   A: 1 000 due 2026-01-01, 73 days: 1 000 x 10 % x 73 / 365 = 20.00, cost 40
        #   B: 500 due 2026-03-01, 14 days: 500 x 10 % x 14 / 365 = 1.917... -> 1.92,
        #      cost 40
        #   C: 200 due 2026-04-01, not due: nothing
        #   D: credit note of 100: nothing itself, and it settles the oldest
        #      debit first: A runs on 900 only: 900 x 10 % x 73 / 365 = 18.00
        #   E: 300 due 2026-02-01 but disputed: nothing
        # Totals: interest 19.92, recovery costs 80 (issue 21: penalties
        # only on what the credits leave unpaid; 21.92 before).
        self._create_invoice(
            self.customer, amount=1000, due_date="2026-01-01", invoice_date="2025-12-01"
        )
        self._create_invoice(
            self.customer, amount=500, due_date="2026-03-01", invoice_date="2026-02-01"
        )
        self._create_invoice(
            self.customer, amount=200, due_date="2026-04-01", invoice_date="2026-03-01"
        )
        self._create_invoice(
            self.customer,
            amount=100,
            due_date="2026-02-01",
            invoice_date="2026-02-01",
            move_type="out_refund",
        )
        disputed = self._create_item(
            self.customer, 300, "2026-02-01", invoice_date="2026-01-01"
        )
        disputed.dso_status_id = self.env.ref("dso_collection.dso_item_status_dispute")
        with freeze_time("2026-03-15 12:00:00"):
            customer = self._customer_view()
            self.assertEqual(len(customer.dso_open_line_ids), 5)
            self.assertAlmostEqual(customer.dso_penalty_amount, 19.92, places=2)
            self.assertAlmostEqual(customer.dso_recovery_cost_amount, 80.0, places=2)

            # Without the toggles, nothing.
            self.customer.with_company(self.company).write(
                {"dso_late_penalty": False, "dso_recovery_cost": False}
            )
            customer = self._customer_view()
            self.assertAlmostEqual(customer.dso_penalty_amount, 0.0, places=2)
            self.assertAlmostEqual(customer.dso_recovery_cost_amount, 0.0, places=2)
