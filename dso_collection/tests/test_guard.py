from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools.misc import formatLang

from .common_sending import AutomaticSendingCommon, LockBatchSpy

HELD_DOMAIN = [("state", "=", "todo"), ("dso_hold_reason", "!=", False)]


@tagged("post_install", "-at_install")
class TestReconciliationGuard(AutomaticSendingCommon):
    """Automatic sending holds customers with unmatched payments or open
    credit notes, and every customer of a company whose bank statements are
    too old. Each customer: an invoice of 1 000 due 2026-02-20; its first
    reminder (automatic) is due on 2026-02-25; the cron runs on Monday
    2026-03-02 (11:00 in Brussels)."""

    def _money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.company.currency_id)

    def _unmatched_payment(self, partner, amount, date="2026-02-27"):
        """A customer payment received in the bank, not matched to any
        invoice: an open receivable item of -amount."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": date,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        line = self._receivable(payment.move_id)
        self.assertEqual(line.amount_residual, -amount)
        return line

    def _bank_statement_line(self, date, amount=10.0):
        line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.company_data["default_journal_bank"].id,
                "date": date,
                "payment_ref": f"Bank {date}",
                "amount": amount,
            }
        )
        self.assertEqual(line.move_id.state, "posted")
        return line

    def _held(self):
        return self.env["dso.collection.action"].search(HELD_DOMAIN)

    # Unmatched payments and open credit notes --------------------------

    def test_unmatched_payment_holds_until_reconciled(self):
        self.assertTrue(self.company.dso_hold_unmatched)
        partner = self._new_customer()
        action = self._automatic_action(partner)
        invoice_line = self._receivable(action.line_ids.move_id)
        payment_line = self._unmatched_payment(partner, 150.0)
        other = self._automatic_action(self._new_customer())

        with LockBatchSpy(self.env) as spy:
            self._run_automatic_cron("2026-03-02 10:00:00")
        # The held action is in no batch; the loop ends.
        self.assertEqual(spy.batches(self.company.id), [other.ids, []])
        self._assert_sent(other)
        self._assert_not_sent(action)
        reason = f"Unmatched payment of {self._money(150.0)} to reconcile first."
        self.assertEqual(action.dso_hold_reason, reason)
        self.assertFalse(other.dso_hold_reason)
        # Shown in the agenda's "Held" filter.
        self.assertEqual(self._held(), action)

        # Still held an hour later; nothing is sent.
        self._run_automatic_cron("2026-03-02 11:00:00")
        self._assert_not_sent(action)
        self.assertEqual(action.dso_hold_reason, reason)

        # Reconciled: the next run sends it and clears the reason.
        (payment_line + invoice_line).reconcile()
        self.assertEqual(invoice_line.amount_residual, 850.0)
        self._run_automatic_cron("2026-03-02 12:00:00")
        self._assert_sent(action)
        self.assertFalse(action.dso_hold_reason)
        self.assertFalse(self._held())

    def test_open_credit_note_holds(self):
        partner = self._new_customer()
        action = self._automatic_action(partner)
        self._create_invoice(
            partner, amount=200.0, due_date="2026-02-26", move_type="out_refund"
        )
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action)
        self.assertEqual(
            action.dso_hold_reason,
            f"Open credit note of {self._money(200.0)} to reconcile first.",
        )

    def test_setting_off_sends(self):
        self.company.dso_hold_unmatched = False
        partner = self._new_customer()
        action = self._automatic_action(partner)
        self._unmatched_payment(partner, 150.0)
        self._create_invoice(
            partner, amount=200.0, due_date="2026-02-26", move_type="out_refund"
        )
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_sent(action)
        self.assertFalse(action.dso_hold_reason)

    def test_confirmation_sends_unless_held(self):
        """The confirmation that sends at once holds as the cron does."""
        self.step_first.to_confirm = True
        held_partner = self._new_customer()
        held = self._automatic_action(held_partner)
        self._unmatched_payment(held_partner, 150.0)
        free = self._automatic_action(self._new_customer())
        self.assertEqual((held | free).mapped("state"), ["to_confirm"] * 2)
        with freeze_time("2026-03-02 10:05:00"):
            (held | free).action_confirm()
        self._assert_sent(free)
        self._assert_not_sent(held)
        self.assertEqual(
            held.dso_hold_reason,
            f"Unmatched payment of {self._money(150.0)} to reconcile first.",
        )

    def test_waiting_confirmation_shows_why_it_would_wait(self):
        """The collector sees the hold before confirming; the cron sends
        nothing that waits for a confirmation."""
        self.step_first.to_confirm = True
        held_partner = self._new_customer()
        held = self._automatic_action(held_partner)
        self._unmatched_payment(held_partner, 150.0)
        free = self._automatic_action(self._new_customer())
        self._run_automatic_cron("2026-03-02 10:00:00")
        self.assertEqual((held | free).mapped("state"), ["to_confirm"] * 2)
        self.assertTrue(held.dso_hold_reason)
        self.assertFalse(free.dso_hold_reason)
        self.assertIn(
            held,
            self.env["dso.collection.action"].search(
                [("state", "=", "to_confirm"), ("dso_hold_reason", "!=", False)]
            ),
        )

    def test_explicit_send_is_not_held(self):
        partner = self._new_customer()
        action = self._automatic_action(partner)
        self._unmatched_payment(partner, 150.0)
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action)
        self.assertTrue(action.dso_hold_reason)
        # The collector decides: Send now sends, and the action is no longer held.
        with freeze_time("2026-03-02 10:30:00"):
            action.with_user(self.collector).action_send()
        self.env.invalidate_all()
        self.assertEqual(action.state, "done")
        self.assertTrue(action.mail_id)
        self.assertFalse(action.dso_hold_reason)
        self.assertFalse(self._held())

    # Bank statements ---------------------------------------------------

    def test_stale_bank_statement_holds_every_customer(self):
        self.company.dso_bank_statement_max_days = 7
        self._bank_statement_line("2026-02-20")
        actions = self._automatic_action(self._new_customer()) | self._automatic_action(
            self._new_customer()
        )
        with LockBatchSpy(self.env) as spy:
            self._run_automatic_cron("2026-03-02 10:00:00")
        self.assertEqual(spy.batches(self.company.id), [[]])
        reason = (
            "Bank statements are 10 days old (last on 02/20/2026): reconcile the "
            "bank first."
        )
        for action in actions:
            self._assert_not_sent(action)
            self.assertEqual(action.dso_hold_reason, reason)
        self.assertEqual(self._held(), actions)

        # A statement of 2026-02-23 (7 days old on 2026-03-02): recent enough.
        self._bank_statement_line("2026-02-23")
        self._run_automatic_cron("2026-03-02 11:00:00")
        for action in actions:
            self._assert_sent(action)
            self.assertFalse(action.dso_hold_reason)

    def test_fresh_bank_statement_does_not_hold(self):
        self.company.dso_bank_statement_max_days = 3
        self._bank_statement_line("2026-02-27")
        action = self._automatic_action(self._new_customer())
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_sent(action)
        self.assertFalse(action.dso_hold_reason)

    def test_no_bank_statement_holds_when_on(self):
        action = self._automatic_action(self._new_customer())
        self.company.dso_bank_statement_max_days = 5
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action)
        self.assertEqual(
            action.dso_hold_reason,
            "No bank statement imported yet: import and reconcile the bank "
            "statements first.",
        )
        # Off (0): sent by the next run.
        self.company.dso_bank_statement_max_days = 0
        self._run_automatic_cron("2026-03-02 11:00:00")
        self._assert_sent(action)
        self.assertFalse(action.dso_hold_reason)

    def test_bank_statement_days_not_negative(self):
        with self.assertRaisesRegex(ValidationError, self.company.name):
            self.company.dso_bank_statement_max_days = -1

    # The set-based API ---------------------------------------------------

    def test_hold_reasons_of_several_customers_in_one_call(self):
        Send = self.env["dso.collection.send"]
        paid, credited, both, clean = (self._new_customer() for _ in range(4))
        for partner in (paid, credited, both, clean):
            self._create_invoice(partner, amount=1000, due_date="2026-02-20")
        self._unmatched_payment(paid, 150.0)
        # Items of the customer's contacts count for the customer.
        contact = self._create_contact(credited, "Accounts payable")
        self._create_invoice(
            contact, amount=200.0, due_date="2026-02-26", move_type="out_refund"
        )
        self._unmatched_payment(both, 30.0)
        self._unmatched_payment(both, 20.0)
        self._create_invoice(
            both, amount=80.0, due_date="2026-02-26", move_type="out_refund"
        )
        # Another company's credit note does not hold in this one.
        other_company = self.setup_other_company()["company"]
        self._create_invoice(
            clean,
            amount=70.0,
            due_date="2026-02-26",
            move_type="out_refund",
            company=other_company,
        )
        partner_ids = (paid | credited | both | clean).ids
        today = fields.Date.to_date("2026-03-02")
        expected = {
            paid.id: f"Unmatched payment of {self._money(150.0)} to reconcile first.",
            credited.id: (
                f"Open credit note of {self._money(200.0)} to reconcile first."
            ),
            both.id: (
                f"Unmatched payments of {self._money(50.0)} and open credit notes of "
                f"{self._money(80.0)} to reconcile first."
            ),
        }
        # Set-based: one query reads the items of all the customers.
        Cursor = type(self.env.cr)
        executed = []
        original = Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True):
            executed.append(str(query))
            return original(cr, query, params, log_exceptions)

        with patch.object(Cursor, "execute", spy):
            reasons = Send._dso_hold_reasons(self.company, partner_ids, today)
        self.assertEqual(reasons, expected)
        item_queries = [q for q in executed if "FROM account_move_line" in q]
        self.assertEqual(len(item_queries), 1, item_queries)

        # A stale bank holds all four, the unmatched items' reasons after it.
        self.company.dso_bank_statement_max_days = 7
        self._bank_statement_line("2026-02-20")
        bank = (
            "Bank statements are 10 days old (last on 02/20/2026): reconcile the "
            "bank first."
        )
        reasons = Send._dso_hold_reasons(self.company, partner_ids, today)
        self.assertEqual(
            reasons,
            {
                paid.id: f"{bank}\n{expected[paid.id]}",
                credited.id: f"{bank}\n{expected[credited.id]}",
                both.id: f"{bank}\n{expected[both.id]}",
                clean.id: bank,
            },
        )
        self.assertEqual(Send._dso_hold_reasons(self.company, [], today), {})
