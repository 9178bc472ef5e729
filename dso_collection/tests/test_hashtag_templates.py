import re

from freezegun import freeze_time
from markupsafe import Markup

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .test_hashtags import NBSP, HashtagCommon

EMAIL_TEMPLATES = (
    "mail_template_dso_friendly_reminder",
    "mail_template_dso_first_reminder",
    "mail_template_dso_second_reminder",
    "mail_template_dso_internal",
)
LETTER_TEMPLATES = (
    ("mail_template_dso_formal_notice", "registered_letter"),
    ("mail_template_dso_litigation", "litigation"),
)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestHashtagTemplates(HashtagCommon):
    """Templates of collection actions: rendered by Odoo alone, hashtags as
    fields, ``#name`` as a shorthand of their text, editable by collectors
    who are not template editors."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's default signature: "--", then the name.
        cls.collector.signature = Markup("<p>--<br>Colette Collector</p>")
        cls.salesperson = cls._create_collector(
            "sam_sales", "Sam Sales", groups="base.group_user"
        )
        cls.salesperson.email = "sam@company.example"
        cls.customer.user_id = cls.salesperson
        cls.model = cls.env["ir.model"]._get("dso.collection.action")

    def _template(self, xmlid):
        return self.env.ref(f"dso_collection.{xmlid}")

    def _prepared(self, action):
        """The message the sending path prepares from the action's template."""
        action.write({"subject": False, "body_html": False, "sms_body": False})
        return self.env["dso.collection.send"]._prepare_contents(action)[action.id]

    def _assert_no_hashtag_left(self, text):
        for name in self.env["dso.hashtag"]._get_hashtags():
            self.assertNotIn(f"#{name}", text)
        self.assertNotIn("t-out", text)
        self.assertNotIn("{{", text)

    def _restrict_template_editing(self):
        """Only template editors may write code in templates (Odoo's
        setting): collectors are not template editors."""
        self.env["ir.config_parameter"].set_param(
            "mail.restrict.template.rendering", True
        )
        collector = self._create_collector("restricted_collector", "Rita Collector")
        self.assertFalse(collector.has_group("mail.group_mail_template_editor"))
        return collector

    # The shipped templates ----------------------------------------------

    def test_shipped_templates_use_only_allowed_expressions(self):
        """Every expression of the shipped templates is a hashtag field or
        an allowed path: Odoo renders them without evaluating code."""
        templates = [
            *self.env["mail.template"].search(
                [("model", "=", "dso.collection.action")]
            ),
            self._template("sms_template_dso_reminder"),
        ]
        for template in templates:
            with self.subTest(template=template.name):
                self.assertFalse(template._has_unsafe_expression(), template.name)

    def test_shipped_email_templates_through_sending(self):
        for xmlid in EMAIL_TEMPLATES:
            with self.subTest(template=xmlid):
                internal = xmlid == "mail_template_dso_internal"
                action = self._email_action(
                    action_type="internal_email" if internal else "email",
                    mail_template_id=self._template(xmlid).id,
                )
                with self.mock_mail_gateway():
                    action.action_send()
                recipients = self.salesperson.partner_id if internal else self.customer
                mail = self.assertMailMail(
                    recipients,
                    "outgoing",
                    author=self.collector.partner_id,
                    content="Acme Corp",
                )
                self.assertEqual(action.mail_id, mail)
                body = str(mail.body_html)
                self._assert_no_hashtag_left(mail.subject)
                self._assert_no_hashtag_left(body)
                self.assertIn(self.line_a.move_name, body)
                self.assertIn("1,000.00", body)
                # Signed once, without Odoo's "--" line.
                self.assertEqual(body.count("Colette Collector"), 1)
                self.assertNotIn("--", body)
                text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
                self.assertRegex(text, r"(Kind regards|Thank you), Colette Collector")

    def test_shipped_letter_templates(self):
        self.collector.signature = Markup("<p>Colette, credit desk</p>")
        for xmlid, action_type in LETTER_TEMPLATES:
            with self.subTest(template=xmlid):
                action = self._email_action(
                    action_type=action_type, mail_template_id=self._template(xmlid).id
                )
                content = self._prepared(action)
                body = str(content["body_html"])
                self._assert_no_hashtag_left(body)
                self._assert_no_hashtag_left(content["subject"])
                self.assertIn("Acme Corp", body)
                # Invoice A and its penalties: B is not yet due.
                self.assertIn(f"${NBSP}1,052.33", body)
                # Letters do not end with the email signature.
                self.assertNotIn("credit desk", body)
                # Kept on the action, which the letter prints.
                self.assertIn("1,052.33", action.body_html)

    def test_shipped_sms_template(self):
        action = self._email_action(
            action_type="sms",
            sms_template_id=self._template("sms_template_dso_reminder").id,
        )
        self.assertEqual(
            self._prepared(action)["sms_body"],
            f"Acme Corp, ${NBSP}1,000.00 is overdue since 01/10/2026. "
            "Please pay or call us. Colette Collector",
        )

    def test_rendered_text_is_never_read_again(self):
        """A customer named like a hashtag: Odoo renders the name once, it is
        not expanded by a second pass."""
        self.customer.name = "Shop #amount_due"
        for xmlid in ("mail_template_dso_first_reminder", "mail_template_dso_internal"):
            with self.subTest(template=xmlid):
                action = self._email_action(mail_template_id=self._template(xmlid).id)
                content = self._prepared(action)
                self.assertIn("Shop #amount_due", str(content["body_html"]))
                self.assertNotIn("1,400.00", str(content["body_html"]))
        self.assertEqual(
            content["subject"], "Collection of Shop #amount_due: your help is needed"
        )

    # The shorthand in a template ------------------------------------------

    def test_shorthand_in_text_of_template(self):
        template = self.env["mail.template"].create(
            {
                "name": "Shorthand",
                "model_id": self.model.id,
                "subject": "#customer_name: {{ object.company_id.name }}",
                "body_html": '<p style="color:#fff">Dear #customer_name, '
                '<a href="#amount_due">you owe #amount_due</a></p>'
                "#items_list_overdue",
            }
        )
        action = self._email_action(mail_template_id=template.id)
        content = self._prepared(action)
        self.assertEqual(content["subject"], f"Acme Corp: {self.company.name}")
        body = str(content["body_html"])
        self.assertIn("Dear Acme Corp,", body)
        self.assertIn(f"you owe ${NBSP}1,400.00", body)
        self.assertIn('href="#amount_due"', body)
        self.assertIn("color:#fff", body)
        self.assertIn("<table", body)
        # The template itself keeps the shorthand.
        self.assertIn("#customer_name", template.body_html)

    def test_odoo_template_preview_renders_hashtags(self):
        """Odoo's own preview of a template reads the same fields."""
        preview = self.env["mail.template.preview"].create(
            {
                "mail_template_id": self._template(
                    "mail_template_dso_first_reminder"
                ).id,
                "resource_ref": f"dso.collection.action,{self.action.id}",
            }
        )
        self.assertIn("Dear Acme Corp,", preview.body_html)
        self.assertIn(f"${NBSP}1,000.00", preview.body_html)

    # Unknown hashtags -------------------------------------------------------

    def test_unknown_hashtag_refused_on_mail_template(self):
        with self.assertRaisesRegex(ValidationError, "#amount_dew"):
            self.env["mail.template"].create(
                {
                    "name": "Typo",
                    "model_id": self.model.id,
                    "subject": "Reminder",
                    "body_html": "<p>You owe #amount_dew</p>",
                }
            )
        template = self._template("mail_template_dso_first_reminder")
        with self.assertRaisesRegex(ValidationError, "#customer_nme"):
            template.subject = "Hello #customer_nme"
        # Templates of other documents are not checked.
        other = self.env["mail.template"].create(
            {
                "name": "Other",
                "model_id": self.env["ir.model"]._get("res.partner").id,
                "body_html": "<p>#anything</p>",
            }
        )
        self.assertEqual(other._dso_unknown_hashtags(), [])

    def test_unknown_hashtag_refused_on_sms_template(self):
        with self.assertRaisesRegex(ValidationError, "#amount_dew"):
            self.env["sms.template"].create(
                {"name": "Typo", "model_id": self.model.id, "body": "Pay #amount_dew"}
            )

    def test_unknown_hashtag_refused_on_send(self):
        self.action.write({"subject": "Reminder", "body_html": "<p>#amount_dew</p>"})
        with (
            self.mock_mail_gateway(),
            self.assertRaisesRegex(UserError, "#amount_dew"),
        ):
            self.action.action_send()
        self.assertFalse(self._new_mails)

    def test_unknown_hashtag_of_template_refused_on_send(self):
        """A template saved before the check (here: written in the database
        directly) is checked again when it is sent."""
        template = self._template("mail_template_dso_first_reminder")
        self.env.cr.execute(
            SQL(
                "UPDATE mail_template SET body_html = %s WHERE id = %s",
                '{"en_US": "<p>Pay #amount_dew</p>"}',
                template.id,
            )
        )
        self.env.invalidate_all()
        self.action.mail_template_id = template
        with (
            self.mock_mail_gateway(),
            self.assertRaisesRegex(UserError, "#amount_dew"),
        ):
            self.action.action_send()
        self.assertFalse(self._new_mails)

    # Collectors who are not template editors --------------------------------

    def test_collector_edits_and_sends_a_collection_template(self):
        collector = self._restrict_template_editing()
        template = self._template("mail_template_dso_first_reminder").with_user(
            collector
        )
        template.write(
            {
                "subject": "{{ object.hashtag_customer_name }}: #amount_overdue due",
                "body_html": '<p>Hello #customer_name, <t t-out="object.'
                'hashtag_amount_due"/> in all.</p>'
                '<t t-out="object.hashtag_collector_signature"/>',
            }
        )
        created = (
            self.env["mail.template"]
            .with_user(collector)
            .create(
                {
                    "name": "Collector's own",
                    "model_id": self.model.id,
                    "body_html": "<p>#customer_name</p>",
                }
            )
        )
        self.assertTrue(created.can_write)
        sms_template = self._template("sms_template_dso_reminder").with_user(collector)
        sms_template.body = "{{ object.hashtag_customer_name }}, pay #amount_overdue"

        action = self._email_action(user_id=collector.id, mail_template_id=template.id)
        with self.mock_mail_gateway():
            action.with_user(collector).action_send()
        mail = self.assertMailMail(
            self.customer,
            "outgoing",
            author=collector.partner_id,
            content=f"Hello Acme Corp, ${NBSP}1,400.00 in all.",
        )
        self.assertEqual(mail.subject, f"Acme Corp: ${NBSP}1,000.00 due")

    def test_collector_cannot_write_code_in_templates(self):
        """Odoo's check still refuses an expression that is not allowed to a
        collector who is not a template editor."""
        collector = self._restrict_template_editing()
        template = self._template("mail_template_dso_first_reminder").with_user(
            collector
        )
        for body in (
            '<p><t t-out="object.partner_id.email"/></p>',
            '<p t-if="object.hashtag_amount_due">x</p>',
        ):
            with self.subTest(body=body), self.assertRaises(AccessError):
                template.write({"body_html": body})
        with self.assertRaises(AccessError):
            template.write({"subject": "{{ object.partner_id.email }}"})
        with self.assertRaises(AccessError):
            self._template("sms_template_dso_reminder").with_user(collector).write(
                {"body": "{{ object.partner_id.vat }}"}
            )
        # Templates of other documents stay Odoo's: only their author edits.
        other = self.env["mail.template"].create(
            {"name": "Partner", "model_id": self.env["ir.model"]._get("res.partner").id}
        )
        with self.assertRaises(AccessError):
            other.with_user(collector).write({"body_html": "<p>x</p>"})

    def test_collector_reads_the_hashtags(self):
        """The hashtags are computed as the collector who renders them."""
        collector = self._restrict_template_editing()
        action = self._email_action(user_id=collector.id).with_user(collector)
        self.assertEqual(action.hashtag_amount_due, f"${NBSP}1,400.00")
        # Oldest due first: the credit note C (2026-02-01) after invoice A.
        self.assertEqual(
            action.dso_open_item_ids.ids,
            (self.line_a | self.line_c | self.line_b).ids,
        )

    def test_shipped_templates_claim_only_what_is_due(self):
        """Invoice B is not yet due: the emails and letters claim A, list B
        apart, and speak of one invoice in the singular."""
        for xmlid in (
            "mail_template_dso_first_reminder",
            "mail_template_dso_second_reminder",
            "mail_template_dso_interactive_reminder",
        ):
            with self.subTest(template=xmlid):
                action = self._email_action(mail_template_id=self._template(xmlid).id)
                body = str(self._prepared(action)["body_html"])
                self.assertIn("the following invoice is overdue", body)
                self.assertNotIn(self.line_b.move_name, body)
                self.assertNotIn("1,400.00", body)
        for xmlid, action_type in LETTER_TEMPLATES:
            with self.subTest(template=xmlid):
                action = self._email_action(
                    action_type=action_type, mail_template_id=self._template(xmlid).id
                )
                body = str(self._prepared(action)["body_html"])
                self.assertIn("the following invoice is still unpaid", body)
                self.assertIn(f"${NBSP}1,052.33", body)
                self.assertNotIn("1,553.70", body)
                self.assertGreater(
                    body.index(self.line_b.move_name), body.index("Not yet due")
                )
