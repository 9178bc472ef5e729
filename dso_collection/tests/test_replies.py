from freezegun import freeze_time

from odoo.tests import tagged

from .common import DsoCollectionCommon

REPLY = """Return-Path: <ap@acme.example>
From: Acme Accounts <ap@acme.example>
To: {to}
Subject: Re: {subject}
Message-ID: <reply-1@acme.example>
In-Reply-To: {parent}
References: {parent}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

We paid it yesterday, reference WIRE-42.
"""


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestReplies(DsoCollectionCommon):
    """A customer replying to a collection email: the reply lands in the
    customer's chatter and the collector is told."""

    def test_reply_reaches_the_chatter_and_the_collector(self):
        self.customer.email = "ap@acme.example"
        line = self._create_item(self.customer, 800, "2026-02-01")
        action = self.env["dso.collection.action"].create(
            {
                "name": "Reminder",
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "is_specific": True,
                "action_type": "email",
                "user_id": self.collector.id,
                "mail_template_id": self.env.ref(
                    "dso_collection.mail_template_dso_first_reminder"
                ).id,
                "line_ids": [(6, 0, line.ids)],
            }
        )
        with self.mock_mail_gateway():
            self.env["dso.collection.send"]._send_now(action)
        sent = action.message_id
        self.assertTrue(sent.message_id)
        raw = REPLY.format(
            to=self.collector.email or "collector@example.com",
            subject=sent.subject,
            parent=sent.message_id,
        )
        for _attempt in range(2):
            with self.mock_mail_gateway():
                self.env["mail.thread"].message_process(False, raw)
            raw = raw.replace("reply-1@", "reply-2@")
        replies = self.customer.message_ids.filtered(
            lambda m: m.message_type == "email" and "WIRE-42" in (m.body or "")
        )
        self.assertEqual(len(replies), 2)
        self.assertEqual(replies.mapped("parent_id"), sent)
        activity = self.customer.activity_ids.filtered(
            lambda a: a.summary == "Customer replied"
        )
        # One activity for both replies, for the action's collector.
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn(sent.subject, activity.note)
