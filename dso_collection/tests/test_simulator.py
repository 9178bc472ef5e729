from datetime import date, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common_sending import AutomaticSendingCommon

START = date(2026, 3, 2)  # a Monday
DAYS = 60


@tagged("post_install", "-at_install")
class TestSimulator(AutomaticSendingCommon):
    """The dunning simulator predicts, day by day, what the planner, the
    collectors (doing manual actions and confirming on their date) and the
    hourly automatic sending then really do; and it writes nothing.

    Company in Europe/Brussels, sending Monday to Friday 8:00-18:00.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        email = {"action_type": "email", "mail_template_id": cls.template.id}
        cls.sim_scenario = cls._create_scenario(
            "Simulated scenario",
            [
                {
                    "name": "Pre-due",
                    "trigger": "due",
                    "delay": -3,
                    "automatic": True,
                    **email,
                },
                {
                    "name": "First reminder",
                    "trigger": "due",
                    "delay": 2,
                    "automatic": True,
                    "to_confirm": True,
                    **email,
                },
                {
                    "name": "Call",
                    "action_type": "call",
                    "trigger": "last_action",
                    "delay": 3,
                },
                {
                    "name": "Second reminder",
                    "trigger": "last_action",
                    "delay": 4,
                    "automatic": True,
                    **email,
                },
                {
                    "name": "Final call",
                    "action_type": "call",
                    "trigger": "last_action",
                    "delay": 7,
                },
            ],
        )

        def customer(name, mail=True):
            partner = cls._create_customer(
                name,
                email=f"{name.lower().replace(' ', '.')}@example.com"
                if mail
                else False,
            )
            partner.with_company(cls.company).dso_scenario_id = cls.sim_scenario
            return partner

        with freeze_time("2026-02-15"):
            cls.sim_1 = customer("Sim One")
            cls._create_invoice(cls.sim_1, amount=1000, due_date="2026-03-06")
            cls.sim_2 = customer("Sim Two")
            cls._create_invoice(cls.sim_2, amount=2000, due_date="2026-02-20")
            cls._create_invoice(cls.sim_2, amount=500, due_date="2026-03-20")
            # No email address: its automatic emails go to the collector.
            cls.sim_3 = customer("Sim Three", mail=False)
            cls._create_invoice(cls.sim_3, amount=700, due_date="2026-03-04")
            # A specific action on its oldest invoice until 10 March: the
            # leader is the other one, then this one (a new cycle).
            cls.sim_4 = customer("Sim Four")
            cls.sim_4_old_line = cls._create_item(cls.sim_4, 900, "2026-02-27")
            cls._create_invoice(cls.sim_4, amount=400, due_date="2026-03-02")
            # An open credit note: the reconciliation guard holds it.
            cls.sim_5 = customer("Sim Five")
            cls._create_invoice(cls.sim_5, amount=1200, due_date="2026-03-05")
            cls._create_invoice(cls.sim_5, amount=100, move_type="out_refund")
        cls.sim_customers = cls.sim_1 | cls.sim_2 | cls.sim_3 | cls.sim_4 | cls.sim_5

    def _prepare(self):
        """The agenda on the eve of the simulation, and the specific action."""
        with freeze_time("2026-03-01 09:00:00"):
            self._specific_action(self.sim_4_old_line, "2026-03-10")
            self.env["dso.collection.action"]._cron_plan(date=date(2026, 3, 1))

    def _simulate(self, **kwargs):
        with freeze_time("2026-03-02 06:00:00"):
            return self.env["dso.collection.simulation"]._simulate(
                self.company, self.sim_customers.ids, START, DAYS, **kwargs
            )

    @staticmethod
    def _key(step_id, name):
        """A scenario action by its step, a specific one by its name."""
        return f"step {step_id}" if step_id else name

    def _run_for_real(self):
        """60 days of the daily planning, the collectors and the hourly
        sending, as the simulation assumes them."""
        Action = self.env["dso.collection.action"]
        domain = [
            ("partner_id", "in", self.sim_customers.ids),
            ("company_id", "=", self.company.id),
        ]
        for offset in range(DAYS):
            day = START + timedelta(days=offset)
            with freeze_time(f"{day} 07:30:00"):
                Action._cron_plan(date=day)
                while manual := Action.search(
                    [
                        *domain,
                        ("state", "=", "todo"),
                        ("automatic", "=", False),
                        ("date", "<=", day),
                    ],
                    order="date, id",
                    limit=1,
                ):
                    manual.action_done()
                for action in Action.search(
                    [*domain, ("state", "=", "to_confirm"), ("date", "<=", day)]
                ):
                    action.action_confirm()
            self._run_automatic_cron(f"{day} 09:00:00")
        return Action.search(domain, order="id")

    def test_simulation_predicts_the_real_run(self):
        self._prepare()
        before = self._agenda_snapshot(self.sim_customers)
        events = self._simulate()
        # Nothing written by the simulation.
        self.assertEqual(self._agenda_snapshot(self.sim_customers), before)

        actions = self._run_for_real()
        real_done = sorted(
            (
                action.partner_id.id,
                self._key(action.step_id.id, action.name),
                action.date_done,
                "sent" if action.mail_id and action.automatic else "done",
            )
            for action in actions.filtered(lambda a: a.state == "done")
        )
        predicted_done = sorted(
            (
                event.partner_id,
                self._key(event.action.step_id, event.action.name),
                event.date,
                event.outcome,
            )
            for event in events
            if event.outcome in ("sent", "done")
        )
        self.assertEqual(predicted_done, real_done)
        real_open = sorted(
            (
                action.partner_id.id,
                self._key(action.step_id.id, action.name),
                action.date,
                action.state,
            )
            for action in actions.filtered(lambda a: a.state in ("todo", "to_confirm"))
        )
        predicted_open = sorted(
            (
                event.partner_id,
                self._key(event.action.step_id, event.action.name),
                event.action.date,
                event.action.state,
            )
            for event in events
            if event.outcome in ("planned", "waiting")
        )
        self.assertEqual(predicted_open, real_open)
        # The customer without email: predicted to fall back to its collector.
        fallback = actions.filtered(lambda a: a.send_error)
        self.assertEqual(
            sorted((a.partner_id.id, a.step_id.id) for a in fallback),
            sorted(
                (event.partner_id, event.action.step_id)
                for event in events
                if event.outcome == "no_recipient"
            ),
        )
        self.assertTrue(fallback, "the dataset exercises the fallback")
        # Weekends: nothing is sent on a Saturday or a Sunday.
        sent_days = {event.date for event in events if event.outcome == "sent"}
        self.assertTrue(sent_days)
        self.assertFalse([day for day in sent_days if day.weekday() >= 5])
        # One automatic email a day per customer.
        sent = [
            (event.partner_id, event.date)
            for event in events
            if event.outcome == "sent"
        ]
        self.assertEqual(len(sent), len(set(sent)))

    def test_without_the_collectors(self):
        """Nobody confirms nor calls: the first reminders wait, calls stay."""
        self._prepare()
        events = self._simulate(assume_manual_done=False, assume_confirmed=False)
        self.assertFalse([e for e in events if e.outcome == "done"])
        waiting = {e.partner_id for e in events if e.outcome == "waiting"}
        self.assertIn(self.sim_1.id, waiting)
        self.assertNotIn(
            self.sim_1.id, {e.partner_id for e in events if e.outcome == "done"}
        )

    def test_wizard(self):
        self._prepare()
        with freeze_time("2026-03-02 06:00:00"):
            form = Form(self.env["dso.collection.simulator"])
            form.scope = "scenario"
            form.scenario_id = self.sim_scenario
            form.date_from = START
            form.days = 30
            simulator = form.save()
            simulator.action_simulate()
        self.assertTrue(simulator.simulated)
        self.assertEqual(simulator.customer_count, 5)
        sent = simulator.line_ids.filtered(lambda line: line.outcome == "sent")
        self.assertEqual(simulator.sent_count, len(sent))
        self.assertTrue(sent)
        self.assertEqual(set(sent.mapped("time")), {"08:00"})
        first = sent.filtered(lambda line: line.partner_id == self.sim_1)[:1]
        self.assertEqual((first.name, first.date), ("Pre-due", date(2026, 3, 3)))
        self.assertEqual(first.amount, 1000)
        # A customer alone, and a bad number of days.
        simulator.write({"scope": "partner", "partner_id": self.sim_2.id, "days": 400})
        with self.assertRaisesRegex(Exception, "between 1 and 366"):
            simulator.action_simulate()
        simulator.days = 10
        simulator.action_simulate()
        self.assertEqual(simulator.line_ids.partner_id, self.sim_2)
        self.assertEqual(
            self.env["dso.collection.action"].search_count(
                [("partner_id", "in", self.sim_customers.ids), ("state", "=", "done")]
            ),
            0,
            "the simulator did nothing for real",
        )

    def test_opens_as_a_report_and_counts_each_customer_once(self):
        """Issue 21: no New, no total summing a customer's amount once per
        reminder; the summary's amount counts each customer once."""
        form = self.env["dso.collection.simulator"].get_views([(False, "form")])
        arch = etree.fromstring(form["views"]["form"]["arch"])
        self.assertEqual(arch.get("create"), "0")
        new = self.env["dso.collection.simulator"].onchange(
            {}, [], {"display_name": {}, "days": {}}
        )
        self.assertEqual(new["value"]["display_name"], "Dunning simulation")
        calendar = arch.find(".//field[@name='line_ids']/list")
        self.assertIsNone(calendar.find("field[@name='amount']").get("sum"))
        self.assertEqual(calendar.find("field[@name='outcome']").get("widget"), "badge")
        self._prepare()
        with freeze_time("2026-03-02 06:00:00"):
            simulator = self.env["dso.collection.simulator"].create(
                {"date_from": START, "days": DAYS}
            )
            self.assertFalse(simulator.action_simulate(), "the form reloads in place")
        sent = simulator.line_ids.filtered(lambda line: line.outcome == "sent")
        self.assertGreater(
            len(sent), len(sent.partner_id), "a customer gets several emails"
        )
        claimed = {}
        for line in sent:
            claimed[line.partner_id] = max(claimed.get(line.partner_id, 0), line.amount)
        self.assertEqual(simulator.amount_sent, sum(claimed.values()))
        self.assertLess(simulator.amount_sent, sum(sent.mapped("amount")))

    def test_access(self):
        """Credit managers simulate; a collector cannot open the simulator."""
        simulator = self.env["dso.collection.simulator"].with_user(self.collector)
        with self.assertRaises(AccessError):
            simulator.create({"days": 5})
        self.assertFalse(simulator.has_access("read"))
