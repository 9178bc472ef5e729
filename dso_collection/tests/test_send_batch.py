"""The automatic sending works set-based: a batch of emails costs a bounded
number of queries whatever its size, and what it writes (the emails and
their messages, the notes on the invoices, the actions' delivery tracking)
is what Odoo's own calls write for one email."""

import random
from datetime import timedelta
from unittest.mock import patch

from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, fields
from odoo.tests import tagged

from ..models.sending import dso_collection_send_sanitize
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

    def _sanitize_as_odoo(self, bodies):
        """What the ORM stores in a message's body for each of ``bodies``."""
        Message = self.env["mail.message"].sudo()
        field = Message._fields["body"]
        return [
            None if value is None else str(value)
            for value in (field.convert_to_column(body, Message) for body in bodies)
        ]

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

    def test_bodies_sanitized_per_shape_are_what_odoo_stores(self):
        """Bodies of the same shape (same tags, other texts) are sanitized
        once, their texts put back by hand: exactly what Odoo's sanitizer
        gives, whatever the texts hold (a hostile name, quotes, accents,
        what the quote detection reads, a signature); the texts the
        sanitizer could read as more than text go through it whole."""
        rnd = random.Random(23)
        pool = [
            *"ab Z09-&<>\"'\n\t\r\xa0é€😀#;/=`{}()|\\.,:!?*%$@^~_",
            "--",
            "\n>",
            "&amp;",
            "<script>alert(1)</script>",
            "\x0b",
            "\x85",
            "\u2028",
            "\u200b",
            "\ufeff",
            "\u0301",
        ]

        def text():
            return "".join(rnd.choice(pool) for _index in range(rnd.randint(0, 6)))

        layouts = [
            Markup(
                "<div>\n    <p>Dear {a},</p>\n    <p>Unless <strong>{b}</strong>:</p>"
                "\n{table}\n    <p>Kind regards,</p>\n    {signature}\n</div>\n"
            ),
            Markup("<p>{a}</p><p>{b}</p>{table}{signature}"),
            Markup("{a}<br/>{b}{table}<div>{signature}</div>"),
        ]
        signatures = [
            "<p>Collector</p>",
            '<span data-o-mail-quote="1">-- <br data-o-mail-quote="1"/>Me</span>',
            "<p>Regards<br>{x}</p>",
            '<div class="gmail_signature">{x}</div>',
            "",
        ]
        row = Markup(
            '<tr style="border-bottom: 1px solid #ddd;"><td style="padding: 4px;">'
            "{}</td><td>{}</td></tr>"
        )
        bodies = []
        for _index in range(1500):
            rows = Markup("").join(
                row.format(text(), text()) for _row in range(rnd.randint(0, 3))
            )
            table = Markup(
                '<table style="border-collapse: collapse; width: 100%;">'
                "<tbody>{}</tbody></table>"
            ).format(rows)
            signature = Markup(
                rnd.choice(signatures).replace("{x}", str(escape(text())))
            )
            bodies.append(
                rnd.choice(layouts).format(
                    a=text(), b=text(), table=table, signature=signature
                )
            )
        # The notes on the invoices: escaped text, no tag.
        bodies += [
            escape(f"Collection email “{text()}” sent to a@b.example.")
            for _ in range(50)
        ]
        bodies += ["", False, None, "plain text", "<p>x&copy;y &#128; &#0;</p>"]
        # Character references, as the parser and Python read them.
        bodies += [
            f"<p>Dear a{reference % code}b,</p><p>x</p>"
            for code in [*range(0x20, 0x300), 0x2028, 0x3000, 0xFEFF, 0xFFFD]
            for reference in ("&#%d;", "&#x%X;")
        ]
        expected = self._sanitize_as_odoo(bodies)
        dso_collection_send_sanitize._SHAPES.clear()
        Message = self.env["mail.message"].sudo()
        sanitized = self.env["dso.collection.send"]._dso_sanitize_html(
            Message, "body", bodies
        )
        for body, got, want in zip(bodies, sanitized, expected, strict=True):
            self.assertEqual(got, want, repr(body))
        shapes = dso_collection_send_sanitize._SHAPES.values()
        # Both ways were taken: shapes put back by hand, bodies sanitized whole.
        self.assertTrue(any(isinstance(parts, list) for parts in shapes))
        self.assertLess(len(shapes), len(bodies) / 2)
        self.assertTrue(
            any(
                self.env["dso.collection.send"]._dso_cut(body) is None
                for body in bodies
            )
        )

    def test_batch_sanitizes_each_shape_once_and_escapes_hostile_names(self):
        """A batch of customers whose names hold HTML, quotes and what the
        quote detection reads: each message body is what Odoo stores for its
        email (sanitized, the name escaped, no script), and the sanitizer ran
        far fewer times than there are emails."""
        names = [
            "O'Brien & Sons <script>alert(1)</script>",
            'The "Best" <b>Bold</b> Co',
            "Jean-Pierre Müller 😀",
            "-- \n> Quoted Ltd",
            "Plain Customer",
            "Another Plain Customer",
        ]
        actions = self._due_customers(len(names), invoices=3)
        for action, name in zip(actions, names, strict=True):
            action.partner_id.name = name
        calls = []
        real = dso_collection_send_sanitize.html_sanitize

        def counting(*args, **kwargs):
            calls.append(args[0])
            return real(*args, **kwargs)

        dso_collection_send_sanitize._SHAPES.clear()
        with patch.object(dso_collection_send_sanitize, "html_sanitize", counting):
            self._run_automatic_cron(SEND_AT)
        for action in actions:
            mail = action.mail_id.sudo()
            body = mail.mail_message_id.body
            self.assertEqual(str(body), self._sanitize_as_odoo([mail.body_html])[0])
            self.assertNotIn("<script", body)
            self.assertNotIn("<b>Bold", body)
        self.assertIn(
            "O'Brien &amp; Sons &lt;script&gt;", str(actions[0].message_id.body)
        )
        # One shape for the six emails, one for their notes: the hostile
        # names that may read as quotes are sanitized whole by Odoo's field.
        self.assertLessEqual(len(calls), 2)
