"""Helpers of the hostile-input tests: a refused call leaves nothing
behind."""

import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase
from odoo.tools import SQL

from .common import DsoCollectionMultiCompanyCommon


class HostileMixin:
    """Asserts shared by ``test_hostile_forms`` and ``test_hostile_portal``."""

    def _table_count(self, table):
        """Rows of ``table`` as the database has them (no ORM cache)."""
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM %s", SQL.identifier(table)))
        return self.env.cr.fetchone()[0]

    def _assert_refused(self, func, *expected, snapshot=None):
        """``func`` raises a UserError (or a ValidationError, an
        AccessError) whose message holds each of ``expected`` (the record's
        name, the fix), never a database error or a traceback; what
        ``snapshot()`` reads is the same before and after."""
        before = snapshot() if snapshot else None
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            func()
            self.env.flush_all()
        message = str(caught.exception.args[0])
        for text in expected:
            self.assertIn(text, message)
        self.assertNotIn("Traceback", message)
        self.assertNotIn("psycopg2", message)
        self.env.invalidate_all()
        if snapshot:
            self.assertEqual(snapshot(), before, "nothing written")
        return message


class HostilePortalCommon(HostileMixin, DsoCollectionMultiCompanyCommon, HttpCase):
    """Acme Corp's answer link, and what a visitor must never see through
    it: another customer of the same company (Other Secret Ltd) and a
    customer of the second company (Foreign Hidden SA), each with its own
    link, answer and proof. The server runs in real time: dates are
    relative to today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.customer.write({"email": "ap@acme.example", "lang": "en_US"})
        cls.line = cls._create_item(cls.customer, 1000, today - timedelta(days=20))
        cls.invoice = cls.line.move_id
        cls.line2 = cls._create_item(cls.customer, 500, today - timedelta(days=5))
        cls.invoice2 = cls.line2.move_id
        cls.request = cls._link(cls.customer, cls.company, cls.line | cls.line2)

        cls.other = cls._create_customer("Other Secret Ltd")
        cls.other_line = cls._create_item(cls.other, 777.77, today - timedelta(days=20))
        cls.other_invoice = cls.other_line.move_id
        cls.other_request = cls._link(cls.other, cls.company, cls.other_line)

        cls.foreign = cls._create_customer("Foreign Hidden SA", company=cls.company_2)
        cls.foreign_line = cls._create_item(
            cls.foreign, 4321.09, today - timedelta(days=20), company=cls.company_2
        )
        cls.foreign_invoice = cls.foreign_line.move_id
        cls.foreign_request = cls._link(cls.foreign, cls.company_2, cls.foreign_line)

        # Answers of the others, with a proof each.
        cls.other_feedback = cls.other_request._dso_submit(
            [
                {
                    "line_id": cls.other_line.id,
                    "kind": "comment",
                    "comment": "SECRET-OTHER-COMMENT",
                    "attachment": {
                        "name": "other-proof.pdf",
                        "content": b"%PDF-1.4 SECRET-OTHER-PROOF",
                    },
                }
            ]
        )
        cls.foreign_feedback = cls.foreign_request._dso_submit(
            [
                {
                    "line_id": cls.foreign_line.id,
                    "kind": "comment",
                    "comment": "SECRET-FOREIGN-COMMENT",
                    "attachment": {
                        "name": "foreign-proof.pdf",
                        "content": b"%PDF-1.4 SECRET-FOREIGN-PROOF",
                    },
                }
            ]
        )
        own_names = (cls.invoice | cls.invoice2).mapped("name")
        cls.secrets = [
            "Other Secret Ltd",
            "Foreign Hidden SA",
            "777.77",
            "4,321.09",
            "4321.09",
            "SECRET-OTHER",
            "SECRET-FOREIGN",
            *(
                name
                for name in (cls.other_invoice | cls.foreign_invoice).mapped("name")
                if not any(name in own for own in own_names)
            ),
        ]

    @classmethod
    def _link(cls, partner, company, lines):
        """A sent answer link of ``partner`` on ``lines``."""
        request = (
            cls.env["dso.interactive.request"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "line_ids": [Command.set(lines.ids)],
                    "audience": "customer",
                }
            )
        )
        request._dso_mark_sent()
        return request

    def _url(self, request=None, token=None, suffix=""):
        request = request or self.request
        token = request.access_token if token is None else token
        return f"{request.access_url}{suffix}?access_token={token}"

    def _csrf(self, url=None):
        page = self.url_open(url or self._url())
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _assert_nothing_foreign(self, response, label=""):
        """No server error, and none of the others' data in the body."""
        self.assertLess(response.status_code, 500, label)
        body = response.text
        for secret in self.secrets:
            self.assertNotIn(secret, body, label)

    def _feedback_count(self):
        return self._table_count("dso_item_feedback")

    def _post_answers(self, data, files=None, csrf=None, request=None):
        """Post the answer form of the link (following the redirect)."""
        request = request or self.request
        data = {"csrf_token": csrf or self._csrf(self._url(request)), **data}
        return self.url_open(
            self._url(request, suffix="/answer"), data=data, files=files
        )


class HostileFormsCommon(HostileMixin, DsoCollectionMultiCompanyCommon):
    """Acme Corp and Other Ltd with one open item each, an item of the
    second company, a collection email and SMS template, a status; what
    each form's refusal must leave as it was."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = cls.env["ir.model"]._get("dso.collection.action")
        cls.customer.write({"email": "ap@acme.example", "mobile": False})
        cls.other = cls._create_customer("Other Ltd")
        with freeze_time("2026-03-01"):
            cls.line = cls._create_item(cls.customer, 1000, "2026-01-10")
            cls.other_line = cls._create_item(cls.other, 300, "2026-01-20")
            cls.foreign_line = cls._create_item(
                cls.shared_customer, 200, "2026-01-20", company=cls.company_2
            )
        cls.invoice = cls.line.move_id
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Hostile reminder",
                "model_id": cls.model.id,
                "subject": "Invoices of #customer_name",
                "body_html": "<p>You owe #amount_due.</p>",
            }
        )
        cls.sms_template = cls.env["sms.template"].create(
            {"name": "Hostile SMS", "model_id": cls.model.id, "body": "Pay #amount_due"}
        )
        cls.status = cls.env["dso.item.status"].create(
            {"name": "Hostile status", "exclude_from_scenario": True}
        )

    def _template_snapshot(self):
        return (
            self._table_count("mail_template"),
            self._table_count("sms_template"),
            self.template.subject,
            self.template.body_html,
            self.sms_template.body,
        )

    def _step_snapshot(self):
        return (
            self._table_count("dso_collection_step"),
            [
                (s.name, s.delay, s.action_type, s.mail_template_id.id)
                for s in self.scenario.step_ids
            ],
        )

    def _status_snapshot(self):
        return (
            self._table_count("dso_item_status"),
            self.status.review_days,
            self.status.delay,
        )

    def _company_snapshot(self):
        fields_ = (
            "dso_minimum_amount",
            "dso_ignore_below",
            "dso_penalty_fixed_rate",
            "dso_penalty_margin",
            "dso_recovery_cost_amount",
            "dso_auto_hour_from",
            "dso_auto_hour_to",
            "dso_interactive_expiry_days",
            "dso_bank_statement_max_days",
            "dso_fax_gateway",
        )
        return [self.company[name] for name in fields_]

    def _action_snapshot(self):
        return (
            self._table_count("dso_collection_action"),
            [(line.dso_status_id.id, line.dso_comment) for line in self._lines()],
        )

    def _lines(self):
        # sudo: the item of the second company, read whatever the user.
        return (self.line | self.other_line | self.foreign_line).sudo()

    def _wizard(self, lines, user=None, **vals):
        Wizard = self.env["dso.status.change.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        action = Wizard._dso_open(lines)
        return Wizard.with_context(**action["context"]).create(vals)
