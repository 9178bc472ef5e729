from odoo.tests import BaseCase, tagged

from ..lib import kpi_formulas as kpi


@tagged("post_install", "-at_install")
class TestKpiFormulas(BaseCase):
    """Each formula against figures computed by hand (see the README)."""

    def test_standard_best_and_add(self):
        # 5 100 receivable after 1 500 of sales in 28 days.
        self.assertAlmostEqual(kpi.standard_dso(5100, 1500, 28), 95.2, places=6)
        self.assertAlmostEqual(kpi.best_possible_dso(2000, 1500, 28), 37.333333, 5)
        self.assertAlmostEqual(
            kpi.average_days_delinquent(95.2, 37.333333), 57.866667, 5
        )
        self.assertIsNone(kpi.standard_dso(5100, 0, 28), "no sales: no DSO")
        self.assertIsNone(kpi.standard_dso(5100, -300, 28), "more credit notes")
        self.assertIsNone(kpi.average_days_delinquent(None, 10.0))

    def test_countback(self):
        # 6 000 receivable; sales latest first: 1 500 in 15 days, 1 500 in
        # 28, 1 000 in 31, then 3 000 in 31: 15 + 28 + 31 + 2000/3000 x 31.
        days, complete = kpi.countback_dso(
            6000, [(1500, 15), (1500, 28), (1000, 31), (3000, 31)]
        )
        self.assertAlmostEqual(days, 74 + 2000 / 3000 * 31, places=6)
        self.assertTrue(complete)
        # Less receivable than the last month's sales: part of that month.
        self.assertEqual(kpi.countback_dso(750, [(1500, 30)]), (15.0, True))
        # The history runs out: at least the months counted.
        self.assertEqual(kpi.countback_dso(5000, [(1000, 30), (1000, 31)]), (61, False))
        # A month without sales counts whole.
        self.assertEqual(kpi.countback_dso(500, [(0, 30), (1000, 31)]), (45.5, True))
        self.assertEqual(kpi.countback_dso(-20, [(1000, 31)]), (0.0, True))

    def test_cei_and_overdue_ratio(self):
        # Start 4 000, sales 1 500, end 5 100, of which 2 000 not due:
        # collected 400 of a collectible 3 500.
        self.assertAlmostEqual(
            kpi.collection_effectiveness(4000, 1500, 5100, 2000), 400 / 3500 * 100
        )
        self.assertIsNone(kpi.collection_effectiveness(0, 0, 0, 0))
        self.assertAlmostEqual(kpi.overdue_ratio(3600, 5100), 3600 / 5100 * 100)
        self.assertIsNone(kpi.overdue_ratio(0, 0))

    def test_overdue_ratio_is_a_share_of_open_debits(self):
        """February of the README: 3 600 overdue of 5 600 open invoices (the
        receivables are 5 100: a credit note of 500 is open). The ratio is
        a share of the open invoices, at most 100 %; the credit note is an
        unapplied credit, shown apart."""
        self.assertAlmostEqual(kpi.overdue_ratio(3600, 5600), 3600 / 5600 * 100)
        self.assertEqual(kpi.unapplied_credits(5600, 5100), 500)
        # Overdue invoices fully offset by credits: receivables of 0, 100 %
        # of the open invoices overdue (not "-", nor 700 / 0).
        self.assertEqual(kpi.overdue_ratio(700, 700), 100.0)
        self.assertEqual(kpi.unapplied_credits(700, 0), 700)

    def test_rolling_dso(self):
        # 15 March of the README: 6 000 receivable; sales of March (15 days),
        # February and January: (1 500 + 1 500 + 1 000) over 74 days.
        months = [(1500, 15), (1500, 28), (1000, 31), (3000, 31)]
        self.assertAlmostEqual(kpi.rolling_dso(6000, months), 6000 / 4000 * 74)
        self.assertAlmostEqual(kpi.rolling_dso(2000, months), 2000 / 4000 * 74)
        # February: 5 100 over December to February, 5 500 in 90 days.
        self.assertAlmostEqual(
            kpi.rolling_dso(5100, [(1500, 28), (1000, 31), (3000, 31)]),
            5100 / 5500 * 90,
        )
        # On 7 December the month's DSO is 7 days of sales; the rolling one
        # counts October and November too and does not jump.
        early = [(100, 7), (3000, 30), (3100, 31)]
        self.assertAlmostEqual(kpi.standard_dso(6000, 100, 7), 420.0)
        self.assertAlmostEqual(kpi.rolling_dso(6000, early), 6000 / 6200 * 68)
        # Another number of months; a shorter history uses what there is.
        self.assertAlmostEqual(kpi.rolling_dso(6000, months, count=1), 60.0)
        self.assertAlmostEqual(kpi.rolling_dso(750, [(1500, 30)]), 15.0)
        # No sales over the months (or more credit notes): no DSO.
        self.assertIsNone(kpi.rolling_dso(6000, [(0, 31), (500, 30), (-500, 31)]))
        self.assertIsNone(kpi.rolling_dso(6000, []))

    def test_chart_scale(self):
        # Ordinary months: a round top above the largest value.
        self.assertEqual(
            kpi.chart_scale([20, 40, 60, 80]),
            {"max": 80, "ticks": [0, 20, 40, 60, 80], "clipped": False},
        )
        self.assertEqual(
            kpi.chart_scale([38.2, 41.0, 55.3]),
            {"max": 60, "ticks": [0, 20, 40, 60], "clipped": False},
        )
        # One outlier month (1 230 days) among months of 30 to 45: the axis
        # stops at 3 x the median, the outlier's bar is clipped.
        months = [30, 35, 40, 45, 38, 1230.1, 33, 36, 41, 39, 37, 34]
        scale = kpi.chart_scale(months)
        # Median 37.5: 3 x 37.5 = 112.5, rounded up to a step of 50.
        self.assertEqual(scale["max"], 150)
        self.assertEqual(scale["ticks"], [0, 50, 100, 150])
        self.assertTrue(scale["clipped"])
        self.assertTrue(all(value <= scale["max"] for value in months[:5]))
        # Nothing to show (no sales: "-"), negatives: an axis of 0 to 1.
        self.assertEqual(
            kpi.chart_scale([None, None, -3])["ticks"], [0, 0.25, 0.5, 0.75, 1]
        )
