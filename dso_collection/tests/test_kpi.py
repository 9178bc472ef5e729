from freezegun import freeze_time

from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestKpi(DsoCollectionCommon):
    """The KPIs of a ledger computed by hand (the README's worked example).

    Today is 15 March 2026. Customer A (collector Anna): invoice A1 of 1 000
    on 10 January due 9 February, paid 400 on 20 February and 600 on
    5 March; invoice A2 of 2 000 on 15 February due 17 March. Customer B
    (collector Bert): invoice B1 of 3 000 on 20 December due 19 January,
    open; a credit note B2 of 500 on 10 February, unmatched; invoice B3 of
    1 500 on 1 March due the same day.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anna = cls._create_collector("dso_anna", "Anna")
        cls.bert = cls._create_collector("dso_bert", "Bert")
        cls.customer_a = cls._create_customer("Customer A")
        cls.customer_b = cls._create_customer("Customer B")
        cls.customer_a.with_company(cls.company).dso_collector_id = cls.anna
        cls.customer_b.with_company(cls.company).dso_collector_id = cls.bert
        with freeze_time("2026-03-15"):
            invoice = cls._create_invoice
            cls.a1 = invoice(
                cls.customer_a,
                amount=1000,
                invoice_date="2026-01-10",
                due_date="2026-02-09",
            )
            cls.a2 = invoice(
                cls.customer_a,
                amount=2000,
                invoice_date="2026-02-15",
                due_date="2026-03-17",
            )
            cls.b1 = invoice(
                cls.customer_b,
                amount=3000,
                invoice_date="2025-12-20",
                due_date="2026-01-19",
            )
            cls.b2 = invoice(
                cls.customer_b,
                amount=500,
                invoice_date="2026-02-10",
                move_type="out_refund",
            )
            cls.b3 = invoice(cls.customer_b, amount=1500, due_date="2026-03-01")
            cls._pay(cls.a1, amount=400, date="2026-02-20")
            cls._pay(cls.a1, amount=600, date="2026-03-05")

    def _rows(self, domain, groupby, fields_):
        Kpi = self.env["dso.collection.kpi"].with_company(self.company)
        return Kpi.read_group(
            [("company_id", "=", self.company.id), *domain],
            [f"{name}:sum" for name in fields_],
            groupby,
            lazy=False,
        )

    def assertFigures(self, row, expected):
        for name, value in expected.items():
            self.assertAlmostEqual(row[name], value, places=1, msg=name)

    @freeze_time("2026-03-15")
    def test_company_months(self):
        measures = [
            "sales",
            "receivable_start",
            "receivable_end",
            "not_due_end",
            "overdue_end",
            "band_1_30",
            "band_31_60",
            "open_debit_end",
            "unapplied_end",
            "sales_3m",
            "dso",
            "best_dso",
            "add",
            "dso_3m",
            "best_dso_3m",
            "overdue_ratio",
            "cei",
        ]
        rows = {
            row["month:month"]: row
            for row in self._rows(
                [("month", ">=", "2026-01-01")], ["month:month"], measures
            )
        }
        january, february, march = (
            rows[label] for label in ("January 2026", "February 2026", "March 2026")
        )
        self.assertFigures(
            january,
            {
                "sales": 1000,
                "receivable_start": 3000,
                "receivable_end": 4000,
                "not_due_end": 1000,
                "overdue_end": 3000,
                "band_1_30": 3000,
                "dso": 124.0,
                "best_dso": 31.0,
                "add": 93.0,
                "overdue_ratio": 75.0,
                "cei": 0.0,
                "open_debit_end": 4000,
                "unapplied_end": 0,
                # November and December (B1) and January: 4 000 in 92 days.
                "sales_3m": 4000,
                "dso_3m": 4000 / 4000 * 92,
                "best_dso_3m": 1000 / 4000 * 92,
            },
        )
        # February: the 400 paid leaves 600 on A1 (19 days late); B1 is 40
        # days late; the credit note lowers the receivables, not the overdue.
        self.assertFigures(
            february,
            {
                "sales": 1500,
                "receivable_start": 4000,
                "receivable_end": 5100,
                "not_due_end": 2000,
                "overdue_end": 3600,
                "band_1_30": 600,
                "band_31_60": 3000,
                "dso": 5100 / 1500 * 28,
                "best_dso": 2000 / 1500 * 28,
                "add": 3100 / 1500 * 28,
                # Issue 21: a share of the open invoices (5 600), no longer
                # of the receivables net of the credit note (5 100).
                "overdue_ratio": 3600 / 5600 * 100,
                "cei": 400 / 3500 * 100,
                "open_debit_end": 5600,
                "unapplied_end": 500,
                "sales_3m": 5500,
                "dso_3m": 5100 / 5500 * 90,
                "best_dso_3m": 2000 / 5500 * 90,
            },
        )
        # March, up to the 15th: A1 is paid; B3 is 14 days late.
        self.assertFigures(
            march,
            {
                "sales": 1500,
                "receivable_end": 6000,
                "not_due_end": 2000,
                "overdue_end": 4500,
                "band_1_30": 1500,
                "band_31_60": 3000,
                "dso": 60.0,
                "best_dso": 20.0,
                "add": 40.0,
                # Issue 21: 4 500 of 6 500 open invoices (was 4 500 / 6 000).
                "overdue_ratio": 4500 / 6500 * 100,
                "cei": 600 / 4600 * 100,
                "open_debit_end": 6500,
                "unapplied_end": 500,
                # January to 15 March: 4 000 of sales in 74 days.
                "sales_3m": 4000,
                "dso_3m": 6000 / 4000 * 74,
                "best_dso_3m": 2000 / 4000 * 74,
            },
        )

    @freeze_time("2026-03-15")
    def test_groups(self):
        """A ratio of a group comes from the group's sums: per collector and
        over several months (average month-end receivables / sales x days)."""
        [bert] = self._rows(
            [("collector_id", "=", self.bert.id), ("month", "=", "2026-03-01")],
            ["collector_id"],
            ["dso", "overdue_ratio"],
        )
        # Bert's customer B in March: receivables 3 000 - 500 + 1 500 = 4 000,
        # sales 1 500 in 15 days, overdue 4 500 of open invoices of 4 500
        # (issue 21: 100 %, no longer 4 500 / 4 000 = 112.5 %).
        self.assertFigures(bert, {"dso": 40.0, "overdue_ratio": 100.0})
        [both] = self._rows([("month", ">=", "2026-02-01")], [], ["dso", "best_dso"])
        # February and March: (5 100 + 6 000) / 2 / (1 500 + 1 500) x 43 days.
        self.assertFigures(
            both, {"dso": 5550 / 3000 * 43, "best_dso": 2000 / 3000 * 43}
        )
        # The rolling DSO over several months: the months' receivables over
        # their 3-month sales (5 500 + 4 000), times their average days.
        [both] = self._rows(
            [("month", ">=", "2026-02-01"), ("partner_id", "=", self.customer_a.id)],
            [],
            ["dso_3m"],
        )
        # A: February 2 600 of 3 000 of sales, March 2 000 of 3 000.
        self.assertFigures(both, {"dso_3m": 4600 / 6000 * (90 + 74) / 2})
        # A row reads its own month's figures too (the list view).
        row = self.env["dso.collection.kpi"].search(
            [("partner_id", "=", self.customer_a.id), ("month", "=", "2026-02-01")]
        )
        self.assertAlmostEqual(row.dso, 2600 / 2000 * 28, places=1)
        self.assertAlmostEqual(row.dso_3m, 2600 / 3000 * 90, places=1)
        self.assertEqual(row.collector_id, self.anna)

    @freeze_time("2026-03-15")
    def test_dashboard(self):
        data = self.env["dso.collection.dashboard"].get_dashboard_data()
        current, previous = data["current"], data["previous"]
        self.assertEqual(current["month"], "2026-03-01")
        self.assertAlmostEqual(current["dso"], 60.0)
        self.assertAlmostEqual(previous["dso"], 5100 / 1500 * 28)
        # Countback on 15 March: 15 + 28 + 31 days, then 2 000 of December's
        # 3 000 of sales: 2/3 of 31 days.
        self.assertAlmostEqual(current["countback_dso"], 74 + 2000 / 3000 * 31)
        self.assertTrue(current["countback_complete"])
        self.assertAlmostEqual(previous["countback_dso"], 59 + 2600 / 3000 * 31)
        # The headline: the rolling DSO of January to 15 March (4 000 of
        # sales in 74 days), and February's (December to February, 90 days).
        self.assertAlmostEqual(current["dso_3m"], 6000 / 4000 * 74)
        self.assertAlmostEqual(previous["dso_3m"], 5100 / 5500 * 90)
        self.assertAlmostEqual(current["best_dso_3m"], 2000 / 4000 * 74)
        self.assertAlmostEqual(current["add_3m"], 4000 / 4000 * 74)
        # Overdue as a share of the open invoices; the credit note apart.
        self.assertAlmostEqual(current["overdue_ratio"], 4500 / 6500 * 100)
        self.assertAlmostEqual(current["unapplied_end"], 500)
        # The chart's y-axis: a round top above the rolling DSOs.
        axis = data["trend_axis"]
        self.assertEqual(axis["ticks"][0], 0)
        self.assertEqual(axis["ticks"][-1], axis["max"])
        self.assertEqual(len(data["trend"]), 12)
        self.assertEqual(data["trend"][-1]["month"], "2026-03-01")
        # The aged balance today.
        self.assertEqual(
            [current[key] for key in ("not_due_end", "band_1_30", "band_31_60")],
            [2000, 1500, 3000],
        )
        # The customers with the most overdue: only B is late.
        [top] = data["top_customers"]
        self.assertEqual(top["id"], self.customer_b.id)
        self.assertAlmostEqual(top["amount_overdue"], 4500)
        self.assertAlmostEqual(top["dso"], 40.0)
        # B's 3 months: 1 500 - 500 of sales in 74 days.
        self.assertAlmostEqual(top["dso_3m"], 4000 / 1000 * 74)
        collectors = {row["name"]: row for row in data["collectors"]}
        self.assertAlmostEqual(collectors["Bert"]["dso"], 40.0)
        self.assertAlmostEqual(collectors["Bert"]["dso_3m"], 4000 / 1000 * 74)
        self.assertAlmostEqual(collectors["Anna"]["dso_3m"], 2000 / 3000 * 74)
        self.assertAlmostEqual(collectors["Bert"]["overdue_ratio"], 100.0)
        self.assertAlmostEqual(collectors["Anna"]["receivable_end"], 2000)
        self.assertEqual(data["qualification"]["item_count"], 2)

    @freeze_time("2026-03-15")
    def test_other_company_and_collector_access(self):
        """A collector reads the KPIs of its company only; the dashboard is
        the first screen of credit managers."""
        other_company = self.setup_other_company(name="KPI other company")["company"]
        other = self._create_collector("dso_other_kpi", company=other_company)
        Kpi = self.env["dso.collection.kpi"].with_user(other)
        self.assertFalse(Kpi.search([("partner_id", "=", self.customer_a.id)]))
        menu = self.env.ref("dso_collection.dso_collection_menu_dashboard")
        self.assertIn(self.env.ref("dso_collection.group_dso_manager"), menu.groups_id)

    @freeze_time("2026-03-15")
    def test_dashboard_equals_pivot(self):
        """Issue 21: the dashboard's figures of a month are the KPI pivot's,
        company-wide and per collector, with a customer whose overdue
        invoice is fully offset by an open credit note (receivables of 0:
        its rows used to be left out of the pivot, not of the dashboard)."""
        offset = self._create_customer("Customer C")
        offset.with_company(self.company).dso_collector_id = self.bert
        self._create_invoice(
            offset, amount=700, invoice_date="2025-12-05", due_date="2026-01-04"
        )
        self._create_invoice(
            offset, amount=700, invoice_date="2025-12-20", move_type="out_refund"
        )
        # A customer without collector, with a sale of March not due yet.
        lone = self._create_customer("Customer D")
        self._create_invoice(
            lone, amount=300, invoice_date="2026-03-02", due_date="2026-04-01"
        )
        # A collector whose customer paid everything last year: nothing
        # this month, in the pivot or on the dashboard.
        cora = self._create_collector("dso_cora", "Cora")
        settled = self._create_customer("Customer E")
        settled.with_company(self.company).dso_collector_id = cora
        old = self._create_invoice(settled, amount=200, invoice_date="2025-05-10")
        self._pay(old, date="2025-06-01")
        measures = [
            "sales",
            "receivable_start",
            "receivable_end",
            "not_due_end",
            "overdue_end",
            "open_debit_end",
            "unapplied_end",
            "band_1_30",
            "band_31_60",
            "band_61_90",
            "band_90_plus",
            "dso",
            "best_dso",
            "add",
            "dso_3m",
            "best_dso_3m",
            "add_3m",
            "cei",
            "overdue_ratio",
        ]
        data = self.env["dso.collection.dashboard"].get_dashboard_data()

        def assert_same(dashboard, pivot, label):
            for name in measures:
                with self.subTest(label=label, measure=name):
                    expected = pivot[name]
                    if expected is None or expected is False:
                        self.assertIsNone(dashboard[name])
                    else:
                        self.assertAlmostEqual(dashboard[name], expected, places=6)

        for key, month in (("current", "2026-03-01"), ("previous", "2026-02-01")):
            [company] = self._rows([("month", "=", month)], [], measures)
            assert_same(data[key], company, month)
            collectors = {
                row["collector_id"] and row["collector_id"][0]: row
                for row in self._rows(
                    [("month", "=", month)], ["collector_id"], measures
                )
            }
            if key == "current":
                self.assertEqual(
                    {row["id"] for row in data["collectors"]}, set(collectors)
                )
                self.assertNotIn(cora.id, collectors)
                for row in data["collectors"]:
                    assert_same(row, collectors[row["id"]], row["name"])
        # C's 700 overdue counts (receivables of 0), within 100 %.
        current = data["current"]
        self.assertAlmostEqual(current["overdue_end"], 4500 + 700)
        self.assertAlmostEqual(current["unapplied_end"], 500 + 700)
        self.assertAlmostEqual(current["receivable_end"], 6000 + 300)
        self.assertAlmostEqual(
            current["overdue_ratio"], 5200 / (6500 + 700 + 300) * 100
        )
        bert = next(row for row in data["collectors"] if row["id"] == self.bert.id)
        self.assertAlmostEqual(bert["overdue_end"], 5200)
        self.assertAlmostEqual(bert["overdue_ratio"], 100.0)
        # Every customer's row of March, C's included, is in the pivot.
        Kpi = self.env["dso.collection.kpi"]
        row = Kpi.search([("partner_id", "=", offset.id), ("month", "=", "2026-03-01")])
        self.assertEqual((row.receivable_end, row.overdue_end), (0, 700))
