import io

from freezegun import freeze_time
from PyPDF2 import PdfReader

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DsoCollectionSMSCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestChannels(DsoCollectionSMSCommon):
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
            cls.line = cls._create_item(
                cls.customer, 1000, "2026-01-10", invoice_date="2025-12-10"
            )
        cls.invoice = cls.line.move_id

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
        self.assertEqual(action.recipients_display, '"Acme Corp" <ap@acme.example>')
        with self.mock_mail_gateway():
            action.action_send()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.done_user_id, self.env.user)
        mail = self.assertMailMail(
            self.customer,
            "outgoing",
            author=self.collector.partner_id,
            content="Acme Corp",
            fields_values={"subject": f"{self.company.name}: overdue invoices"},
        )
        self.assertEqual(action.mail_id, mail)
        self.assertIn("1,000.00", mail.body_html)
        self.assertIn(
            "the following invoice is overdue (due on 01/10/2026)", mail.body_html
        )
        # Who it went to, once sent.
        self.assertEqual(action.recipients_display, '"Acme Corp" <ap@acme.example>')
        # On the customer's chatter and on the invoice's.
        self.assertEqual(action.message_id.model, "res.partner")
        self.assertEqual(action.message_id.res_id, self.customer.id)
        note = self.invoice.message_ids.filtered(
            lambda message: "Collection email" in (message.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("ap@acme.example", note.body)

    def test_recipients_shown_after_sending_are_those_of_the_mail(self):
        action = self._action(
            "email",
            mail_template_id=self._template("mail_template_dso_first_reminder").id,
        )
        action.action_send()
        # An invoicing contact added afterwards would receive the next email;
        # the action still says who its email went to.
        self.env["res.partner"].create(
            {
                "name": "Accounts payable",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "invoices@acme.example",
            }
        )
        self.env.invalidate_all()
        self.assertEqual(action.recipients_display, '"Acme Corp" <ap@acme.example>')
        self.assertEqual(
            self._action("email").recipients_display,
            '"Accounts payable" <invoices@acme.example>',
        )

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
        self.assertEqual(action.recipients_display, "")
        with (
            self.mock_mail_gateway(),
            self.assertRaisesRegex(UserError, "has no email address"),
        ):
            action.action_send()
        # Refused before any mail was created.
        self.assertFalse(self._new_mails)

    def test_internal_email_to_salesperson(self):
        salesperson = self.env["res.users"].create(
            {"name": "Sam Sales", "login": "sam", "email": "sam@company.example"}
        )
        self.customer.user_id = salesperson
        action = self._action(
            "internal_email",
            mail_template_id=self._template("mail_template_dso_internal").id,
        )
        self.assertEqual(action.recipients_display, '"Sam Sales" <sam@company.example>')
        with self.mock_mail_gateway():
            action.action_send()
        self.assertMailMail(salesperson.partner_id, "outgoing", content="Acme Corp")
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
        self.assertEqual(action.recipients_display, "+32470123456")
        with self.mockSMSGateway():
            action.action_send()
        self.assertEqual(action.state, "done")
        # Sent to a number: the SMS has no partner.
        self.assertSMSOutgoing(
            self.env["res.partner"], "+32470123456", content="Acme Corp, $"
        )
        self.assertEqual(action.sms_id, self._new_sms)
        self.assertIn("01/10/2026", action.sms_id.body)
        self.assertEqual(action.recipients_display, "+32470123456")
        # Once sent, the SMS queue deletes the SMS: its notification still
        # says where it went.
        action.sms_id.sudo().unlink()
        self.customer.mobile = "0470 99 99 99"
        self.env.invalidate_all()
        self.assertEqual(action.recipients_display, "+32470123456")

    def test_sms_number_read_by_odoo_phone_format(self):
        """The number is formatted by Odoo's ``_phone_format``, with the
        country of the contact, else of the customer, else of the company."""
        contact = self.env["res.partner"].create(
            {
                "name": "Accounts payable",
                "parent_id": self.customer.id,
                "type": "invoice",
                "mobile": "06 12 34 56 78",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        self.customer.mobile = False
        self.assertEqual(self.customer._dso_sms_number(), "+33612345678")
        # Without a country of its own, the customer's (Belgium).
        contact.write({"country_id": False, "mobile": "0471 00 11 22"})
        self.assertEqual(self.customer._dso_sms_number(), "+32471001122")
        # A French number read as Belgian is not valid.
        contact.mobile = "06 12 34 56 78"
        self.assertFalse(self.customer._dso_sms_number(raise_exception=False))

    def test_sms_invalid_number_sends_nothing(self):
        self.customer.mobile = "12"
        self.customer.phone = False
        action = self._action(
            "sms", sms_template_id=self._template("sms_template_dso_reminder").id
        )
        self.assertEqual(action.recipients_display, "No valid mobile number (12)")
        with (
            self.mockSMSGateway(),
            self.assertRaisesRegex(UserError, "No valid mobile number for Acme Corp"),
        ):
            action.action_send()
        # Refused before any SMS was created.
        self.assertFalse(self._new_sms)

    def test_sms_missing_number(self):
        self.customer.write({"mobile": False, "phone": False})
        action = self._action(
            "sms", sms_template_id=self._template("sms_template_dso_reminder").id
        )
        self.assertEqual(action.recipients_display, "No mobile or phone number")
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

    # Who receives it ------------------------------------------------------

    def test_recipients_of_letters_and_calls(self):
        self.customer.write(
            {
                "street": "Rue Haute 1",
                "zip": "1000",
                "city": "Brussels",
                "phone": "02 123 45 67",
            }
        )
        letter = self._action("registered_letter")
        self.assertEqual(
            letter.recipients_display, "Acme Corp, Rue Haute 1, 1000 Brussels, Belgium"
        )
        call = self._action("call")
        self.assertEqual(
            call.recipients_display,
            "0470 12 34 56 (Acme Corp), 02 123 45 67 (Acme Corp)",
        )

    # Actions whose items were recreated ------------------------------------

    def _repost_invoice(self):
        """Reset the invoice to draft, replace its line (saved twice: the
        line removed, then a new one) and post it again: its receivable line
        is a new one, and the actions that listed the old one list nothing."""
        self.invoice.button_draft()
        self.invoice.invoice_line_ids = [Command.clear()]
        self.assertFalse(self.line.exists())
        self.invoice.invoice_line_ids = [
            Command.create(
                {
                    "name": "Consulting",
                    "quantity": 1,
                    "price_unit": 1200,
                    "tax_ids": [Command.clear()],
                }
            )
        ]
        self.invoice.action_post()
        return self._receivable(self.invoice)

    def test_email_without_items_after_invoice_reposted(self):
        action = self._action(
            "email",
            mail_template_id=self._template("mail_template_dso_first_reminder").id,
        )
        self._repost_invoice()
        self.assertFalse(action.line_ids)
        with self.mock_mail_gateway():
            action.action_send()
        self.assertEqual(action.state, "done")
        self.assertMailMail(self.customer, "outgoing", content="1,200.00")
        # Logged on the invoice of the customer's open items.
        note = self.invoice.message_ids.filtered(
            lambda message: "Collection email" in (message.body or "")
        )
        self.assertEqual(len(note), 1)

    def test_litigation_without_items_after_invoice_reposted(self):
        action = self._action(
            "litigation",
            mail_template_id=self._template("mail_template_dso_litigation").id,
        )
        line = self._repost_invoice()
        self.assertFalse(action.line_ids)
        action.action_send()
        self.assertEqual(action.state, "done")
        # The file lists the customer's open items: handed over for litigation.
        self.assertEqual(action.line_ids, line)
        self.assertEqual(
            line.dso_status_id,
            self.env.ref("dso_collection.dso_item_status_litigation"),
        )
        self.assertTrue(action.attachment_id)
        self.assertIn("1,200.00", action.body_html)

    # Wording (issue 21) ---------------------------------------------------

    def test_next_action_names_its_type_once(self):
        """An action named like its type ("Phone call") is not followed by
        its type again; another name is."""
        call = self._action("call", name="Phone call")
        message = self.customer._dso_next_action_message()
        self.assertIn("Next for Acme Corp: Phone call on 03/01/2026", message)
        self.assertNotIn("(Phone call)", message)
        call.name = "Call the buyer"
        self.assertIn(
            "Next for Acme Corp: Call the buyer (Phone call) on 03/01/2026",
            self.customer._dso_next_action_message(),
        )

    def test_email_greets_the_invoicing_contact(self):
        self.env["res.partner"].create(
            {
                "name": "Laura Bennett",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "laura@acme.example",
            }
        )
        action = self._action(
            "email",
            mail_template_id=self._template("mail_template_dso_first_reminder").id,
        )
        action.action_send()
        body = str(action.mail_id.body_html)
        self.assertIn("Dear Laura Bennett,", body)
        self.assertNotIn("Dear Acme Corp", body)
        self.assertIn("the following invoice is overdue", body)
        self.assertNotIn("invoices are", body)
