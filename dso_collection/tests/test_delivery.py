from datetime import date
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_mail_server import IrMailServer, MailDeliveryException

from .common import DsoCollectionCommon

FIRST_REMINDER = "dso_collection.mail_template_dso_first_reminder"

# A delivery status notification (RFC 3464) as mail servers send them back:
# {email_from} is the address that bounced, {extra} the Message-Id of the
# email that bounced.
BOUNCE = """Return-Path: <>
From: MAILER-DAEMON@mail.acme.example (Mail Delivery System)
To: {to}
Subject: {subject}
Message-Id: {msg_id}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered.

<{email_from}>: 550 No such person at this address.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.acme.example

Final-Recipient: rfc822; {email_from}
Original-Recipient: rfc822;{email_from}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 No such person at this address.

--BOUNDARY
Content-Type: message/rfc822

Message-Id: {extra}
Subject: Overdue invoices
From: {to}
To: {email_from}
Content-Type: text/plain

Dear customer

--BOUNDARY--
"""


@tagged("post_install", "-at_install")
class TestDelivery(DsoCollectionCommon):
    """A collection email that fails or bounces reopens its action.

    The customer's invoice of 1 000 is due 2026-02-20; its first reminder
    (2026-02-25, automatic) is sent by the cron on Monday 2026-03-02, which
    plans the call 7 days later.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Brussels"
        template = cls.env.ref(FIRST_REMINDER)
        cls.step_first.write({"mail_template_id": template.id, "to_confirm": False})
        cls.customer.email = "ap@acme.example"
        cls._create_invoice(
            cls.customer, amount=1000, due_date="2026-02-20", invoice_date="2026-01-20"
        )

    def _sent_action(self):
        self._plan("2026-03-02")
        action = self._open_action()
        self.assertEqual(action.step_id, self.step_first)
        self._run_automatic_cron("2026-03-02 10:00:00")
        self.assertEqual(action.state, "done")
        self.assertEqual(action.mail_id.state, "outgoing")
        self.assertEqual(self._open_action().step_id, self.step_call)
        return action

    def _assert_reopened(self, action, *texts):
        self.assertEqual(action.state, "todo")
        self.assertFalse(action.automatic)
        self.assertFalse(action.date_done)
        self.assertFalse(action.mail_id)
        for text in texts:
            self.assertIn(text, action.send_error)
        # The collector has it by hand, with the reason on the action.
        activity = action.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertTrue(
            action.message_ids.filtered(
                lambda message: "ap@acme.example" in (message.body or "")
            )
        )
        # It is the customer's open action again: the call planned after it
        # is withdrawn, and planning does not move past it.
        self.assertEqual(self._open_action(), action)
        self._plan("2026-03-03")
        self.assertEqual(self._open_action(), action)
        self.assertEqual(action.state, "todo")
        # The cron leaves it to the collector.
        mails = self._customer_mails()
        self._run_automatic_cron("2026-03-03 10:00:00")
        self.assertEqual(action.state, "todo")
        self.assertEqual(self._customer_mails(), mails)

    def test_sent_mail_keeps_the_action_done(self):
        action = self._sent_action()
        with self.mock_mail_gateway():
            action.mail_id.sudo().send()
        self.assertEqual(action.mail_id.state, "sent")
        self.assertSentEmail(
            self.collector.partner_id, [self.customer], subject=action.mail_id.subject
        )
        self.assertEqual(action.state, "done")
        self.assertFalse(action.send_error)

    def test_mail_that_fails_reopens_its_action(self):
        action = self._sent_action()
        mail = action.mail_id
        with (
            self.mock_mail_gateway(),
            patch.object(
                IrMailServer,
                "send_email",
                side_effect=MailDeliveryException("550 Mailbox unavailable"),
            ),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            mail.sudo().send()
        self.assertEqual(mail.state, "exception")
        self._assert_reopened(
            action, "could not be sent", "ap@acme.example", "550 Mailbox unavailable"
        )
        self.assertEqual(action.date, date(2026, 2, 25))

    def test_mail_that_bounces_reopens_its_action(self):
        action = self._sent_action()
        mail = action.mail_id
        with self.mock_mail_gateway():
            mail.sudo().send()
        self.assertEqual(mail.state, "sent")
        self.assertEqual(action.state, "done")
        self.format_and_process(
            BOUNCE,
            "ap@acme.example",
            "collection@company.example",
            subject="Undelivered Mail Returned to Sender",
            extra=mail.sudo().message_id,
            target_model="dso.collection.action",
        )
        self._assert_reopened(action, "bounced", "ap@acme.example", "Acme Corp")
        # Odoo's own bounce handling still counts it on the customer.
        self.assertEqual(self.customer.message_bounce, 1)

    def test_bounce_of_another_email_changes_nothing(self):
        action = self._sent_action()
        with self.mock_mail_gateway():
            action.mail_id.sudo().send()
        self.format_and_process(
            BOUNCE,
            "ap@acme.example",
            "collection@company.example",
            subject="Undelivered Mail Returned to Sender",
            extra="<123456.unknown@acme.example>",
            target_model="dso.collection.action",
        )
        self.assertEqual(action.state, "done")
        self.assertFalse(action.send_error)
