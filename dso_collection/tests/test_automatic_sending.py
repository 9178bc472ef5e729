from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase, tagged

from .common import DsoCollectionCommon

FIRST_REMINDER = "dso_collection.mail_template_dso_first_reminder"


class LockBatchSpy:
    """Records what each call of ``_lock_automatic_batch`` returned, per
    company: [(company id, [action ids]), ...]."""

    def __init__(self, env):
        self.model_class = type(env["dso.collection.send"])
        self.original = self.model_class._lock_automatic_batch
        self.calls = []

    def __enter__(self):
        spy = self

        def lock_batch(model, company, today, limit):
            batch = spy.original(model, company, today, limit)
            spy.calls.append((company.id, batch.ids))
            return batch

        self.patcher = patch.object(
            self.model_class, "_lock_automatic_batch", lock_batch
        )
        self.patcher.start()
        return self

    def __exit__(self, *exc):
        self.patcher.stop()

    def batches(self, company_id):
        return [ids for company, ids in self.calls if company == company_id]


@tagged("post_install", "-at_install")
class TestAutomaticSending(DsoCollectionCommon):
    """The hourly cron sends the due automatic emails inside the company's
    days and hours, in the company's timezone (Europe/Brussels: UTC+1 in
    winter, UTC+2 from 2026-03-29 to 2026-10-25). Sending window: 8:00 to
    18:00, Monday to Friday (the defaults).

    Each customer has one invoice of 1 000; planned after its due date, the
    open action is the scenario's "First reminder", due date + 5 days, an
    automatic email with the shipped first-reminder template.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.template = cls.env.ref(FIRST_REMINDER)
        cls.step_pre.mail_template_id = cls.template
        cls.step_first.write({"mail_template_id": cls.template.id, "to_confirm": False})
        cls.customer.email = "ap@acme.example"
        cls.customer_count = 0

    def _new_customer(self, email=True):
        type(self).customer_count += 1
        number = self.customer_count
        return self._create_customer(
            f"Customer {number}",
            email=f"ap{number}@customer.example" if email else False,
        )

    def _automatic_action(self, partner=None, due="2026-02-20"):
        """Invoice the customer, plan ten days after the due date and return
        the open action: the first reminder, due date + 5 days."""
        partner = partner or self.customer
        due = fields.Date.to_date(due)
        self._invoice(partner, 1000, due, due - timedelta(days=30))
        self._plan(due + timedelta(days=10), partners=partner)
        action = self._open_action(partner)
        self.assertEqual(action.step_id, self.step_first)
        self.assertEqual(action.date, due + timedelta(days=5))
        self.assertTrue(action.automatic)
        return action

    def _assert_sent(self, action, partner=None):
        partner = partner or action.partner_id
        self.assertEqual(action.state, "done")
        self.assertFalse(action.send_error)
        mail = action.mail_id
        self.assertTrue(mail)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(partner.email, mail.recipient_ids.mapped("email"))
        self.assertEqual(mail.subject, f"{self.company.name}: overdue invoices")
        self.assertIn(f"Dear {partner.name},", mail.body_html)
        self.assertEqual(self._customer_mails(partner), mail)

    def _assert_not_sent(self, action, state="todo"):
        self.assertEqual(action.state, state)
        self.assertTrue(action.automatic)
        self.assertFalse(action.mail_id)
        self.assertFalse(action.message_id)
        self.assertFalse(action.send_error)
        self.assertFalse(self._customer_mails(action.partner_id))

    def _check_window(self, cases, due):
        """cases: (UTC time of the cron, whether it sends)."""
        for when, sends in cases:
            with self.subTest(when=when):
                partner = self._new_customer()
                action = self._automatic_action(partner, due=due)
                self._run_automatic_cron(when)
                if sends:
                    self._assert_sent(action)
                else:
                    self._assert_not_sent(action)

    # Days and hours ------------------------------------------------------

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

    def _two_automatic_steps_customer(self):
        """A customer whose scenario sends two automatic emails, the second
        on the day the first one is done."""
        scenario = self.env["dso.collection.scenario"].create(
            {
                "name": "Two emails",
                "step_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "name": "First reminder",
                            "action_type": "email",
                            "trigger": "due",
                            "delay": 5,
                            "automatic": True,
                            "mail_template_id": self.template.id,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "name": "Second reminder",
                            "action_type": "email",
                            "trigger": "last_action",
                            "delay": 0,
                            "automatic": True,
                            "mail_template_id": self.template.id,
                        }
                    ),
                ],
            }
        )
        partner = self._new_customer()
        partner.with_company(self.company).dso_scenario_id = scenario
        first_step, second_step = scenario._get_ordered_steps()
        self._invoice(partner, 1000, "2026-02-20", "2026-01-20")
        self._plan("2026-03-01", partners=partner)
        first = self._open_action(partner)
        self.assertEqual(first.step_id, first_step)
        self.assertEqual(first.date, date(2026, 2, 25))
        return partner, first, second_step

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
        self._invoice(partner, 1000, "2026-03-10", "2026-02-10")
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
        self._invoice(later_customer, 1000, "2026-03-10", "2026-02-10")
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

    def test_confirm_ignores_actions_not_waiting(self):
        action = self._automatic_action()
        self.assertEqual(action.state, "todo")
        with freeze_time("2026-03-02 10:05:00"):
            action.action_confirm()
        # Only actions waiting for confirmation are sent by a confirmation.
        self._assert_not_sent(action)

    # Never twice ---------------------------------------------------------

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

    def _assert_fell_back(self, action, reason):
        self.assertEqual(action.state, "todo")
        self.assertFalse(action.automatic)
        self.assertEqual(action.send_error, reason)
        self.assertFalse(action.mail_id)
        self.assertFalse(action.message_id)
        self.assertFalse(self._customer_mails(action.partner_id))
        activity = action.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(activity.summary, "First reminder")
        self.assertEqual(activity.date_deadline, action.date)
        self.assertTrue(
            action.message_ids.filtered(lambda message: reason in (message.body or ""))
        )

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


@tagged("post_install", "-at_install")
class TestAutomaticSendingConcurrency(TransactionCase):
    """Two cron workers at once, each with its own database transaction.

    A test's own transaction is invisible to other cursors, so the data is
    committed through separate cursors and deleted at the end. This class
    writes nothing in its test transaction: a row it changed would block the
    other cursors.
    """

    LOCK_TIMEOUT = "SET LOCAL lock_timeout = '10s'"

    def _cursor(self):
        cr = self.registry.cursor()
        # A worker that waits for a lock instead of skipping it fails the
        # test instead of hanging it.
        cr.execute(self.LOCK_TIMEOUT)
        return cr

    def _create_committed_data(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            scenario = env["dso.collection.scenario"].create(
                {
                    "name": "Concurrency test scenario",
                    "company_id": company.id,
                    "step_ids": [
                        Command.create(
                            {
                                "name": "Concurrent reminder",
                                "action_type": "email",
                                "trigger": "due",
                                "delay": 5,
                                "automatic": True,
                                "mail_template_id": env.ref(FIRST_REMINDER).id,
                            }
                        )
                    ],
                }
            )
            customer = env["res.partner"].create(
                {
                    "name": "Concurrent Customer SA",
                    "is_company": True,
                    "email": "ap@concurrent.example",
                    "company_id": False,
                }
            )
            customer.with_company(company).dso_scenario_id = scenario
            invoice = (
                env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "invoice_date": date(2026, 2, 1),
                        "invoice_date_due": date(2026, 2, 20),
                        "invoice_payment_term_id": False,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Consulting",
                                    "quantity": 1,
                                    "price_unit": 1000.0,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
            )
            invoice.action_post()
            customer.with_company(company)._dso_plan(date=date(2026, 3, 2))
            action = env["dso.collection.action"].search(
                [("partner_id", "=", customer.id)]
            )
            return {
                "company": company.id,
                "scenario": scenario.id,
                "customer": customer.id,
                "invoice": invoice.id,
                "action": action.id,
                "action_state": action.state,
                "action_date": action.date,
            }

    def _delete_committed_data(self, ids):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["dso.collection.action"].search(
                [("partner_id", "=", ids["customer"])]
            ).unlink()
            env["dso.collection.cycle"].search(
                [("partner_id", "=", ids["customer"])]
            ).unlink()
            invoice = env["account.move"].browse(ids["invoice"]).exists()
            if invoice:
                invoice.button_draft()
                invoice.with_context(force_delete=True).unlink()
            env["res.partner"].browse(ids["customer"]).exists().unlink()
            env["dso.collection.scenario"].browse(ids["scenario"]).exists().unlink()

    @staticmethod
    def _customer_mails(env, ids):
        return env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", ids["customer"])]
        )

    @freeze_time("2026-03-02 12:00:00")
    def test_two_workers_never_send_the_same_action(self):
        ids = self._create_committed_data()
        self.addCleanup(self._delete_committed_data, ids)
        self.assertTrue(ids["action"])
        self.assertEqual(ids["action_state"], "todo")
        self.assertEqual(ids["action_date"], date(2026, 2, 25))

        cr_a, cr_b = self._cursor(), self._cursor()
        # Cleanups run last in, first out: the cursors are closed (their
        # locks released) before the data is deleted.
        self.addCleanup(cr_a.close)
        self.addCleanup(cr_b.close)
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        company_a = env_a["res.company"].browse(ids["company"])

        # Worker A takes the action.
        locked = env_a["dso.collection.send"]._lock_automatic_batch(
            company_a, date(2026, 3, 2), 100
        )
        self.assertEqual(locked.ids, [ids["action"]])

        # Worker B runs meanwhile: the locked action is skipped, not awaited.
        with LockBatchSpy(env_b) as spy:
            env_b["dso.collection.action"]._cron_send_automatic()
        self.assertEqual(spy.batches(ids["company"]), [[]])
        action_b = env_b["dso.collection.action"].browse(ids["action"])
        self.assertEqual(action_b.state, "todo")
        self.assertFalse(action_b.mail_id)
        self.assertFalse(self._customer_mails(env_b, ids))
        cr_b.commit()

        # A sends and commits.
        env_a["dso.collection.send"].with_company(company_a)._send_automatic(
            locked.with_company(company_a)
        )
        self.assertEqual(locked.state, "done")
        self.assertTrue(locked.mail_id)
        cr_a.commit()
        cr_a.close()

        # B's next run sees the action done: nothing more.
        cr_b.execute(self.LOCK_TIMEOUT)
        env_b.invalidate_all()
        with LockBatchSpy(env_b) as spy:
            env_b["dso.collection.action"]._cron_send_automatic()
        self.assertEqual(spy.batches(ids["company"]), [[]])
        cr_b.commit()
        cr_b.close()

        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            action = env["dso.collection.action"].browse(ids["action"])
            mails = self._customer_mails(env, ids)
            self.assertEqual(action.state, "done")
            self.assertEqual(len(mails), 1)
            self.assertEqual(action.mail_id, mails)
            self.assertIn("ap@concurrent.example", mails.recipient_ids.mapped("email"))
