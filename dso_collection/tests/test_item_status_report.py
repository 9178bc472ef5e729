from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.tests import tagged

from .common import DsoCollectionHttpCommon, DsoCollectionMultiCompanyCommon

TODAY = "2026-06-30"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 10:00:00")
class TestItemStatusReport(DsoCollectionMultiCompanyCommon):
    """The item status report on a dataset computed by hand, today 2026-06-30.

    Overdue items of company A (the rows of the report):

    | item | customer | collector | status  | due        | late | band  | amount |
    | A1   | Alpha    | Colette   | Promise | 2026-05-31 |   30 | 1-30  |   1000 |
    | A2   | Alpha    | Colette   | -       | 2026-05-30 |   31 | 31-60 |    500 |
    | B1   | Beta     | Colette   | Dispute | 2026-04-01 |   90 | 61-90 |   2000 |
    | B2   | Beta     | Colette   | -       | 2026-02-01 |  149 | 90+   |    800 |
    | G1   | Gamma    | Bob       | Promise | 2026-06-29 |    1 | 1-30  |    400 |
    | G2   | Gamma    | Bob       | Dispute | 2026-03-31 |   91 | 90+   |   1600 |
    | G3   | Gamma    | Bob       | -       | 2026-06-01 |   29 | 1-30  |    600 |

    G3 is an invoice of 1000 of which 400 is paid. Left out: Alpha's item due
    in July (qualified, but not due), Beta's paid invoice, Gamma's item due
    today (not late yet), Alpha's credit note (a credit is never overdue), and
    every item of company B.

    Totals: 7 items, 4 qualified; 6900 overdue, 5000 qualified (A1 + B1 + G1 +
    G2 = 1000 + 2000 + 400 + 1600).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["dso.item.status.report"]
        cls.promise = cls.env.ref("dso_collection.dso_item_status_promise")
        cls.dispute = cls.env.ref("dso_collection.dso_item_status_dispute")
        cls.bob = cls._create_collector("dso_bob", "Bob Collector")
        cls.alpha = cls._create_customer("Alpha SA")
        cls.beta = cls._create_customer("Beta SARL")
        cls.gamma = cls._create_customer("Gamma GmbH")
        cls.gamma.with_company(cls.company).dso_collector_id = cls.bob

        def item(partner, amount, due, status=None, **kwargs):
            line = cls._create_item(partner, amount, due, **kwargs)
            if status:
                line.dso_status_id = status
            return line

        cls.a1 = item(cls.alpha, 1000, "2026-05-31", cls.promise)
        cls.a2 = item(cls.alpha, 500, "2026-05-30")
        cls.a3 = item(
            cls.alpha, 700, "2026-07-15", cls.promise, invoice_date="2026-06-15"
        )
        cls.a_credit = item(
            cls.alpha,
            250,
            "2026-05-01",
            invoice_date="2026-05-01",
            move_type="out_refund",
        )
        cls.b1 = item(cls.beta, 2000, "2026-04-01", cls.dispute)
        cls.b2 = item(cls.beta, 800, "2026-02-01")
        cls.b3 = item(cls.beta, 600, "2026-03-01", cls.promise)
        cls._pay(cls.b3.move_id)
        cls.g1 = item(cls.gamma, 400, "2026-06-29", cls.promise)
        cls.g2 = item(cls.gamma, 1600, "2026-03-31", cls.dispute)
        cls.g3 = item(cls.gamma, 1000, "2026-06-01")
        cls._pay(cls.g3.move_id, amount=400)
        cls.g4 = item(cls.gamma, 900, TODAY, invoice_date="2026-06-01")
        # Company B: the shared customer's items, collected there by Carl.
        cls.other_line = item(
            cls.shared_customer, 3000, "2026-05-01", cls.promise, company=cls.company_2
        )
        cls.other_unqualified = item(
            cls.shared_customer, 1000, "2026-06-20", company=cls.company_2
        )

    def _report(self, user=None, companies=None):
        """The report as ``user`` sees it (in all their companies), else as
        the accountant sees it in ``companies`` (company A by default)."""
        self.env.invalidate_all()
        if user:
            return self.Report.with_user(user)
        companies = companies or self.company
        return self.Report.with_context(allowed_company_ids=companies.ids)

    def _by(self, groupby, report=None, domain=()):
        """{group key: (items, qualified items, amount, qualified amount,
        item rate, amount rate)} as the pivot reads them."""
        report = report or self._report()
        rows = report.read_group(
            list(domain),
            [
                "item_count:sum",
                "qualified_count:sum",
                "amount_overdue:sum",
                "qualified_amount:sum",
                "item_rate:avg",
                "amount_rate:avg",
            ],
            [groupby] if groupby else [],
            lazy=False,
        )
        result = {}
        for row in rows:
            key = row[groupby] if groupby else None
            if isinstance(key, tuple):
                key = key[0]
            result[key] = (
                row["item_count"],
                row["qualified_count"],
                row["amount_overdue"],
                row["qualified_amount"],
                round(row["item_rate"], 2),
                round(row["amount_rate"], 2),
            )
        return result

    def test_rows(self):
        """One row per overdue item, with its customer, collector, status,
        days late and age band; not-due, paid, credit and company B items
        are left out."""
        rows = self._report().search([])
        none = self.env["dso.item.status"]
        colette, bob, promise, dispute = (
            self.collector,
            self.bob,
            self.promise,
            self.dispute,
        )
        self.assertEqual(
            rows.line_id,
            self.a1 | self.a2 | self.b1 | self.b2 | self.g1 | self.g2 | self.g3,
        )
        self.assertEqual(
            {
                row.line_id: (
                    row.partner_id,
                    row.collector_id,
                    row.status_id,
                    row.is_qualified,
                    row.days_late,
                    row.age_band,
                    row.amount_overdue,
                )
                for row in rows
            },
            {
                self.a1: (self.alpha, colette, promise, True, 30, "1_30", 1000),
                self.a2: (self.alpha, colette, none, False, 31, "31_60", 500),
                self.b1: (self.beta, colette, dispute, True, 90, "61_90", 2000),
                self.b2: (self.beta, colette, none, False, 149, "90_plus", 800),
                self.g1: (self.gamma, bob, promise, True, 1, "1_30", 400),
                self.g2: (self.gamma, bob, dispute, True, 91, "90_plus", 1600),
                self.g3: (self.gamma, bob, none, False, 29, "1_30", 600),
            },
        )

    def test_totals(self):
        # 4 of 7 items: 57.14 %; 5000 of 6900: 72.46 %.
        self.assertEqual(self._by(None), {None: (7, 4, 6900, 5000, 57.14, 72.46)})

    def test_by_collector(self):
        # Colette: A1 A2 B1 B2, 2 of 4 = 50 %; 3000 of 4300 = 69.77 %.
        # Bob: G1 G2 G3, 2 of 3 = 66.67 %; 2000 of 2600 = 76.92 %.
        self.assertEqual(
            self._by("collector_id"),
            {
                self.collector.id: (4, 2, 4300, 3000, 50.0, 69.77),
                self.bob.id: (3, 2, 2600, 2000, 66.67, 76.92),
            },
        )

    def test_by_customer(self):
        # Alpha: 1 of 2, 1000 of 1500; Beta: 1 of 2, 2000 of 2800;
        # Gamma: 2 of 3, 2000 of 2600.
        self.assertEqual(
            self._by("partner_id"),
            {
                self.alpha.id: (2, 1, 1500, 1000, 50.0, 66.67),
                self.beta.id: (2, 1, 2800, 2000, 50.0, 71.43),
                self.gamma.id: (3, 2, 2600, 2000, 66.67, 76.92),
            },
        )

    def test_by_status(self):
        # Promise: A1 G1; Dispute: B1 G2; none: A2 B2 G3.
        self.assertEqual(
            self._by("status_id"),
            {
                self.promise.id: (2, 2, 1400, 1400, 100.0, 100.0),
                self.dispute.id: (2, 2, 3600, 3600, 100.0, 100.0),
                False: (3, 0, 1900, 0, 0.0, 0.0),
            },
        )

    def test_by_age_band(self):
        # 1-30: A1 G1 G3, 2 of 3, 1400 of 2000; 31-60: A2 alone, unqualified;
        # 61-90: B1 alone, qualified; 90+: B2 G2, 1 of 2, 1600 of 2400.
        # The 90+ amount rate is 66.67 %, not the 50 % an average of the
        # rows' rates would give: the rate weighs the items by their amount.
        self.assertEqual(
            self._by("age_band"),
            {
                "1_30": (3, 2, 2000, 1400, 66.67, 70.0),
                "31_60": (1, 0, 500, 0, 0.0, 0.0),
                "61_90": (1, 1, 2000, 2000, 100.0, 100.0),
                "90_plus": (2, 1, 2400, 1600, 50.0, 66.67),
            },
        )

    def test_by_collector_and_band(self):
        """Two levels, as the pivot's rows and columns read them."""
        rows = self._report().read_group(
            [],
            ["item_rate:avg", "amount_rate:avg"],
            ["collector_id", "age_band"],
            lazy=False,
        )
        rates = {
            (row["collector_id"][0], row["age_band"]): (
                round(row["item_rate"], 2),
                round(row["amount_rate"], 2),
            )
            for row in rows
        }
        # Bob's 1-30: G1 (400, qualified) and G3 (600): 1 of 2, 400 of 1000.
        self.assertEqual(rates[self.bob.id, "1_30"], (50.0, 40.0))
        # Colette's 90+: B2 alone, unqualified.
        self.assertEqual(rates[self.collector.id, "90_plus"], (0.0, 0.0))
        self.assertEqual(len(rates), 6)

    def test_ignored_items_left_out(self):
        """Items below "ignore transactions below" are not collected, and not
        reported: G1 (400) goes."""
        self.company.dso_ignore_below = 450
        self.assertEqual(self._by(None), {None: (6, 3, 6500, 4600, 50.0, 70.77)})

    def test_not_late_then_late(self):
        """The age follows today: G4, due today, is reported tomorrow."""
        self.assertNotIn(self.g4, self._report().search([]).line_id)
        with freeze_time("2026-07-01 10:00:00"):
            row = self._report().search([("line_id", "=", self.g4.id)])
            self.assertEqual((row.days_late, row.age_band), (1, "1_30"))
            # A1 is now 31 days late.
            row = self._report().search([("line_id", "=", self.a1.id)])
            self.assertEqual((row.days_late, row.age_band), (31, "31_60"))

    def test_other_company_invisible(self):
        """A collector of company A sees none of company B's items; a user
        of both companies sees B's items with B's collector."""
        rows = self._report(user=self.collector).search([])
        self.assertEqual(len(rows), 7)
        self.assertNotIn(self.company_2, rows.company_id)
        self.assertEqual(
            self._by(None, report=self._report(user=self.collector)),
            {None: (7, 4, 6900, 5000, 57.14, 72.46)},
        )
        both = self._report(companies=self.company | self.company_2)
        rows_b = both.search([("company_id", "=", self.company_2.id)])
        self.assertEqual(rows_b.line_id, self.other_line | self.other_unqualified)
        self.assertEqual(rows_b.collector_id, self.collector_2)
        self.assertFalse(
            self._report(user=self.collector).search(
                [("company_id", "=", self.company_2.id)]
            )
        )

    def test_agenda_rate(self):
        """The rates the agenda shows: all the user's companies, and the
        current collector's customers."""
        rates = self._report(user=self.collector).get_qualification_rate()
        self.assertEqual(
            (rates["all"]["item_count"], rates["all"]["qualified_count"]), (7, 4)
        )
        self.assertAlmostEqual(rates["all"]["item_rate"], 400 / 7)
        self.assertAlmostEqual(rates["all"]["amount_rate"], 500000 / 6900)
        # Colette: 2 of 4 items, 3000 of 4300.
        self.assertEqual(
            (rates["mine"]["item_count"], rates["mine"]["qualified_count"]), (4, 2)
        )
        self.assertAlmostEqual(rates["mine"]["item_rate"], 50.0)
        self.assertAlmostEqual(rates["mine"]["amount_rate"], 300000 / 4300)
        self.assertAlmostEqual(rates["mine"]["amount_overdue"], 4300)
        # Bob: 2 of 3 items, 2000 of 2600.
        mine = self._report(user=self.bob).get_qualification_rate()["mine"]
        self.assertAlmostEqual(mine["item_rate"], 200 / 3)
        self.assertAlmostEqual(mine["amount_rate"], 200000 / 2600)
        # Carl (company B): his 2 items, 1 qualified: 3000 of 4000.
        rates = self._report(user=self.collector_2).get_qualification_rate()
        self.assertEqual(rates["all"], rates["mine"])
        self.assertAlmostEqual(rates["all"]["item_rate"], 50.0)
        self.assertAlmostEqual(rates["all"]["amount_rate"], 75.0)

    def test_agenda_rate_nothing_overdue(self):
        """No overdue item: no rate (the banner shows a dash), no error."""
        with freeze_time("2026-01-01 10:00:00"):
            rates = self._report(user=self.collector).get_qualification_rate()
        self.assertEqual(rates["all"]["item_count"], 0)
        self.assertIsNone(rates["all"]["item_rate"])
        self.assertIsNone(rates["all"]["amount_rate"])

    def test_pivot_default_is_small(self):
        """Issue 21: rows by collector, columns by age band and two measures
        (10 value columns, not 20); the others stay in the Measures menu."""
        pivot = etree.fromstring(
            self._report().get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        )
        by_type = {}
        for field in pivot.iter("field"):
            if field.get("invisible") != "1":
                by_type.setdefault(field.get("type"), []).append(field.get("name"))
        self.assertEqual(by_type["row"], ["collector_id"])
        self.assertEqual(by_type["col"], ["age_band"])
        self.assertEqual(by_type["measure"], ["amount_overdue", "amount_rate"])
        fields_info = self._report().fields_get(["item_count", "item_rate"])
        self.assertTrue(all(info["aggregator"] for info in fields_info.values()))

    def test_agenda_views_show_the_banner(self):
        views = self.env["dso.collection.action"].get_views(
            [(False, "list"), (False, "kanban")]
        )["views"]
        self.assertIn('js_class="dso_agenda_list"', views["list"]["arch"])
        self.assertIn('js_class="dso_agenda_kanban"', views["kanban"]["arch"])


@tagged("post_install", "-at_install")
class TestItemStatusReportUi(DsoCollectionHttpCommon):
    """The agenda's banner and the report, in a real browser (real today)."""

    def test_report_tour(self):
        today = fields.Date.today()
        customer = self._create_customer("Report Tour SA")
        qualified = self._create_item(customer, 3000, today - timedelta(days=10))
        qualified.dso_status_id = self.env.ref("dso_collection.dso_item_status_promise")
        self._create_invoice(customer, amount=1000, due_date=today - timedelta(days=40))
        # 1 of 2 items (50 %), 3000 of 4000 (75 %).
        self.start_tour(
            "/odoo/action-dso_collection.dso_collection_action_action",
            "dso_collection_report_tour",
            login=self.collector.login,
        )
