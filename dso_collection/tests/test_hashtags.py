import base64
from unittest.mock import patch

from freezegun import freeze_time
from markupsafe import Markup

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import DsoCollectionCommon

NBSP = "\N{NO-BREAK SPACE}"

# A 1x1 PNG: a logo of the company's own, not Odoo's placeholder.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
)


class HashtagCommon(DsoCollectionCommon):
    """Every hashtag on one customer, as of 2026-03-01:

    - invoice A: 1 000 due 2026-01-10 (50 days late)
    - invoice B: 500 due 2026-03-20 (not due)
    - credit note C: 100
    Open balance 1 400, overdue 1 000. With 10 % a year, interest runs on
    what the credit note leaves unpaid of A: 900 x 0.10 x 50 / 365 = 12.33;
    recovery cost 40 on A.

    The test classes freeze the time on 2026-03-01 (``freeze_time`` on each
    concrete class: on a base class it would set up that base class).
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
            cls.line_a = cls._create_item(
                cls.customer, 1000, "2026-01-10", invoice_date="2025-12-10"
            )
            cls.line_b = cls._create_item(
                cls.customer, 500, "2026-03-20", invoice_date="2026-02-18"
            )
            cls.line_c = cls._create_item(
                cls.customer, 100, "2026-02-01", move_type="out_refund"
            )
        cls.refund = cls.line_c.move_id
        cls.action = cls._email_action()

    @classmethod
    def _email_action(cls, **vals):
        return cls.env["dso.collection.action"].create(
            {
                "name": "Reminder",
                "is_specific": True,
                "partner_id": cls.customer.id,
                "action_type": "email",
                "date": "2026-03-01",
                "user_id": cls.collector.id,
                "line_ids": [Command.set((cls.line_a | cls.line_b).ids)],
                **vals,
            }
        )

    def _value(self, name, action=None, fmt=None):
        """The field of hashtag ``name`` (its text twin with fmt="text"),
        read afresh."""
        action = action or self.action
        action._dso_invalidate_hashtags()
        return action[self.env["dso.hashtag"]._field_name(name, fmt or "html")]

    def _typed(self, content, action=None, is_html=False):
        """``content`` typed by the collector in the action's message, as
        sending expands it."""
        return self.env["dso.hashtag"]._expand_message(
            action or self.action, content, is_html
        )


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestHashtags(HashtagCommon):
    """What each hashtag becomes: the fields ``hashtag_<name>``, and the
    ``#name`` a collector types in a message, expanded by the same fields."""

    def test_customer_and_collector(self):
        self.assertEqual(self._value("customer_name"), "Acme Corp")
        self.assertEqual(self._typed("Dear #customer_name,"), "Dear Acme Corp,")
        self.assertEqual(self._value("collector_name"), "Colette Collector")
        self.assertIn("<b>credit desk</b>", self._value("collector_signature"))
        self.assertEqual(
            self._value("collector_signature", fmt="text"), "Colette, credit desk"
        )
        self.assertEqual(self._typed("#collector_signature"), "Colette, credit desk")

    def test_signature_once_without_separator(self):
        """Odoo's default signature starts with "--" and the name: the
        hashtag gives the name once, without the separator line."""
        self.collector.signature = Markup("<p>--<br>Colette Collector</p>")
        signature = str(self._value("collector_signature"))
        self.assertNotIn("--", signature)
        self.assertEqual(signature.count("Colette Collector"), 1)
        # No signature: the collector's name closes the message.
        self.collector.signature = False
        self.assertEqual(
            str(self._value("collector_signature")), "<p>Colette Collector</p>"
        )

    def test_no_signature_in_letters(self):
        for action_type in ("letter", "registered_letter", "litigation"):
            with self.subTest(action_type=action_type):
                self.action.action_type = action_type
                self.assertFalse(self._value("collector_signature"))
                self.assertFalse(self._value("collector_signature", fmt="text"))

    def test_values_are_escaped(self):
        self.customer.name = 'Acme <script>alert("x")</script> & Co'
        html = str(self._typed("<p>#customer_name</p>", is_html=True))
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertIn("&amp; Co", html)
        # The item table escapes what it shows too (the invoice numbers).
        self.env.cr.execute(
            SQL(
                "UPDATE account_move_line SET move_name = %s WHERE id = %s",
                "<i>INV</i>",
                self.line_a.id,
            )
        )
        self.env.invalidate_all()
        table = str(self._value("items_list"))
        self.assertIn("&lt;i&gt;INV&lt;/i&gt;", table)
        self.assertNotIn("<i>INV", table)

    def test_company_logo(self):
        # Odoo's placeholder logo: nothing.
        self.assertTrue(self.company.uses_default_logo)
        self.assertFalse(self._value("company_logo"))
        self.company.logo = PNG
        self.assertFalse(self.company.uses_default_logo)
        html = str(self._value("company_logo"))
        self.assertTrue(html.startswith("<img"))
        self.assertIn(f"/logo.png?company={self.company.id}", html)
        self.assertEqual(self._value("company_logo", fmt="text"), "")

    def test_amounts(self):
        self.assertEqual(self._value("amount_due"), f"${NBSP}1,400.00")
        self.assertEqual(self._value("amount_overdue"), f"${NBSP}1,000.00")
        self.assertEqual(self._value("items_amount_selected"), f"${NBSP}1,500.00")
        self.assertEqual(self._value("oldest_due_date"), "01/10/2026")
        self.assertEqual(self._value("days_overdue"), "50")

    def test_penalties(self):
        self.assertEqual(self._value("late_penalties"), f"${NBSP}12.33")
        self.assertEqual(self._value("recovery_cost"), f"${NBSP}40.00")
        self.assertEqual(
            self._value("items_amount_selected_late_penalties"), f"${NBSP}52.33"
        )
        # What is claimed: invoice A with its penalties, not B (not yet due).
        self.assertEqual(
            self._value("items_amount_selected_include_late_penalties"),
            f"${NBSP}1,052.33",
        )
        self.customer.with_company(self.company).dso_late_penalty = False
        self.env.invalidate_all()
        self.assertEqual(self._value("late_penalties"), f"${NBSP}0.00")
        self.assertEqual(
            self._value("items_amount_selected_late_penalties"), f"${NBSP}40.00"
        )

    def test_item_lists(self):
        html = str(self._value("items_list"))
        self.assertIn("<table", html)
        for line in (self.line_a, self.line_b, self.line_c):
            self.assertIn(line.move_name, html)
        overdue = str(self._value("items_list_overdue"))
        self.assertIn(self.line_a.move_name, overdue)
        self.assertNotIn(self.line_b.move_name, overdue)
        self.assertNotIn(self.line_c.move_name, overdue)
        selected = str(self._value("items_list_selected"))
        self.assertIn(self.line_b.move_name, selected)
        # Oldest due date first.
        self.assertLess(
            selected.index(self.line_a.move_name), selected.index(self.line_b.move_name)
        )
        self.assertNotIn(self.line_c.move_name, selected)
        # Short text for SMS.
        self.assertEqual(
            self._value("items_list_overdue", fmt="text"),
            f"{self.line_a.move_name} ${NBSP}1,000.00 01/10/2026",
        )

    def test_language_formatting(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        french = self._value("amount_due")
        self.assertIn("400,00", french)
        self.assertNotIn("1,400.00", french)
        self.assertEqual(self._value("oldest_due_date"), "10/01/2026")

    def test_foreign_currency_items(self):
        """Amounts are in the items' currency when they share one."""
        currency = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        customer = self._create_customer("Euro Client", email="eu@example.com")
        line = self._create_item(
            customer, 300, "2026-02-01", invoice_date="2026-01-15", currency=currency
        )
        action = self.env["dso.collection.action"].create(
            {
                "name": "Reminder",
                "partner_id": customer.id,
                "action_type": "email",
                "date": "2026-03-01",
                "line_ids": [Command.set(line.ids)],
            }
        )
        self.assertEqual(self._value("amount_due", action), f"300.00{NBSP}€")

    def test_computed_for_all_actions_at_once(self):
        """The items are read once for all the actions rendered together."""
        actions = self.action | self._email_action() | self._email_action()
        hashtag_class = type(self.env["dso.hashtag"])
        read_items = hashtag_class._read_items
        calls = []

        def spy(model, actions):
            calls.append(actions.ids)
            return read_items(model, actions)

        with patch.object(hashtag_class, "_read_items", spy):
            actions._dso_invalidate_hashtags()
            self.assertEqual(
                actions.mapped("hashtag_amount_due"), [f"${NBSP}1,400.00"] * 3
            )
            self.assertTrue(all(actions.mapped("hashtag_items_list_overdue")))
        self.assertEqual(calls, [actions.ids])

    def test_new_action_without_customer(self):
        action = self.env["dso.collection.action"].new({"action_type": "email"})
        self.assertFalse(action.hashtag_amount_due)
        self.assertFalse(action.hashtag_items_list)
        self.assertEqual(action.recipients_display, "")

    def test_typed_hashtags_in_text_only(self):
        """In a message the collector edited, hashtags of the text are
        expanded; anchors, colours and unknown words stay."""
        html = str(
            self._typed(
                '<p style="color:#fff">Owed: #amount_due, '
                '<a href="#amount_due">see #amount_overdue</a> #amount_dew</p>',
                is_html=True,
            )
        )
        self.assertIn(f"Owed: ${NBSP}1,400.00,", html)
        self.assertIn(f"see ${NBSP}1,000.00", html)
        self.assertIn('href="#amount_due"', html)
        self.assertIn("color:#fff", html)
        self.assertIn("#amount_dew", html)
        # In text, "{{" the collector types stays text: nothing is evaluated.
        self.assertEqual(
            self._typed("{{ object.id }} #days_overdue"), "{{ object.id }} 50"
        )

    def test_unknown_hashtags_listed(self):
        Hashtag = self.env["dso.hashtag"]
        self.assertEqual(
            Hashtag._find_unknown(
                "<p>#amount_dew and #customer_name</p>", is_html=True
            ),
            ["amount_dew"],
        )
        # Colours and anchors in attributes, and CSS, are not hashtags.
        self.assertEqual(
            Hashtag._find_unknown(
                '<style>p {color: #ff0000}</style><p style="color:#ff0000">'
                '<a href="#top">#customer_name</a></p>',
                is_html=True,
            ),
            [],
        )
        # In an inline template, only what is outside {{ }}.
        self.assertEqual(
            Hashtag._find_unknown("{{ object.name or '#none' }} #nope #days_overdue"),
            ["nope"],
        )

    def test_hashtag_help_lists_every_hashtag(self):
        template = self.env.ref("dso_collection.mail_template_dso_first_reminder")
        sms_template = self.env.ref("dso_collection.sms_template_dso_reminder")
        for name in self.env["dso.hashtag"]._get_hashtags():
            self.assertIn(f"#{name}:", template.dso_hashtag_help)
            self.assertIn(f"#{name}:", sms_template.dso_hashtag_help)
            # Each one is a field templates may use without being editors.
            self.assertIn(f"hashtag_{name}", self.env["dso.collection.action"])
            self.assertIn(
                f"object.hashtag_{name}",
                self.env["dso.collection.action"].mail_allowed_qweb_expressions(),
            )

    # Issue 21: claims, greetings, singular and plural -------------------

    def test_claims_only_what_is_due(self):
        """Invoice B (due 2026-03-20) is not yet due: the amount claimed,
        with interest and recovery costs, is A's; B is listed apart."""
        self.assertEqual(
            self._value("items_amount_selected_overdue"), f"${NBSP}1,000.00"
        )
        self.assertEqual(self._value("amount_not_due"), f"${NBSP}500.00")
        self.assertEqual(
            self._value("items_amount_selected_include_late_penalties"),
            f"${NBSP}1,052.33",
        )
        selected = str(self._value("items_list_selected"))
        self.assertEqual(selected.count("<table"), 2)
        heading = selected.index("Not yet due")
        self.assertLess(selected.index(self.line_a.move_name), heading)
        self.assertGreater(selected.index(self.line_b.move_name), heading)
        # Each table has its own total: 1 000 due, then 500 not yet due.
        self.assertLess(selected.index("1,000.00"), heading)
        self.assertGreater(selected.rindex("500.00"), heading)
        not_due = str(self._value("items_list_not_due"))
        self.assertIn(self.line_b.move_name, not_due)
        self.assertNotIn(self.line_a.move_name, not_due)
        self.assertEqual(
            self._value("items_list_selected", fmt="text"),
            f"{self.line_a.move_name} ${NBSP}1,000.00 01/10/2026; "
            f"not yet due: {self.line_b.move_name} ${NBSP}500.00 03/20/2026",
        )
        # Only items due: one table.
        self.action.line_ids = self.line_a
        self.assertEqual(str(self._value("items_list_selected")).count("<table"), 1)
        self.assertNotIn("Not yet due", str(self._value("items_list_selected")))

    def test_greets_the_contact_the_email_goes_to(self):
        self.assertEqual(self._value("contact_name"), "Acme Corp")
        laura = self.env["res.partner"].create(
            {
                "name": "Laura Bennett",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "laura@acme.example",
            }
        )
        self.assertEqual(self._value("contact_name"), "Laura Bennett")
        self.assertEqual(self._typed("Dear #contact_name,"), "Dear Laura Bennett,")
        # A letter is addressed to the customer.
        self.action.action_type = "letter"
        self.assertEqual(self._value("contact_name"), "Acme Corp")
        # Two invoicing contacts receive the email: the customer is greeted.
        self.action.action_type = "email"
        laura.copy({"name": "Tom Price", "email": "tom@acme.example"})
        self.assertEqual(self._value("contact_name"), "Acme Corp")

    def test_singular_and_plural(self):
        self.assertEqual(
            self._value("items_overdue_intro"),
            "the following invoice is overdue (due on 01/10/2026)",
        )
        self.assertEqual(
            self._value("items_unpaid_intro"), "the following invoice is still unpaid"
        )
        line = self._create_item(
            self.customer, 200, "2026-02-10", invoice_date="2026-01-10"
        )
        self.action.line_ids |= line
        self.assertEqual(
            self._value("items_overdue_intro"),
            "the following invoices are overdue (the oldest due on 01/10/2026)",
        )
        self.assertEqual(
            self._value("items_unpaid_intro"),
            "the following invoices are still unpaid",
        )

    def test_rates_with_two_decimals(self):
        mentions = self._value("legal_mentions", fmt="text")
        self.assertIn("at the annual rate of 10.00%", mentions)
        self.assertNotIn("10.0000", mentions)
        rate = self.env["dso.reference.rate"].create(
            {"date_from": "2030-01-01", "rate": 2.15}
        )
        self.assertEqual(rate.name, "2.15 % from 2030-01-01")
