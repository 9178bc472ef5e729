from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestPaidClaims(DsoCollectionCommon):
    """A customer says it paid: the matcher looks for the bank line or the
    payment it speaks of (reference, amount, near the date); one click
    reconciles it with the item. The customer gets an acknowledgement of its
    answers; a thank-you once it paid everything after a broken word."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "ap@acme.example"
        cls.line = cls._create_item(cls.customer, 1000, "2026-02-01")
        cls.invoice = cls.line.move_id
        cls.other_customer = cls._create_customer("Other Ltd")
        cls.bank = cls.company_data["default_journal_bank"]

    def _st_line(self, amount, ref, when="2026-03-05", partner=None):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank.id,
                "date": when,
                "payment_ref": ref,
                "amount": amount,
                "partner_id": partner.id if partner else False,
            }
        )

    def _request(self):
        request = (
            self.env["dso.interactive.request"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "audience": "customer",
                    "collector_id": self.collector.id,
                }
            )
        )
        request._dso_mark_sent()
        return request

    def _said_paid(self, **answer):
        return self._request()._dso_submit(
            [{"line_id": self.line.id, "kind": "paid", "date": "2026-03-04", **answer}]
        )

    # Matching -----------------------------------------------------------

    def test_finds_the_right_bank_line_among_several(self):
        self._st_line(1000, "Transfer WIRE-41", partner=self.customer)
        self._st_line(999, "Transfer WIRE-42", partner=self.customer)
        self._st_line(1000, "Transfer WIRE-42", when="2026-02-10")
        self._st_line(1000, "Transfer WIRE-42", partner=self.other_customer)
        right = self._st_line(1000, "Virement wire - 42 ACME")
        answer = self._said_paid(reference="WIRE-42", amount="1000,00")
        self.assertEqual(answer.amount, 1000.0)
        self.assertEqual(answer.match_statement_line_id, right)
        self.assertFalse(answer.match_payment_id)

    def test_none_when_amount_or_reference_differs(self):
        self._st_line(1000, "Transfer WIRE-41", partner=self.customer)
        self._st_line(950, "Transfer WIRE-42", partner=self.customer)
        answer = self._said_paid(reference="WIRE-42", amount="1000")
        self.assertFalse(answer.match_statement_line_id)
        # A statement imported since: "Look again" finds it.
        line = self._st_line(1000, "wire-42", partner=self.customer)
        answer.action_match_again()
        self.assertEqual(answer.match_statement_line_id, line)

    def test_without_reference_nor_amount_the_open_amount(self):
        self._st_line(500, "Payment", partner=self.customer)
        line = self._st_line(1000, "Payment", partner=self.customer)
        answer = self._said_paid()
        self.assertEqual(answer.match_statement_line_id, line)

    def test_payment_candidate(self):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 1000.0,
                "date": "2026-03-03",
                "memo": "WIRE 42",
                "journal_id": self.bank.id,
            }
        )
        payment.action_post()
        self.assertEqual(payment.state, "in_process")
        answer = self._said_paid(reference="wire42")
        self.assertEqual(answer.match_payment_id, payment)
        answer.action_reconcile_match()
        self.assertTrue(self.line.reconciled)
        self.assertEqual(answer.state, "validated")

    def test_reconcile_button_reconciles_the_item(self):
        st_line = self._st_line(1000, "WIRE-42")
        answer = self._said_paid(reference="WIRE-42")
        self.assertEqual(answer.match_statement_line_id, st_line)
        answer.action_reconcile_match()
        self.assertTrue(self.line.reconciled)
        self.assertEqual(self.line.amount_residual, 0.0)
        self.assertTrue(st_line.is_reconciled)
        self.assertEqual(answer.state, "validated")

    def test_partial_bank_line_leaves_the_answer_pending(self):
        st_line = self._st_line(400, "WIRE-42", partner=self.customer)
        answer = self._said_paid(reference="WIRE-42", amount="400")
        self.assertEqual(answer.match_statement_line_id, st_line)
        answer.action_reconcile_match()
        self.assertEqual(self.line.amount_residual, 600.0)
        self.assertEqual(answer.state, "pending")

    def test_bad_amount_refused(self):
        for value in ("-5", "abc", "0", "1e5"):
            with self.subTest(value=value), self.assertRaises(UserError) as error:
                self._said_paid(amount=value)
            self.assertIn(self.invoice.name, error.exception.args[0])
        self.assertFalse(self.env["dso.item.feedback"].search([]))

    def test_reconcile_without_match_explains(self):
        answer = self._said_paid(reference="NOTHING")
        with self.assertRaises(UserError):
            answer.action_reconcile_match()

    # Acknowledgement ----------------------------------------------------

    def _ack_mails(self):
        return self.env["mail.mail"].search(
            [("subject", "like", "we have received your answers")]
        )

    def test_acknowledgement_lists_the_answers(self):
        self.assertTrue(self.company.dso_ack_answers)
        self._said_paid(reference="WIRE-42", amount="1000", comment="Sent Tuesday")
        mail = self._ack_mails()
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        for text in (
            self.invoice.name,
            "Paid",
            "03/04/2026",
            "WIRE-42",
            "Sent Tuesday",
        ):
            self.assertIn(text, mail.body_html)
        self.assertIn("1,000.00", mail.body_html)

    def test_no_acknowledgement_when_off_or_colleague(self):
        self.company.dso_ack_answers = False
        self._said_paid()
        self.assertFalse(self._ack_mails())
        self.company.dso_ack_answers = True
        request = (
            self.env["dso.interactive.request"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "audience": "colleague",
                    "user_id": self.collector.id,
                    "line_ids": [Command.set(self.line.ids)],
                }
            )
        )
        request._dso_mark_sent()
        request._dso_submit(
            [{"line_id": self.line.id, "kind": "comment", "comment": "Checked"}],
            author=self.collector.partner_id,
        )
        self.assertFalse(self._ack_mails())

    # Thank-you ----------------------------------------------------------

    def _thank_mails(self, partner):
        return self.env["mail.mail"].search(
            [
                ("subject", "like", "thank you for your payment"),
                ("recipient_ids", "in", partner.ids),
            ]
        )

    def test_thank_you_after_broken_promise_paid(self):
        self.company.dso_thank_you = True
        Send = self.env["dso.collection.send"]
        promise = self.env["dso.payment.promise"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "line_ids": [Command.set(self.line.ids)],
                "date": "2026-03-01",
            }
        )
        promise.write({"state": "broken", "date_closed": "2026-03-04"})
        # Still overdue: no thanks.
        self.assertFalse(Send._dso_thank_customers(self.company, date(2026, 3, 10)))
        self._pay(self.invoice, date="2026-03-09")
        thanked = Send._dso_thank_customers(self.company, date(2026, 3, 10))
        self.assertEqual(thanked, self.customer)
        self.assertEqual(len(self._thank_mails(self.customer)), 1)
        self.assertEqual(
            self.customer.with_company(self.company).dso_thanked_date,
            date(2026, 3, 10),
        )
        # Once.
        self.assertFalse(Send._dso_thank_customers(self.company, date(2026, 3, 11)))
        self.assertEqual(len(self._thank_mails(self.customer)), 1)

    def test_no_thank_you_when_off(self):
        self.assertFalse(self.company.dso_thank_you)
        self.env["dso.payment.promise"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "date": "2026-03-01",
                "state": "broken",
                "date_closed": "2026-03-04",
            }
        )
        self._pay(self.invoice, date="2026-03-09")
        self.assertFalse(
            self.env["dso.collection.send"]._dso_thank_customers(
                self.company, date(2026, 3, 10)
            )
        )
