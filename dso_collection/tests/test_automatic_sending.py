from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common_sending import AutomaticSendingCommon, LockBatchSpy


@tagged("post_install", "-at_install")
class TestAutomaticSending(AutomaticSendingCommon):
    """Sending window, one email a day, no resend, fall back to the collector."""

    def test_company_timezone_and_defaults(self):
        self.assertEqual(self.company.dso_auto_hour_from, 8.0)
        self.assertEqual(self.company.dso_auto_hour_to, 18.0)
        self.assertFalse(self.company.dso_auto_saturday)
        self.assertFalse(self.company.dso_auto_sunday)
        self.assertEqual(
            self.company._dso_local_now(datetime(2026, 3, 2, 7, 0)),
            datetime(2026, 3, 2, 8, 0),
        )
        self.assertEqual(
            self.company._dso_local_now(datetime(2026, 7, 6, 6, 0)),
            datetime(2026, 7, 6, 8, 0),
        )

    def test_window_in_winter_time(self):
        # Monday 2026-03-02, Brussels = UTC+1: 8:00 local is 7:00 UTC.
        self._check_window(
            [
                ("2026-03-02 06:59:00", False),  # 7:59 local
                ("2026-03-02 07:00:00", True),  # 8:00
                ("2026-03-02 16:59:00", True),  # 17:59
                ("2026-03-02 17:00:00", False),  # 18:00
            ],
            due="2026-02-20",
        )

    def test_window_in_summer_time(self):
        # Monday 2026-07-06, Brussels = UTC+2: 8:00 local is 6:00 UTC.
        self._check_window(
            [
                ("2026-07-06 05:59:00", False),  # 7:59 local
                ("2026-07-06 06:00:00", True),  # 8:00
                ("2026-07-06 15:59:00", True),  # 17:59
                ("2026-07-06 16:00:00", False),  # 18:00
            ],
            due="2026-06-20",
        )

    def test_weekend_disabled_by_default(self):
        self._check_window(
            [
                ("2026-03-07 10:00:00", False),  # Saturday 11:00 local
                ("2026-03-08 10:00:00", False),  # Sunday
                ("2026-03-06 10:00:00", True),  # Friday
            ],
            due="2026-02-20",
        )

    def test_allowed_weekdays_follow_the_company(self):
        self.company.write({"dso_auto_saturday": True, "dso_auto_monday": False})
        self._check_window(
            [
                ("2026-03-07 10:00:00", True),  # Saturday
                ("2026-03-08 10:00:00", False),  # Sunday
                ("2026-03-09 10:00:00", False),  # Monday
                ("2026-03-10 10:00:00", True),  # Tuesday
            ],
            due="2026-02-20",
        )

    def test_weekday_and_date_are_those_of_the_company_timezone(self):
        self.company.write({"dso_auto_hour_from": 0.0, "dso_auto_hour_to": 24.0})
        # Friday 23:30 UTC is Saturday 0:30 in Brussels: not allowed.
        self._check_window([("2026-03-06 23:30:00", False)], due="2026-02-20")
        # Sunday 2026-03-01 23:30 UTC is Monday 2026-03-02 0:30 in Brussels:
        # allowed, and the action dated Monday (due 2026-02-25 + 5) is due.
        action = self._automatic_action(self._new_customer(), due="2026-02-25")
        self.assertEqual(action.date, date(2026, 3, 2))
        self._run_automatic_cron("2026-03-01 23:30:00")
        self._assert_sent(action)
        # Done on Monday, the company's day, not on Sunday (UTC).
        self.assertEqual(action.date_done, date(2026, 3, 2))

    def test_one_automatic_email_a_day_per_customer(self):
        partner, first, second_step = self._two_automatic_steps_customer()
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_sent(first)
        second = self._open_action(partner)
        self.assertEqual(second.step_id, second_step)
        self.assertEqual(second.date, date(2026, 3, 2))
        # Due the same day: it waits for the next day.
        self._run_automatic_cron("2026-03-02 11:00:00")
        self.assertEqual(second.state, "todo")
        self.assertFalse(second.mail_id)
        self.assertEqual(self._customer_mails(partner), first.mail_id)
        self._run_automatic_cron("2026-03-03 10:00:00")
        self.assertEqual(second.state, "done")
        self.assertTrue(second.mail_id)
        self.assertEqual(self._customer_mails(partner), first.mail_id | second.mail_id)

    def test_one_automatic_email_a_day_in_the_company_timezone(self):
        self.company.write({"dso_auto_hour_from": 0.0, "dso_auto_hour_to": 24.0})
        partner, first, second_step = self._two_automatic_steps_customer()
        # Monday 0:30 in Brussels: the first email goes; the second step falls
        # on Monday too and waits for Tuesday.
        self._run_automatic_cron("2026-03-01 23:30:00")
        self._assert_sent(first)
        self.assertEqual(first.date_done, date(2026, 3, 2))
        second = self._open_action(partner)
        self.assertEqual(second.step_id, second_step)
        self.assertEqual(second.date, date(2026, 3, 2))
        self.assertEqual(second.state, "todo")
        self.assertFalse(second.mail_id)
        self.assertEqual(self._customer_mails(partner), first.mail_id)

    def test_pre_due_reminder_not_sent_once_past_due(self):
        """The daily planning did not run since the due date passed: the cron
        replans first, drops the reminder before the due date and sends the
        first reminder only when its own date comes."""
        partner = self._new_customer()
        self._create_invoice(
            partner, amount=1000, due_date="2026-03-10", invoice_date="2026-02-10"
        )
        self._plan("2026-03-01", partners=partner)
        pre_due = self._open_action(partner)
        self.assertEqual(pre_due.step_id, self.step_pre)
        self.assertEqual(pre_due.date, date(2026, 3, 5))
        # Wednesday 11 March, 10:00 in Brussels: the due date is past.
        self._run_automatic_cron("2026-03-11 09:00:00")
        self.assertFalse(pre_due.exists())
        first = self._open_action(partner)
        self.assertEqual(first.step_id, self.step_first)
        self.assertEqual(first.date, date(2026, 3, 15))
        self.assertFalse(self._customer_mails(partner))

    # Confirmation --------------------------------------------------------

    def test_cron_twice_sends_once(self):
        action = self._automatic_action()
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_sent(action, self.customer)
        mail = action.mail_id
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._run_automatic_cron("2026-03-02 11:00:00")
        self.assertEqual(action.mail_id, mail)
        self.assertEqual(self._customer_mails(), mail)
        self.assertEqual(len(self._scenario_actions().filtered("mail_id")), 1)

    def test_action_linked_to_a_mail_is_not_resent(self):
        # An earlier run queued the email (and, say, failed to record the
        # state): the action is never sent again.
        action = self._automatic_action()
        earlier = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": "Earlier reminder",
                    "body_html": "<p>Earlier reminder</p>",
                    "email_to": self.customer.email,
                    "model": "res.partner",
                    "res_id": self.customer.id,
                }
            )
        )
        action.mail_id = earlier
        self._run_automatic_cron("2026-03-02 10:00:00")
        self.assertEqual(action.state, "todo")
        self.assertEqual(action.mail_id, earlier)
        self.assertEqual(self._customer_mails(), earlier)

    def test_action_linked_to_a_message_is_not_resent(self):
        action = self._automatic_action()
        message = self.env["mail.message"].create(
            {
                "body": "Earlier reminder",
                "model": "res.partner",
                "res_id": self.customer.id,
                "message_type": "comment",
            }
        )
        action.message_id = message
        self._run_automatic_cron("2026-03-02 10:00:00")
        self.assertEqual(action.state, "todo")
        self.assertFalse(action.mail_id)
        self.assertFalse(self._customer_mails())

    def test_scheduled_action_sends(self):
        """The scheduled action itself, run as the cron runs it."""
        action = self._automatic_action()
        cron = self.env.ref("dso_collection.ir_cron_dso_send_automatic")
        with freeze_time("2026-03-02 10:00:00"):
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self._assert_sent(action, self.customer)

    # Falling back to the collector ---------------------------------------

    def test_customer_without_email_goes_to_the_collector(self):
        partner = self._new_customer(email=False)
        action = self._automatic_action(partner)
        self.assertFalse(action.activity_ids)
        with LockBatchSpy(self.env) as spy:
            self._run_automatic_cron("2026-03-02 10:00:00")
        # One batch with the action, then an empty one: the loop ends.
        self.assertEqual(spy.batches(self.company.id), [action.ids, []])
        reason = (
            f"{partner.name} has no email address: add one to the customer or to "
            "its invoicing contact, then send action First reminder again."
        )
        self._assert_fell_back(action, reason)

        # The next runs leave it to the collector.
        with LockBatchSpy(self.env) as spy:
            self._run_automatic_cron("2026-03-02 11:00:00")
        self.assertEqual(spy.batches(self.company.id), [[]])
        self._assert_fell_back(action, reason)

    def test_action_without_message_goes_to_the_collector(self):
        self.step_first.mail_template_id = False
        partner = self._new_customer()
        action = self._automatic_action(partner)
        with LockBatchSpy(self.env) as spy:
            self._run_automatic_cron("2026-03-02 10:00:00")
        self.assertEqual(spy.batches(self.company.id), [action.ids, []])
        reason = (
            f"Action First reminder for {partner.name} has no message: choose a "
            "template or write the message, then send it."
        )
        self._assert_fell_back(action, reason)
        # The other customers' automatic actions are still sent.
        self.step_first.mail_template_id = self.template
        other = self._automatic_action(self._new_customer())
        self._run_automatic_cron("2026-03-02 11:00:00")
        self._assert_sent(other)
        self._assert_fell_back(action, reason)
