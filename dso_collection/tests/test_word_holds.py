from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import format_date
from odoo.tools.misc import formatLang

from .common_sending import AutomaticSendingCommon

REPLY_TYPE = "dso_collection.mail_activity_type_dso_customer_reply"


@tagged("post_install", "-at_install")
class TestWordHolds(AutomaticSendingCommon):
    """The customer's word holds its automatic emails: a pending answer, a
    reply not handled, an open promise (until its date plus the grace days),
    a running payment plan on the action's items. Each customer: an invoice
    of 1 000 due 2026-02-20, its first reminder (automatic) due 2026-02-25;
    the cron runs on Monday 2026-03-02 (11:00 in Brussels)."""

    def _feedback(self, action, **vals):
        return (
            self.env["dso.item.feedback"]
            .sudo()
            .create(
                {
                    "line_id": action.line_ids[:1].id,
                    "partner_id": action.partner_id.id,
                    "kind": "paid",
                    **vals,
                }
            )
        )

    def _promise(self, action, promised, **vals):
        return self.env["dso.payment.promise"].create(
            {
                "partner_id": action.partner_id.id,
                "company_id": self.company.id,
                "line_ids": [Command.set(action.line_ids.ids)],
                "date": promised,
                **vals,
            }
        )

    def _running_plan(self, partner, lines, **vals):
        plan = self.env["dso.payment.plan"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "line_ids": [Command.set(lines.ids)],
                "installment_ids": [
                    Command.create({"date": "2026-03-15", "amount": 500.0}),
                    Command.create({"date": "2026-04-15", "amount": 500.0}),
                ],
            }
        )
        plan.write({"state": "running", **vals})
        return plan

    # A pending answer ----------------------------------------------------

    def test_pending_answer_holds_until_decided(self):
        action = self._automatic_action(self._new_customer())
        other = self._automatic_action(self._new_customer())
        answer = self._feedback(action, date="2026-02-27", reference="WIRE-42")
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action)
        self._assert_sent(other)
        self.assertEqual(
            action.dso_hold_reason, "Said paid on 02/27/2026, ref WIRE-42: to validate."
        )
        # Rejected: the next run sends it and clears the reason.
        answer.action_reject("No such payment in the bank.")
        self._run_automatic_cron("2026-03-02 11:00:00")
        self._assert_sent(action)
        self.assertFalse(action.dso_hold_reason)

    def test_answers_one_line_each_and_validated_lifts(self):
        partner = self._new_customer()
        action = self._automatic_action(partner)
        invoice = action.line_ids.move_id
        dispute = self._feedback(action, kind="dispute", dispute_reason="price")
        with freeze_time("2026-03-01"):
            promise = self._feedback(action, kind="promise", date="2026-03-10")
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action)
        self.assertEqual(
            action.dso_hold_reason.splitlines(),
            [
                f"Disputes invoice {invoice.name}: to validate.",
                "Promised to pay on 03/10/2026: to validate.",
            ],
        )
        with freeze_time("2026-03-02 10:30:00"):
            (dispute | promise).action_validate()
        # Validated: the answers hold no more (a promise made by a
        # validated answer holds as a promise, when one is recorded).
        reasons = self.env["dso.collection.send"]._dso_word_hold_reasons(
            self.company, partner.ids, date(2026, 3, 2)
        )
        self.assertNotIn("to validate", reasons.get(partner.id, ""))

    # A reply not handled -------------------------------------------------

    def test_unhandled_reply_holds_until_done(self):
        partner = self._new_customer()
        action = self._automatic_action(partner)
        with freeze_time("2026-03-01 09:00:00"):
            # No assignment email (it would be a mail on the customer).
            activity = partner.with_context(
                mail_activity_quick_update=True
            ).activity_schedule(
                activity_type_id=self.env.ref(REPLY_TYPE).id,
                user_id=self.collector.id,
            )
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action)
        # The day the reply came (the activity's creation).
        self.assertEqual(
            action.dso_hold_reason,
            f"Replied on {format_date(self.env, activity.create_date.date())}: "
            "read and handle the reply.",
        )
        # Another kind of activity does not hold.
        activity.action_feedback(feedback="Answered by phone.")
        partner.with_context(mail_activity_quick_update=True).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.collector.id
        )
        self._run_automatic_cron("2026-03-02 11:00:00")
        self._assert_sent(action)
        self.assertFalse(action.dso_hold_reason)

    # An open promise -----------------------------------------------------

    def test_open_promise_holds_until_date_and_grace(self):
        self.assertEqual(self.company.dso_promise_grace_days, 2)
        action = self._automatic_action(self._new_customer())
        self._promise(action, "2026-03-03", amount=400.0)
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action)
        self.assertEqual(
            action.dso_hold_reason,
            f"Promised {self._money(400.0)} for 03/03/2026.",
        )
        # Still held on the last day of grace (3 + 2 = 5 March).
        self._run_automatic_cron("2026-03-05 10:00:00")
        self._assert_not_sent(action)
        # The day after, the promise (not yet marked broken) holds no more.
        self._run_automatic_cron("2026-03-06 10:00:00")
        self._assert_sent(action)
        self.assertFalse(action.dso_hold_reason)

    def test_kept_promise_lifts(self):
        action = self._automatic_action(self._new_customer())
        promise = self._promise(action, "2026-03-10")
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action)
        self.assertEqual(action.dso_hold_reason, "Promised to pay for 03/10/2026.")
        promise.state = "kept"
        self._run_automatic_cron("2026-03-02 11:00:00")
        self._assert_sent(action)

    def _money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.company.currency_id)

    # A running payment plan ----------------------------------------------

    def test_running_plan_holds_the_items_reminder(self):
        partner = self._new_customer()
        action = self._automatic_action(partner)
        plan = self._running_plan(partner, action.line_ids)
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action)
        self.assertIn(plan.display_name, action.dso_hold_reason)
        self.assertTrue(action.dso_hold_reason.startswith("Payment plan "))
        # Only this action is held: the customer has no customer-wide hold.
        self.assertFalse(
            self.env["dso.collection.send"]._dso_hold_reasons(
                self.company, partner.ids, date(2026, 3, 2)
            )
        )
        plan.state = "broken"
        self._run_automatic_cron("2026-03-02 11:00:00")
        self._assert_sent(action)
        self.assertFalse(action.dso_hold_reason)

    def test_plan_reminder_not_held_by_its_plan(self):
        partner = self._new_customer()
        action = self._automatic_action(partner)
        plan = self._running_plan(partner, action.line_ids)
        Send = self.env["dso.collection.send"]
        today = date(2026, 3, 2)
        self.assertEqual(set(Send._dso_action_hold_reasons(action, today)), {action.id})
        self.assertFalse(Send._dso_apply_holds(action, self.company, today))
        self.assertTrue(action.dso_hold_reason)
        # The same action as a reminder of the plan's own instalment.
        action.sudo().installment_id = plan.installment_ids[:1]
        self.assertFalse(Send._dso_action_hold_reasons(action, today))
        self.assertEqual(Send._dso_apply_holds(action, self.company, today), action)
        self.assertFalse(action.dso_hold_reason)

    def test_reasons_merge_with_the_guard(self):
        """A customer held by the guard and by its word: both reasons, one
        per line."""
        partner = self._new_customer()
        action = self._automatic_action(partner)
        self._feedback(action, date="2026-02-27")
        self.company.dso_bank_statement_max_days = 5
        self._run_automatic_cron("2026-03-02 10:00:00")
        self._assert_not_sent(action)
        lines = action.dso_hold_reason.splitlines()
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines[1], "Said paid on 02/27/2026: to validate.")

    def test_held_filter_shows_the_word(self):
        action = self._automatic_action(self._new_customer())
        self._feedback(action, date="2026-02-27", reference="WIRE-42")
        self._run_automatic_cron("2026-03-02 10:00:00")
        held = self.env["dso.collection.action"].search(
            [("state", "=", "todo"), ("dso_hold_reason", "!=", False)]
        )
        self.assertIn(action, held)

    # The simulator -------------------------------------------------------

    def test_simulator_holds_until_promise_date_and_grace(self):
        partner = self._new_customer()
        action = self._automatic_action(partner)
        self._promise(action, "2026-03-04")
        with freeze_time("2026-03-02 06:00:00"):
            events = self.env["dso.collection.simulation"]._simulate(
                self.company, partner.ids, date(2026, 3, 2), 10
            )
        mine = [(e.date, e.outcome) for e in events if e.partner_id == partner.id]
        self.assertEqual(mine[0], (date(2026, 3, 2), "held"))
        held = next(e for e in events if e.outcome == "held")
        self.assertEqual(held.note, "Promised to pay for 03/04/2026.")
        # 4 March + 2 grace days = 6 March (a Friday): sent on Monday 9th
        # at the latest, never before the 7th.
        sent = [d for d, outcome in mine if outcome == "sent"]
        self.assertTrue(sent)
        self.assertGreaterEqual(sent[0], date(2026, 3, 7))
        self.assertLessEqual(sent[0], date(2026, 3, 9))
