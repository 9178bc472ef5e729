from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_hostile import HostileFormsCommon

BROKEN_QWEB = (
    '<p>Pay <t t-out="object.hashtag_amount_due +"/></p>',
    '<p t-if="object.hashtag_amount_due ==">x</p>',
    '<p><t t-foreach="object.line_ids[" t-as="line">x</t></p>',
    '<a t-attf-href="/pay/{{ object.id + }}">pay</a>',
    "<p>Dear {{ object.hashtag_customer_name </p>",
)
BROKEN_INLINE = (
    "Reminder {{ object.hashtag_customer_name ",
    "Reminder {{ object.hashtag_amount_due + }}",
    "Reminder }} {{",
    "Reminder {{ __import__('os') }}",
)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestHostileForms(HostileFormsCommon):
    """Every form a collector or a credit manager fills, with bad input: a
    clear error naming the record and the fix, and nothing written."""

    # Templates and hashtags ------------------------------------------------

    def test_mail_template_unknown_and_malformed_hashtags(self):
        for body in (
            "<p>You owe #amount_dew</p>",
            "<p>You owe #amount_due_</p>",
            "<p>You owe ##amount_duex</p>",
        ):
            with self.subTest(body=body):
                self._assert_refused(
                    lambda b=body: self.env["mail.template"].create(
                        {
                            "name": "Typo template",
                            "model_id": self.model.id,
                            "body_html": b,
                        }
                    ),
                    "Typo template",
                    "Correct or remove them",
                    snapshot=self._template_snapshot,
                )
                self._assert_refused(
                    lambda b=body: self.template.write({"body_html": b}),
                    "Hostile reminder",
                    snapshot=self._template_snapshot,
                )
        # A "#" that is no hashtag (an invoice number) stays text.
        self.template.body_html = "<p>Invoice #123 of #customer_name, # 4</p>"
        self.assertIn("#123", self.template.body_html)

    def test_mail_template_broken_syntax(self):
        for body in BROKEN_QWEB:
            with self.subTest(body=body):
                self._assert_refused(
                    lambda b=body: self.template.write({"body_html": b}),
                    "Hostile reminder",
                    "Correct",
                    snapshot=self._template_snapshot,
                )
        for subject in BROKEN_INLINE:
            with self.subTest(subject=subject):
                self._assert_refused(
                    lambda s=subject: self.template.write({"subject": s}),
                    "Hostile reminder",
                    "Correct",
                    snapshot=self._template_snapshot,
                )
                self._assert_refused(
                    lambda s=subject: self.env["mail.template"].create(
                        {"name": "Broken", "model_id": self.model.id, "subject": s}
                    ),
                    "Broken",
                    snapshot=self._template_snapshot,
                )

    def test_sms_template_bad_hashtags_and_syntax(self):
        for body in ("Pay #amount_dew", *BROKEN_INLINE):
            with self.subTest(body=body):
                self._assert_refused(
                    lambda b=body: self.sms_template.write({"body": b}),
                    "Hostile SMS",
                    "Correct",
                    snapshot=self._template_snapshot,
                )
                self._assert_refused(
                    lambda b=body: self.env["sms.template"].create(
                        {"name": "Bad SMS", "model_id": self.model.id, "body": b}
                    ),
                    "Bad SMS",
                    snapshot=self._template_snapshot,
                )

    def test_shipped_and_other_templates_pass(self):
        """The check refuses broken templates only: every shipped collection
        template passes, templates of other documents are Odoo's."""
        domain = [("model", "=", "dso.collection.action")]
        templates = [
            *self.env["mail.template"].search(domain),
            *self.env["sms.template"].search(domain),
        ]
        self.assertGreater(len(templates), 4)
        for template in templates:
            template._check_dso_hashtags()
        partner_model = self.env["ir.model"]._get("res.partner")
        self.env["mail.template"].create(
            {"name": "Odoo's", "model_id": partner_model.id, "subject": "{{ x "}
        )

    # Scenario steps ------------------------------------------------------

    def test_step_delays(self):
        cases = (
            ({"trigger": "last_action", "delay": -3}, "Set a positive delay"),
            ({"trigger": "due", "delay": 100000}, "3650"),
            ({"trigger": "due", "delay": -100000}, "3650"),
            ({"trigger": "due", "delay": 2**31}, "3650"),
        )
        for vals, fix in cases:
            with self.subTest(vals=vals):
                self._assert_refused(
                    lambda v=vals: self.step_call.write(v),
                    "Phone call",
                    "Test scenario",
                    fix,
                    snapshot=self._step_snapshot,
                )
                self._assert_refused(
                    lambda v=vals: self.scenario.write(
                        {
                            "step_ids": [
                                Command.create(
                                    {"name": "Bad step", "action_type": "call", **v}
                                )
                            ]
                        }
                    ),
                    "Bad step",
                    fix,
                    snapshot=self._step_snapshot,
                )

    def test_sending_steps_without_template(self):
        for action_type in ("letter", "registered_letter", "fax", "sms"):
            with self.subTest(action_type=action_type):
                self._assert_refused(
                    lambda t=action_type: self.scenario.write(
                        {
                            "step_ids": [
                                Command.create(
                                    {"name": "No template", "action_type": t}
                                )
                            ]
                        }
                    ),
                    "No template",
                    "Choose a template",
                    snapshot=self._step_snapshot,
                )
        self._assert_refused(
            lambda: self.step_notice.write({"mail_template_id": False}),
            "Formal notice",
            "Choose a template",
            snapshot=self._step_snapshot,
        )

    # Statuses --------------------------------------------------------------

    def test_status_days(self):
        for vals, fix in (
            ({"review_days": -1}, "0"),
            ({"review_days": 100000}, "3650"),
            ({"delay": -2}, "0"),
            ({"delay": 100000}, "3650"),
            ({"review_days": 2**31}, "3650"),
        ):
            with self.subTest(vals=vals):
                self._assert_refused(
                    lambda v=vals: self.status.write(v),
                    "Hostile status",
                    fix,
                    snapshot=self._status_snapshot,
                )
                self._assert_refused(
                    lambda v=vals: self.env["dso.item.status"].create(
                        {"name": "Bad status", **v}
                    ),
                    "Bad status",
                    fix,
                    snapshot=self._status_snapshot,
                )

    # Amounts and hours of the company --------------------------------------

    def test_company_amounts_rates_and_hours(self):
        name = self.company.name
        for vals, fix in (
            ({"dso_minimum_amount": -1}, "Settings > Collection"),
            ({"dso_ignore_below": -0.01}, "Settings > Collection"),
            ({"dso_penalty_fixed_rate": -5}, "between 0 and 100"),
            ({"dso_penalty_fixed_rate": 1e12}, "between 0 and 100"),
            ({"dso_penalty_margin": -1}, "between 0 and 100"),
            ({"dso_recovery_cost_amount": -40}, "Settings > Collection"),
            ({"dso_auto_hour_from": -1}, "between 0 and 24"),
            ({"dso_auto_hour_to": 25}, "between 0 and 24"),
            ({"dso_auto_hour_from": 18, "dso_auto_hour_to": 8}, "before the end"),
            ({"dso_auto_hour_from": 9, "dso_auto_hour_to": 9}, "before the end"),
            ({"dso_interactive_expiry_days": 0}, "at least one day"),
            ({"dso_interactive_expiry_days": 10**6}, "at most 3650 days"),
            ({"dso_bank_statement_max_days": -1}, "between 0 and 3650"),
            ({"dso_bank_statement_max_days": 2**31}, "between 0 and 3650"),
            ({"dso_fax_gateway": "fax.example.com"}, "{number}"),
        ):
            with self.subTest(vals=vals):
                self._assert_refused(
                    lambda v=vals: self.company.write(v),
                    name,
                    fix,
                    snapshot=self._company_snapshot,
                )

    def test_settings_form(self):
        """The same checks through Settings > Collection."""
        Settings = self.env["res.config.settings"].with_company(self.company)
        self._assert_refused(
            lambda: Settings.create({"dso_minimum_amount": -100}).execute(),
            self.company.name,
            "Settings > Collection",
            snapshot=self._company_snapshot,
        )

    # Phone numbers ---------------------------------------------------------

    def test_sms_to_bad_or_missing_numbers(self):
        action = self._specific_action(
            self.line,
            "2026-03-01",
            name="Hostile SMS",
            action_type="sms",
            sms_template_id=self.sms_template.id,
        )

        def snapshot():
            return (self._table_count("sms_sms"), action.state, action.sms_id.id)

        for mobile, fix in (
            ("call me maybe", "No valid mobile number for Acme Corp (call me maybe)"),
            ("+32 470 12 34 56 78 90 12 34 56", "correct the number"),
            ("0470<script>", "No valid mobile number for Acme Corp"),
            (False, "Acme Corp has no mobile or phone number"),
        ):
            with self.subTest(mobile=mobile):
                self.customer.write({"mobile": mobile, "phone": False})
                self._assert_refused(action.action_send, fix, snapshot=snapshot)

    # Specific actions and the status wizard --------------------------------

    def test_specific_action_bad_items(self):
        # A credit manager working in both companies.
        Action = self.env["dso.collection.action"].with_context(
            allowed_company_ids=(self.company | self.company_2).ids
        )
        self._assert_refused(
            lambda: Action._dso_create_specific(self.line.browse(), {"name": "X"}),
            "Select the items",
            snapshot=self._action_snapshot,
        )
        for lines in (self.line | self.other_line, self.line | self.foreign_line):
            with self.subTest(lines=lines.ids):
                self._assert_refused(
                    lambda lines=lines: Action.create(
                        {
                            "name": "Mixed action",
                            "is_specific": True,
                            "partner_id": self.customer.id,
                            "company_id": self.company.id,
                            "action_type": "call",
                            "line_ids": [Command.set(lines.ids)],
                        }
                    ),
                    "Mixed action",
                    "Acme Corp",
                    "remove them",
                    snapshot=self._action_snapshot,
                )
        self._assert_refused(
            lambda: Action.create(
                {
                    "name": "Empty action",
                    "is_specific": True,
                    "partner_id": self.customer.id,
                    "action_type": "call",
                }
            ),
            "Empty action",
            "select the invoices",
            snapshot=self._action_snapshot,
        )

    def test_status_wizard_bad_input(self):
        wizard = self._wizard(self.line, status_id=self.status.id)
        wizard.line_ids = False
        self._assert_refused(
            wizard.action_apply, "at least one item", snapshot=self._action_snapshot
        )
        self._assert_refused(
            lambda: self.env["dso.status.change.wizard"]._dso_open(self.line.browse()),
            "No open item",
        )
        # A specific action dated before today.
        wizard = self._wizard(
            self.line,
            status_id=self.status.id,
            next_action="specific",
            specific_source="scratch",
        )
        wizard.action_date = "2026-02-01"
        self._assert_refused(
            wizard.action_apply,
            self.invoice.name,
            "today or a later date",
            snapshot=self._action_snapshot,
        )
        # A customer email without its template.
        wizard = self._wizard(self.line, status_id=self.status.id)
        wizard.email_mode = "customer"
        self._assert_refused(
            wizard.action_apply, "template of the email", snapshot=self._action_snapshot
        )

    def test_status_wizard_two_customers_one_action_each(self):
        """Items of two customers of one company are allowed: each customer
        gets its own specific action on its own items."""
        wizard = self._wizard(
            self.line | self.other_line,
            next_action="specific",
            specific_source="scratch",
        )
        wizard.action_apply()
        actions = self.env["dso.collection.action"].search(
            [("line_ids", "in", (self.line | self.other_line).ids)]
        )
        self.assertEqual(len(actions), 2)
        for action in actions:
            self.assertEqual(
                action.line_ids.partner_id.commercial_partner_id, action.partner_id
            )

    def test_status_wizard_item_of_another_company(self):
        """A collector of the first company cannot qualify an item of the
        second, even with its id forged into the wizard."""
        wizard = self._wizard(self.line, user=self.collector)
        self._assert_refused(
            lambda: (
                wizard.write(
                    {
                        "line_ids": [Command.set((self.line | self.foreign_line).ids)],
                        "status_id": self.status.id,
                    }
                )
                and wizard.action_apply()
            ),
            self.company_2.name,
            snapshot=self._action_snapshot,
        )

    # Answers -----------------------------------------------------------------

    def test_reject_wizard_without_reason(self):
        request = (
            self.env["dso.interactive.request"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "line_ids": [Command.set(self.line.ids)],
                }
            )
        )
        request._dso_mark_sent()
        feedback = request._dso_submit(
            [{"line_id": self.line.id, "kind": "comment", "comment": "Paid?"}]
        )

        def snapshot():
            return (
                feedback.state,
                feedback.reject_reason,
                len(self.customer.message_ids),
            )

        for reason in ("", "   ", "\n\t"):
            with self.subTest(reason=reason):
                wizard = self.env["dso.feedback.reject.wizard"].create(
                    {"feedback_ids": [Command.set(feedback.ids)], "reason": reason}
                )
                self._assert_refused(
                    wizard.action_reject,
                    self.invoice.name,
                    "Say why",
                    snapshot=snapshot,
                )
