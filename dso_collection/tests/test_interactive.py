import json
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestInteractive(DsoCollectionCommon):
    """Interactive emails: the request and its link, the answers, the
    collector's validation and rejection."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"email": "ap@acme.example"})
        cls.customer.with_company(cls.company).dso_interactive_email = True
        cls.line = cls._create_item(cls.customer, 1000, "2026-02-01")
        cls.invoice = cls.line.move_id
        cls.line2 = cls._create_item(cls.customer, 500, "2026-02-15")
        cls.template = cls.env.ref(
            "dso_collection.mail_template_dso_interactive_reminder"
        )
        cls.promise = cls.env.ref("dso_collection.dso_item_status_promise")
        cls.dispute = cls.env.ref("dso_collection.dso_item_status_dispute")
        cls.paid = cls.env.ref("dso_collection.dso_item_status_payment_in_progress")

    def _interactive_action(self, partner=None, action_type="interactive_email"):
        partner = partner or self.customer
        return self.env["dso.collection.action"].create(
            {
                "name": "Interactive reminder",
                "partner_id": partner.id,
                "company_id": self.company.id,
                "is_specific": True,
                "action_type": action_type,
                "user_id": self.collector.id,
                "mail_template_id": (
                    self.template
                    if action_type == "interactive_email"
                    else self.env.ref("dso_collection.mail_template_dso_internal")
                ).id,
                "line_ids": [Command.set((self.line | self.line2).ids)],
            }
        )

    def _send(self, action):
        with self.mock_mail_gateway():
            self.env["dso.collection.send"]._send_now(action)
        return action._dso_interactive_request()

    def _answer(self, request, answers):
        return request._dso_submit(answers)

    # Sending ------------------------------------------------------------

    def test_interactive_email_carries_its_link(self):
        self.company.dso_interactive_expiry_days = 20
        action = self._interactive_action()
        request = self._send(action)
        self.assertEqual(request.state, "sent")
        self.assertEqual(request.audience, "customer")
        self.assertEqual(request.partner_id, self.customer)
        self.assertEqual(request.expiry_date, date(2026, 3, 30))
        self.assertTrue(request.access_token)
        self.assertIn(request.get_portal_url(), action.mail_id.body_html)
        self.assertIn(
            f"/my/collection/request/{request.id}?access_token=",
            request.get_portal_url(),
        )

    def test_switch_off_sends_a_plain_email_and_says_so(self):
        self.customer.with_company(self.company).dso_interactive_email = False
        action = self._interactive_action()
        request = self._send(action)
        self.assertFalse(request)
        self.assertNotIn("/my/collection", action.mail_id.body_html)
        self.assertEqual(action.state, "done")
        self.assertTrue(
            any(
                "interactive emails are off" in message.body
                for message in action.message_ids
            )
        )

    def test_internal_email_asks_a_colleague(self):
        salesperson = self._create_collector("sales_person", "Sam Sales")
        salesperson.partner_id.email = "sam@example.com"
        self.customer.user_id = salesperson
        action = self._interactive_action(action_type="internal_email")
        request = self._send(action)
        self.assertEqual(request.audience, "colleague")
        self.assertEqual(request.user_id, salesperson)
        self.assertEqual(request.line_ids, self.line | self.line2)
        self.assertIn(request.get_portal_url(), action.mail_id.body_html)
        # Only logged-in internal users of the company may use it.
        with self.assertRaises(AccessError):
            request._dso_check_usable(self.env.ref("base.public_user"))
        request._dso_check_usable(salesperson)
        feedback = request._dso_submit(
            [{"line_id": self.line.id, "kind": "comment", "comment": "Goods damaged"}],
            author=salesperson.partner_id,
        )
        self.assertEqual(feedback.source, "colleague")
        feedback.action_validate()
        history = self.line.dso_status_history_ids[:1]
        self.assertEqual(history.source, "colleague")
        self.assertIn("Goods damaged", self.line.dso_comment)

    # Answers ------------------------------------------------------------

    def test_answers_are_pending_and_the_collector_is_told(self):
        request = self._send(self._interactive_action())
        feedback = self._answer(
            request,
            [
                {"line_id": self.line.id, "kind": "promise", "date": "2026-03-20"},
                {
                    "line_id": self.line2.id,
                    "kind": "dispute",
                    "dispute_reason": "quality",
                    "comment": "Two chairs broken",
                },
            ],
        )
        self.assertEqual(len(feedback), 2)
        self.assertEqual(set(feedback.mapped("state")), {"pending"})
        self.assertEqual(request.state, "answered")
        # Nothing applied yet.
        self.assertFalse(self.line.dso_status_id)
        self.assertEqual(
            feedback[0].status_id | feedback[1].status_id, self.promise | self.dispute
        )
        activity = self.customer.activity_ids.filtered(
            lambda a: a.user_id == self.collector
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("Two chairs broken", activity.note)
        self.assertEqual(self.customer.dso_feedback_pending_count, 2)
        self.assertTrue(
            self.customer.message_ids.filtered(
                lambda m: "answered on 2 invoices" in (m.body or "")
            )
        )

    def test_one_answer_is_counted_in_the_singular(self):
        request = self._send(self._interactive_action())
        self._answer(
            request,
            [{"line_id": self.line.id, "kind": "promise", "date": "2026-03-20"}],
        )
        bodies = " ".join(self.customer.message_ids.mapped("body"))
        self.assertIn("answered on 1 invoice (", bodies)
        self.assertNotIn("1 invoices", bodies)

    def test_answers_are_checked_before_anything_is_written(self):
        request = self._send(self._interactive_action())
        other = self._create_customer("Other Ltd")
        other_line = self._create_item(other, 50, "2026-02-01")
        bad_answers = [
            (
                [{"line_id": other_line.id, "kind": "comment", "comment": "x"}],
                "not among",
            ),
            ([{"line_id": self.line.id, "kind": "hack"}], "what is going on"),
            (
                [{"line_id": self.line.id, "kind": "paid", "date": "2026-04-01"}],
                "future",
            ),
            (
                [{"line_id": self.line.id, "kind": "promise", "date": "nonsense"}],
                "valid date",
            ),
            (
                [{"line_id": self.line.id, "kind": "comment", "comment": "x" * 2001}],
                "too long",
            ),
            ([{"line_id": self.line.id, "kind": "dispute"}], "reason of the dispute"),
            (
                [
                    {
                        "line_id": self.line.id,
                        "kind": "comment",
                        "comment": "see file",
                        "attachment": {"name": "a.exe", "content": b"MZ\x90\x00"},
                    }
                ],
                "PDF, PNG or JPEG",
            ),
            (
                [
                    {
                        "line_id": self.line.id,
                        "kind": "comment",
                        "comment": "see file",
                        "attachment": {
                            "name": "big.pdf",
                            "content": b"%PDF-" + b"0" * (5 * 1024 * 1024),
                        },
                    }
                ],
                "too large",
            ),
        ]
        for bad, message in bad_answers:
            # A valid answer first: it must not be written either.
            answers = [
                {"line_id": self.line2.id, "kind": "comment", "comment": "ok"},
                *bad,
            ]
            with self.subTest(message=message):
                with self.assertRaisesRegex(UserError, message):
                    self._answer(request, answers)
        self.assertFalse(request.feedback_ids)

    def test_rate_limit(self):
        request = self._send(self._interactive_action())
        answer = [{"line_id": self.line.id, "kind": "comment", "comment": "Hello"}]
        for _i in range(10):
            self._answer(request, answer)
        with self.assertRaisesRegex(UserError, "Too many answers"):
            self._answer(request, answer)
        with freeze_time("2026-03-10 02:00:00"):
            self._answer(request, answer)
        self.assertEqual(len(request.feedback_ids), 11)

    # Decision -----------------------------------------------------------

    def test_validate_qualifies_and_proposes_the_follow_up(self):
        request = self._send(self._interactive_action())
        feedback = self._answer(
            request,
            [{"line_id": self.line.id, "kind": "promise", "date": "2026-03-20"}],
        )
        proposal = feedback.with_user(self.collector).action_validate()
        self.assertEqual(feedback.state, "validated")
        self.assertEqual(feedback.decision_user_id, self.collector)
        self.assertEqual(self.line.dso_status_id, self.promise)
        self.assertEqual(self.line.dso_status_date, date(2026, 3, 20))
        self.assertIn("Promise to pay", self.line.dso_comment)
        self.assertEqual(self.line.dso_status_history_ids[:1].source, "customer")
        # The status's follow-up (a call 2 days after) is proposed, not
        # created.
        self.assertEqual(proposal["res_model"], "dso.collection.action")
        self.assertEqual(proposal["context"]["default_action_type"], "call")
        self.assertEqual(proposal["context"]["default_date"], date(2026, 3, 22))
        self.assertEqual(proposal["context"]["default_line_ids"], self.line.ids)
        action = (
            self.env["dso.collection.action"]
            .with_user(self.collector)
            .with_context(**proposal["context"])
            .create({})
        )
        self.assertTrue(action.is_specific)
        self.assertEqual(action.line_ids, self.line)
        with self.assertRaisesRegex(UserError, "already validated"):
            feedback.action_validate()

    def test_validated_dispute_creates_its_follow_up(self):
        request = self._send(self._interactive_action())
        feedback = self._answer(
            request,
            [
                {
                    "line_id": self.line.id,
                    "kind": "dispute",
                    "dispute_reason": "price",
                    "comment": "Wrong price",
                }
            ],
        )
        feedback.action_validate()
        self.assertEqual(self.line.dso_status_id, self.dispute)
        followup = self.env["dso.collection.action"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("action_type", "=", "internal_email"),
            ]
        )
        self.assertEqual(followup.line_ids, self.line)

    def test_reject_keeps_the_answer_with_its_reason(self):
        request = self._send(self._interactive_action())
        feedback = self._answer(
            request, [{"line_id": self.line.id, "kind": "paid", "date": "2026-03-01"}]
        )
        with self.assertRaisesRegex(UserError, "Say why"):
            feedback.action_reject("  ")
        wizard = (
            self.env["dso.feedback.reject.wizard"]
            .with_user(self.collector)
            .create(
                {
                    "feedback_ids": [Command.set(feedback.ids)],
                    "reason": "No payment received",
                }
            )
        )
        wizard.action_reject()
        self.assertEqual(feedback.state, "rejected")
        self.assertEqual(feedback.reject_reason, "No payment received")
        self.assertFalse(self.line.dso_status_id)
        self.assertFalse(self.line.dso_status_history_ids)
        self.assertIn("No payment received", self.customer.message_ids[0].body)

    def test_validating_a_paid_item_is_refused(self):
        request = self._send(self._interactive_action())
        feedback = self._answer(
            request, [{"line_id": self.line.id, "kind": "paid", "date": "2026-03-01"}]
        )
        self._pay(self.invoice)
        with self.assertRaisesRegex(UserError, "no longer open"):
            feedback.action_validate()
        self.assertEqual(feedback.state, "pending")

    def test_answers_of_another_company_are_not_readable(self):
        request = self._send(self._interactive_action())
        feedback = self._answer(
            request, [{"line_id": self.line.id, "kind": "comment", "comment": "Hi"}]
        )
        company2 = self.env["res.company"].create({"name": "Other Collections Co"})
        other_collector = self._create_collector("other_collector", company=company2)
        self.assertFalse(
            self.env["dso.item.feedback"]
            .with_user(other_collector)
            .search([("id", "=", feedback.id)])
        )
        with self.assertRaises(AccessError):
            feedback.with_user(other_collector).read(["comment"])

    # Link validity ------------------------------------------------------

    def test_expired_archived_and_merged_links_are_refused(self):
        public = self.env.ref("base.public_user")
        request = self._send(self._interactive_action())
        request._dso_check_usable(public)
        with freeze_time("2026-05-01"), self.assertRaisesRegex(AccessError, "expired"):
            request._dso_check_usable(public)
        self.customer.active = False
        with self.assertRaises(AccessError):
            request._dso_check_usable(public)
        self.customer.active = True
        other = self._create_customer("Acme Duplicate")
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.customer | other).ids, other
        )
        self.assertEqual(request.state, "cancelled")
        with self.assertRaises(AccessError):
            request._dso_check_usable(public)

    # The collector's activity and what validating says ---------------------

    def _answers_activity(self):
        return self.customer.activity_ids.filtered(
            lambda a: a.summary == "Customer answers to validate"
        )

    def test_one_activity_per_customer_closed_when_all_are_decided(self):
        request = self._send(self._interactive_action())
        first = self._answer(
            request,
            [{"line_id": self.line.id, "kind": "promise", "date": "2026-03-20"}],
        )
        second = self._answer(
            request,
            [
                {
                    "line_id": self.line2.id,
                    "kind": "dispute",
                    "dispute_reason": "quality",
                    "comment": "Two chairs broken",
                }
            ],
        )
        # One activity, telling both submissions.
        activity = self._answers_activity()
        self.assertEqual(len(activity), 1)
        self.assertEqual(self.customer.dso_feedback_activity_id, activity)
        self.assertIn(self.invoice.name, activity.note)
        self.assertIn("Two chairs broken", activity.note)
        # One answer still pending: the activity stays open.
        first.with_user(self.collector).action_validate()
        self.assertEqual(self._answers_activity(), activity)
        note = self.customer.message_ids[0]
        self.assertIn("Answers validated", note.body)
        self.assertIn(self.invoice.name, note.body)
        self.assertIn(self.promise.name, note.body)
        # The last one decided: the activity is done, saying what was done.
        second.with_user(self.collector).action_validate()
        self.assertFalse(self._answers_activity())
        self.assertFalse(self.customer.dso_feedback_activity_id)
        done = self.customer.message_ids[0]
        self.assertIn(self.line2.move_name, done.body)
        self.assertIn(self.dispute.name, done.body)
        # A new submission opens a new activity.
        self._answer(
            request,
            [{"line_id": self.line.id, "kind": "comment", "comment": "Sent today"}],
        )
        self.assertEqual(len(self._answers_activity()), 1)

    def test_rejecting_the_last_answer_closes_the_activity(self):
        request = self._send(self._interactive_action())
        feedback = self._answer(
            request, [{"line_id": self.line.id, "kind": "paid", "date": "2026-03-01"}]
        )
        self.assertEqual(len(self._answers_activity()), 1)
        feedback.with_user(self.collector).action_reject("No payment received")
        self.assertFalse(self._answers_activity())
        self.assertIn("No payment received", self.customer.message_ids[0].body)

    def test_validation_notifies_what_was_done(self):
        request = self._send(self._interactive_action())
        feedback = self._answer(
            request,
            [{"line_id": self.line.id, "kind": "promise", "date": "2026-03-20"}],
        )
        with self.mock_bus():
            feedback.with_user(self.collector).action_validate()
        messages = [json.loads(notif.message) for notif in self._new_bus_notifs]
        notifications = [
            message["payload"]
            for message in messages
            if message["type"] == "simple_notification"
        ]
        self.assertEqual(len(notifications), 1)
        self.assertIn(self.invoice.name, notifications[0]["message"])
        self.assertIn(self.promise.name, notifications[0]["message"])

    def test_follow_up_form_says_what_save_and_discard_do(self):
        request = self._send(self._interactive_action())
        feedback = self._answer(
            request,
            [{"line_id": self.line.id, "kind": "promise", "date": "2026-03-20"}],
        )
        proposal = feedback.with_user(self.collector).action_validate()
        view = self.env.ref("dso_collection.dso_collection_action_view_form_followup")
        self.assertEqual(proposal["views"], [(view.id, "form")])
        arch = (
            self.env["dso.collection.action"]
            .with_user(self.collector)
            .get_views([(view.id, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("followup_choice", arch)
        self.assertIn("Save", arch)
        self.assertIn("to plan it on its date", arch)
        self.assertIn("follow the collection scenario", arch)

    # Created through the API -------------------------------------------------

    def test_request_created_without_company_takes_the_items_one(self):
        # As an administrator or a script would (collectors create none).
        Request = self.env["dso.interactive.request"].sudo()
        request = Request.create(
            {"partner_id": self.customer.id, "line_ids": [Command.set(self.line.ids)]}
        )
        self.assertEqual(request.company_id, self.company)
        request = Request.create(
            {"partner_id": self.customer.id, "line_ids": [Command.link(self.line2.id)]}
        )
        self.assertEqual(request.company_id, self.company)
        # No items: the customer's company, else the current one.
        self.customer.company_id = self.company
        self.assertEqual(
            Request.create({"partner_id": self.customer.id}).company_id, self.company
        )
        self.customer.company_id = False
        self.assertEqual(
            Request.create({"partner_id": self.customer.id}).company_id,
            self.env.company,
        )

    def test_request_of_inconsistent_items_is_refused(self):
        Request = self.env["dso.interactive.request"].sudo()
        other = self._create_customer("Other Ltd")
        other_line = self._create_item(other, 50, "2026-02-01")
        with self.assertRaisesRegex(ValidationError, "belongs to Other Ltd"):
            Request.create(
                {
                    "partner_id": self.customer.id,
                    "line_ids": [Command.set((self.line | other_line).ids)],
                }
            )
        company2 = self.env["res.company"].create({"name": "Other Collections Co"})
        with self.assertRaisesRegex(ValidationError, "not to Other Collections Co"):
            Request.create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company2.id,
                    "line_ids": [Command.set(self.line.ids)],
                }
            )
        with self.assertRaisesRegex(ValidationError, "needs its customer"):
            Request.create({"line_ids": [Command.set(self.line.ids)]})
        request = Request.create(
            {"partner_id": self.customer.id, "line_ids": [Command.set(self.line.ids)]}
        )
        with self.assertRaisesRegex(ValidationError, "belongs to Other Ltd"):
            request.line_ids = [Command.link(other_line.id)]
        self.assertFalse(Request.search([("partner_id", "=", other.id)]))
