from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import DsoCollectionCommon

SELECTED_BODY = """<div>
<p>Dear <t t-out="object.hashtag_customer_name"/>,</p>
<p>We took note of your answer about these invoices:</p>
<t t-out="object.hashtag_items_list_selected"/>
<p>Total: <t t-out="object.hashtag_items_amount_selected"/></p>
</div>"""


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestStatusWizard(DsoCollectionCommon):
    """The "Change status…" wizard as of 2026-03-01: two invoices of Acme
    Corp, 1 000 due 2026-01-10 (the leader) and 400 due 2026-02-10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "ap@acme.example"
        with freeze_time("2026-03-01"):
            cls.line = cls._create_item(cls.customer, 1000, "2026-01-10")
            cls.line2 = cls._create_item(cls.customer, 400, "2026-02-10")
        cls.invoice = cls.line.move_id
        cls.invoice2 = cls.line2.move_id
        cls.promise = cls.env.ref("dso_collection.dso_item_status_promise")
        cls.dispute = cls.env.ref("dso_collection.dso_item_status_dispute")
        cls.owner = cls._create_collector("dso_owner", "Olga Owner")
        cls.owner.email = "olga@company.example"
        cls.salesperson = cls._create_collector("dso_sales", "Sam Sales")
        cls.salesperson.email = "sam@company.example"
        cls.customer.user_id = cls.salesperson
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Status confirmation",
                "model_id": cls.env.ref(
                    "dso_collection.model_dso_collection_action"
                ).id,
                "subject": "Your invoices",
                "body_html": SELECTED_BODY,
            }
        )

    def _wizard(self, lines, **vals):
        """The wizard as the entry points open it, then filled in."""
        action = self.env["dso.status.change.wizard"]._dso_open(lines)
        return (
            self.env["dso.status.change.wizard"]
            .with_context(**action["context"])
            .create(vals)
        )

    def _specific_actions(self):
        return self.env["dso.collection.action"].search(
            [("partner_id", "=", self.customer.id), ("is_specific", "=", True)],
            order="id",
        )

    # Entry points ---------------------------------------------------------

    def test_entry_points_select_the_open_items(self):
        for opened, lines in (
            (
                (self.line | self.line2).action_dso_change_status(),
                self.line | self.line2,
            ),
            (self.invoice.action_dso_change_status(), self.line),
            (self.customer.action_dso_change_status(), self.line | self.line2),
        ):
            self.assertEqual(opened["res_model"], "dso.status.change.wizard")
            self.assertEqual(set(opened["context"]["default_line_ids"]), set(lines.ids))
        self._plan("2026-03-01")
        scenario_action = self._open_action()
        opened = scenario_action.action_dso_change_status()
        self.assertEqual(
            set(opened["context"]["default_line_ids"]),
            set(scenario_action.line_ids.ids),
        )
        self.assertEqual(
            opened["context"]["default_copy_from_action_id"], scenario_action.id
        )

    def test_paid_invoice_refused(self):
        self._pay(self.invoice2)
        with self.assertRaisesRegex(UserError, "no open receivable item"):
            self.invoice2.action_dso_change_status()

    def test_steps_move_back_and_forth(self):
        wizard = self._wizard(self.line)
        self.assertEqual(wizard.step, "1")
        wizard.action_next()
        wizard.action_next()
        self.assertEqual(wizard.step, "3")
        wizard.action_next()
        self.assertEqual(wizard.step, "3")
        wizard.action_back()
        self.assertEqual(wizard.step, "2")
        wizard.line_ids = False
        with self.assertRaisesRegex(UserError, "at least one item"):
            wizard.action_next()

    # No email, follow the scenario ------------------------------------------

    def test_status_only_follows_the_scenario(self):
        self._plan("2026-03-01")
        proposed = self._open_action()
        wizard = self._wizard(
            self.line | self.line2,
            status_id=self.promise.id,
            status_date="2026-03-12",
            comment="Will pay on the 12th",
            resolution_user_id=self.owner.id,
        )
        # The promise has a follow-up: step 3 proposes it, the collector
        # follows the scenario instead.
        self.assertEqual(wizard.next_action, "specific")
        self.assertEqual(
            wizard.scenario_proposal,
            f"The scenario proposes: {proposed.name} on "
            f"{proposed.date.strftime('%m/%d/%Y')}",
        )
        wizard.next_action = "scenario"
        with self.mock_mail_gateway():
            result = wizard.action_apply()
        self.assertEqual(result["type"], "ir.actions.act_window_close")
        for line in self.line | self.line2:
            self.assertEqual(line.dso_status_id, self.promise)
            self.assertEqual(line.dso_status_date, date(2026, 3, 12))
            self.assertEqual(line.dso_comment, "Will pay on the 12th")
            self.assertEqual(line.dso_resolution_user_id, self.owner)
            self.assertEqual(line.dso_status_history_ids[-1:].source, "collector")
        self.assertFalse(self._specific_actions())
        # No email to the customer (the owner is only told of the activity).
        self.assertFalse(self._customer_mails())
        self.assertFalse(
            self._new_mails.filtered(lambda mail: self.customer in mail.recipient_ids)
        )

    def test_nothing_entered_changes_nothing(self):
        wizard = self._wizard(self.line, next_action="scenario")
        wizard.action_apply()
        self.assertFalse(self.line.dso_status_id)
        self.assertFalse(self.line.dso_status_history_ids)

    # Next action: a specific action --------------------------------------

    def test_specific_prefilled_from_the_status(self):
        self._plan("2026-03-01")
        self.assertEqual(self._open_action().leader_line_id, self.line)
        wizard = self._wizard(
            self.line, status_id=self.promise.id, status_date="2026-03-12"
        )
        self.assertEqual(wizard.specific_source, "status")
        self.assertEqual(
            wizard.explanation,
            "Promise of payment on 03/12/2026: phone call 2 days after",
        )
        self.assertEqual(wizard.action_type, "call")
        self.assertEqual(wizard.action_date, date(2026, 3, 14))
        result = wizard.action_apply()
        action = self._specific_actions()
        self.assertEqual(len(action), 1)
        self.assertEqual(result["res_id"], action.id)
        self.assertTrue(action.is_specific)
        self.assertEqual(action.line_ids, self.line)
        self.assertEqual(action.action_type, "call")
        self.assertEqual(action.date, date(2026, 3, 14))
        self.assertEqual(action.state, "todo")
        self.assertEqual(action.user_id, self.collector)
        self.assertEqual(action.name, f"Phone call: {self.invoice.name}")
        # The item is out of the scenario while the action is open: the
        # leader moves on to the other invoice.
        self.assertTrue(self.line.dso_excluded)
        self.assertEqual(self._open_action().leader_line_id, self.line2)

    def test_specific_from_scratch(self):
        wizard = self._wizard(
            self.line | self.line2,
            next_action="specific",
            specific_source="scratch",
        )
        self.assertFalse(wizard.explanation)
        wizard.write(
            {
                "action_name": "Visit the customer",
                "action_type": "letter",
                "action_date": "2026-03-20",
            }
        )
        wizard.action_apply()
        action = self._specific_actions()
        self.assertEqual(action.name, "Visit the customer")
        self.assertEqual(action.action_type, "letter")
        self.assertEqual(action.date, date(2026, 3, 20))
        self.assertEqual(action.line_ids, self.line | self.line2)

    def test_specific_copied_from_a_step(self):
        template = self.env.ref("dso_collection.mail_template_dso_first_reminder")
        self.step_first.mail_template_id = template
        wizard = self._wizard(
            self.line,
            next_action="specific",
            specific_source="step",
            copy_from_step_id=self.step_first.id,
        )
        self.assertEqual(wizard.action_type, "email")
        self.assertEqual(wizard.mail_template_id, template)
        self.assertTrue(wizard.automatic)
        self.assertTrue(wizard.to_confirm)
        wizard.action_apply()
        action = self._specific_actions()
        self.assertEqual(
            (action.action_type, action.mail_template_id, action.automatic),
            ("email", template, True),
        )
        self.assertEqual(action.state, "to_confirm")

    def test_specific_copied_from_a_template(self):
        wizard = self._wizard(
            self.line,
            next_action="specific",
            specific_source="template",
            copy_from_template_id=self.template.id,
        )
        wizard.action_apply()
        action = self._specific_actions()
        self.assertEqual(action.action_type, "email")
        self.assertEqual(action.mail_template_id, self.template)
        self.assertFalse(action.automatic)

    def test_specific_copied_from_an_action(self):
        source = self._specific_action(
            self.line2,
            "2026-03-05",
            name="Custom email",
            action_type="email",
            subject="About your invoice",
            body_html="<p>Please call us back</p>",
        )
        wizard = self._wizard(
            self.line,
            next_action="specific",
            specific_source="action",
            copy_from_action_id=source.id,
        )
        self.assertEqual(wizard.action_type, "email")
        wizard.action_apply()
        action = self._specific_actions() - source
        self.assertEqual(action.subject, "About your invoice")
        self.assertIn("Please call us back", action.body_html)
        self.assertEqual(action.line_ids, self.line)

    def test_specific_needs_a_type(self):
        wizard = self._wizard(self.line, next_action="specific")
        wizard.action_type = False
        with self.assertRaisesRegex(UserError, "type of the specific action"):
            wizard.action_apply()

    # Emails ------------------------------------------------------------

    def test_customer_email_lists_the_selected_items(self):
        wizard = self._wizard(
            self.line2,
            status_id=self.promise.id,
            status_date="2026-03-12",
            comment="Will pay on Friday",
            email_mode="customer",
            email_template_id=self.template.id,
            next_action="scenario",
        )
        self.assertEqual(
            wizard.email_note, "Promise of payment on 03/12/2026: Will pay on Friday"
        )
        with self.mock_mail_gateway():
            wizard.action_apply()
        mail = self.assertMailMail(
            self.customer,
            "outgoing",
            content="Will pay on Friday",
            fields_values={"subject": "Your invoices"},
        )
        # The selected item only, with its amount.
        self.assertIn(self.invoice2.name, mail.body_html)
        self.assertNotIn(self.invoice.name, mail.body_html)
        self.assertIn("400.00", mail.body_html)
        # The email is a done specific action of the item, in the history.
        email_action = self._specific_actions()
        self.assertEqual(email_action.state, "done")
        self.assertEqual(email_action.mail_id, mail)
        self.assertEqual(email_action.line_ids, self.line2)

    def test_customer_email_needs_a_template(self):
        wizard = self._wizard(self.line, email_mode="customer", next_action="scenario")
        with self.assertRaisesRegex(UserError, "template of the email"):
            wizard.action_apply()

    def test_internal_email_to_colleagues(self):
        wizard = self._wizard(
            self.line | self.line2,
            status_id=self.dispute.id,
            comment="Goods damaged",
            resolution_user_id=self.owner.id,
            email_mode="internal",
            next_action="scenario",
        )
        self.assertEqual(wizard.internal_user_ids, self.owner | self.salesperson)
        with self.mock_mail_gateway():
            wizard.action_apply()
        mail = self.assertMailMail(
            self.owner.partner_id | self.salesperson.partner_id,
            "outgoing",
            content="Goods damaged",
        )
        self.assertIn("Dispute", mail.body_html)
        self.assertIn(self.invoice.name, mail.body_html)
        self.assertIn(self.invoice2.name, mail.body_html)
        self.assertIn("Olga Owner", mail.body_html)
        # The colleagues answer on a page of their own (internal
        # interactive email), valid from now on.
        request = self.env["dso.interactive.request"].search(
            [("partner_id", "=", self.invoice.commercial_partner_id.id)]
        )
        self.assertEqual(request.audience, "colleague")
        self.assertEqual(request.state, "sent")
        self.assertEqual(request.line_ids, self.line | self.line2)
        self.assertIn(request.user_id, self.owner | self.salesperson)
        self.assertIn(request.get_portal_url(), mail.body_html)
        self.assertTrue(request.expiry_date)
        # The wizard handles the next action: no dispute follow-up here.
        self.assertFalse(self._specific_actions())

    def test_internal_email_needs_an_address(self):
        self.owner.email = False
        wizard = self._wizard(
            self.line,
            email_mode="internal",
            internal_user_ids=[Command.set(self.owner.ids)],
            next_action="scenario",
        )
        with self.assertRaisesRegex(UserError, "email address"):
            wizard.action_apply()

    # A status that creates its follow-up -----------------------------------

    def test_dispute_creates_its_follow_up(self):
        self.assertTrue(self.dispute.create_followup)
        self.line._dso_set_status(self.dispute, date="2026-03-01", comment="Broken")
        action = self._specific_actions()
        self.assertEqual(len(action), 1)
        self.assertEqual(action.action_type, "internal_email")
        self.assertEqual(action.date, date(2026, 3, 8))
        self.assertEqual(action.line_ids, self.line)
        # Qualified again: the open follow-up is enough.
        self.line._dso_set_status(self.dispute, comment="Still broken")
        self.assertEqual(self._specific_actions(), action)
        # A status without the box creates nothing.
        self.line2._dso_set_status(self.promise)
        self.assertEqual(self._specific_actions(), action)

    # The customer sheet ------------------------------------------------

    def test_new_specific_action_from_the_customer_sheet(self):
        opened = self.customer.action_dso_new_specific_action()
        self.assertEqual(opened["res_model"], "dso.collection.action")
        form = Form(self.env["dso.collection.action"].with_context(**opened["context"]))
        form.action_type = "call"
        form.date = date(2026, 3, 3)
        form.line_ids.add(self.line2)
        action = form.save()
        self.assertTrue(action.is_specific)
        self.assertEqual(action.partner_id, self.customer)
        self.assertEqual(action.name, f"Phone call: {self.invoice2.name}")
        self.assertTrue(self.line2.dso_excluded)

    # Acknowledgements ---------------------------------------------------

    def test_status_proposes_its_acknowledgement(self):
        paid = self.env.ref("dso_collection.dso_item_status_payment_in_progress")
        unreachable = self.env.ref("dso_collection.dso_item_status_not_reachable")
        for status, xmlid in (
            (self.promise, "mail_template_dso_ack_promise"),
            (self.dispute, "mail_template_dso_ack_dispute"),
            (paid, "mail_template_dso_ack_payment_in_progress"),
        ):
            template = self.env.ref(f"dso_collection.{xmlid}")
            self.assertEqual(status.ack_template_id, template)
            self.assertEqual(template.model, "dso.collection.action")
            wizard = self._wizard(self.line, status_id=status.id)
            self.assertEqual(wizard.email_template_id, template)
        self.assertFalse(
            self._wizard(self.line, status_id=unreachable.id).email_template_id
        )
        # Acknowledgements are offered next to the reminders.
        field = self.env["dso.status.change.wizard"]._fields["email_template_id"]
        offered = self.env["mail.template"].search(
            [("model", "=", "dso.collection.action")]
        )
        self.assertIn("dso.collection.action", field.domain)
        self.assertIn(self.promise.ack_template_id, offered)
        self.assertIn(
            self.env.ref("dso_collection.mail_template_dso_first_reminder"), offered
        )

    def test_acknowledgement_is_previewed_with_the_note_in_place(self):
        wizard = self._wizard(
            self.line2,
            status_id=self.promise.id,
            status_date="2026-03-12",
            comment="Will pay on Friday",
            email_mode="customer",
        )
        body = str(wizard.email_body)
        self.assertEqual(
            wizard.email_subject, f"{self.company.name}: your promise of payment"
        )
        self.assertTrue(wizard.email_editable)
        # Rendered for the customer, the selected item listed; no reminder.
        self.assertIn("Thank you for letting us know", body)
        self.assertIn(self.invoice2.name, body)
        self.assertNotIn(self.invoice.name, body)
        self.assertNotIn("Could you please settle", body)
        self.assertNotIn("#customer_name", body)
        # The note where the template places it: after the greeting and the
        # items, not above the greeting.
        note = "Promise of payment on 03/12/2026: Will pay on Friday"
        self.assertIn(note, body)
        self.assertLess(body.index("Dear"), body.index(note))
        self.assertLess(body.index(self.invoice2.name), body.index(note))
        # Nothing is written by the preview.
        self.assertFalse(self._specific_actions())
        # The collector edits it; the customer receives the edited email.
        wizard.write(
            {
                "email_subject": "About your promise",
                "email_body": body.replace(
                    "Thank you for letting us know", "Many thanks for telling us"
                ),
                "next_action": "scenario",
            }
        )
        with self.mock_mail_gateway():
            wizard.action_apply()
        mail = self.assertMailMail(
            self.customer,
            "outgoing",
            content="Many thanks for telling us",
            fields_values={"subject": "About your promise"},
        )
        self.assertIn(note, mail.body_html)
        self.assertEqual(self._specific_actions().state, "done")

    def test_note_goes_after_the_greeting_without_placeholder(self):
        wizard = self._wizard(
            self.line2,
            status_id=self.promise.id,
            comment="Will pay on Friday",
            email_mode="customer",
            email_template_id=self.template.id,
        )
        body = str(wizard.email_body)
        self.assertLess(body.index("Dear"), body.index("Will pay on Friday"))
        self.assertLess(body.index("Will pay on Friday"), body.index("We took note"))
        # Without a note the placeholder of an acknowledgement goes.
        wizard.write({"comment": False, "status_id": False})
        wizard.email_template_id = self.promise.ack_template_id
        self.assertFalse(wizard.email_note)
        self.assertNotIn("o_dso_status_note", str(wizard.email_body))

    def test_acknowledgement_to_several_customers(self):
        other = self._create_customer("Beta Ltd", email="ap@beta.example")
        other_line = self._create_item(other, 300, "2026-02-01")
        wizard = self._wizard(
            self.line | other_line,
            status_id=self.dispute.id,
            comment="Goods damaged",
            email_mode="customer",
            next_action="scenario",
        )
        self.assertFalse(wizard.email_editable)
        self.assertIn("2 customers", wizard.email_preview_info)
        with self.mock_mail_gateway():
            wizard.action_apply()
        for partner, invoice in (
            (self.customer, self.invoice),
            (other, other_line.move_id),
        ):
            mail = self.assertMailMail(
                partner, "outgoing", content="We have received your dispute"
            )
            self.assertIn("Goods damaged", mail.body_html)
            self.assertIn(invoice.name, mail.body_html)
            self.assertLess(
                mail.body_html.index("Dear"), mail.body_html.index("Goods damaged")
            )
