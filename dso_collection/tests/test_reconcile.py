"""Customers whose overdue invoices are offset by unapplied credits (issue
21, defect 4): listed "to reconcile", one reconciliation task for their
collector, penalties only on what the credits leave unpaid, and only an
item with a due date leads."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DsoCollectionCommon

TODAY = "2026-03-15 12:00:00"


@tagged("post_install", "-at_install")
class TestReconcile(DsoCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "dso_penalty_rate_type": "fixed",
                "dso_penalty_fixed_rate": 10.0,
                "dso_recovery_cost_amount": 40.0,
            }
        )
        cls.customer.with_company(cls.company).write(
            {
                "dso_late_penalty": True,
                "dso_recovery_cost": True,
                "dso_collector_id": cls.collector.id,
            }
        )
        # 1 000 overdue, offset by a credit note of 1 000: net balance 0.
        cls.invoice_line = cls._create_item(
            cls.customer, 1000, "2026-01-01", invoice_date="2025-12-01"
        )
        cls.refund = cls._create_invoice(
            cls.customer,
            amount=1000,
            due_date="2026-02-01",
            invoice_date="2026-02-01",
            move_type="out_refund",
        )

    def _row(self, partner=None):
        return self.env["dso.collection.customer"].search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("company_id", "=", self.company.id),
            ]
        )

    def _tasks(self, partner=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", (partner or self.customer).id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("dso_collection.mail_activity_type_dso_reconcile").id,
                ),
            ]
        )

    def test_listed_to_reconcile_with_a_zero_balance(self):
        with freeze_time(TODAY):
            row = self._row()
            self.assertEqual(len(row), 1, "a zero balance hides no overdue invoice")
            self.assertTrue(row.to_reconcile)
            self.assertEqual(row.balance, 0.0)
            self.assertEqual(row.overdue_amount, 1000.0)
            self.assertEqual(row.credit_amount, 1000.0)
            # A customer who simply owes is not "to reconcile".
            other = self._create_customer("Plain debtor")
            self._create_item(other, 500, "2026-01-01", invoice_date="2025-12-01")
            self.assertFalse(self._row(other).to_reconcile)
            filtered = self.env["dso.collection.customer"].search(
                [("to_reconcile", "=", True)]
            )
            self.assertIn(row, filtered)
            self.assertNotIn(self._row(other), filtered)

    def test_one_reconciliation_task_naming_credits_and_invoices(self):
        planner = self.env["dso.collection.planner"]
        with freeze_time(TODAY):
            planner._cron_plan()
            task = self._tasks()
            self.assertEqual(len(task), 1)
            self.assertEqual(task.user_id, self.collector)
            self.assertIn(self.invoice_line.move_name, task.note)
            self.assertIn(self.refund.name, task.note)
            # The next run does not pile up a second task.
            planner._cron_plan()
            self.assertEqual(len(self._tasks()), 1)
        # Once done, and the credit matched, none comes back.
        task.action_feedback(feedback="Matched")
        (self.invoice_line | self._receivable(self.refund)).reconcile()
        with freeze_time(TODAY):
            planner._cron_plan()
            self.assertFalse(self._tasks())
            self.assertFalse(self._row())

    def test_penalties_only_on_what_credits_leave_unpaid(self):
        with freeze_time(TODAY):
            self.env.invalidate_all()
            line = self.invoice_line
            self.assertEqual(line.dso_penalty_amount, 0.0)
            self.assertEqual(line.dso_recovery_cost_amount, 0.0)
        # A second invoice, later: the credit settles the oldest first, the
        # second one is really unpaid.
        later = self._create_item(
            self.customer, 500, "2026-03-01", invoice_date="2026-02-01"
        )
        with freeze_time(TODAY):
            self.env.invalidate_all()
            self.assertEqual(self.invoice_line.dso_penalty_amount, 0.0)
            # 500 x 10 % x 14 / 365 = 1.92
            self.assertAlmostEqual(later.dso_penalty_amount, 1.92, places=2)
            self.assertEqual(later.dso_recovery_cost_amount, 40.0)

    def test_an_entry_without_due_date_never_leads(self):
        # A miscellaneous entry on the receivable account, without a due
        # date, older than the invoice: the invoice leads.
        receivable = self.invoice_line.account_id
        journal = self.company_data["default_journal_misc"]
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": "2025-11-01",
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.id,
                            "partner_id": self.customer.id,
                            "debit": 300.0,
                            "date_maturity": False,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": 300.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        entry_line = entry.line_ids.filtered(lambda line: line.account_id == receivable)
        self.assertFalse(entry_line.date_maturity)
        with freeze_time(TODAY):
            self.env.invalidate_all()
            partner = self.customer.with_company(self.company)
            self.assertEqual(partner.dso_leader_line_id, self.invoice_line)
            self.assertEqual(self._row().leader_line_id, self.invoice_line)
            self._plan("2026-03-15")
            cycle = self._cycles()[-1:]
            self.assertEqual(cycle.leader_line_id, self.invoice_line)
