from contextlib import contextmanager

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestDisputeReport(DsoCollectionCommon):
    """Open and resolved disputes, from the items' status history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispute = cls.env.ref("dso_collection.dso_item_status_dispute")
        cls.promise = cls.env.ref("dso_collection.dso_item_status_promise")
        cls.owner = cls._create_collector("dso_dispute_owner", "Olga Owner")
        with freeze_time("2026-01-01"):
            cls.line_1 = cls._create_item(cls.customer, 3000, "2026-01-19")
            cls.line_2 = cls._create_item(cls.customer, 1500, "2026-03-01")
            cls.line_3 = cls._create_item(cls.customer, 800, "2026-01-10")
        cls.inv_3 = cls.line_3.move_id

    @contextmanager
    def _on(self, day):
        """On ``day``, for the history's creation dates too (the ORM takes
        them from the transaction's time)."""
        with freeze_time(day):
            self.env.cr._now = fields.Datetime.to_datetime(day)
            yield
        self.env.cr._now = None

    def _report(self, line):
        return self.env["dso.dispute.report"].search([("line_id", "=", line.id)])

    def test_open_resolved_and_paid(self):
        with self._on("2026-02-01"):
            self.line_1._dso_set_status(self.dispute, resolution_user=self.owner)
            self.line_3._dso_set_status(self.dispute)
        with self._on("2026-02-20"):
            # Resolved by a promise: 19 days of dispute.
            self.line_1._dso_set_status(self.promise)
            # Resolved by the payment, on 25 February.
        self._pay(self.inv_3, date="2026-02-25")
        with self._on("2026-03-05"):
            self.line_2._dso_set_status(self.dispute, resolution_user=self.owner)
        with self._on("2026-03-15"):
            first, second, third = (
                self._report(line) for line in (self.line_1, self.line_2, self.line_3)
            )
            self.assertEqual(
                (first.state, first.resolution, first.resolution_days, first.amount),
                ("resolved", "status", 19, 3000),
            )
            self.assertEqual(first.owner_id, self.owner)
            self.assertEqual(
                (third.state, third.resolution, third.resolution_days),
                ("resolved", "paid", 24),
            )
            self.assertEqual(
                (second.state, second.age_days, second.age_band, second.amount),
                ("open", 10, "0_15", 1500),
            )
            figures = self.env["dso.dispute.report"]._get_open_figures()
            self.assertEqual(figures["count"], 1)
            self.assertEqual(figures["amount"], 1500)
            self.assertEqual(figures["average_age"], 10)
            # By owner: Olga has one open dispute.
            groups = self.env["dso.dispute.report"]._read_group(
                [("state", "=", "open")], ["owner_id"], ["amount:sum"]
            )
            self.assertEqual(groups, [(self.owner, 1500)])
            [(average,)] = self.env["dso.dispute.report"]._read_group(
                [("state", "=", "resolved")], [], ["resolution_days:avg"]
            )
            self.assertEqual(average, (19 + 24) / 2)

    def test_dispute_to_dispute_is_one_dispute(self):
        """Another dispute status keeps the dispute going; back to dispute
        later starts a new one."""
        second_dispute = self.dispute.copy({"name": "Quality dispute"})
        with self._on("2026-02-01"):
            self.line_1._dso_set_status(self.dispute)
        with self._on("2026-02-05"):
            self.line_1._dso_set_status(second_dispute)
        with self._on("2026-02-10"):
            self.line_1._dso_set_status(self.promise)
        with self._on("2026-02-12"):
            self.line_1._dso_set_status(self.dispute)
        with self._on("2026-02-15"):
            rows = self._report(self.line_1).sorted("date_start")
            self.assertEqual(
                [(row.state, str(row.date_start), row.resolution_days) for row in rows],
                [("resolved", "2026-02-01", 9), ("open", "2026-02-12", 0)],
            )

    def test_dispute_aged_from_its_status_date(self):
        """Issue 21: a dispute recorded on 10 February with the status date
        of 1 February (the day the customer disputed) started on 1 February,
        not the day its history row was written. An open dispute has an age
        and no resolution time; a resolved one the reverse."""
        with self._on("2026-02-10"):
            self.line_1._dso_set_status(self.dispute, date="2026-02-01")
            # A status date in the future cannot start a dispute later than
            # the day it is recorded.
            self.line_2._dso_set_status(self.dispute, date="2026-02-28")
        with self._on("2026-02-15"):
            first, second = self._report(self.line_1), self._report(self.line_2)
            self.assertEqual(
                (str(first.date_start), first.age_days, first.age_band),
                ("2026-02-01", 14, "0_15"),
            )
            self.assertEqual(
                (str(second.date_start), second.age_days), ("2026-02-10", 5)
            )
            self.assertEqual(
                self.env["dso.dispute.report"]._get_open_figures()["average_age"],
                (14 + 5) / 2,
            )
        with self._on("2026-02-20"):
            # A promise to pay on 31 March ends the dispute the day it is
            # recorded, whatever its own date.
            self.line_1._dso_set_status(self.promise, date="2026-03-31")
        with self._on("2026-03-05"):
            first = self._report(self.line_1)
            self.assertEqual(
                (first.state, str(first.date_end), first.resolution_days),
                ("resolved", "2026-02-20", 19),
            )
            Report = self.env["dso.dispute.report"]
            # Open disputes have no resolution time, resolved ones no age.
            self.assertEqual(
                Report._read_group(
                    [("state", "=", "open")], [], ["resolution_days:avg"]
                ),
                [(False,)],
            )
            self.assertEqual(
                Report._read_group([("state", "=", "resolved")], [], ["age_days:avg"]),
                [(False,)],
            )
            # ... and the list shows each only where it applies (an empty
            # number would read 0).
            arch = Report.get_view(
                self.env.ref("dso_collection.dso_dispute_report_view_list").id
            )["arch"]
            self.assertIn('name="age_days" invisible="state != \'open\'"', arch)
            self.assertIn(
                'name="resolution_days" optional="show" '
                "invisible=\"state != 'resolved'\"",
                arch,
            )
