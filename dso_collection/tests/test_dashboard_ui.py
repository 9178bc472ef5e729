from datetime import timedelta
from unittest.mock import patch

from odoo import api, fields
from odoo.tests import tagged

from ..report.dso_collection_kpi import DsoCollectionKpi
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

    def test_kpi_pivot_opens_a_group_in_one_call(self):
        """The KPI pivot by month, then its total split by collector: each
        opening is one call of ``dso_read_groups`` (one evaluation of the
        KPI query), not one read_group per grouping."""
        today = fields.Date.today()
        manager = self._create_collector(
            "dso_kpi_manager", "Kim KPI", groups="dso_collection.group_dso_manager"
        )
        customer = self._create_customer("Pivot Tour Ltd")
        customer.with_company(self.company).dso_collector_id = manager
        self._create_invoice(
            customer,
            amount=900,
            invoice_date=today - timedelta(days=40),
            due_date=today - timedelta(days=10),
        )
        calls = []
        read_groups = DsoCollectionKpi.dso_read_groups

        # called over RPC: a method of the model (api.model), as the original
        @api.model
        @api.readonly
        def counted(model, domain, fields, groupbys, **kwargs):
            calls.append(groupbys)
            return read_groups(model, domain, fields, groupbys, **kwargs)

        with patch.object(DsoCollectionKpi, "dso_read_groups", counted):
            self.start_tour(
                "/odoo/action-dso_collection.dso_collection_kpi_action",
                "dso_kpi_pivot_tour",
                login=manager.login,
            )
        self.assertEqual(len(calls), 2, f"the pivot, then the split: {calls}")
        self.assertEqual(
            calls[0], [[], ["month:month"]], "the total and its months at once"
        )
        # the split: the column groupings of the total, with the rows'
        self.assertIn(["collector_id"], calls[-1])
        self.assertIn(["month:month", "collector_id"], calls[-1])
