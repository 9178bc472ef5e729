from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DsoCollectionCommon

GATEWAY = "{number}@fax.example.com"
FAX_ACTIVITY = "dso_collection.mail_activity_type_dso_fax"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestFax(DsoCollectionCommon):
    """Fax actions, as of 2026-03-01, for a Belgian customer whose fax is
    02 555 12 34 (+32 2 555 12 34) and one invoice of 1 000 due 2026-01-10.
    The letter's PDF goes to the company's email-to-fax gateway, or stays on
    the action for the collector to fax by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "ar@company.example"
        cls.customer.write(
            {
                "email": "ap@acme.example",
                "country_id": cls.env.ref("base.be").id,
                "dso_fax": "02 555 12 34",
            }
        )
        with freeze_time("2026-03-01"):
            cls.line = cls._create_item(
                cls.customer, 1000, "2026-01-10", invoice_date="2025-12-10"
            )
        cls.invoice = cls.line.move_id
        cls.template = cls.env.ref("dso_collection.mail_template_dso_formal_notice")

    def _fax_action(self, partner=None, **vals):
        return self.env["dso.collection.action"].create(
            {
                "name": "Test fax",
                "partner_id": (partner or self.customer).id,
                "action_type": "fax",
                "date": "2026-03-01",
                "user_id": self.collector.id,
                "is_specific": True,
                "line_ids": [Command.set(self.line.ids)],
                "mail_template_id": self.template.id,
                **vals,
            }
        )

    def test_fax_through_gateway(self):
        self.company.dso_fax_gateway = GATEWAY
        action = self._fax_action()
        self.assertEqual(action.recipients_display, "+3225551234")
        with self.mock_mail_gateway():
            action.action_send()
        self.assertEqual(action.state, "done")
        self.assertFalse(action.send_error)
        pdf = action.attachment_id
        self.assertEqual(pdf.name, "Test fax - Acme Corp - fax.pdf")
        self.assertEqual(pdf.mimetype, "application/pdf")
        self.assertEqual((pdf.res_model, pdf.res_id), (action._name, action.id))
        mail = self.assertMailMailWEmails(
            ["3225551234@fax.example.com"],
            "outgoing",
            author=self.collector.partner_id,
            content="+3225551234",
            fields_values={
                "subject": action.subject,
                "attachments_info": [{"name": pdf.name}],
                "model": "res.partner",
                "res_id": self.customer.id,
            },
        )
        self.assertEqual(action.mail_id, mail)
        self.assertEqual(action.message_id, mail.mail_message_id)
        # Once sent, the action names the gateway address it went to.
        self.assertEqual(action.recipients_display, "3225551234@fax.example.com")
        # No activity: the gateway faxed it.
        self.assertFalse(action.activity_ids)
        # Noted on the invoice.
        self.assertIn(
            "Collection fax",
            self.invoice.message_ids[0].body,
        )
        # The mail queue sends it with the PDF attached.
        with self.mock_mail_gateway():
            mail.send()
        self.assertEqual(len(self._mails), 1)
        self.assertEqual(self._mails[0]["email_to"], ["3225551234@fax.example.com"])
        self.assertEqual(
            [attachment[0] for attachment in self._mails[0]["attachments"]],
            [pdf.name],
        )

    def test_fax_by_hand_without_gateway(self):
        self.assertFalse(self.company.dso_fax_gateway)
        action = self._fax_action()
        with self.mock_mail_gateway():
            action.action_send()
        self.assertEqual(action.state, "done")
        self.assertFalse(action.mail_id)
        pdf = action.attachment_id
        # Nothing mailed to a gateway: no mail carries the PDF.
        self.assertFalse(self._new_mails.filtered(lambda m: pdf in m.attachment_ids))
        self.assertEqual(pdf.name, "Test fax - Acme Corp - fax.pdf")
        activity = action.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.env.ref(FAX_ACTIVITY))
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.summary, "Fax Test fax to +3225551234")
        self.assertEqual(str(activity.date_deadline), "2026-03-01")
        # The PDF is posted on the action for the collector.
        message = action.message_ids.filtered(lambda m: pdf in m.attachment_ids)
        self.assertIn("to fax by hand to +3225551234", message.body)

    def test_fax_without_number_or_bad_number(self):
        self.company.dso_fax_gateway = GATEWAY
        for fax, expected in (
            (False, "Acme Corp has no fax number"),
            ("12", "The fax number of Acme Corp is not valid (12)"),
        ):
            with self.subTest(fax=fax):
                self.customer.dso_fax = fax
                action = self._fax_action()
                with self.mock_mail_gateway(), self.assertRaises(UserError) as error:
                    action.action_send()
                self.assertIn(expected, str(error.exception))
                self.assertEqual(len(self._new_mails), 0)

    def test_fax_number_normalised(self):
        Send = self.env["dso.collection.send"]
        self.assertEqual(Send._normalize_fax("02 555 12 34", "BE"), "3225551234")
        self.assertEqual(Send._normalize_fax("+33 1 23 45 67 89", "BE"), "33123456789")
        self.assertEqual(Send._normalize_fax("(212) 555-0100", "US"), "12125550100")
        self.assertFalse(Send._normalize_fax("not a number", "BE"))
        # From the invoicing contact when the customer has none.
        self.customer.dso_fax = False
        contact = self._create_contact(self.customer, "Accounts payable")
        contact.dso_fax = "+32 9 223 45 67"
        self.assertEqual(Send._fax_number(self.customer), "3292234567")

    def test_gateway_pattern_validated(self):
        for pattern in (
            "fax.example.com",
            "{number}",
            "fax@example.com",
            "{number}@",
            "{number} @fax.example.com",
        ):
            with (
                self.subTest(pattern=pattern),
                self.assertRaises(ValidationError) as error,
            ):
                self.company.dso_fax_gateway = pattern
            self.assertIn("{number}@fax.example.com", str(error.exception))
        for pattern in (GATEWAY, "fax+{number}@gateway.example.org"):
            self.company.dso_fax_gateway = pattern
            self.assertEqual(self.company.dso_fax_gateway, pattern)
        # Set through the settings too.
        settings = self.env["res.config.settings"].create({"dso_fax_gateway": GATEWAY})
        settings.execute()
        self.assertEqual(self.env.company.dso_fax_gateway, GATEWAY)

    def test_fax_step_planned(self):
        """A scenario step may fax: the planner creates a fax action."""
        scenario = self._create_scenario(
            "Fax scenario",
            [
                {
                    "name": "Fax reminder",
                    "action_type": "fax",
                    "trigger": "due",
                    "delay": 5,
                    "mail_template_id": self.template.id,
                }
            ],
        )
        self.customer.with_company(self.company).dso_scenario_id = scenario
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.action_type, "fax")
        self.assertEqual(action.mail_template_id, self.template)
        self.assertFalse(action.automatic)
        # A manual action: its collector's to-do until it is carried out.
        self.assertTrue(action.activity_ids)
