from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common_sending import AutomaticSendingCommon


@tagged("post_install", "-at_install")
class TestSpecificActions(AutomaticSendingCommon):
    """Specific actions: deleted with their paid items, and their automatic
    emails sent inside the company's sending window like scenario ones
    (Monday to Friday, 8:00 to 18:00 Brussels time)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-01"):
            cls.line = cls._create_item(cls.customer, 1000, "2026-01-10")
            cls.line2 = cls._create_item(cls.customer, 400, "2026-02-10")
        cls.invoice = cls.line.move_id

    def _specific_email(self, action_date):
        return self.env["dso.collection.action"]._dso_create_specific(
            self.line,
            {
                "action_type": "email",
                "date": action_date,
                "mail_template_id": self.template.id,
                "automatic": True,
            },
        )

    @freeze_time("2026-03-02")
    def test_deleted_when_its_items_are_paid(self):
        self._plan("2026-03-02")
        action = self._specific_action(self.line, "2026-03-04")
        self.assertTrue(self.line.dso_excluded)
        self.assertNotIn(self.line, self._open_action().line_ids)
        self._pay(self.invoice, date=date(2026, 3, 5))
        self._plan("2026-03-05")
        self.assertFalse(action.exists())
        # A specific action with an item still open stays.
        other = self._specific_action(self.line2, "2026-03-06")
        self._plan("2026-03-06")
        self.assertTrue(other.exists())

    def test_automatic_email_waits_for_the_sending_window(self):
        with freeze_time("2026-03-06"):
            action = self._specific_email(date(2026, 3, 7))
        self.assertTrue(action.is_specific)
        self.assertEqual(action.state, "todo")
        # Saturday 7 and Sunday 8: outside the window.
        self._run_automatic_cron("2026-03-07 10:00:00")
        self._run_automatic_cron("2026-03-08 10:00:00")
        self._assert_not_sent(action)
        # Monday 9, 7:30 local: too early.
        self._run_automatic_cron("2026-03-09 06:30:00")
        self._assert_not_sent(action)
        # Monday 9, 11:00 local: sent.
        self._run_automatic_cron("2026-03-09 10:00:00")
        self.assertEqual(action.state, "done")
        self.assertIn(self.customer.email, action.mail_id.recipient_ids.mapped("email"))
        self.assertIn(self.invoice.name, action.mail_id.body_html)

    def test_automatic_email_to_confirm_waits_for_the_click(self):
        with freeze_time("2026-03-06"):
            action = self.env["dso.collection.action"]._dso_create_specific(
                self.line,
                {
                    "action_type": "email",
                    "date": date(2026, 3, 9),
                    "mail_template_id": self.template.id,
                    "automatic": True,
                    "to_confirm": True,
                },
            )
        self.assertEqual(action.state, "to_confirm")
        # The scenario's own email goes that day; the specific one waits.
        self._run_automatic_cron("2026-03-09 10:00:00")
        self.assertEqual(action.state, "to_confirm")
        self.assertFalse(action.mail_id)
        with freeze_time("2026-03-10 10:00:00"):
            action.action_confirm()
        self._run_automatic_cron("2026-03-11 10:00:00")
        self.assertEqual(action.state, "done")
        self.assertTrue(action.mail_id)
