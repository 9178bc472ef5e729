from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestPlanner(DsoCollectionCommon):
    @freeze_time("2026-03-01")
    def test_pre_due_reminder_then_first_reminder(self):
        invoice = self._invoice(self.customer, 1000, "2026-03-20", "2026-02-20")
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.step_id, self.step_pre)
        self.assertEqual(action.date, date(2026, 3, 15))
        self.assertEqual(action.state, "todo")
        self.assertEqual(action.line_ids, self._receivable(invoice))
        self.assertEqual(action.user_id, self.collector)
        self.assertEqual(self.customer.dso_leader_line_id, self._receivable(invoice))
        action.action_done()
        nxt = self._open_action()
        self.assertEqual(nxt.step_id, self.step_first)
        self.assertEqual(nxt.date, date(2026, 3, 25))
        self.assertEqual(nxt.state, "to_confirm")
