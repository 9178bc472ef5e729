from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestExclusionReview(DsoCollectionCommon):
    """Excluding statuses move the leader; on the review date the items come
    back by themselves or their owner gets one review activity; items
    ignored by hand are not planned."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispute = cls.env.ref("dso_collection.dso_item_status_dispute")
        cls.credit_note = cls.env.ref(
            "dso_collection.dso_item_status_waiting_credit_note"
        )
        cls.line_a = cls._create_item(
            cls.customer, 1000, "2026-02-01", invoice_date="2026-01-01"
        )
        cls.invoice_a = cls.line_a.move_id
        cls.line_b = cls._create_item(
            cls.customer, 700, "2026-02-15", invoice_date="2026-01-15"
        )

    def _leader(self):
        return self._customer_view().dso_leader_line_id

    def _review_activities(self, move=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "=", (move or self.invoice_a).id),
                ("summary", "like", "Review the exclusion"),
            ]
        )

    def _review(self, day):
        with freeze_time(day):
            self.env["account.move.line"]._cron_dso_review_exclusions()

    def test_shipped_statuses_review_settings(self):
        self.assertEqual(self.dispute.review_days, 15)
        self.assertFalse(self.dispute.reenter_on_review)
        self.assertEqual(self.credit_note.review_days, 10)
        self.assertTrue(self.credit_note.reenter_on_review)

    @freeze_time("2026-03-01")
    def test_exclusion_moves_the_leader_and_reentry_restores_it(self):
        self._plan("2026-03-01")
        self.assertEqual(self._open_action().leader_line_id, self.line_a)

        self.line_a.with_user(self.collector)._dso_set_status(self.credit_note)
        self.assertEqual(self.line_a.dso_review_date, date(2026, 3, 11))
        # Replanned at once: B leads, A is not listed.
        action = self._open_action()
        self.assertEqual(action.leader_line_id, self.line_b)
        self.assertEqual(action.line_ids, self.line_b)
        self.assertEqual(self._cycles()[-1].leader_line_id, self.line_b)
        self.assertEqual(self._leader(), self.line_b)

        # The day before: nothing happens.
        self._review("2026-03-10")
        self.assertEqual(self.line_a.dso_status_id, self.credit_note)

        # On the review date A comes back by itself and leads again.
        self._review("2026-03-11")
        self.assertFalse(self.line_a.dso_status_id)
        self.assertFalse(self.line_a.dso_review_date)
        last = self.line_a.dso_status_history_ids[:1]
        self.assertEqual(last.source, "system")
        self.assertEqual(last.previous_status_id, self.credit_note)
        self.assertFalse(last.status_id)
        self.assertEqual(self._leader(), self.line_a)
        self.assertEqual(self._cycles()[-1].leader_line_id, self.line_a)
        self.assertIn(self.line_a, self._open_action().line_ids)
        self.assertFalse(self._review_activities())

    @freeze_time("2026-03-01")
    def test_review_activity_for_the_collector_once(self):
        self._plan("2026-03-01")
        self.line_a._dso_set_status(self.dispute, comment="Wrong quantity")
        self.assertEqual(self.line_a.dso_review_date, date(2026, 3, 16))
        self.assertEqual(self._leader(), self.line_b)

        self._review("2026-03-15")
        self.assertFalse(self._review_activities())
        self._review("2026-03-16")
        activity = self._review_activities()
        self.assertEqual(len(activity), 1)
        # No owner: the customer's collector reviews.
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.date_deadline, date(2026, 3, 16))
        self.assertEqual(self.line_a.dso_status_id, self.dispute, "still excluded")
        # The next runs add nothing.
        self._review("2026-03-17")
        self.assertEqual(len(self._review_activities()), 1)
        self.assertEqual(self._leader(), self.line_b)

        # Listed in "Exclusions to review".
        with freeze_time("2026-03-17"):
            action = self.env.ref("dso_collection.account_move_line_action_dso_review")
            domain = safe_eval(
                action.domain,
                {"context_today": lambda: date(2026, 3, 17)},
            )
            self.assertIn(self.line_a, self.env["account.move.line"].search(domain))

        # A new qualification gives a new review date and a new activity then.
        with freeze_time("2026-03-17"):
            self.line_a._dso_set_status(self.dispute)
        self.assertEqual(self.line_a.dso_review_date, date(2026, 4, 1))
        self._review("2026-04-01")
        self.assertEqual(len(self._review_activities()), 2)
        # A review date moved by hand (in the list) is reviewed again then.
        self.line_a.write({"dso_review_date": "2026-04-10"})
        self._review("2026-04-09")
        self.assertEqual(len(self._review_activities()), 2)
        self._review("2026-04-10")
        self.assertEqual(len(self._review_activities()), 3)
        self.assertEqual(len(self.line_a.dso_status_history_ids), 2, "no history")

    @freeze_time("2026-03-01")
    def test_review_activity_for_the_owner(self):
        owner = self._create_collector("dso_owner_review", "Owen Owner")
        self.line_a._dso_set_status(self.dispute, resolution_user=owner)
        self._review("2026-03-16")
        activity = self._review_activities()
        self.assertEqual(activity.user_id, owner)

    @freeze_time("2026-03-01")
    def test_excluded_without_owner_or_review_date_list(self):
        action = self.env.ref(
            "dso_collection.account_move_line_action_dso_unowned_exclusions"
        )
        Line = self.env["account.move.line"]
        domain = safe_eval(action.domain)
        self.assertFalse(Line.search(domain), "empty by default")
        self.line_a._dso_set_status(self.dispute)
        self.assertFalse(Line.search(domain), "dispute has a review date")
        forever = self.env["dso.item.status"].create(
            {"name": "Parked", "exclude_from_scenario": True, "review_days": 0}
        )
        self.line_b._dso_set_status(forever)
        self.assertFalse(self.line_b.dso_review_date)
        self.assertEqual(Line.search(domain), self.line_b)
        self.line_b._dso_set_status(None, resolution_user=self.collector)
        self.assertFalse(Line.search(domain))

    @freeze_time("2026-03-01")
    def test_ignored_item_is_not_planned(self):
        self._plan("2026-03-01")
        line = self.line_a.with_user(self.collector)
        with self.assertRaisesRegex(UserError, "reason is required"):
            line._dso_ignore("  ")
        self.assertFalse(self.line_a.dso_ignored)

        line._dso_ignore("Settled with the sales manager")
        self.assertRecordValues(
            self.line_a,
            [
                {
                    "dso_ignored": True,
                    "dso_ignored_reason": "Settled with the sales manager",
                    "dso_ignored_user_id": self.collector.id,
                    "dso_ignored_date": date(2026, 3, 1),
                    "dso_excluded": True,
                }
            ],
        )
        # The SQL and Python definitions agree.
        Line = self.env["account.move.line"]
        self.assertIn(self.line_a, Line.search([("dso_excluded", "=", True)]))
        self.assertNotIn(self.line_a, Line.search([("dso_excluded", "=", False)]))
        action = self._open_action()
        self.assertEqual(action.leader_line_id, self.line_b)
        self.assertEqual(action.line_ids, self.line_b)
        self.assertEqual(self._leader(), self.line_b)

        line._dso_unignore()
        self.assertFalse(self.line_a.dso_ignored)
        self.assertFalse(self.line_a.dso_ignored_reason)
        self.assertEqual(self._leader(), self.line_a)
        self.assertEqual(self._open_action().leader_line_id, self.line_a)

    @freeze_time("2026-03-01")
    def test_ignore_and_history_buttons_of_the_open_items_list(self):
        lines = (self.line_a | self.line_b).with_user(self.collector)
        action = lines.action_dso_ignore()
        self.assertEqual(action["res_model"], "account.move.line")
        self.assertEqual(action["context"]["dso_ignore_line_ids"], lines.ids)
        prompt = self.line_a.with_user(self.collector).with_context(
            dso_ignore_line_ids=lines.ids
        )
        prompt.dso_ignored_reason = "Internal transfer"
        prompt.action_dso_confirm_ignore()
        self.assertEqual(
            (self.line_a | self.line_b).mapped("dso_ignored"), [True, True]
        )
        self.assertEqual(self.line_b.dso_ignored_reason, "Internal transfer")
        self.assertFalse(self._leader(), "nothing left to lead")
        lines.action_dso_unignore()
        self.assertEqual(self._leader(), self.line_a)

        self.line_a._dso_set_status(self.dispute)
        history = lines.action_dso_status_history()
        self.assertEqual(history["res_model"], "dso.item.status.history")
        self.assertEqual(
            self.env["dso.item.status.history"].search(history["domain"]),
            self.line_a.dso_status_history_ids,
        )
