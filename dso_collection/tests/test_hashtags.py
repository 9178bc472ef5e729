from freezegun import freeze_time
from markupsafe import Markup

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DsoCollectionCommon

NBSP = "\N{NO-BREAK SPACE}"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestHashtags(DsoCollectionCommon):
    """Every hashtag on one customer, as of 2026-03-01:

    - invoice A: 1 000 due 2026-01-10 (50 days late)
    - invoice B: 500 due 2026-03-20 (not due)
    - credit note C: 100
    Open balance 1 400, overdue 1 000. With 10 % a year: interest on A =
    1 000 x 0.10 x 50 / 365 = 13.70; recovery cost 40 on A.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"email": "ap@acme.example", "lang": "en_US"})
        cls.collector.signature = Markup("<p>Colette, <b>credit desk</b></p>")
        cls.company.write(
            {
                "dso_penalty_rate_type": "fixed",
                "dso_penalty_fixed_rate": 10.0,
                "dso_recovery_cost_amount": 40.0,
            }
        )
        cls.customer.with_company(cls.company).write(
            {"dso_late_penalty": True, "dso_recovery_cost": True}
        )
        with freeze_time("2026-03-01"):
            cls.inv_a = cls._invoice(cls.customer, 1000, "2026-01-10", "2025-12-10")
            cls.inv_b = cls._invoice(cls.customer, 500, "2026-03-20", "2026-02-18")
            cls.refund = cls._invoice(
                cls.customer, 100, "2026-02-01", move_type="out_refund"
            )
        cls.line_a = cls._receivable(cls.inv_a)
        cls.line_b = cls._receivable(cls.inv_b)
        cls.line_c = cls._receivable(cls.refund)
        cls.action = cls.env["dso.collection.action"].create(
            {
                "name": "Reminder",
                "partner_id": cls.customer.id,
                "action_type": "email",
                "date": "2026-03-01",
                "user_id": cls.collector.id,
                "line_ids": [Command.set((cls.line_a | cls.line_b).ids)],
            }
        )

    def _render_message(self, action):
        """The message the sending path prepares for ``action``."""
        action.write({"subject": False, "body_html": False, "sms_body": False})
        return self.env["dso.collection.send"]._prepare_contents(action)[action.id]

    def _html(self, content, action=None):
        return str(
            self.env["dso.hashtag"]._render(action or self.action, Markup(content))
        )

    def _text(self, content, action=None):
        return self.env["dso.hashtag"]._render(action or self.action, content, "text")

    def test_customer_and_collector(self):
        self.assertEqual(self._text("#customer_name"), "Acme Corp")
        self.assertEqual(self._text("Dear #customer_name,"), "Dear Acme Corp,")
        self.assertEqual(self._text("#collector_name"), "Colette Collector")
        self.assertIn("<b>credit desk</b>", self._html("#collector_signature"))
        self.assertEqual(self._text("#collector_signature"), "Colette, credit desk")

    def test_values_are_escaped(self):
        self.customer.name = 'Acme <script>alert("x")</script> & Co'
        html = self._html("<p>#customer_name</p>")
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertIn("&amp; Co", html)
        # The item table escapes invoice references too.
        self.line_a.move_id.sudo().ref = "<i>ref</i>"
        self.assertNotIn("<script", self._html("#items_list"))

    def test_company_logo(self):
        html = self._html("#company_logo")
        self.assertIn(f"/logo.png?company={self.company.id}", html)
        self.assertTrue(html.startswith("<img"))
        self.assertEqual(self._text("#company_logo"), "")

    def test_amounts(self):
        self.assertEqual(self._text("#amount_due"), f"${NBSP}1,400.00")
        self.assertEqual(self._text("#amount_overdue"), f"${NBSP}1,000.00")
        self.assertEqual(self._text("#items_amount_selected"), f"${NBSP}1,500.00")
        self.assertEqual(self._text("#oldest_due_date"), "01/10/2026")
        self.assertEqual(self._text("#days_overdue"), "50")

    def test_penalties(self):
        self.assertEqual(self._text("#late_penalties"), f"${NBSP}13.70")
        self.assertEqual(self._text("#recovery_cost"), f"${NBSP}40.00")
        self.assertEqual(
            self._text("#items_amount_selected_late_penalties"), f"${NBSP}53.70"
        )
        self.assertEqual(
            self._text("#items_amount_selected_include_late_penalties"),
            f"${NBSP}1,553.70",
        )
        self.customer.with_company(self.company).dso_late_penalty = False
        self.env.invalidate_all()
        self.assertEqual(self._text("#late_penalties"), f"${NBSP}0.00")
        self.assertEqual(
            self._text("#items_amount_selected_late_penalties"), f"${NBSP}40.00"
        )

    def test_item_lists(self):
        html = self._html("#items_list")
        self.assertIn("<table", html)
        for line in (self.line_a, self.line_b, self.line_c):
            self.assertIn(line.move_name, html)
        overdue = self._html("#items_list_overdue")
        self.assertIn(self.line_a.move_name, overdue)
        self.assertNotIn(self.line_b.move_name, overdue)
        self.assertNotIn(self.line_c.move_name, overdue)
        selected = self._html("#items_list_selected")
        self.assertIn(self.line_b.move_name, selected)
        # Oldest due date first.
        self.assertLess(
            selected.index(self.line_a.move_name), selected.index(self.line_b.move_name)
        )
        self.assertNotIn(self.line_c.move_name, selected)
        # Short text for SMS.
        self.assertEqual(
            self._text("#items_list_overdue"),
            f"{self.line_a.move_name} ${NBSP}1,000.00 01/10/2026",
        )

    def test_language_formatting(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        french = self._text("#amount_due")
        self.assertIn("400,00", french)
        self.assertNotIn("1,400.00", french)
        self.assertEqual(self._text("#oldest_due_date"), "10/01/2026")

    def test_foreign_currency_items(self):
        """Amounts are in the items' currency when they share one."""
        currency = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        customer = self._create_customer("Euro Client", email="eu@example.com")
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "currency_id": currency.id,
                "invoice_date": "2026-01-15",
                "invoice_date_due": "2026-02-01",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "x", "price_unit": 300, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        move.action_post()
        action = self.env["dso.collection.action"].create(
            {
                "name": "Reminder",
                "partner_id": customer.id,
                "action_type": "email",
                "date": "2026-03-01",
                "line_ids": [Command.set(self._receivable(move).ids)],
            }
        )
        self.assertEqual(self._text("#amount_due", action), f"300.00{NBSP}€")

    def test_unknown_hashtags_are_left_and_listed(self):
        Hashtag = self.env["dso.hashtag"]
        self.assertEqual(self._text("#amount_dew"), "#amount_dew")
        self.assertEqual(
            Hashtag._find_unknown(
                "<p>#amount_dew and #customer_name</p>", is_html=True
            ),
            ["amount_dew"],
        )
        # Colours and anchors in attributes are not hashtags.
        self.assertEqual(
            Hashtag._find_unknown(
                '<p style="color:#ff0000"><a href="#top">#customer_name</a></p>',
                is_html=True,
            ),
            [],
        )

    def test_unknown_hashtag_refused_on_mail_template(self):
        model = self.env["ir.model"]._get("dso.collection.action")
        with self.assertRaisesRegex(ValidationError, "#amount_dew"):
            self.env["mail.template"].create(
                {
                    "name": "Typo",
                    "model_id": model.id,
                    "subject": "Reminder",
                    "body_html": "<p>You owe #amount_dew</p>",
                }
            )
        template = self.env.ref("dso_collection.mail_template_dso_first_reminder")
        with self.assertRaisesRegex(ValidationError, "#customer_nme"):
            template.subject = "Hello #customer_nme"
        # Templates of other documents are not checked.
        self.env["mail.template"].create(
            {
                "name": "Other",
                "model_id": self.env["ir.model"]._get("res.partner").id,
                "body_html": "<p>#anything</p>",
            }
        )

    def test_unknown_hashtag_refused_on_sms_template(self):
        model = self.env["ir.model"]._get("dso.collection.action")
        with self.assertRaisesRegex(ValidationError, "#amount_dew"):
            self.env["sms.template"].create(
                {"name": "Typo", "model_id": model.id, "body": "Pay #amount_dew"}
            )

    def test_unknown_hashtag_refused_on_send(self):
        self.action.write({"subject": "Reminder", "body_html": "<p>#amount_dew</p>"})
        with self.assertRaisesRegex(UserError, "#amount_dew"):
            self.action.action_send()
        self.assertEqual(self.action.state, "todo")
        self.assertFalse(self.action.mail_id)

    def test_shipped_templates_render_every_hashtag(self):
        """The shipped templates render with no hashtag left."""
        for xmlid in (
            "mail_template_dso_friendly_reminder",
            "mail_template_dso_first_reminder",
            "mail_template_dso_second_reminder",
            "mail_template_dso_formal_notice",
            "mail_template_dso_litigation",
            "mail_template_dso_internal",
        ):
            with self.subTest(template=xmlid):
                self.action.mail_template_id = self.env.ref(f"dso_collection.{xmlid}")
                values = self._render_message(self.action)
                for name in self.env["dso.hashtag"]._get_hashtags():
                    self.assertNotIn(f"#{name}", values["subject"])
                    self.assertNotIn(f"#{name}", str(values["body_html"]))
                self.assertIn("Acme Corp", str(values["body_html"]))
        self.action.write(
            {
                "action_type": "sms",
                "sms_template_id": self.env.ref(
                    "dso_collection.sms_template_dso_reminder"
                ).id,
            }
        )
        sms = self._render_message(self.action)["sms_body"]
        self.assertEqual(
            sms,
            f"Acme Corp, ${NBSP}1,000.00 is overdue since 01/10/2026. "
            "Please pay or call us. Colette Collector",
        )

    def test_hashtag_help_lists_every_hashtag(self):
        template = self.env.ref("dso_collection.mail_template_dso_first_reminder")
        for name in self.env["dso.hashtag"]._get_hashtags():
            self.assertIn(f"#{name}:", template.dso_hashtag_help)
