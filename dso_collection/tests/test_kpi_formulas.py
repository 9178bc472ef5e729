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
