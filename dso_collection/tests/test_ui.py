from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import DsoCollectionHttpCommon


@tagged("post_install", "-at_install")
class TestUi(DsoCollectionHttpCommon):
    def test_agenda_tour_mark_done(self):
        # The browser runs in real time: dates are relative to today.
        today = fields.Date.today()
        customer = self._create_customer("Tour Customer Ltd")
        line = self._receivable(
            self._invoice(
                customer, 1200, today - timedelta(days=10), today - timedelta(days=40)
            )
        )
        self._plan(today, partners=customer)
        action = self._open_action(customer)
        self.assertEqual(action.step_id, self.step_first)
        self.assertEqual(action.date, today - timedelta(days=5))
        self.assertEqual(action.state, "to_confirm")
        self.assertEqual(action.user_id, self.collector)

        self.start_tour(
            "/odoo/action-dso_collection.dso_collection_action_action",
            "dso_collection_agenda_tour",
            login=self.collector.login,
        )

        self.env.invalidate_all()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.done_user_id, self.collector)
        self.assertEqual(action.date_done, today)
        nxt = self._open_action(customer)
        self.assertTrue(nxt)
        self.assertEqual(nxt.step_id, self.step_call)
        self.assertEqual(nxt.state, "todo")
        self.assertEqual(nxt.date, today + timedelta(days=7))
        self.assertEqual(nxt.cycle_id, action.cycle_id)
        self.assertEqual(nxt.line_ids, line)

    def test_send_tour_preview_edit_send(self):
        today = fields.Date.today()
        customer = self._create_customer("Send Tour Ltd", email="ap@sendtour.example")
        line = self._receivable(
            self._invoice(
                customer, 800, today - timedelta(days=40), today - timedelta(days=70)
            )
        )
        action = self.env["dso.collection.action"].create(
            {
                "name": "First reminder",
                "partner_id": customer.id,
                "action_type": "email",
                "date": today,
                "user_id": self.collector.id,
                "is_specific": True,
                "line_ids": [Command.set(line.ids)],
                "mail_template_id": self.env.ref(
                    "dso_collection.mail_template_dso_first_reminder"
                ).id,
            }
        )

        self.start_tour(
            "/odoo/action-dso_collection.dso_collection_action_action",
            "dso_collection_send_tour",
            login=self.collector.login,
        )

        self.env.invalidate_all()
        self.assertEqual(action.state, "done")
        mail = action.mail_id
        self.assertEqual(mail.subject, "Your account with us")
        self.assertIn("Dear Send Tour Ltd, 40 days already.", mail.body_html)
        self.assertEqual(mail.recipient_ids, customer)
        self.assertEqual(mail.state, "outgoing")
