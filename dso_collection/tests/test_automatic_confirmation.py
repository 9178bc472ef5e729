from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common_sending import AutomaticSendingCommon


@tagged("post_install", "-at_install")
class TestAutomaticConfirmation(AutomaticSendingCommon):
    """Confirmation of automatic actions, Send now and the cron's progress."""

    def test_step_to_confirm_waits_for_the_collector(self):
        self.step_first.to_confirm = True
        action = self._automatic_action()
        self.assertEqual(action.state, "to_confirm")
        self.assertTrue(action.to_confirm)
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action, state="to_confirm")

        with freeze_time("2026-03-02 10:05:00"):
            action.action_confirm()
        self._assert_sent(action, self.customer)
        self.assertEqual(action.date_done, date(2026, 3, 2))
        # The next step is planned: the call, 7 days after.
        nxt = self._open_action()
        self.assertEqual(nxt.step_id, self.step_call)
        self.assertEqual(nxt.date, date(2026, 3, 9))

    def test_company_confirms_every_automatic_action(self):
        self.company.dso_confirm_automatic = True
        self.assertFalse(self.step_first.to_confirm)
        action = self._automatic_action()
        self.assertEqual(action.state, "to_confirm")
        self.assertTrue(action.to_confirm)
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action, state="to_confirm")
        with freeze_time("2026-03-02 10:05:00"):
            action.action_confirm()
        self._assert_sent(action, self.customer)

    def test_bulk_confirmation(self):
        self.company.dso_confirm_automatic = True
        partners = [self._new_customer() for _index in range(3)]
        due_actions = self.env["dso.collection.action"].union(
            *(self._automatic_action(partner) for partner in partners)
        )
        # Invoice not yet due: the reminder 5 days before its due date,
        # 2026-03-05, also waits for confirmation.
        later_customer = self._new_customer()
        self._create_invoice(
            later_customer,
            amount=1000,
            due_date="2026-03-10",
            invoice_date="2026-02-10",
        )
        self._plan("2026-03-02", partners=later_customer)
        later = self._open_action(later_customer)
        self.assertEqual(later.step_id, self.step_pre)
        self.assertEqual(later.date, date(2026, 3, 5))
        actions = due_actions | later
        self.assertEqual(set(actions.mapped("state")), {"to_confirm"})

        with freeze_time("2026-03-02 10:05:00"):
            actions.action_confirm()
        for action in due_actions:
            self._assert_sent(action)
        self.assertEqual(len(due_actions.mail_id), 3)
        # Confirmed but not due: the cron sends it on its date.
        self._assert_not_sent(later, state="todo")
        self._run_automatic_cron("2026-03-04 10:00:00")
        self._assert_not_sent(later, state="todo")
        self._run_automatic_cron("2026-03-05 10:00:00")
        self._assert_sent(later)

    def test_confirm_outside_the_window_waits_for_it(self):
        """Confirming approves; on a Sunday (sending days: Monday to Friday)
        the email waits for Monday 8:00, when the cron sends it."""
        self.step_first.to_confirm = True
        action = self._automatic_action()
        self.assertEqual(action.state, "to_confirm")
        # Sunday 2026-03-08, 11:00 in Brussels.
        with freeze_time("2026-03-08 10:00:00"):
            action.action_confirm()
        self._assert_not_sent(action, state="todo")
        self._run_automatic_cron("2026-03-09 06:59:00")  # Monday 7:59
        self._assert_not_sent(action, state="todo")
        self._run_automatic_cron("2026-03-09 07:00:00")  # Monday 8:00
        self._assert_sent(action, self.customer)
        self.assertEqual(action.date_done, date(2026, 3, 9))

    def test_confirm_before_the_hours_waits_for_them(self):
        self.step_first.to_confirm = True
        action = self._automatic_action()
        # Monday 2026-03-09, 7:30 in Brussels: before 8:00.
        with freeze_time("2026-03-09 06:30:00"):
            action.action_confirm()
        self._assert_not_sent(action, state="todo")
        # Inside the window, a confirmation sends at once.
        other = self._automatic_action(self._new_customer())
        other.write({"state": "to_confirm", "to_confirm": True})
        with freeze_time("2026-03-09 09:00:00"):
            other.action_confirm()
        self._assert_sent(other)

    def test_send_now_ignores_the_window(self):
        """An explicit Send now sends at once, even on a Sunday."""
        self.step_first.to_confirm = True
        action = self._automatic_action()
        with freeze_time("2026-03-08 10:00:00"):
            action.action_send()
        self._assert_sent(action, self.customer)

    def test_cron_reports_its_progress(self):
        """Batch by batch, the cron tells the scheduler what it did and what
        is left (here batches of 2)."""
        actions = [self._automatic_action(self._new_customer()) for _index in range(3)]
        send_model = type(self.env["dso.collection.send"])
        lock_batch = send_model._lock_automatic_batch
        cron_model = type(self.env["ir.cron"])
        progress = []

        def small_batches(model, company, today, limit):
            return lock_batch(model, company, today, 2)

        def notify_progress(model, *, done, remaining, deactivate=False):
            progress.append((done, remaining))

        with (
            patch.object(send_model, "_lock_automatic_batch", small_batches),
            patch.object(cron_model, "_notify_progress", notify_progress),
        ):
            self._run_automatic_cron("2026-03-02 10:00:00")
        for action in actions:
            self._assert_sent(action)
        self.assertEqual(progress, [(2, 1), (3, 0), (3, 0)])

    def test_confirm_ignores_actions_not_waiting(self):
        action = self._automatic_action()
        self.assertEqual(action.state, "todo")
        with freeze_time("2026-03-02 10:05:00"):
            action.action_confirm()
        # Only actions waiting for confirmation are sent by a confirmation.
        self._assert_not_sent(action)

    # Never twice ---------------------------------------------------------
