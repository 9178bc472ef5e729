import io

from freezegun import freeze_time
from PyPDF2 import PdfReader

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestChannels(DsoCollectionCommon):
    """Carrying out each kind of action, end to end, as of 2026-03-01 with
    one invoice of 1 000 due 2026-01-10 (50 days late)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.country_be = cls.env.ref("base.be")
        cls.customer.write(
            {
                "email": "ap@acme.example",
                "mobile": "0470 12 34 56",
                "country_id": cls.country_be.id,
            }
        )
        with freeze_time("2026-03-01"):
            cls.invoice = cls._invoice(cls.customer, 1000, "2026-01-10", "2025-12-10")
        cls.line = cls._receivable(cls.invoice)

    def _action(self, action_type, **vals):
        return self.env["dso.collection.action"].create(
            {
                "name": f"Test {action_type}",
                "partner_id": self.customer.id,
                "action_type": action_type,
                "date": "2026-03-01",
                "user_id": self.collector.id,
                "is_specific": True,
                "line_ids": [Command.set(self.line.ids)],
                **vals,
            }
        )

    def _template(self, xmlid):
        return self.env.ref(f"dso_collection.{xmlid}")

    # Email --------------------------------------------------------------

    def test_email_queued_and_logged(self):
        action = self._action(
            "email",
            mail_template_id=self._template("mail_template_dso_first_reminder").id,
        )
        action.action_send()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.done_user_id, self.env.user)
        mail = action.mail_id
        self.assertTrue(mail)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn("ap@acme.example", mail.recipient_ids.mapped("email"))
        self.assertIn("Acme Corp", mail.body_html)
        self.assertIn("1,000.00", mail.body_html)
        self.assertIn("50 days ago", mail.body_html)
        # On the customer's chatter and on the invoice's.
        self.assertEqual(action.message_id.model, "res.partner")
        self.assertEqual(action.message_id.res_id, self.customer.id)
        note = self.invoice.message_ids.filtered(
            lambda message: "Collection email" in (message.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("ap@acme.example", note.body)

    def test_email_to_invoicing_contact(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Accounts payable",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "invoices@acme.example",
            }
        )
        action = self._action(
            "email",
            mail_template_id=self._template("mail_template_dso_first_reminder").id,
        )
        action.action_send()
        self.assertEqual(action.mail_id.recipient_ids, contact)

    def test_preview_edit_send(self):
        action = self._action(
            "email",
            mail_template_id=self._template("mail_template_dso_first_reminder").id,
        )
        action.action_preview()
        self.assertEqual(action.state, "todo")
        self.assertIn("Acme Corp", action.body_html)
        self.assertNotIn("#amount_overdue", action.body_html)
        self.assertFalse(action.mail_id)
        # The collector rewrites the message for this send, with a hashtag.
        action.write(
            {
                "subject": "About your account",
                "body_html": "<p>Please call me: #days_overdue days late.</p>",
            }
        )
        action.action_send()
        self.assertEqual(action.mail_id.subject, "About your account")
        self.assertIn("Please call me: 50 days late.", action.mail_id.body_html)
        # The template itself is unchanged.
        self.assertNotIn(
            "Please call me",
            self._template("mail_template_dso_first_reminder").body_html,
        )

    def test_email_without_address_refused(self):
        self.customer.email = False
        action = self._action(
            "email",
            mail_template_id=self._template("mail_template_dso_first_reminder").id,
        )
        with self.assertRaisesRegex(UserError, "has no email address"):
            action.action_send()
        self.assertEqual(action.state, "todo")
        self.assertFalse(
            self.env["mail.mail"].search([("subject", "ilike", "overdue")])
        )

    def test_internal_email_to_salesperson(self):
        salesperson = self.env["res.users"].create(
            {"name": "Sam Sales", "login": "sam", "email": "sam@company.example"}
        )
        self.customer.user_id = salesperson
        action = self._action(
            "internal_email",
            mail_template_id=self._template("mail_template_dso_internal").id,
        )
        action.action_send()
        self.assertEqual(action.mail_id.recipient_ids, salesperson.partner_id)

    def test_send_plans_next_step(self):
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.step_id, self.step_first)
        action.mail_template_id = self._template("mail_template_dso_first_reminder")
        action.action_send()
        self.assertEqual(action.state, "done")
        self.assertEqual(self._open_action().step_id, self.step_call)

    # Letters ------------------------------------------------------------

    def _pdf_text(self, attachment):
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        reader = PdfReader(io.BytesIO(attachment.raw), strict=False)
        # Text extraction separates words with tabs and breaks lines.
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    def test_letter_pdf(self):
        action = self._action(
            "registered_letter",
            mail_template_id=self._template("mail_template_dso_formal_notice").id,
            tracking_number="RR123456789FR",
        )
        action.with_context(force_report_rendering=True).action_send()
        self.assertEqual(action.state, "done")
        text = self._pdf_text(action.attachment_id)
        self.assertIn("Acme Corp", text)
        self.assertIn("RR123456789FR", text)
        self.assertIn("03/01/2026", text)  # dated the day it is sent
        self.assertIn(self.line.move_name, text)
        self.assertEqual(action.attachment_id.res_model, "dso.collection.action")
        self.assertEqual(action.attachment_id.res_id, action.id)
        self.assertTrue(
            self.invoice.message_ids.filtered(
                lambda message: "Collection letter" in (message.body or "")
            )
        )

    # SMS ----------------------------------------------------------------

    def test_sms_e164(self):
        action = self._action(
            "sms", sms_template_id=self._template("sms_template_dso_reminder").id
        )
        action.action_send()
        self.assertEqual(action.state, "done")
        sms = action.sms_id
        self.assertEqual(sms.number, "+32470123456")
        self.assertIn(sms.state, ("outgoing", "pending"))
        self.assertTrue(sms.body.startswith("Acme Corp, $"))
        self.assertIn("01/10/2026", sms.body)

    def test_sms_invalid_number_sends_nothing(self):
        self.customer.mobile = "12"
        self.customer.phone = False
        action = self._action(
            "sms", sms_template_id=self._template("sms_template_dso_reminder").id
        )
        with self.assertRaisesRegex(UserError, "No valid mobile number for Acme Corp"):
            action.action_send()
        self.assertEqual(action.state, "todo")
        self.assertFalse(
            self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        )

    def test_sms_missing_number(self):
        self.customer.write({"mobile": False, "phone": False})
        action = self._action(
            "sms", sms_template_id=self._template("sms_template_dso_reminder").id
        )
        with self.assertRaisesRegex(UserError, "has no mobile or phone number"):
            action.action_send()

    # Calls and activities ----------------------------------------------------

    def test_call_activity_done_marks_action_done(self):
        self._plan("2026-03-01")
        first = self._open_action()
        first.action_done()
        call = self._open_action()
        self.assertEqual(call.action_type, "call")
        activity = call.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(activity.date_deadline, call.date)
        self.assertIn("0470 12 34 56", activity.note)
        self.assertIn(self.line.move_name, activity.note)
        activity.with_user(self.collector).action_feedback(feedback="Will pay Friday")
        self.assertEqual(call.state, "done")
        self.assertIn("Will pay Friday", call.note)
        self.assertEqual(self._open_action().step_id, self.step_notice)

    def test_action_done_closes_activity(self):
        action = self._action("call")
        self.assertEqual(len(action.activity_ids), 1)
        action.action_done()
        self.assertFalse(action.activity_ids)
        self.assertEqual(action.state, "done")

    def test_letter_is_an_activity_automatic_email_is_not(self):
        letter = self._action("letter")
        self.assertEqual(
            letter.activity_ids.activity_type_id,
            self.env.ref("mail.mail_activity_data_todo"),
        )
        email = self._action("email", automatic=True)
        self.assertFalse(email.activity_ids)

    def test_activity_follows_collector(self):
        other = self.env["res.users"].create(
            {"name": "Other", "login": "other_collector"}
        )
        action = self._action("call")
        action.user_id = other
        self.assertEqual(action.activity_ids.user_id, other)

    def test_cancel_removes_activity(self):
        action = self._action("call")
        action.action_cancel()
        self.assertFalse(action.activity_ids)

    # Litigation ---------------------------------------------------------

    def test_litigation(self):
        self._plan("2026-03-01")
        self.assertTrue(self._open_action())
        action = self._action(
            "litigation",
            mail_template_id=self._template("mail_template_dso_litigation").id,
        )
        action.with_context(force_report_rendering=True).action_send()
        self.assertEqual(action.state, "done")
        litigation = self.env.ref("dso_collection.dso_item_status_litigation")
        self.assertEqual(self.line.dso_status_id, litigation)
        self.assertTrue(self.line.dso_excluded)
        text = self._pdf_text(action.attachment_id)
        self.assertIn("Formal notice before legal action", text)
        self.assertIn(self.line.move_name, text)
        # The scenario stops for the item: no scenario action left.
        self._plan("2026-03-02")
        self.assertFalse(self._open_action())
