"""The activities of a first planning written set-based (issue 23): the
collectors' calls and the reconciliation tasks are the rows
``mail.activity.create`` would store, their collector follows the record
once, the activity menu is notified, a second run adds none, and the
queries do not grow with the customers."""

import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from ..models.planning.dso_collection_planner_write import array_literal
from .common import DsoCollectionCommon

TODAY = "2026-03-15 12:00:00"
CALL = "mail.mail_activity_data_call"
# Set by the database or the moment of the insert, not by the values.
SKIPPED_COLUMNS = {"id", "create_date", "write_date", "note"}


@tagged("post_install", "-at_install")
class TestPlanActivities(DsoCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call_scenario = cls._create_scenario(
            "Call first",
            [{"name": "Call", "action_type": "call", "trigger": "due", "delay": 0}],
        )
        cls.reconcile_type = cls.env.ref(
            "dso_collection.mail_activity_type_dso_reconcile"
        )

    def _customer_with_credit(self, name):
        """A customer of the call scenario with an overdue invoice beside a
        credit note: a call and a reconciliation task."""
        partner = self._create_customer(name)
        partner.with_company(self.company).dso_scenario_id = self.call_scenario
        self._create_item(partner, 1000, "2026-01-01", invoice_date="2025-12-01")
        self._create_invoice(
            partner,
            amount=300,
            due_date="2026-02-01",
            invoice_date="2026-02-01",
            move_type="out_refund",
        )
        return partner

    def _activities(self, model, res_ids):
        return self.env["mail.activity"].search(
            [("res_model", "=", model), ("res_id", "in", res_ids)], order="id"
        )

    def _rows(self, activities):
        """The stored columns of ``activities``, as the database has them."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT * FROM mail_activity WHERE id = ANY(%s) ORDER BY id",
            [activities.ids],
        )
        names = [column.name for column in self.env.cr.description]
        return [dict(zip(names, row, strict=True)) for row in self.env.cr.fetchall()]

    def _assert_same_row(self, ours, theirs):
        for column, value in theirs.items():
            if column in SKIPPED_COLUMNS:
                continue
            with self.subTest(column=column):
                self.assertEqual(ours[column], value)

    def _plan_today(self):
        with freeze_time(TODAY):
            return self.env["dso.collection.planner"]._cron_plan()

    def test_reconciliation_task_is_what_create_stores(self):
        partner = self._customer_with_credit("Credit Corp")
        # Read before the planning: the planning must invalidate it.
        self.assertFalse(partner.activity_ids)
        with patch.object(type(self.env["bus.bus"]), "_sendone") as sendone:
            self._plan_today()
        task = partner.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.reconcile_type
        )
        self.assertEqual(len(task), 1)
        self.assertEqual(task.res_name, partner.display_name)
        # The same task created the ORM way, on the same customer.
        with freeze_time(TODAY):
            reference = (
                self.env["mail.activity"]
                .with_context(mail_activity_quick_update=True)
                .create(
                    {
                        "activity_type_id": self.reconcile_type.id,
                        "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                        "res_id": partner.id,
                        "date_deadline": datetime.date(2026, 3, 15),
                        "summary": "Reconcile credits and invoices",
                        "user_id": self.collector.id,
                    }
                )
            )
        ours, theirs = self._rows(task | reference)
        self._assert_same_row(ours, theirs)
        # The note: the same HTML as before it was built as plain strings.
        invoice, refund = self.env["account.move"].search(
            [("partner_id", "=", partner.id)], order="move_type"
        )
        self.assertEqual(
            ours["note"],
            "<p>Open credits sit beside overdue invoices: match them (or refund "
            "the credits) so that reminders and penalties claim only what is "
            "owed.</p><p>Credits:</p><ul>"
            f"<li>{refund.name} of 02/01/2026: $\xa0300.00</li></ul>"
            "<p>Overdue invoices:</p><ul>"
            f"<li>{invoice.name} of 01/01/2026: $\xa01,000.00</li></ul>",
        )
        # The collector follows the customer once, with the default subtypes
        # message_subscribe gives.
        followers = self.env["mail.followers"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("partner_id", "=", self.collector.partner_id.id),
            ]
        )
        self.assertEqual(len(followers), 1)
        self.assertEqual(
            followers.subtype_ids,
            self.env["mail.message.subtype"].default_subtypes("res.partner")[0],
        )
        # The activity menu of the collector was told (due today).
        counts = [
            call.args[2]["count_diff"]
            for call in sendone.call_args_list
            if call.args[1] == "mail.activity/updated"
            and call.args[0] == self.collector.partner_id
        ]
        planned = (
            self._activities("res.partner", partner.ids)
            | self._activities("dso.collection.action", self._open_actions(partner).ids)
        ) - reference
        self.assertEqual(
            sum(counts),
            len(
                planned.filtered(
                    lambda activity: (
                        activity.user_id == self.collector
                        and activity.date_deadline <= datetime.date(2026, 3, 15)
                    )
                )
            ),
        )
        self.assertTrue(counts)

    def test_collector_call_is_what_activity_schedule_stores(self):
        partner = self._customer_with_credit("Call Corp")
        self._plan_today()
        action = self._open_action(partner)
        self.assertEqual(action.action_type, "call")
        call = self._activities("dso.collection.action", action.ids)
        self.assertEqual(len(call), 1)
        self.assertEqual(action.activity_ids, call)
        # The same activity scheduled the ORM way, as the action did.
        with freeze_time(TODAY):
            reference = action.with_context(
                lang=self.collector.lang, mail_activity_quick_update=True
            ).activity_schedule(
                CALL,
                date_deadline=action.date,
                summary=action.name,
                user_id=self.collector.id,
            )
        ours, theirs = self._rows(call | reference)
        self._assert_same_row(ours, theirs)
        self.assertTrue(ours["automated"])
        self.assertEqual(
            ours["note"],
            str(action.with_context(lang=self.collector.lang)._dso_activity_note()),
        )
        self.assertEqual(
            self.env["mail.followers"].search_count(
                [
                    ("res_model", "=", "dso.collection.action"),
                    ("res_id", "=", action.id),
                    ("partner_id", "=", self.collector.partner_id.id),
                ]
            ),
            1,
        )

    def test_second_run_creates_none(self):
        partners = self._customer_with_credit("Once Corp") | self._customer_with_credit(
            "Twice Corp"
        )
        self._plan_today()
        actions = self.env["dso.collection.action"].search(
            [("partner_id", "in", partners.ids)]
        )
        before = self._activities("res.partner", partners.ids) | self._activities(
            "dso.collection.action", actions.ids
        )
        self.assertEqual(len(before), 4, "a task and a call per customer")
        followers = self.env["mail.followers"].search_count([])
        self.env.invalidate_all()
        self._plan_today()
        after = self._activities("res.partner", partners.ids) | self._activities(
            "dso.collection.action", actions.ids
        )
        self.assertEqual(after, before)
        self.assertEqual(self.env["mail.followers"].search_count([]), followers)

    def test_queries_flat_in_the_customers(self):
        self._customer_with_credit("Warm-up Corp")
        self._plan_today()

        def plan(count, prefix):
            for index in range(count):
                self._customer_with_credit(f"{prefix} {index}")
            return self._count_queries(self._plan_today)

        few = plan(5, "Few")
        many = plan(20, "Many")
        self.assertEqual(many, few, "the queries of the planning grow with customers")
        self.assertEqual(
            len(
                self.env["mail.activity"].search(
                    [
                        ("res_model", "=", "res.partner"),
                        ("activity_type_id", "=", self.reconcile_type.id),
                    ]
                )
            ),
            26,
        )

    def test_array_literal_round_trip(self):
        """The planner sends its columns as array literals: every value,
        quotes, backslashes, braces and the word NULL included, comes back
        as it was."""
        texts = ['a "quoted" name', "back\\slash\\", "{brace}, comma", "NULL", "", None]
        self.env.cr.execute("SELECT %s::varchar[]", [array_literal(texts)])
        self.assertEqual(self.env.cr.fetchone()[0], texts)
        names = ['{"en_US": "Call \\"now\\"", "fr_FR": "Appel {urgent}"}']
        self.env.cr.execute("SELECT (%s::jsonb[])[1]", [array_literal(names)])
        self.assertEqual(
            self.env.cr.fetchone()[0],
            {"en_US": 'Call "now"', "fr_FR": "Appel {urgent}"},
        )
        self.env.cr.execute(
            "SELECT %s::int[], %s::bool[], %s::numeric[], %s::date[]",
            [
                array_literal([1, None, 3]),
                array_literal([True, False, None]),
                array_literal([1.5, 0.0, None]),
                array_literal([datetime.date(2026, 3, 15), None]),
            ],
        )
        ints, bools, numbers, dates = self.env.cr.fetchone()
        self.assertEqual(ints, [1, None, 3])
        self.assertEqual(bools, [True, False, None])
        self.assertEqual(
            [float(n) if n is not None else None for n in numbers], [1.5, 0.0, None]
        )
        self.assertEqual(dates, [datetime.date(2026, 3, 15), None])
