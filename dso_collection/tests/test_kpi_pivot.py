from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.sql_db import Cursor
from odoo.tests import tagged

from ..report.dso_collection_kpi import DsoCollectionKpi
from .common import DsoCollectionCommon

# The pivot view's measures, and the other aggregates the rows by collector
# must give as the rows by customer do.
MEASURES = [
    "dso_3m:avg",
    "dso:avg",
    "best_dso:avg",
    "add:avg",
    "cei:avg",
    "overdue_ratio:avg",
    "receivable_end:sum",
    "unapplied_end:sum",
    "best_dso_3m:avg",
    "add_3m:avg",
    "sales:sum",
    "sales_3m:sum",
    "receivable_start:sum",
    "not_due_end:sum",
    "overdue_end:sum",
    "band_90_plus:sum",
    "days_3m:avg",
    "days:max",
    "days:sum",
    "month_end:max",
]


@tagged("post_install", "-at_install")
class TestKpiPivot(DsoCollectionCommon):
    """The KPI pivot read from the rows by collector gives what the rows by
    customer give (``dso.collection.kpi._read_group``).

    Today is 15 March 2026. Anna: customer A, invoice A1 of 1 000 on
    10 November 2025 paid 400 on 20 January and 600 on 5 February, and A2
    of 2 000 on 15 February, open; customer C, an invoice of 800 on
    5 January paid in full on 20 January (a row in January for its sales,
    in February and March for its 3-month sales, none after); customer E,
    an invoice of 250 of January 2024, before the 24 months (opening
    balance), open. Bert: customer B, an invoice of 3 000 on 20 December,
    a credit note of 500 on 10 February, unmatched, and an invoice of
    1 500 on 1 March; customer G, in October, an invoice of 300 paid 100
    and one of 200 paid 400: a balance of 0 from then on, but 200 still
    open on the first (a row each month, from that invoice only). No
    collector: customer F, an invoice of 700 on 1 February, 200 paid on
    1 March. Cleo: customer H, an invoice of 100 on 10 June 2025 paid on
    20 June (rows in June, July and August for its sales), then one of 400
    on 5 December, open (rows from December on); customer I, a credit note
    of 50 on 10 May 2025, unmatched (rows from May on), and an invoice of
    300 on 10 September, open.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anna = cls._create_collector("dso_pivot_anna", "Anna")
        cls.bert = cls._create_collector("dso_pivot_bert", "Bert")
        customers = {}
        for key, collector in (
            ("a", cls.anna),
            ("c", cls.anna),
            ("e", cls.anna),
            ("b", cls.bert),
            ("g", cls.bert),
            ("f", False),
        ):
            customers[key] = cls._create_customer(f"Pivot customer {key.upper()}")
            customers[key].with_company(cls.company).dso_collector_id = collector
        cls.customers = customers
        invoice = cls._create_invoice
        with freeze_time("2026-03-15"):
            a1 = invoice(
                customers["a"],
                amount=1000,
                invoice_date="2025-11-10",
                due_date="2025-12-10",
            )
            invoice(
                customers["a"],
                amount=2000,
                invoice_date="2026-02-15",
                due_date="2026-03-17",
            )
            c1 = invoice(
                customers["c"],
                amount=800,
                invoice_date="2026-01-05",
                due_date="2026-02-04",
            )
            invoice(
                customers["e"],
                amount=250,
                invoice_date="2024-01-10",
                due_date="2024-02-09",
            )
            invoice(
                customers["b"],
                amount=3000,
                invoice_date="2025-12-20",
                due_date="2026-01-19",
            )
            invoice(
                customers["b"],
                amount=500,
                invoice_date="2026-02-10",
                move_type="out_refund",
            )
            invoice(customers["b"], amount=1500, invoice_date="2026-03-01")
            f1 = invoice(
                customers["f"],
                amount=700,
                invoice_date="2026-02-01",
                due_date="2026-03-03",
            )
            cls._pay(a1, amount=400, date="2026-01-20")
            cls._pay(a1, amount=600, date="2026-02-05")
            cls._pay(c1, date="2026-01-20")
            cls._pay(f1, amount=200, date="2026-03-01")
            g1 = invoice(
                customers["g"],
                amount=300,
                invoice_date="2025-10-05",
                due_date="2025-11-04",
            )
            g2 = invoice(
                customers["g"],
                amount=200,
                invoice_date="2025-10-06",
                due_date="2025-11-05",
            )
            cls._pay(g1, amount=100, date="2025-10-20")
            cls._pay(g2, amount=400, date="2025-10-25")
            cls.cleo = cls._create_collector("dso_pivot_cleo", "Cleo")
            for key in ("h", "i"):
                customers[key] = cls._create_customer(f"Pivot customer {key.upper()}")
                customers[key].with_company(cls.company).dso_collector_id = cls.cleo
            h1 = invoice(
                customers["h"],
                amount=100,
                invoice_date="2025-06-10",
                due_date="2025-07-10",
            )
            cls._pay(h1, date="2025-06-20")
            invoice(
                customers["h"],
                amount=400,
                invoice_date="2025-12-05",
                due_date="2026-01-04",
            )
            invoice(
                customers["i"],
                amount=50,
                invoice_date="2025-05-10",
                move_type="out_refund",
            )
            invoice(
                customers["i"],
                amount=300,
                invoice_date="2025-09-10",
                due_date="2025-10-10",
            )

    def _kpi(self):
        return self.env["dso.collection.kpi"].with_company(self.company)

    def _read(self, domain, groupby, by_customer=False):
        """The read_group of the pivot, and whether it read the rows by
        collector."""
        kpi = self._kpi().with_context(dso_kpi_by_customer=by_customer)
        spy = patch.object(
            DsoCollectionKpi,
            "_collector_view_query",
            autospec=True,
            side_effect=DsoCollectionKpi._collector_view_query,
        )
        with spy as collector_view_query:
            rows = kpi.read_group(
                [("company_id", "=", self.company.id), *domain],
                MEASURES,
                groupby,
                lazy=False,
            )
        return rows, collector_view_query.called

    def assertSameGroups(self, domain, groupby):
        fast, by_collector = self._read(domain, groupby)
        full, full_by_collector = self._read(domain, groupby, by_customer=True)
        self.assertTrue(by_collector, "read from the rows by collector")
        self.assertFalse(full_by_collector)
        self.assertTrue(full, "the ledger has rows")
        self.assertEqual(len(fast), len(full))
        for fast_row, full_row in zip(fast, full, strict=True):
            self.assertEqual(set(fast_row), set(full_row))
            for key, value in full_row.items():
                if key == "__domain":
                    continue
                msg = f"{groupby} {key} of {full_row.get('__domain')}"
                if isinstance(value, float):
                    self.assertAlmostEqual(fast_row[key], value, places=6, msg=msg)
                else:
                    self.assertEqual(fast_row[key], value, msg=msg)

    @freeze_time("2026-03-15")
    def test_pivot_read_groups(self):
        """The three read_groups of the pivot by collector and month."""
        for groupby in ([], ["collector_id"], ["collector_id", "month:month"]):
            self.assertSameGroups([], groupby)

    @freeze_time("2026-03-15")
    def test_other_granularities_and_domains(self):
        for groupby in (
            ["month:quarter"],
            ["month:year"],
            ["collector_id", "month:quarter"],
            ["company_id", "month:month"],
        ):
            self.assertSameGroups([], groupby)
        self.assertSameGroups([("collector_id", "=", self.anna.id)], ["month:month"])
        self.assertSameGroups([("collector_id", "=", False)], ["month:month"])
        self.assertSameGroups([("month", ">=", "2026-01-01")], ["collector_id"])

    @freeze_time("2026-03-15")
    def test_counts_customer_rows(self):
        """``__count`` counts the rows by customer: C has one in March for
        its 3-month sales only, G for its partly paid invoice only."""
        for collector, customer in ((self.anna, "c"), (self.bert, "g")):
            rows, by_collector = self._read(
                [("collector_id", "=", collector.id), ("month", ">=", "2026-01-01")],
                ["month:month"],
            )
            self.assertTrue(by_collector)
            customer_rows = self._kpi().search_read(
                [
                    ("collector_id", "=", collector.id),
                    ("month", ">=", "2026-01-01"),
                ],
                ["month", "partner_id", "receivable_end", "sales_3m"],
            )
            march = {
                row["partner_id"][0]: row
                for row in customer_rows
                if row["month"].month == 3
            }
            self.assertIn(self.customers[customer].id, march)
            self.assertEqual(march[self.customers[customer].id]["receivable_end"], 0)
            self.assertEqual(
                [row["__count"] for row in rows],
                [
                    len([row for row in customer_rows if row["month"].month == month])
                    for month in (1, 2, 3)
                ],
            )
        self.assertEqual(march[self.customers["g"].id]["sales_3m"], 0)

    @freeze_time("2026-03-15")
    def test_counts_rows_before_an_open_invoice(self):
        """A customer has a row every month from its first invoice never
        reconciled with: ``__count`` adds the months before it (H: its
        sales of June, then nothing up to December; I: its credit note from
        May) without counting a month twice."""
        rows, by_collector = self._read(
            [("collector_id", "=", self.cleo.id)], ["month:month"]
        )
        self.assertTrue(by_collector)
        counts = {
            row["__range"]["month:month"]["from"][:7]: row["__count"] for row in rows
        }
        customer_rows = self._kpi().search_read(
            [("collector_id", "=", self.cleo.id)], ["month", "partner_id"]
        )
        months = {
            key: sorted(
                fields.Date.to_string(row["month"])[:7]
                for row in customer_rows
                if row["partner_id"][0] == self.customers[key].id
            )
            for key in ("h", "i")
        }
        self.assertEqual(
            months["h"],
            [
                *("2025-06", "2025-07", "2025-08"),
                *("2025-12", "2026-01", "2026-02", "2026-03"),
            ],
        )
        self.assertEqual(months["i"][0], "2025-05")
        self.assertEqual(len(months["i"]), 11)
        expected = {}
        for month in months["h"] + months["i"]:
            expected[month] = expected.get(month, 0) + 1
        self.assertEqual(counts, expected)
        for groupby in ([], ["collector_id"], ["collector_id", "month:month"]):
            self.assertSameGroups([("collector_id", "=", self.cleo.id)], groupby)

    @freeze_time("2026-03-15")
    def test_other_fields_read_the_rows_by_customer(self):
        """A domain or a group on the customer, or an aggregate the rows by
        collector cannot give, reads the rows by customer."""
        customer = self.customers["a"]
        for domain, groupby in (
            ([("partner_id", "=", customer.id)], ["collector_id"]),
            ([], ["partner_id"]),
            ([], ["collector_id", "partner_id"]),
        ):
            rows, by_collector = self._read(domain, groupby)
            self.assertFalse(by_collector, f"{domain} {groupby}")
            self.assertTrue(rows)
        with patch.object(
            DsoCollectionKpi, "_collector_view_query", autospec=True
        ) as collector_view_query:
            self._kpi().read_group(
                [], ["partner_id:count_distinct"], ["collector_id"], lazy=False
            )
            self._kpi().read_group(
                [], ["receivable_end:avg"], ["collector_id"], lazy=False
            )
        collector_view_query.assert_not_called()

    @freeze_time("2026-03-15")
    def test_group_records_keep_the_callers_context(self):
        """The collectors a read by collector returns do not read the KPIs
        by collector afterwards."""
        groups = self._kpi()._read_group([], ["collector_id"], ["__count"])
        collectors = [collector for collector, __ in groups if collector]
        self.assertTrue(collectors)
        for collector in collectors:
            self.assertNotIn("dso_kpi_by_collector", collector.env.context)

    @freeze_time("2026-03-15")
    def test_read_groups_in_one_call(self):
        """``dso_read_groups`` gives what the read_groups give one by one,
        from one evaluation of the KPI query, and keeps nothing after."""
        groupbys = [
            [],
            ["collector_id"],
            ["month:month"],
            ["collector_id", "month:month"],
        ]
        kpi = self._kpi()
        separate = [
            kpi.read_group([], MEASURES, groupby, lazy=False) for groupby in groupbys
        ]
        executed = []
        execute = Cursor.execute

        def spy(cursor, query, params=None, log_exceptions=True):
            executed.append(str(getattr(query, "code", query)))
            return execute(cursor, query, params, log_exceptions)

        with patch.object(Cursor, "execute", spy):
            batch = kpi.dso_read_groups([], MEASURES, groupbys, lazy=False)
        self.assertEqual(batch, separate)
        self.assertEqual(
            len([query for query in executed if "customer_rows AS (" in query]),
            1,
            "the KPI query ran once",
        )
        self.assertNotIn("dso_kpi_rows_memo", self.env.cr.cache)
        # a domain, and the rows by customer (not kept: too many)
        domain = [("collector_id", "=", self.anna.id)]
        self.assertEqual(
            kpi.dso_read_groups(domain, MEASURES, [["partner_id"], ["month:month"]]),
            [
                kpi.read_group(domain, MEASURES, ["partner_id"]),
                kpi.read_group(domain, MEASURES, ["month:month"]),
            ],
        )
        with self.assertRaises(UserError):
            kpi.dso_read_groups([], MEASURES, "collector_id")

    @freeze_time("2026-03-15")
    def test_collector_by_default(self):
        """A customer without a collector of its own has the field's default
        one (``ir.default``), read the same way by customer and by collector;
        one set to none keeps none."""
        self.env["ir.default"].set(
            "res.partner", "dso_collector_id", self.bert.id, company_id=self.company.id
        )
        customer = self.env["res.partner"].create(
            {"name": "Pivot customer by default", "is_company": True}
        )
        customer.with_company(self.company).dso_scenario_id = self.scenario
        self._create_invoice(customer, amount=450, invoice_date="2026-03-02")
        self.assertEqual(
            customer.with_company(self.company).dso_collector_id, self.bert
        )
        none = self._create_customer("Pivot customer without collector")
        none.with_company(self.company).dso_collector_id = False
        self._create_invoice(none, amount=60, invoice_date="2026-03-03")
        for groupby in (["collector_id"], ["collector_id", "month:month"]):
            self.assertSameGroups([], groupby)
        rows, __ = self._read([("month", "=", "2026-03-01")], ["collector_id"])
        sales = {row["collector_id"] and row["collector_id"][0]: row for row in rows}
        by_customer = self._kpi().search_read(
            [("month", "=", "2026-03-01"), ("partner_id", "in", (customer | none).ids)],
            ["partner_id", "collector_id"],
        )
        self.assertEqual(
            {row["partner_id"][0]: row["collector_id"] for row in by_customer},
            {customer.id: (self.bert.id, self.bert.display_name), none.id: False},
        )
        self.assertIn(self.bert.id, sales)
