"""Shared by the automatic-sending tests: a company in Europe/Brussels,
customers with one invoice, and checks of what was sent."""

from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command, fields

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


class AutomaticSendingCommon(DsoCollectionCommon):
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
        self._create_invoice(
            partner, amount=1000, due_date=due, invoice_date=due - timedelta(days=30)
        )
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
        self._create_invoice(
            partner, amount=1000, due_date="2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01", partners=partner)
        first = self._open_action(partner)
        self.assertEqual(first.step_id, first_step)
        self.assertEqual(first.date, date(2026, 2, 25))
        return partner, first, second_step

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
