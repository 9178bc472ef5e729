from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import DsoCollectionCommon

TODAY = "2026-06-30"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 10:00:00")
class TestPrediction(DsoCollectionCommon):
    """Predicted payment dates on a dataset computed by hand, today 2026-06-30.

    Pat's paid invoices (each invoiced 30 days before its due date):

    | # | due        | paid       | days late |
    | 1 | 2026-01-05 | 2026-03-06 |        60 |  the 7th last paid: left out
    | 2 | 2026-03-01 | 2026-03-11 |        10 |
    | 3 | 2026-03-15 | 2026-03-29 |        14 |
    | 4 | 2026-04-01 | 2026-04-09 |         8 |
    | 5 | 2026-04-15 | 2026-04-30 |        15 |
    | 6 | 2026-05-01 | 2026-05-13 |        12 |
    | 7 | 2026-05-20 | 2026-05-17 |        -3 |

    Last 6 (2 to 7): average 56 / 6 = 9.33 (rounded 9); population standard
    deviation sqrt(215.33 / 6) = 5.99 (± 6); 5 of 6 paid late: 83.3 %.
    Pat's open items: 1000 due 2026-06-25 of which 200 paid (predicted
    2026-07-04), 500 due 2026-05-01 (2026-05-10 is past: today).

    Otto paid one invoice 2 days early and one 2 days late: on time on
    average (± 2), 50 % late. Newt never paid an invoice.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pat = cls._create_customer("Pat")
        cls.otto = cls._create_customer("Otto")
        cls.newt = cls._create_customer("Newt")
        for due, paid in (
            ("2026-01-05", "2026-03-06"),
            ("2026-03-01", "2026-03-11"),
            ("2026-03-15", "2026-03-29"),
            ("2026-04-01", "2026-04-09"),
            ("2026-04-15", "2026-04-30"),
            ("2026-05-01", "2026-05-13"),
            ("2026-05-20", "2026-05-17"),
        ):
            cls._pay(cls._invoice(cls.pat, 100, due), date=paid)
        cls.pat_open = cls._invoice(cls.pat, 1000, "2026-06-25")
        cls._pay(cls.pat_open, amount=200, date="2026-06-01")
        cls.pat_old = cls._invoice(cls.pat, 500, "2026-05-01")
        for due, paid in (("2026-03-10", "2026-03-08"), ("2026-04-10", "2026-04-12")):
            cls._pay(cls._invoice(cls.otto, 100, due), date=paid)
        cls.otto_open = cls._invoice(cls.otto, 3000, "2026-06-20")
        cls.newt_open = cls._invoice(cls.newt, 5000, "2026-07-10")
        cls.newt_late = cls._invoice(cls.newt, 50, "2026-06-01")

    @classmethod
    def _invoice(cls, partner, amount, due):
        return cls._create_invoice(
            partner,
            amount=amount,
            due_date=due,
            invoice_date=fields.Date.to_date(due) - timedelta(days=30),
        )

    def _specific(self, partner, moves):
        lines = self._receivable(moves)
        return self.env["dso.collection.action"].create(
            {
                "name": f"Call {partner.name}",
                "is_specific": True,
                "partner_id": partner.id,
                "company_id": self.company.id,
                "action_type": "call",
                "date": fields.Date.to_date(TODAY),
                "line_ids": [Command.set(lines.ids)],
            }
        )

    def test_customer_history(self):
        pat = self.pat.with_company(self.company)
        self.assertEqual(pat.dso_paid_sample, 6)
        # Shown to one decimal: 9.33 -> 9.3, 5.99 -> 6.0.
        self.assertEqual(pat.dso_days_late_avg, 9.3)
        self.assertEqual(pat.dso_days_late_spread, 6.0)  # sqrt(215.33 / 6)
        self.assertAlmostEqual(pat.dso_late_probability, 5 / 6, places=4)
        self.assertEqual(
            pat.dso_payment_explanation,
            "Pays 9 days late on average (± 6), last 6 invoices",
        )

    def test_only_last_six_count(self):
        # With invoice 1 (60 days late) the average would be 116 / 7.
        self.assertNotAlmostEqual(self.pat.dso_days_late_avg, 116 / 7, places=1)
        # Paying the old open invoice (60 days late, the latest payment)
        # pushes invoice 2 (10 days late) out of the sample.
        self._pay(self.pat_old, date="2026-06-30")
        pat = self.pat.with_company(self.company)
        pat.invalidate_recordset()
        self.assertEqual(pat.dso_paid_sample, 6)
        self.assertEqual(pat.dso_days_late_avg, 17.7)  # 106 / 6

    def test_on_time_and_no_history(self):
        otto = self.otto.with_company(self.company)
        self.assertEqual(otto.dso_paid_sample, 2)
        self.assertAlmostEqual(otto.dso_days_late_avg, 0.0)
        self.assertAlmostEqual(otto.dso_days_late_spread, 2.0)
        self.assertAlmostEqual(otto.dso_late_probability, 0.5)
        self.assertEqual(
            otto.dso_payment_explanation,
            "Pays on time on average (± 2), last 2 invoices",
        )
        newt = self.newt.with_company(self.company)
        self.assertEqual(newt.dso_paid_sample, 0)
        self.assertEqual(newt.dso_late_probability, 0.0)
        self.assertEqual(newt.dso_payment_explanation, "No payment history yet")

    def test_contact_shows_its_company_history(self):
        contact = self._create_contact(self.pat, "Pat's accountant")
        self.assertEqual(contact.with_company(self.company).dso_paid_sample, 6)

    def test_predicted_dates(self):
        lines = self._receivable(
            self.pat_open
            | self.pat_old
            | self.otto_open
            | self.newt_open
            | self.newt_late
        )
        by_move = {line.move_id: line for line in lines}
        expected = {
            self.pat_open: date(2026, 7, 4),  # 06-25 + 9
            self.pat_old: date(2026, 6, 30),  # 05-10 is past: today
            self.otto_open: date(2026, 6, 30),  # 06-20 + 0 is past: today
            self.newt_open: date(2026, 7, 10),  # no history: the due date
            self.newt_late: date(2026, 6, 30),
        }
        for move, predicted in expected.items():
            with self.subTest(customer=move.partner_id.name, due=move.invoice_date_due):
                self.assertEqual(by_move[move].dso_predicted_payment_date, predicted)
        self.assertEqual(
            by_move[self.pat_open].dso_payment_explanation,
            "Pays 9 days late on average (± 6), last 6 invoices",
        )
        self.assertEqual(
            by_move[self.newt_open].dso_payment_explanation, "No payment history yet"
        )
        # A paid item has no prediction.
        paid = self._receivable(self.pat_open)
        self._pay(self.pat_open, date=TODAY)
        paid.invalidate_recordset()
        self.assertFalse(paid.dso_predicted_payment_date)

    def test_prediction_is_one_query(self):
        lines = self._receivable(self.pat_open | self.otto_open | self.newt_open)
        lines.invalidate_recordset()
        Partner = self.registry["res.partner"]
        original = Partner._dso_payment_history
        calls = []

        def spy(partners, company, partner_ids):
            calls.append(set(partner_ids))
            return original(partners, company, partner_ids)

        with patch.object(Partner, "_dso_payment_history", spy):
            lines.mapped("dso_predicted_payment_date")
        # One history query for the three customers, not one each.
        self.assertEqual(calls, [{self.pat.id, self.otto.id, self.newt.id}])

    def test_cash_impact_ordering(self):
        pat = self._specific(self.pat, self.pat_open | self.pat_old)
        otto = self._specific(self.otto, self.otto_open)
        newt = self._specific(self.newt, self.newt_open)
        # (800 + 500) x 5/6, 3000 x 1/2, 5000 x 0.
        self.assertAlmostEqual(pat.dso_cash_impact, 1083.33, places=2)
        self.assertAlmostEqual(otto.dso_cash_impact, 1500.0, places=2)
        self.assertEqual(newt.dso_cash_impact, 0.0)
        actions = pat | otto | newt
        self.assertEqual(
            self.env["dso.collection.action"].search(
                [("id", "in", actions.ids)], order="dso_cash_impact desc"
            ),
            otto | pat | newt,
        )
        # Pat pays its old invoice 60 days late: after the daily planning its
        # action concerns 800, still 5 of 6 paid late.
        self._pay(self.pat_old, date=TODAY)
        self.env["dso.collection.action"]._cron_plan()
        self.assertTrue(pat.exists())
        self.assertAlmostEqual(pat.dso_cash_impact, 666.67, places=2)
        # Done actions keep the last figure: only open ones are refreshed.
        otto.write({"state": "done", "date_done": fields.Date.to_date(TODAY)})
        self._pay(self.otto_open, date=TODAY)
        self.env["dso.collection.action"]._cron_plan()
        self.assertAlmostEqual(otto.dso_cash_impact, 1500.0, places=2)
