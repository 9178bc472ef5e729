"""The automatic sending works set-based: a batch of emails costs a bounded
number of queries whatever its size, and what it writes (the emails and
their messages, the notes on the invoices, the actions' delivery tracking)
is what Odoo's own calls write for one email."""

from datetime import timedelta

from odoo import SUPERUSER_ID, fields
from odoo.tests import tagged

from .common_sending import AutomaticSendingCommon

# A Monday of the sending window (10:00 UTC, 11:00 in Brussels).
SEND_AT = "2026-03-02 10:00:00"
DUE = "2026-02-20"


@tagged("post_install", "-at_install")
class TestSendBatch(AutomaticSendingCommon):
    def _due_customers(self, count, invoices=2):
        """``count`` customers with ``invoices`` overdue invoices each and
        their due first reminder (automatic email)."""
        due = fields.Date.to_date(DUE)
        partners = self.env["res.partner"]
        for _index in range(count):
            partner = self._new_customer()
            for number in range(invoices):
                self._create_invoice(
                    partner,
                    amount=1000 + 100 * number,
                    due_date=due - timedelta(days=number),
                    invoice_date=due - timedelta(days=30 + number),
                )
            partners |= partner
        self._plan(due + timedelta(days=10), partners=partners)
        actions = self.env["dso.collection.action"].search(
            [("partner_id", "in", partners.ids), ("state", "=", "todo")]
        )
        self.assertEqual(len(actions), count)
        self.assertTrue(all(actions.mapped("automatic")))
        return actions

    def _send_counting(self, count):
        actions = self._due_customers(count)
        queries = self._count_queries(lambda: self._run_automatic_cron(SEND_AT))
        self.assertEqual(set(actions.mapped("state")), {"done"})
        self.assertEqual(len(actions.mail_id), count)
        return queries

    def test_queries_do_not_grow_with_the_batch(self):
        """20 emails cost the queries of 5, but for a small constant (the
        next steps planned have a few more rows to write): nothing is read
        or written email by email."""
        # A first batch fills the caches (templates, settings).
        self._send_counting(2)
        five = self._send_counting(5)
        twenty = self._send_counting(20)
        self.assertLessEqual(
            twenty,
            five + 5,
            f"5 emails: {five} queries, 20 emails: {twenty} queries",
        )

    def test_batch_writes_what_odoo_writes_for_one_email(self):
        actions = self._due_customers(3, invoices=2)
        self._run_automatic_cron(SEND_AT)
        Message = self.env["mail.message"].sudo()
        sender = self.env["res.users"].browse(SUPERUSER_ID)
        for action in actions:
            partner = action.partner_id
            mail = action.mail_id.sudo()
            message = mail.mail_message_id
            # The action: done, with its mail and message (delivery tracking).
            self.assertEqual(action.state, "done")
            self.assertEqual(action.date_done, fields.Date.to_date("2026-03-02"))
            self.assertEqual(action.done_user_id, sender)
            self.assertEqual(action.message_id, message)
            self.assertFalse(action.send_error)
            self.assertEqual(mail.state, "outgoing")
            self.assertEqual(mail.recipient_ids, partner)
            self.assertEqual(mail.subject, f"{self.company.name}: overdue invoices")
            self.assertIn(f"Dear {partner.name},", mail.body_html)
            # Its message: the one mail.message's create makes of the same
            # values (body sanitized, reply-to, record name, message id).
            reference = Message.create(
                {
                    "model": "res.partner",
                    "res_id": partner.id,
                    "message_type": "comment",
                    "subtype_id": message.subtype_id.id,
                    "subject": mail.subject,
                    "body": mail.body_html,
                    "author_id": message.author_id.id,
                    "email_from": message.email_from,
                }
            )
            for name in (
                "body",
                "reply_to",
                "record_name",
                "subject",
                "author_id",
                "email_from",
                "message_type",
                "subtype_id",
            ):
                self.assertEqual(message[name], reference[name], name)
            self.assertIn(f"-{partner.id}-res.partner", message.message_id)
            # One note on each invoice, as _message_log_batch writes it.
            invoices = (
                self.env["account.move"]
                .sudo()
                .search([("partner_id", "=", partner.id)], order="id")
            )
            self.assertEqual(len(invoices), 2)
            text = f"Collection email “{mail.subject}” sent to {partner.email}."
            for invoice in invoices:
                notes = Message.search(
                    [
                        ("model", "=", "account.move"),
                        ("res_id", "=", invoice.id),
                        ("body", "ilike", "Collection email"),
                    ]
                )
                self.assertEqual(len(notes), 1, invoice.name)
                self.assertIn(notes, invoice.message_ids)
                logged = invoice._message_log_batch(
                    bodies={invoice.id: text},
                    author_id=notes.author_id.id,
                    message_type="comment",
                )
                for name in (
                    "body",
                    "author_id",
                    "email_from",
                    "message_type",
                    "subtype_id",
                    "is_internal",
                    "reply_to",
                    "record_name",
                    "subject",
                    "model",
                ):
                    self.assertEqual(notes[name], logged[name], name)
            # The customer's next step is planned.
            self.assertTrue(self._open_action(partner))
