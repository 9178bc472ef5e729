from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import DsoCollectionHttpCommon


@tagged("post_install", "-at_install")
class TestUi(DsoCollectionHttpCommon):
    """The main screens, walked in a real browser by a collector. The browser
    runs in real time: dates are relative to today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.step_first.mail_template_id = cls.env.ref(
            "dso_collection.mail_template_dso_first_reminder"
        )

    def _days(self, days):
        return self.today + timedelta(days=days)

    def _specific_call(self, customer, date, due_in):
        line = self._create_item(customer, 500, self._days(due_in))
        return self.env["dso.collection.action"].create(
            {
                "partner_id": customer.id,
                "is_specific": True,
                "action_type": "call",
                "date": date,
                "user_id": self.collector.id,
                "line_ids": [Command.set(line.ids)],
            }
        )

    def test_agenda_tour(self):
        customer = self._create_customer(
            "Tour Customer Ltd", email="ap@tourcustomer.example"
        )
        line = self._create_item(
            customer, 1200, self._days(-10), invoice_date=self._days(-40)
        )
        self._plan(self.today, partners=customer)
        action = self._open_action(customer)
        self.assertEqual(action.step_id, self.step_first)
        self.assertEqual(action.date, self._days(-5))
        self.assertEqual(action.state, "to_confirm")
        self.assertTrue(action.is_late)
        later = self._specific_call(
            self._create_customer("Later Customer BV"), self._days(10), due_in=30
        )
        call = self._specific_call(
            self._create_customer("Call Today SA"), self.today, due_in=30
        )

        self.start_tour(
            "/odoo/action-dso_collection.dso_collection_action_action",
            "dso_collection_agenda_tour",
            login=self.collector.login,
        )

        self.env.invalidate_all()
        # Send was cancelled: nothing went out; Mark as done recorded it unsent.
        self.assertEqual(action.state, "done")
        self.assertFalse(action.mail_id)
        self.assertFalse(self._customer_mails(customer))
        self.assertEqual(action.done_user_id, self.collector)
        self.assertEqual(action.date_done, self.today)
        nxt = self._open_action(customer)
        self.assertEqual(nxt.step_id, self.step_call)
        self.assertEqual(nxt.date, self._days(7))
        self.assertEqual(nxt.line_ids, line)
        self.assertEqual(call.state, "done")
        self.assertEqual(later.state, "todo")
        # New was discarded: no action was created for nobody.
        self.assertFalse(
            self.env["dso.collection.action"].search([("partner_id", "=", False)])
        )

    def test_send_tour_preview_edit_send(self):
        customer = self._create_customer("Send Tour Ltd", email="ap@sendtour.example")
        line = self._create_item(
            customer, 800, self._days(-40), invoice_date=self._days(-70)
        )
        action = self.env["dso.collection.action"].create(
            {
                "name": "First reminder",
                "partner_id": customer.id,
                "action_type": "email",
                "date": self.today,
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

    def test_items_tour_multi_edit_status(self):
        customer = self._create_customer("Items Customer SA")
        lines = self._create_item(customer, 100, self._days(-20)) | self._create_item(
            customer, 200, self._days(-15)
        )

        self.start_tour(
            "/odoo/action-dso_collection.account_move_line_action_dso_items",
            "dso_collection_items_tour",
            login=self.collector.login,
        )

        self.env.invalidate_all()
        promise = self.env.ref("dso_collection.dso_item_status_promise")
        self.assertEqual(lines.mapped("dso_status_id"), promise)
        self.assertEqual(lines.mapped("dso_status_date"), [self.today] * 2)

    def test_customers_tour_sort_and_filter(self):
        items_customer = self._create_customer("Items Customer SA")
        self._create_invoice(items_customer, amount=100, due_date=self._days(20))
        big = self._create_customer("Big Overdue SA")
        self._create_invoice(big, amount=9000, due_date=self._days(-30))
        small = self._create_customer("Small Overdue SA")
        self._create_invoice(small, amount=50, due_date=self._days(-30))
        settled = self._create_customer("Settled NV")
        self._create_invoice(settled, amount=75, due_date=self._days(-3))
        self._create_invoice(
            settled, amount=75, due_date=self._days(-3), move_type="out_refund"
        )
        self._plan(self.today, partners=items_customer | big | small)
        self.assertTrue(self._open_action(big).is_late)
        self.assertFalse(self._open_action(items_customer).is_late)

        self.start_tour(
            "/odoo/action-dso_collection.dso_collection_customer_action",
            "dso_collection_customers_tour",
            login=self.collector.login,
        )

    # The four menus and the screens that were too wide (issue 21) -------------

    def _walk_data(self):
        manager = self._create_collector(
            "dso_walk_manager",
            "Walter Manager",
            groups="dso_collection.group_dso_manager",
        )
        customer = self._create_customer("Walk Customer SA", email="ap@walk.example")
        customer.with_company(self.company).dso_interactive_email = True
        line = self._create_item(
            customer, 1200, self._days(-20), invoice_date=self._days(-50)
        )
        line.dso_comment = "\n".join(
            f"First line of a long comment, part {index}" for index in range(12)
        )
        line2 = self._create_item(customer, 300, self._days(-5))
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
        action._dso_interactive_request()._dso_submit(
            [
                {
                    "line_id": line2.id,
                    "kind": "dispute",
                    "dispute_reason": "quality",
                    "comment": "Two chairs arrived broken",
                }
            ]
        )
        # The answer to validate holds Walk Customer's reminders; another
        # customer, with nothing said, gets its reminders in the simulation.
        other = self._create_customer("Walk Other SA", email="ap@other.example")
        self._create_item(other, 800, self._days(-20), invoice_date=self._days(-50))
        # Sending allowed every day: the simulation sends whatever the weekday.
        self.company.write({f"dso_auto_{day}": True for day in ("saturday", "sunday")})
        self._plan(self.today, partners=customer | other)
        return manager

    def test_menus_and_wide_screens_tour(self):
        manager = self._walk_data()
        self.start_tour("/odoo", "dso_collection_menus_tour", login=manager.login)
        self.start_tour(
            "/odoo/action-dso_collection.dso_collection_dashboard_action",
            "dso_collection_screens_walk_tour",
            login=manager.login,
        )

    def test_menus_fit_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_collection"], ["fr_FR"])
        manager = self._create_collector(
            "dso_french_manager",
            "Françoise Manager",
            groups="dso_collection.group_dso_manager",
        )
        manager.lang = "fr_FR"
        self.start_tour("/odoo", "dso_collection_menus_tour", login=manager.login)
