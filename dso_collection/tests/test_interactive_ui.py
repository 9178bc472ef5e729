from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import DsoCollectionHttpCommon


@tagged("post_install", "-at_install")
class TestInteractiveUi(DsoCollectionHttpCommon):
    """In a real browser: the customer answers two invoices on the page of
    its interactive email, the collector validates one answer and rejects
    the other; the validated item carries the status. The browser runs in
    real time: dates are relative to today."""

    def test_customer_answers_and_collector_decides(self):
        today = fields.Date.today()
        customer = self._create_customer(
            "Answering Customer", email="ap@answer.example"
        )
        customer.with_company(self.company).dso_interactive_email = True
        line = self._create_item(customer, 1000, today - timedelta(days=20))
        line2 = self._create_item(customer, 500, today - timedelta(days=10))
        action = self.env["dso.collection.action"].create(
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
                "line_ids": [Command.set((line | line2).ids)],
            }
        )
        self.env["dso.collection.send"]._send_now(action)
        request = action._dso_interactive_request()

        self.start_tour(request.get_portal_url(), "dso_interactive_answer_tour")

        feedback = request.feedback_ids
        self.assertEqual(len(feedback), 2)
        self.assertEqual(set(feedback.mapped("state")), {"pending"})
        dispute = feedback.filtered(lambda f: f.kind == "dispute")
        self.assertEqual(dispute.line_id, line2)
        self.assertEqual(dispute.comment, "Two chairs arrived broken")

        self.start_tour(
            "/odoo/action-dso_collection.dso_item_feedback_action",
            "dso_feedback_decision_tour",
            login=self.collector.login,
        )

        self.env.invalidate_all()
        comment = feedback - dispute
        self.assertEqual(dispute.state, "validated")
        self.assertEqual(
            line2.dso_status_id, self.env.ref("dso_collection.dso_item_status_dispute")
        )
        self.assertEqual(line2.dso_status_history_ids[:1].source, "customer")
        self.assertEqual(comment.state, "rejected")
        self.assertEqual(comment.reject_reason, "No payment received")
        self.assertFalse(line.dso_status_id)

    def _customer_with_request(self):
        today = fields.Date.today()
        customer = self._create_customer(
            "Portal Customer SA", email="ap@portal.example"
        )
        customer.with_company(self.company).dso_interactive_email = True
        lines = self._create_item(
            customer, 1000, today - timedelta(days=20)
        ) | self._create_item(customer, 500, today - timedelta(days=10))
        action = self.env["dso.collection.action"].create(
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
                "line_ids": [Command.set(lines.ids)],
            }
        )
        self.env["dso.collection.send"]._send_now(action)
        return customer, action._dso_interactive_request()

    def test_answer_page_total_breadcrumb_and_fields_per_answer(self):
        """Issue 21: the page says what is due in all, has a breadcrumb, and
        ties each field to the answers it belongs to."""
        _customer, request = self._customer_with_request()
        page = self.url_open(request.get_portal_url())
        self.assertEqual(page.status_code, 200)
        html = etree.fromstring(page.text, etree.HTMLParser())
        [total] = html.xpath("//p[contains(@class, 'o_dso_total_due')]")
        self.assertIn("1,500.00", "".join(total.itertext()))
        self.assertTrue(html.xpath("//ol[contains(@class, 'o_portal_submenu')]"))
        self.assertTrue(html.xpath("//li[contains(@class, 'o_dso_breadcrumb')]"))
        kinds = {
            node.xpath("string(.//label)").strip().split("\n")[0]: node.get(
                "data-dso-kinds"
            )
            for node in html.xpath("//div[@data-dso-kinds]")
        }
        self.assertEqual(kinds["Payment reference"], "paid")
        self.assertEqual(kinds["Dispute reason"], "dispute")
        self.assertEqual(kinds["Comment"], "paid promise dispute comment")

    def test_portal_home_shows_the_count(self):
        customer, _request = self._customer_with_request()
        contact = self._create_contact(customer, "Paula Portal")
        portal = new_test_user(
            self.env,
            login="dso_portal_contact",
            groups="base.group_portal",
            partner_id=contact.id,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.start_tour("/my", "dso_portal_home_count_tour", login=portal.login)
