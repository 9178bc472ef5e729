from datetime import date

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

from .common_sending import FIRST_REMINDER, LockBatchSpy


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
            # Automatic emails are to be confirmed by default: this test sends
            # them unconfirmed (restored by _delete_committed_data).
            confirm_automatic = company.dso_confirm_automatic
            company.dso_confirm_automatic = False
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
                "confirm_automatic": confirm_automatic,
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
            env["res.company"].browse(ids["company"]).dso_confirm_automatic = ids[
                "confirm_automatic"
            ]

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
