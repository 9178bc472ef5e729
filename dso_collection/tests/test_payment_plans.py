from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DsoCollectionCommon, DsoCollectionHttpCommon


class PaymentPlanMixin:
    def _new_plan(self, lines, schedule, partner=None):
        """A draft plan of ``lines`` with instalments [(date, amount)]."""
        return self.env["dso.payment.plan"].create(
            {
                "partner_id": (partner or self.customer).id,
                "company_id": self.company.id,
                "line_ids": [Command.set(lines.ids)],
                "installment_ids": [
                    Command.create({"date": fields.Date.to_date(day), "amount": amount})
                    for day, amount in schedule
                ],
            }
        )


@tagged("post_install", "-at_install")
class TestPaymentPlans(PaymentPlanMixin, DsoCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"email": "ap@acme.example", "lang": "en_US"})
        cls.company.dso_plan_grace_days = 5
        # This company trusts its plan reminders: sent without confirmation.
        cls.plan_steps = cls.env.ref(
            "dso_collection.dso_collection_scenario_payment_plan"
        ).step_ids
        cls.plan_steps.to_confirm = False
        with freeze_time("2026-01-01"):
            cls.item = cls._create_item(
                cls.customer, 900, date(2026, 1, 10), invoice_date=date(2026, 1, 1)
            )
            cls.other_item = cls._create_item(
                cls.customer, 100, date(2026, 1, 20), invoice_date=date(2026, 1, 1)
            )
        cls.invoice = cls.item.move_id
        cls.schedule = [
            ("2026-02-15", 300.0),
            ("2026-03-15", 300.0),
            ("2026-04-15", 300.0),
        ]

    def _started_plan(self):
        with freeze_time("2026-02-01"):
            plan = self._new_plan(self.item, self.schedule)
            plan.action_start()
        return plan

    def _check(self, day):
        with freeze_time(day):
            self.env["dso.payment.plan"]._dso_check_plans(
                today=fields.Date.to_date(day)
            )
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Starting
    # ------------------------------------------------------------------

    @freeze_time("2026-02-01")
    def test_start_checks(self):
        cases = [
            (self._new_plan(self.item, []), "has no instalment"),
            (
                self._new_plan(self.item, [("2026-02-15", 900.0), ("2026-03-15", 0)]),
                "no positive amount",
            ),
            (self._new_plan(self.item, [("2026-01-15", 900.0)]), "in the past"),
            (
                self._new_plan(
                    self.item, [("2026-02-15", 450.0), ("2026-02-15", 450.0)]
                ),
                "two instalments",
            ),
            (self._new_plan(self.item, [("2026-02-15", 800.0)]), "add up to"),
            (
                self._new_plan(self.env["account.move.line"], [("2026-02-15", 9)]),
                "no items",
            ),
        ]
        other = self._create_customer("Other Ltd")
        cases.append(
            (
                self._new_plan(self.item, [("2026-02-15", 900.0)], partner=other),
                "another customer",
            )
        )
        for plan, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(UserError, message):
                    plan.action_start()
                self.assertEqual(plan.state, "draft")
                self.assertFalse(
                    self.env["dso.collection.action"].search(
                        [("plan_id", "=", plan.id)]
                    )
                )
        running = self._new_plan(self.item, [("2026-02-15", 900.0)])
        running.action_start()
        twice = self._new_plan(self.item, [("2026-02-15", 900.0)])
        with self.assertRaisesRegex(UserError, "already in the running payment plan"):
            twice.action_start()
        # Rounding: a cent of difference is an error, less is not.
        self.assertRegex(running.name, r"^Plan 2026/\d{4}$")

    def test_start_runs_and_excludes_items_from_the_scenario(self):
        self._plan("2026-02-01")
        self.assertEqual(self._open_action().cycle_id.leader_line_id, self.item)
        plan = self._started_plan()
        self.assertEqual(plan.state, "running")
        self.assertEqual(plan.amount_total, 900.0)
        self.assertEqual(plan.date_start, date(2026, 2, 1))
        self.assertTrue(self.item.dso_excluded)
        self.assertFalse(self.other_item.dso_excluded)
        self._plan("2026-02-02")
        # The planner leads with the item out of the plan.
        leader = self._open_action().cycle_id.leader_line_id
        self.assertEqual(leader, self.other_item)
        self.assertIn("Payment plan started", plan.message_ids[0].body)
        # Cancelled, the plan gives its items back.
        with freeze_time("2026-02-02"):
            plan.action_cancel()
        self.env.invalidate_all()
        self.assertEqual(plan.state, "cancel")
        self.assertFalse(self.item.dso_excluded)
        self.assertFalse(plan.reminder_ids.filtered(lambda a: a.state == "todo"))

    def test_reminders_on_each_instalment(self):
        plan = self._started_plan()
        reminders = plan.reminder_ids.sorted(lambda a: (a.date, a.id))
        self.assertEqual(
            [(a.date, a.name, a.installment_id.date) for a in reminders],
            [
                (date(2026, 2, 12), "Instalment due soon", date(2026, 2, 15)),
                (date(2026, 2, 18), "Instalment missed", date(2026, 2, 15)),
                (date(2026, 3, 12), "Instalment due soon", date(2026, 3, 15)),
                (date(2026, 3, 18), "Instalment missed", date(2026, 3, 15)),
                (date(2026, 4, 12), "Instalment due soon", date(2026, 4, 15)),
                (date(2026, 4, 18), "Instalment missed", date(2026, 4, 15)),
            ],
        )
        self.assertTrue(all(reminders.mapped("is_specific")))
        self.assertTrue(all(reminders.mapped("automatic")))
        self.assertEqual(set(reminders.mapped("state")), {"todo"})
        self.assertEqual(reminders.line_ids, self.item)
        # Planning again neither cancels nor duplicates them.
        self._plan("2026-02-05")
        self.assertEqual(plan.reminder_ids, reminders)
        self.assertEqual(set(reminders.mapped("state")), {"todo"})
        # The sending cron sends the one due, with the instalment's figures.
        self._run_automatic_cron("2026-02-12 10:00:00")
        self.assertEqual(reminders[0].state, "done")
        self.assertEqual(set(reminders[1:].mapped("state")), {"todo"})
        body = reminders[0].mail_id.body_html or reminders[0].message_id.body
        self.assertIn("300.00", body)
        self.assertIn(plan.name, body)
        self.assertIn("04/15/2026", body)
        self.assertIn("02/15/2026", reminders[0].mail_id.subject)
        self.assertNotIn("#", reminders[0].mail_id.subject)

    def test_shipped_reminders_wait_for_confirmation(self):
        self.plan_steps.to_confirm = True
        plan = self._started_plan()
        self.assertEqual(len(plan.reminder_ids), 6)
        self.assertEqual(set(plan.reminder_ids.mapped("state")), {"to_confirm"})
        # Another scenario of the company's choice: each of its steps
        # reminds, counted from the instalment's date.
        self.company.dso_plan_scenario_id = self.scenario
        with freeze_time("2026-02-01"):
            other = self._new_plan(self.other_item, [("2026-02-20", 100.0)])
            other.action_start()
        self.assertEqual(
            [(a.name, a.date) for a in other.reminder_ids.sorted("date")],
            [
                ("Pre-due reminder", date(2026, 2, 15)),
                ("First reminder", date(2026, 2, 25)),
                ("Phone call", date(2026, 2, 27)),
                ("Formal notice", date(2026, 3, 2)),
            ],
        )

    def test_instalment_paid_cancels_its_reminders(self):
        plan = self._started_plan()
        first, second, third = plan.installment_ids
        self._pay(self.invoice, 300.0, date(2026, 2, 14))
        self._check("2026-02-14")
        self.assertEqual(first.state, "paid")
        self.assertEqual(first.amount_paid, 300.0)
        self.assertEqual((second | third).mapped("state"), ["open", "open"])
        self.assertEqual(set(first.action_ids.mapped("state")), {"cancel"})
        self.assertEqual(set((second | third).action_ids.mapped("state")), {"todo"})
        self.assertEqual(plan.state, "running")
        # Partly paid: the second instalment counts what came on top.
        self._pay(self.invoice, 100.0, date(2026, 3, 16))
        self._check("2026-03-17")
        self.assertEqual(second.state, "late")
        self.assertEqual(second.amount_paid, 100.0)
        self.assertEqual(plan.state, "running")

    def test_missed_instalment_breaks_the_plan(self):
        plan = self._started_plan()
        self._pay(self.invoice, 300.0, date(2026, 2, 14))
        self._check("2026-03-20")
        # Late, but within the grace days.
        self.assertEqual(plan.installment_ids[1].state, "late")
        self.assertEqual(plan.state, "running")
        self._check("2026-03-21")
        self.assertEqual(plan.state, "broken")
        self.assertEqual(plan.date_closed, date(2026, 3, 21))
        self.assertFalse(
            plan.reminder_ids.filtered(lambda a: a.state in ("todo", "to_confirm"))
        )
        history = self.env["dso.item.status.history"].search(
            [("line_id", "=", self.item.id), ("source", "=", "system")]
        )
        self.assertEqual(len(history), 1)
        self.assertIn(plan.name, history.comment)
        self.assertIn("03/15/2026", history.comment)
        call = self.env["dso.collection.action"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("name", "=", "Broken payment plan: call"),
            ]
        )
        self.assertEqual(len(call), 1)
        self.assertTrue(call.is_specific)
        self.assertEqual(call.action_type, "call")
        self.assertEqual(call.line_ids, self.item)
        self.assertEqual(call.user_id, self.collector)
        self.assertIn("broken", plan.message_ids[0].body)
        # The call done, the item is back in the scenario.
        with freeze_time("2026-03-21"):
            call.action_done()
        self.env.invalidate_all()
        self.assertFalse(self.item.dso_excluded)
        self.other_item.move_id.button_draft()
        self.other_item.move_id.button_cancel()
        self._plan("2026-03-22")
        self.assertEqual(self._open_action().cycle_id.leader_line_id, self.item)

    def test_all_paid_ends_the_plan(self):
        plan = self._started_plan()
        self._pay(self.invoice, 900.0, date(2026, 2, 14))
        self._check("2026-02-14")
        self.assertEqual(plan.state, "done")
        self.assertEqual(plan.date_closed, date(2026, 2, 14))
        self.assertEqual(set(plan.installment_ids.mapped("state")), {"paid"})
        self.assertEqual(set(plan.reminder_ids.mapped("state")), {"cancel"})

    def test_the_daily_cron_checks_plans(self):
        plan = self._started_plan()
        self._pay(self.invoice, 900.0, date(2026, 2, 14))
        with freeze_time("2026-02-14"):
            self.env["dso.payment.promise"]._cron_check_commitments()
        self.assertEqual(plan.state, "done")

    # ------------------------------------------------------------------
    # The wizard
    # ------------------------------------------------------------------

    @freeze_time("2026-02-01")
    def test_wizard_computes_and_agrees(self):
        Wizard = self.env["dso.payment.plan.wizard"]
        schedule = Wizard._dso_schedule(
            1000.0, 3, date(2026, 3, 1), "month", 1, self.company.currency_id
        )
        self.assertEqual(
            schedule,
            [
                (date(2026, 3, 1), 333.33),
                (date(2026, 4, 1), 333.33),
                (date(2026, 5, 1), 333.34),
            ],
        )
        weekly = Wizard._dso_schedule(
            100.0, 2, date(2026, 3, 1), "week", 2, self.company.currency_id
        )
        self.assertEqual(weekly, [(date(2026, 3, 1), 50.0), (date(2026, 3, 15), 50.0)])
        # From the customer form: its open items by default.
        wizard = Wizard.with_context(default_partner_id=self.customer.id).create({})
        self.assertEqual(wizard.line_ids, self.item | self.other_item)
        wizard = Wizard.create(
            {
                "partner_id": self.customer.id,
                "line_ids": [Command.set((self.item | self.other_item).ids)],
                "installment_count": 2,
                "date_first": date(2026, 3, 1),
            }
        )
        wizard._onchange_schedule()
        self.assertEqual(wizard.wizard_line_ids.mapped("amount"), [500.0, 500.0])
        # Typed by hand.
        wizard.wizard_line_ids[0].amount = 400.0
        wizard.wizard_line_ids[1].write({"amount": 600.0, "date": date(2026, 5, 1)})
        result = wizard.action_agree()
        plan = self.env["dso.payment.plan"].browse(result["res_id"])
        self.assertEqual(plan.state, "running")
        self.assertEqual(
            [(i.date, i.amount) for i in plan.installment_ids],
            [(date(2026, 3, 1), 400.0), (date(2026, 5, 1), 600.0)],
        )
        self.assertEqual(plan.user_id, self.collector)

    @freeze_time("2026-02-01")
    def test_status_wizard_opens_the_plan_wizard(self):
        status_wizard = self.env["dso.status.change.wizard"].create(
            {"line_ids": [Command.set(self.item.ids)]}
        )
        action = status_wizard.action_dso_payment_plan()
        wizard = (
            self.env["dso.payment.plan.wizard"]
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(wizard.line_ids, self.item)

    @freeze_time("2026-02-01")
    def test_simulator_keeps_plan_items_out(self):
        self._started_plan()
        events = self.env["dso.collection.simulation"]._simulate(
            self.company, [self.customer.id], date(2026, 2, 1), 60
        )
        # No scenario action ever concerns the plan's item, even after its
        # reminders: only the other item is chased by the scenario.
        scenario = [e for e in events if not e.action.is_specific]
        self.assertTrue(scenario)
        for event in scenario:
            self.assertNotIn(self.item.id, event.action.line_ids)


@tagged("post_install", "-at_install")
class TestPaymentPlanPortal(PaymentPlanMixin, DsoCollectionHttpCommon):
    """The plan on the answer page (real HTTP; dates relative to today)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.customer.write({"email": "ap@acme.example", "lang": "en_US"})
        cls.customer.with_company(cls.company).dso_interactive_email = True
        cls.line = cls._create_item(cls.customer, 600, today - timedelta(days=20))
        cls.other = cls._create_customer("Other Secret Ltd", email="o@x.example")
        cls.other.with_company(cls.company).dso_interactive_email = True
        cls.other_line = cls._create_item(cls.other, 777, today - timedelta(days=20))
        cls.requests = {}
        for partner, line in ((cls.customer, cls.line), (cls.other, cls.other_line)):
            action = cls.env["dso.collection.action"].create(
                {
                    "name": "Interactive reminder",
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "is_specific": True,
                    "action_type": "interactive_email",
                    "mail_template_id": cls.env.ref(
                        "dso_collection.mail_template_dso_interactive_reminder"
                    ).id,
                    "line_ids": [Command.set(line.ids)],
                }
            )
            cls.env["dso.collection.send"]._send_now(action)
            cls.requests[partner] = action._dso_interactive_request()
        cls.plan = cls._new_plan(
            cls,
            cls.line,
            [(today + timedelta(days=10), 300.0), (today + timedelta(days=40), 300.0)],
        )
        cls.plan.action_start()

    def _page(self, partner):
        request = self.requests[partner]
        return self.url_open(
            f"{request.access_url}?access_token={request.access_token}"
        )

    def test_page_shows_the_plan_with_pay_now(self):
        page = self._page(self.customer)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.plan.name, page.text)
        self.assertEqual(page.text.count('o_dso_installment"'), 2)
        self.assertNotIn("o_dso_installment_pay", page.text)
        self.env["payment.provider"].create(
            {
                "name": "Test provider",
                "state": "test",
                "is_published": True,
                "company_id": self.company.id,
            }
        )
        page = self._page(self.customer)
        text = page.text.replace("&amp;", "&")
        self.assertIn("o_dso_installment_pay", text)
        self.assertIn("/payment/pay?", text)
        self.assertIn(f"invoice_id={self.line.move_id.id}", text)
        self.assertIn("amount=300.0", text)
        # The link opens Odoo's payment page (its token is valid).
        link = text.split('href="/payment/pay?')[1].split('"')[0]
        pay = self.url_open(f"/payment/pay?{link}")
        self.assertEqual(pay.status_code, 200)

    def test_other_customer_page_does_not_show_it(self):
        page = self._page(self.other)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(self.plan.name, page.text)
        self.assertNotIn("o_dso_payment_plan", page.text)
