from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import DsoCollectionHttpCommon


@tagged("post_install", "-at_install")
class TestStatusWizardUi(DsoCollectionHttpCommon):
    """The three-step status wizard from the customer sheet, in a real
    browser, by a collector. The browser runs in real time: dates are
    relative to today."""

    def test_status_wizard_tour(self):
        today = fields.Date.today()
        customer = self._create_customer(
            "Wizard Customer SA", email="ap@wizard.example"
        )
        line = self._create_item(customer, 1200, today - timedelta(days=10))
        invoice = line.move_id
        other_line = self._create_item(customer, 400, today - timedelta(days=5))
        other = other_line.move_id
        self.env["mail.template"].create(
            {
                "name": "Status confirmation",
                "model_id": self.env.ref(
                    "dso_collection.model_dso_collection_action"
                ).id,
                "subject": "Your invoices",
                "body_html": "<p>Dear <t t-out='object.hashtag_customer_name'/>,"
                "</p><t t-out='object.hashtag_items_list_selected'/>",
            }
        )
        self._plan(today, partners=customer)

        self.start_tour(
            f"/odoo/res.partner/{customer.id}",
            "dso_status_wizard_tour",
            login=self.collector.login,
        )

        self.env.invalidate_all()
        promise = self.env.ref("dso_collection.dso_item_status_promise")
        self.assertEqual(line.dso_status_id, promise)
        self.assertEqual(line.dso_comment, "Will pay on Friday")
        self.assertEqual(line.dso_status_history_ids.user_id, self.collector)
        self.assertFalse(other_line.dso_status_id)
        mails = self._customer_mails(customer)
        self.assertEqual(len(mails), 1)
        self.assertIn("Will pay on Friday", mails.body_html)
        self.assertIn(invoice.name, mails.body_html)
        self.assertNotIn(other.name, mails.body_html)
        specific = self.env["dso.collection.action"].search(
            [
                ("partner_id", "=", customer.id),
                ("is_specific", "=", True),
                ("state", "=", "todo"),
            ]
        )
        self.assertEqual(specific.action_type, "call")
        self.assertEqual(specific.date, today + timedelta(days=2))
        self.assertEqual(specific.line_ids, line)
