from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DsoCollectionCommon, DsoCollectionMultiCompanyCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestPromises(DsoCollectionCommon):
    """Promises of payment: recorded when items get a promise status with a
    date, kept or broken by the daily run, the customer's kept-promise rate
    and the prediction it feeds. Today 2026-03-10, the company's grace days
    2 (a promise for 03/20 is broken from 03/23)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dso_promise_grace_days = 2
        cls.line = cls._create_item(cls.customer, 1000, "2026-02-01")
        cls.line2 = cls._create_item(cls.customer, 500, "2026-02-15")
        cls.status = cls.env.ref("dso_collection.dso_item_status_promise")
        cls.Promise = cls.env["dso.payment.promise"]

    def _wizard(self, lines, **vals):
        action = self.env["dso.status.change.wizard"]._dso_open(lines)
        return (
            self.env["dso.status.change.wizard"]
            .with_context(**action["context"])
            .create(
                {
                    "status_id": self.status.id,
                    "status_date": "2026-03-20",
                    "next_action": "scenario",
                    **vals,
                }
            )
        )

    def _promise(self, lines=None, amount=0.0, when="2026-03-20"):
        lines = lines or self.line
        lines._dso_set_status(self.status, date=when, promise_amount=amount)
        return self._promises(lines)

    def _promises(self, lines, state="open"):
        return self.Promise.search(
            [("line_ids", "in", lines.ids), ("state", "=", state)]
        )

    def _check(self, when):
        with freeze_time(when):
            self.Promise._dso_check_promises()
        self.env.invalidate_all()

    # Creation ------------------------------------------------------------

    def test_the_wizard_records_the_promise(self):
        self._wizard(self.line).action_apply()
        promise = self._promises(self.line)
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.company_id, self.company)
        self.assertEqual(promise.user_id, self.collector)
        self.assertEqual(promise.date, date(2026, 3, 20))
        self.assertEqual(promise.amount, 0.0)
        self.assertEqual(promise.amount_due, 1000.0)
        self.assertEqual(promise._dso_promise_amount_target(), 1000.0)
        self.assertEqual(promise.source, "collector")
        self.assertEqual(promise.status_id, self.status)
        self.assertEqual(promise.display_name, "Promise of Acme Corp for 03/20/2026")

    def test_a_collector_records_a_promise_with_the_wizard(self):
        action = self.env["dso.status.change.wizard"]._dso_open(self.line)
        wizard = (
            self.env["dso.status.change.wizard"]
            .with_user(self.collector)
            .with_context(**action["context"])
            .create(
                {
                    "status_id": self.status.id,
                    "status_date": "2026-03-20",
                    "next_action": "scenario",
                    "promise_amount": 250,
                }
            )
        )
        wizard.action_apply()
        promise = self._promises(self.line)
        self.assertEqual(promise.amount, 250.0)
        self.assertEqual(promise.create_uid, self.collector)
        listed = self.Promise.with_user(self.collector).search(
            self._open_filter_domain()
        )
        self.assertIn(promise, listed)

    def _open_filter_domain(self):
        action = self.env.ref("dso_collection.dso_payment_promise_action")
        self.assertIn("search_default_filter_open", action.context)
        return [("state", "=", "open")]

    def test_the_wizard_records_the_promised_amount(self):
        self._wizard(self.line, promise_amount=400).action_apply()
        promise = self._promises(self.line)
        self.assertEqual(promise.amount, 400.0)
        self.assertEqual(promise._dso_promise_amount_target(), 400.0)

    def test_the_wizard_refuses_a_negative_or_excessive_amount(self):
        for amount, message in ((-5, "negative"), (1200, "more than their open")):
            wizard = self._wizard(self.line, promise_amount=amount)
            with self.assertRaisesRegex(UserError, message):
                wizard.action_apply()
            self.assertFalse(self.line.dso_status_id, "nothing half-written")
            self.assertFalse(self._promises(self.line))

    def test_no_promise_without_a_promise_status(self):
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        self.line._dso_set_status(dispute, date="2026-03-20")
        self.assertFalse(self.Promise.search([("line_ids", "in", self.line.ids)]))

    def test_a_list_edit_records_the_promise(self):
        self.line.write(
            {"dso_status_id": self.status.id, "dso_status_date": "2026-03-25"}
        )
        promise = self._promises(self.line)
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.date, date(2026, 3, 25))
        self.assertEqual(promise.source, "collector")
        # Re-dated in the list: the new promise replaces the first.
        self.line.write({"dso_status_date": "2026-03-28"})
        self.assertEqual(self._promises(self.line).date, date(2026, 3, 28))
        self.assertEqual(promise.state, "cancel")

    def test_a_validated_customer_answer_records_the_promise(self):
        self.customer.write({"email": "ap@acme.example"})
        # sudo: requests are created by the sending, never by users.
        request = (
            self.env["dso.interactive.request"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "line_ids": [Command.set(self.line.ids)],
                    "audience": "customer",
                    "collector_id": self.collector.id,
                }
            )
        )
        with self.mock_mail_gateway():
            feedback = request._dso_submit(
                [{"line_id": self.line.id, "kind": "promise", "date": "2026-03-20"}]
            )
            feedback.action_validate()
        promise = self._promises(self.line)
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.source, "customer")
        self.assertEqual(promise.date, date(2026, 3, 20))

    def test_a_promise_on_several_items(self):
        promise = self._promise(self.line | self.line2)
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.line_ids, self.line | self.line2)
        self.assertEqual(promise.amount_due, 1500.0)
        # One item paid only: broken after the grace days.
        self._pay(self.line.move_id, date="2026-03-15")
        self._check("2026-03-23")
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.amount_paid, 1000.0)
        self.assertEqual(promise.followup_action_id.line_ids, self.line2)

    def test_a_promise_on_several_items_all_paid_is_kept(self):
        promise = self._promise(self.line | self.line2)
        self._pay(self.line.move_id, date="2026-03-15")
        self._pay(self.line2.move_id, date="2026-03-16")
        self._check("2026-03-16")
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.amount_paid, 1500.0)

    def test_a_second_promise_replaces_the_first(self):
        first = self._promise()
        second = self._promise(when="2026-03-31")
        self.assertEqual(first.state, "cancel")
        self.assertEqual(second.state, "open")
        self.assertEqual(self._promises(self.line), second)

    def test_items_of_two_customers_get_a_promise_each(self):
        other = self._create_customer("Beta Ltd")
        other_line = self._create_item(other, 300, "2026-02-01")
        (self.line | other_line)._dso_set_status(self.status, date="2026-03-20")
        promises = self._promises(self.line | other_line)
        self.assertEqual(len(promises), 2)
        self.assertEqual(promises.partner_id, self.customer | other)
        with self.assertRaisesRegex(UserError, "several"):
            self.Promise._dso_check_promise_amount(self.line | other_line, 100)

    # Kept or broken --------------------------------------------------------

    def test_paid_fully_before_the_date_is_kept(self):
        promise = self._promise()
        self._pay(self.line.move_id, date="2026-03-12")
        self._check("2026-03-12")
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.date_closed, date(2026, 3, 12))
        self.assertEqual(promise.amount_paid, 1000.0)
        self.assertFalse(promise.followup_action_id)

    def test_the_amount_promised_paid_is_kept(self):
        promise = self._promise(amount=400)
        self._pay(self.line.move_id, amount=400, date="2026-03-18")
        self._check("2026-03-18")
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.amount_paid, 400.0)

    def test_less_than_promised_is_broken_after_the_grace_days(self):
        promise = self._promise(amount=400)
        self._pay(self.line.move_id, amount=300, date="2026-03-18")
        for day in ("2026-03-18", "2026-03-20", "2026-03-22"):
            self._check(day)
            self.assertEqual(promise.state, "open", day)
        self.assertEqual(promise.amount_paid, 300.0)
        self._check("2026-03-23")
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.date_closed, date(2026, 3, 23))

    def test_a_broken_promise_is_written_down_and_followed_up(self):
        promise = self._promise()
        history_before = self.line.dso_status_history_ids
        self._check("2026-03-23")
        self.assertEqual(promise.state, "broken")
        history = self.line.dso_status_history_ids - history_before
        self.assertEqual(len(history), 1)
        self.assertEqual(history.source, "system")
        self.assertIn("Promise of 03/20/2026 broken:", history.comment)
        self.assertIn("1,000.00", history.comment)
        action = promise.followup_action_id
        self.assertTrue(action)
        self.assertEqual(action.name, "Broken promise: Phone call")
        self.assertEqual(action.action_type, "call")
        self.assertTrue(action.is_specific)
        self.assertEqual(action.line_ids, self.line)
        self.assertEqual(action.user_id, self.collector)
        self.assertEqual(action.date, date(2026, 3, 23))
        self.assertIn("broken", " ".join(promise.message_ids.mapped("body")).lower())
        # Checked again: nothing twice.
        self._check("2026-03-24")
        self.assertEqual(len(self.line.dso_status_history_ids - history_before), 1)

    def test_a_payment_after_the_break_does_not_reopen_it(self):
        promise = self._promise()
        self._check("2026-03-23")
        self._pay(self.line.move_id, date="2026-03-24")
        self._check("2026-03-24")
        self.assertEqual(promise.state, "broken")

    def test_the_cron_runs_the_check_and_thanks_per_company(self):
        promise = self._promise()
        companies = []
        send = type(self.env["dso.collection.send"])

        def thank(_self, company, today):
            companies.append((company, today))

        with (
            freeze_time("2026-03-23"),
            patch.object(send, "_dso_thank_customers", thank),
        ):
            self.Promise._cron_check_commitments()
        self.assertEqual(promise.state, "broken")
        self.assertIn((self.company, date(2026, 3, 23)), companies)

    # The kept-promise rate ---------------------------------------------------

    def _closed(self, partner, state, closed, company=None):
        company = company or self.company
        return self.Promise.create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "date": closed,
                "state": state,
                "date_closed": closed,
            }
        )

    def test_the_kept_rate_over_twelve_months(self):
        customer = self._customer_view()
        self.assertEqual(customer.dso_promise_closed_count, 0)
        self.assertEqual(customer.dso_promise_kept_rate, 0.0)
        self.assertEqual(customer.dso_promise_kept_summary, "No promise yet")
        for state, closed in (
            ("kept", "2025-04-01"),
            ("kept", "2025-10-01"),
            ("kept", "2026-03-01"),
            ("broken", "2026-01-15"),
            ("broken", "2025-02-01"),  # more than 12 months ago: left out
            ("cancel", "2026-02-01"),  # cancelled: left out
        ):
            self._closed(self.customer, state, closed)
        self._promise()
        customer = self._customer_view()
        self.assertEqual(customer.dso_promise_closed_count, 4)
        self.assertEqual(customer.dso_promise_kept_rate, 75.0)
        self.assertEqual(
            customer.dso_promise_kept_summary, "3 of 4 kept (75 %), last 12 months"
        )
        self.assertEqual(customer.dso_promise_open_count, 1)
        action = customer.action_dso_open_promises()
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])

    # The prediction ----------------------------------------------------------

    def test_the_prediction_believes_a_customer_who_keeps_its_word(self):
        # Usual delay: 10 days late on its one paid invoice.
        paid = self._create_invoice(self.customer, amount=100, due_date="2026-01-01")
        self._pay(paid, date="2026-01-11")
        self._promise()
        self._closed(self.customer, "kept", "2026-02-01")
        self._closed(self.customer, "broken", "2026-02-15")
        self.env.invalidate_all()
        self.assertEqual(self.line.dso_predicted_payment_date, date(2026, 3, 20))
        self.assertIn("keeps 50 % of its promises", self.line.dso_payment_explanation)
        # Not under a promise: its usual prediction.
        self.assertEqual(self.line2.dso_predicted_payment_date, date(2026, 3, 10))

    def test_the_prediction_adds_the_usual_delay_to_a_doubtful_promise(self):
        paid = self._create_invoice(self.customer, amount=100, due_date="2026-01-01")
        self._pay(paid, date="2026-01-11")
        self._promise()
        self._closed(self.customer, "broken", "2026-02-15")
        self.env.invalidate_all()
        self.assertEqual(self.line.dso_predicted_payment_date, date(2026, 3, 30))
        self.assertIn("keeps only 0 %", self.line.dso_payment_explanation)
        # Without a closed promise yet: the delay too, said so.
        self.Promise.search(
            [("partner_id", "=", self.customer.id), ("state", "=", "broken")]
        ).unlink()
        self.env.invalidate_all()
        self.assertEqual(self.line.dso_predicted_payment_date, date(2026, 3, 30))
        self.assertIn(
            "no promise kept or broken yet", self.line.dso_payment_explanation
        )


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestPromisesMultiCompany(DsoCollectionMultiCompanyCommon):
    """Each company keeps its promises to itself: its own grace days, its
    own collector, its own kept rate; another company's collector does not
    see them."""

    def test_another_company_keeps_its_promises_to_itself(self):
        status = self.env.ref("dso_collection.dso_item_status_promise")
        Promise = self.env["dso.payment.promise"]
        self.company.dso_promise_grace_days = 2
        self.company_2.dso_promise_grace_days = 5
        line_1 = self._create_item(self.shared_customer, 100, "2026-02-01")
        line_2 = self._create_item(
            self.shared_customer, 200, "2026-02-01", company=self.company_2
        )
        line_1._dso_set_status(status, date="2026-03-20")
        line_2.with_company(self.company_2)._dso_set_status(status, date="2026-03-20")
        promise_1 = Promise.search([("line_ids", "in", line_1.ids)])
        promise_2 = Promise.search([("line_ids", "in", line_2.ids)])
        self.assertEqual(promise_1.company_id, self.company)
        self.assertEqual(promise_2.company_id, self.company_2)
        self.assertEqual(promise_2.user_id, self.collector_2)
        # The collector of company 1 sees its company's promise only.
        seen = Promise.with_user(self.collector).search(
            [("partner_id", "=", self.shared_customer.id)]
        )
        self.assertEqual(seen, promise_1)
        # Each company's grace days.
        with freeze_time("2026-03-23"):
            Promise._dso_check_promises()
        self.assertEqual(promise_1.state, "broken")
        self.assertEqual(promise_2.state, "open")
        self.assertEqual(promise_1.followup_action_id.company_id, self.company)
        with freeze_time("2026-03-26"):
            Promise._dso_check_promises()
        self.assertEqual(promise_2.state, "broken")
        self.assertEqual(promise_2.followup_action_id.company_id, self.company_2)
        self.assertEqual(promise_2.followup_action_id.user_id, self.collector_2)
        # Each company's rate: none kept in either.
        customer = self._customer_view(self.shared_customer)
        self.assertEqual(customer.dso_promise_closed_count, 1)
        Promise.create(
            {
                "partner_id": self.shared_customer.id,
                "company_id": self.company_2.id,
                "date": "2026-03-01",
                "state": "kept",
                "date_closed": "2026-03-01",
            }
        )
        self.assertEqual(
            self._customer_view(self.shared_customer).dso_promise_kept_rate, 0.0
        )
        self.assertEqual(
            self._customer_view(
                self.shared_customer, self.company_2
            ).dso_promise_kept_rate,
            50.0,
        )
