from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import DsoCollectionHttpCommon


@tagged("post_install", "-at_install")
class TestDashboardUi(DsoCollectionHttpCommon):
    def test_manager_dashboard_and_simulator(self):
        today = fields.Date.today()
        manager = self._create_collector(
            "dso_credit_manager",
            "Carla Credit",
            groups="dso_collection.group_dso_manager",
        )
        customer = self._create_customer("Tour Furniture", email="ap@tour.example.com")
        self._create_invoice(
            customer,
            amount=1200,
            invoice_date=today - timedelta(days=80),
            due_date=today - timedelta(days=45),
        )
        self._create_invoice(
            customer,
            amount=800,
            invoice_date=today,
            due_date=today + timedelta(days=20),
        )
        # One open dispute, on another customer: the card says "1 dispute".
        disputed = self._create_item(
            self._create_customer("Tour Disputes"),
            300,
            today - timedelta(days=20),
            invoice_date=today - timedelta(days=50),
        )
        disputed.dso_status_id = self.env.ref("dso_collection.dso_item_status_dispute")
        # Allow sending every day, so the simulation shows an email whatever
        # the weekday of the run.
        self.company.write({f"dso_auto_{day}": True for day in ("saturday", "sunday")})
        self._plan(today, partners=customer)
        Action = self.env["dso.collection.action"]
        before = Action.search_count([]), self.env["mail.mail"].sudo().search_count([])

        self.start_tour("/odoo", "dso_dashboard_tour", login=manager.login)

        self.assertEqual(
            (Action.search_count([]), self.env["mail.mail"].sudo().search_count([])),
            before,
            "the simulator sent and planned nothing",
        )

    def test_dashboard_is_the_managers_first_screen(self):
        # The app's root menu opens the dashboard for credit managers and the
        # agenda for collectors (issue 21 grouped the menus: the dashboard is
        # under Reporting, the root runs the home action).
        root = self.env.ref("dso_collection.dso_collection_menu_root")
        home = self.env.ref("dso_collection.dso_collection_home_action")
        manager = self._create_collector(
            "dso_first_screen_manager",
            "Mona Manager",
            groups="dso_collection.group_dso_manager",
        )
        for user, first in (
            (manager, "dso_collection.dso_collection_dashboard_action"),
            (self.collector, "dso_collection.dso_collection_action_action"),
        ):
            menus = self.env["ir.ui.menu"].with_user(user).load_web_menus(False)
            self.assertEqual(menus[root.id]["actionID"], home.id, user.login)
            self.assertEqual(
                home.with_user(user).run()["id"], self.env.ref(first).id, user.login
            )
