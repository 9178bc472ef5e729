from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestSecurity(DsoCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._create_collector(
            "dso_manager", "Martha Manager", groups="dso_collection.group_dso_manager"
        )
        cls.employee = cls._create_collector(
            "dso_employee", "Eric Employee", groups="base.group_user"
        )
        cls.line_a = cls._create_item(
            cls.customer, 1000, "2026-02-10", invoice_date="2026-01-10"
        )
        cls.line_b = cls._create_item(
            cls.customer, 400, "2026-02-20", invoice_date="2026-01-20"
        )

    def setUp(self):
        super().setUp()
        with freeze_time("2026-03-01"):
            self._plan("2026-03-01")
        self.action = self._open_action()
        self.assertEqual(self.action.step_id, self.step_first)

    def test_groups(self):
        # What each group implies (the users were given one group each).
        self.assertFalse(self.collector.has_group("dso_collection.group_dso_manager"))
        self.assertFalse(self.collector.has_group("base.group_erp_manager"))
        self.assertTrue(self.manager.has_group("dso_collection.group_dso_collector"))
        self.assertFalse(self.employee.has_group("dso_collection.group_dso_collector"))

    def test_collector_reads_the_agenda(self):
        Action = self.env["dso.collection.action"].with_user(self.collector)
        agenda = Action.search([("state", "in", ("todo", "to_confirm"))])
        self.assertEqual(agenda, self.action)
        values = agenda.read(
            ["name", "partner_id", "date", "state", "line_ids", "step_id"]
        )[0]
        self.assertEqual(values["partner_id"][0], self.customer.id)
        self.assertEqual(values["date"], date(2026, 2, 15))
        self.assertEqual(values["state"], "to_confirm")
        self.assertEqual(
            sorted(values["line_ids"]), sorted((self.line_a | self.line_b).ids)
        )
        self.assertEqual(values["step_id"][0], self.step_first.id)
        # The screens of the agenda open for the collector.
        self.assertEqual(agenda.amount_total, 1400.0)
        self.assertEqual(agenda.leader_line_id, self.line_a)
        self.assertEqual(agenda.scenario_id, self.scenario)
        self.assertEqual(
            self.customer.with_user(self.collector).dso_leader_line_id, self.line_a
        )
        Action.get_views([(False, "list"), (False, "form"), (False, "search")])

    @freeze_time("2026-03-04")
    def test_collector_marks_action_done_and_next_is_planned(self):
        self.action.with_user(self.collector).action_done()
        self.assertEqual(self.action.state, "done")
        self.assertEqual(self.action.done_user_id, self.collector)
        self.assertEqual(self.action.date_done, date(2026, 3, 4))
        nxt = self._open_action()
        self.assertEqual(nxt.step_id, self.step_call)
        self.assertEqual(nxt.date, date(2026, 3, 11))
        self.assertEqual(nxt.cycle_id, self.action.cycle_id)
        self.assertEqual(nxt.user_id, self.collector)
        # Cancelling works the same way.
        nxt.with_user(self.collector).action_cancel()
        self.assertEqual(nxt.state, "cancel")
        self.assertEqual(self._open_action().step_id, self.step_notice)

    @freeze_time("2026-03-01")
    def test_collector_creates_specific_action(self):
        specific = (
            self.env["dso.collection.action"]
            .with_user(self.collector)
            .create(
                {
                    "name": "Call about invoice A",
                    "is_specific": True,
                    "partner_id": self.customer.id,
                    "action_type": "call",
                    "date": date(2026, 3, 5),
                    "line_ids": [Command.set(self.line_a.ids)],
                }
            )
        )
        self.assertEqual(specific.company_id, self.company)
        self.assertEqual(specific.create_uid, self.collector)
        self.assertEqual(specific.line_ids, self.line_a)
        self.assertTrue(self.line_a.dso_excluded)
        # The scenario was replanned at once for the next leader.
        self.assertFalse(self.action.exists())
        scenario_action = self._open_action()
        self.assertEqual(scenario_action.leader_line_id, self.line_b)
        self.assertEqual(scenario_action.line_ids, self.line_b)
        self.assertEqual(scenario_action.date, date(2026, 2, 25))
        # The collector may fix the items of the specific action.
        specific.with_user(self.collector).line_ids = [Command.set(self.line_b.ids)]
        self.assertEqual(self._open_action().leader_line_id, self.line_a)

    @mute_logger("odoo.access", "odoo.models")
    def test_collector_cannot_configure(self):
        Scenario = self.env["dso.collection.scenario"].with_user(self.collector)
        Step = self.env["dso.collection.step"].with_user(self.collector)
        Status = self.env["dso.item.status"].with_user(self.collector)
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        # Reading is allowed: the agenda shows scenarios, steps and statuses.
        self.assertEqual(Scenario.browse(self.scenario.id).name, "Test scenario")
        self.assertEqual(Step.browse(self.step_call.id).delay, 7)
        self.assertTrue(Status.browse(dispute.id).exclude_from_scenario)
        forbidden = {
            "create scenario": lambda: Scenario.create({"name": "Mine"}),
            "write scenario": lambda: Scenario.browse(self.scenario.id).write(
                {"name": "X"}
            ),
            "unlink scenario": lambda: Scenario.browse(self.scenario.id).unlink(),
            "create step": lambda: Step.create(
                {"scenario_id": self.scenario.id, "name": "Mine", "action_type": "call"}
            ),
            "write step": lambda: Step.browse(self.step_call.id).write({"delay": 1}),
            "create status": lambda: Status.create({"name": "Mine"}),
            "write status": lambda: Status.browse(dispute.id).write(
                {"exclude_from_scenario": False}
            ),
            "write company": lambda: self.company.with_user(self.collector).write(
                {"dso_minimum_amount": 10.0}
            ),
            "company defaults": lambda: self.company.with_user(self.collector).write(
                {"dso_default_scenario_id": self.scenario.id}
            ),
            "settings": lambda: (
                self.env["res.config.settings"]
                .with_user(self.collector)
                .create({"dso_minimum_amount": 10.0})
            ),
        }
        for name, attempt in forbidden.items():
            with self.subTest(name), self.assertRaises(AccessError):
                attempt()

    @freeze_time("2026-03-01")
    def test_collector_cannot_delete_done_action_manager_can(self):
        self.action.with_user(self.collector).action_done()
        with self.assertRaises(UserError) as raised:
            self.action.with_user(self.collector).unlink()
        # The message names the action, its customer and who may delete it.
        message = str(raised.exception)
        self.assertIn(self.action.name, message)
        self.assertIn(self.customer.display_name, message)
        self.assertIn("only a credit manager", message)
        self.action.with_user(self.manager).unlink()
        self.assertFalse(self.action.exists())

    @freeze_time("2026-03-01")
    def test_collector_deletes_open_specific_action(self):
        specific = self._specific_action(self.line_a, "2026-03-05")
        self.assertEqual(self._open_action().leader_line_id, self.line_b)
        specific.with_user(self.collector).unlink()
        self.assertFalse(specific.exists())
        self.assertEqual(self._open_action().leader_line_id, self.line_a)

    @mute_logger("odoo.access", "odoo.models")
    def test_internal_user_cannot_read_actions(self):
        Action = self.env["dso.collection.action"].with_user(self.employee)
        with self.assertRaises(AccessError):
            Action.search([])
        with self.assertRaises(AccessError):
            self.action.with_user(self.employee).read(["name"])
        with self.assertRaises(AccessError):
            self.action.with_user(self.employee).action_done()
        with self.assertRaises(AccessError):
            self.env["dso.collection.cycle"].with_user(self.employee).search([])
