from freezegun import freeze_time

from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestDashboardQueries(DsoCollectionCommon):
    """Issue 23: the dashboard reads the company's overdue items once (its
    qualification rate and its top customers from one query) and costs a
    fixed number of queries, whatever the number of customers; its
    figures stay those of the item status report and of the KPI pivot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anna = cls._create_collector("dso_anna_q", "Anna")
        cls.bert = cls._create_collector("dso_bert_q", "Bert")
        cls.dispute = cls.env.ref("dso_collection.dso_item_status_dispute")

    def _customers(self, count, start=0):
        """``count`` customers, alternately Anna's, Bert's and nobody's,
        each with an overdue invoice (every other one disputed), a credit
        note for every third and an invoice not due yet."""
        customers = self.env["res.partner"]
        for index in range(start, start + count):
            customer = self._create_customer(f"Customer {index:03d}")
            collector = (self.anna, self.bert, self.env["res.users"])[index % 3]
            customer.with_company(self.company).dso_collector_id = collector
            line = self._create_item(
                customer,
                100 + 10 * index,
                "2026-02-10",
                invoice_date="2026-01-11",
            )
            if index % 2:
                line.dso_status_id = self.dispute
            if index % 3 == 0:
                self._create_invoice(
                    customer,
                    amount=30,
                    invoice_date="2026-02-20",
                    move_type="out_refund",
                )
            self._create_invoice(
                customer,
                amount=50 + index,
                invoice_date="2026-03-05",
                due_date="2026-04-04",
            )
            customers |= customer
        return customers

    def _dashboard(self):
        return self.env["dso.collection.dashboard"].get_dashboard_data()

    def _count_dashboard_queries(self):
        """Queries of the dashboard, caches cold, once the registry's
        caches are warm (a first run, also cold, fills them)."""
        self._count_queries(self._dashboard)
        return self._count_queries(self._dashboard)

    @freeze_time("2026-03-15")
    def test_query_count_does_not_grow_with_customers(self):
        self._customers(5)
        with_5 = self._count_dashboard_queries()
        self._customers(45, start=5)
        self.assertEqual(self._count_dashboard_queries(), with_5)
        data = self._dashboard()
        self.assertEqual(len(data["top_customers"]), 10)
        self.assertEqual(data["qualification"]["item_count"], 50)
        self.assertEqual(
            {row["name"] for row in data["collectors"]},
            {"Anna", "Bert", "No collector"},
        )

    @freeze_time("2026-03-15")
    def test_figures_are_the_reports(self):
        """The qualification figures and the top customers of the
        dashboard are the item status report's, as its read_group gives
        them; the top customers' figures are the KPI pivot's."""
        customers = self._customers(14)
        data = self._dashboard()
        Report = self.env["dso.item.status.report"]
        domain = [("company_id", "=", self.company.id)]
        self.assertEqual(
            data["qualification"], Report._get_qualification_figures(domain)
        )
        self.assertEqual(data["qualification"]["item_count"], 14)
        self.assertEqual(data["qualification"]["qualified_count"], 7)
        groups = Report._read_group(
            domain,
            groupby=["partner_id"],
            aggregates=["amount_overdue:sum", "days_late:max"],
            order="amount_overdue:sum desc",
            limit=10,
        )
        self.assertEqual(
            [
                (row["id"], row["amount_overdue"], row["days_late"])
                for row in data["top_customers"]
            ],
            [(partner.id, overdue, days) for partner, overdue, days in groups],
        )
        # Most overdue first: the last customers made have the largest.
        self.assertEqual(
            [row["id"] for row in data["top_customers"]],
            customers[-10:].ids[::-1],
        )
        Kpi = self.env["dso.collection.kpi"]
        for row in data["top_customers"]:
            [pivot] = Kpi.read_group(
                [("partner_id", "=", row["id"]), ("month", "=", "2026-03-01")],
                ["dso:avg", "dso_3m:avg", "receivable_end:sum"],
                [],
                lazy=False,
            )
            for name in ("dso", "dso_3m", "receivable_end"):
                with self.subTest(customer=row["name"], measure=name):
                    self.assertAlmostEqual(row[name], pivot[name], places=6)
        collectors = {row["id"]: row for row in data["collectors"]}
        for pivot in Kpi.read_group(
            [("month", "=", "2026-03-01")],
            ["dso_3m:avg", "overdue_end:sum", "cei:avg"],
            ["collector_id"],
            lazy=False,
        ):
            collector_id = pivot["collector_id"] and pivot["collector_id"][0]
            for name in ("dso_3m", "overdue_end", "cei"):
                with self.subTest(collector=collector_id, measure=name):
                    self.assertAlmostEqual(
                        collectors[collector_id][name], pivot[name], places=6
                    )

    @freeze_time("2026-03-15")
    def test_nothing_overdue(self):
        """No overdue item: no top customer, and rates of None."""
        self._create_invoice(
            self.customer,
            amount=500,
            invoice_date="2026-03-01",
            due_date="2026-03-31",
        )
        data = self._dashboard()
        self.assertEqual(data["top_customers"], [])
        self.assertEqual(
            data["qualification"],
            {
                "item_count": 0,
                "qualified_count": 0,
                "amount_overdue": 0.0,
                "qualified_amount": 0.0,
                "item_rate": None,
                "amount_rate": None,
            },
        )
        self.assertAlmostEqual(data["current"]["receivable_end"], 500)
