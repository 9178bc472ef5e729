from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import DsoCollectionHttpCommon


@tagged("post_install", "-at_install")
class TestWordTour(DsoCollectionHttpCommon):
    """In a real browser: the customer answers "paid, ref WIRE-TOUR-7,
    1,000.00" on its answer page; the collector sees the automatic email
    held with that reason in the agenda, the matched bank line on the
    answer, and validates it. The browser runs in real time: dates are
    relative to today."""

    def test_paid_answer_holds_matches_and_is_validated(self):
        today = fields.Date.today()
        customer = self._create_customer(
            "Word Tour Customer", email="ap@wordtour.example"
        )
        customer.with_company(self.company).dso_interactive_email = True
        line = self._create_item(customer, 1000, today - timedelta(days=20))
        bank_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.company_data["default_journal_bank"].id,
                "date": today,
                "payment_ref": "Bank transfer WIRE-TOUR-7",
                "amount": 1000.0,
            }
        )
        interactive = self.env["dso.collection.action"].create(
            {
                "name": "Interactive reminder",
                "partner_id": customer.id,
                "company_id": self.company.id,
                "is_specific": True,
                "action_type": "interactive_email",
                "user_id": self.collector.id,
                "mail_template_id": self.env.ref(
                    "dso_collection.mail_template_dso_interactive_reminder"
                ).id,
                "line_ids": [Command.set(line.ids)],
            }
        )
        self.env["dso.collection.send"]._send_now(interactive)
        request = interactive._dso_interactive_request()
        # The next automatic email, due today.
        reminder = self.env["dso.collection.action"].create(
            {
                "name": "Automatic reminder",
                "partner_id": customer.id,
                "company_id": self.company.id,
                "is_specific": True,
                "action_type": "email",
                "automatic": True,
                "date": today,
                "user_id": self.collector.id,
                "mail_template_id": self.env.ref(
                    "dso_collection.mail_template_dso_first_reminder"
                ).id,
                "line_ids": [Command.set(line.ids)],
            }
        )

        self.start_tour(request.get_portal_url(), "dso_word_paid_answer_tour")

        answer = request.feedback_ids
        self.assertEqual(len(answer), 1)
        self.assertEqual(answer.kind, "paid")
        self.assertEqual(answer.reference, "WIRE-TOUR-7")
        self.assertEqual(answer.amount, 1000.0)
        self.assertEqual(answer.match_statement_line_id, bank_line)

        # The sending's run writes why the reminder waits.
        ready = self.env["dso.collection.send"]._dso_apply_holds(
            reminder, self.company, today
        )
        self.assertFalse(ready)
        self.assertIn("WIRE-TOUR-7", reminder.dso_hold_reason)

        self.start_tour(
            "/odoo/action-dso_collection.dso_collection_action_action?view_type=list",
            "dso_word_collector_tour",
            login=self.collector.login,
        )
        self.start_tour(
            "/odoo/action-dso_collection.dso_item_feedback_action",
            "dso_word_answer_decision_tour",
            login=self.collector.login,
        )
        self.env.invalidate_all()
        self.assertEqual(answer.state, "validated")
        # The hold lifts: the answer is decided.
        self.assertEqual(
            self.env["dso.collection.send"]._dso_apply_holds(
                reminder, self.company, today
            ),
            reminder,
        )
        self.assertFalse(reminder.dso_hold_reason)
