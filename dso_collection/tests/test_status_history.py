from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DsoCollectionCommon, DsoCollectionMultiCompanyCommon


@tagged("post_install", "-at_install")
class TestStatusHistory(DsoCollectionCommon):
    """``account.move.line._dso_set_status``: history, chatter, owner."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.promise = cls.env.ref("dso_collection.dso_item_status_promise")
        cls.dispute = cls.env.ref("dso_collection.dso_item_status_dispute")
        cls.line = cls._create_item(
            cls.customer, 1000, "2026-02-10", invoice_date="2026-01-10"
        )
        cls.invoice = cls.line.move_id
        cls.owner = cls._create_collector("dso_owner", "Sally Sales")

    def _owner_activities(self, user):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "=", self.invoice.id),
                ("user_id", "=", user.id),
            ]
        )

    @freeze_time("2026-03-01")
    def test_set_status_writes_item_history_note_and_owner_activity(self):
        line = self.line.with_user(self.collector)
        messages_before = len(self.invoice.message_ids)
        history = line._dso_set_status(
            self.promise,
            date="2026-03-06",
            comment="Pays on Friday",
            resolution_user=self.owner,
        )
        self.assertEqual(self.line.dso_status_id, self.promise)
        self.assertEqual(self.line.dso_status_date, date(2026, 3, 6))
        self.assertEqual(self.line.dso_comment, "Pays on Friday")
        self.assertEqual(self.line.dso_resolution_user_id, self.owner)
        self.assertFalse(self.line.dso_review_date, "promise does not exclude")
        self.assertEqual(len(history), 1)
        self.assertRecordValues(
            history.sudo(),
            [
                {
                    "line_id": self.line.id,
                    "status_id": self.promise.id,
                    "previous_status_id": False,
                    "status_date": date(2026, 3, 6),
                    "comment": "Pays on Friday",
                    "resolution_user_id": self.owner.id,
                    "source": "collector",
                    "user_id": self.collector.id,
                    "company_id": self.company.id,
                }
            ],
        )
        # One note on the invoice naming the new status and the comment.
        self.assertEqual(len(self.invoice.message_ids), messages_before + 1)
        note = self.invoice.message_ids[0]
        self.assertIn("Promise of payment", note.body)
        self.assertIn("Pays on Friday", note.body)
        self.assertIn("Colette Collector", note.body)
        # The new owner gets one activity on the invoice.
        self.assertEqual(len(self._owner_activities(self.owner)), 1)

        # A dispute reported by the customer: previous status kept, the same
        # owner gets no second activity.
        second = line._dso_set_status(
            self.dispute, comment="Wrong quantity", source="customer"
        )
        self.assertEqual(second.previous_status_id, self.promise)
        self.assertEqual(second.status_id, self.dispute)
        self.assertEqual(second.source, "customer")
        self.assertEqual(second.status_date, date(2026, 3, 1), "dated today")
        self.assertEqual(second.resolution_user_id, self.owner, "owner kept")
        self.assertEqual(self.line.dso_review_date, date(2026, 3, 16))
        self.assertEqual(len(self._owner_activities(self.owner)), 1)
        self.assertIn("Dispute", self.invoice.message_ids[0].body)
        self.assertIn("Promise of payment", self.invoice.message_ids[0].body)
        self.assertEqual(
            self.line.dso_status_history_ids.mapped("status_id"),
            self.dispute | self.promise,
        )

        # The owner changed later through the same path.
        line._dso_set_status(None, resolution_user=self.collector)
        self.assertEqual(self.line.dso_status_id, self.dispute, "status kept")
        self.assertEqual(len(self._owner_activities(self.collector)), 1)
        self.assertEqual(len(self.line.dso_status_history_ids), 3)

    @freeze_time("2026-03-01")
    def test_direct_write_is_recorded_once(self):
        """The open items list writes the status directly: recorded as the
        collector's, once; the API does not record a second row."""
        self.line.with_user(self.collector).write({"dso_status_id": self.dispute.id})
        history = self.line.dso_status_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.source, "collector")
        self.assertEqual(history.status_id, self.dispute)
        self.assertEqual(history.status_date, date(2026, 3, 1))
        self.assertEqual(self.line.dso_review_date, date(2026, 3, 16))

        self.line._dso_set_status(self.promise)
        self.assertEqual(len(self.line.dso_status_history_ids), 2)
        self.assertFalse(self.line.dso_review_date)

        # Writing the same value again changes nothing: no new row.
        self.line.write({"dso_status_id": self.promise.id})
        self.assertEqual(len(self.line.dso_status_history_ids), 2)

        # An owner assigned from the list gets an activity too.
        self.line.write({"dso_resolution_user_id": self.owner.id})
        self.assertEqual(len(self._owner_activities(self.owner)), 1)
        self.assertEqual(len(self.line.dso_status_history_ids), 3)

    @freeze_time("2026-03-01")
    def test_clear_status(self):
        self.line._dso_set_status(self.dispute)
        history = self.line._dso_set_status(False, source="system")
        self.assertFalse(self.line.dso_status_id)
        self.assertFalse(self.line.dso_status_date)
        self.assertFalse(self.line.dso_review_date)
        self.assertEqual(history.previous_status_id, self.dispute)
        self.assertFalse(history.status_id)
        self.assertEqual(history.source, "system")

    @freeze_time("2026-03-01")
    def test_bad_input_is_refused_before_any_write(self):
        with self.assertRaisesRegex(UserError, "Unknown qualification source"):
            self.line._dso_set_status(self.dispute, source="robot")
        other_status = self.env["dso.item.status"].create(
            {
                "name": "Other company status",
                "company_id": self.env["res.company"].create({"name": "Other Co"}).id,
            }
        )
        with self.assertRaisesRegex(UserError, "cannot be set on item"):
            self.line._dso_set_status(other_status)
        portal = self.env["res.users"].create(
            {
                "name": "Portal Pete",
                "login": "portal_pete",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaisesRegex(UserError, "cannot own the resolution"):
            self.line._dso_set_status(self.dispute, resolution_user=portal)
        self._pay(self.invoice, date="2026-03-01")
        with self.assertRaisesRegex(UserError, "not an open receivable item"):
            self.line._dso_set_status(self.dispute)
        self.assertFalse(self.line.dso_status_id)
        self.assertFalse(self.line.dso_status_history_ids)


@tagged("post_install", "-at_install")
class TestStatusMultiCompany(DsoCollectionMultiCompanyCommon):
    @freeze_time("2026-03-01")
    def test_collector_cannot_qualify_items_of_another_company(self):
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        line_2 = self._create_item(
            self.shared_customer, 700, "2026-02-10", company=self.company_2
        )
        with self.assertRaises(AccessError):
            line_2.with_user(self.collector)._dso_set_status(dispute)
        self.assertFalse(line_2.dso_status_id)
        self.assertFalse(line_2.dso_status_history_ids)
        # Its own collector can.
        history = (
            line_2.with_user(self.collector_2)
            .with_company(self.company_2)
            ._dso_set_status(dispute, comment="Damaged goods")
        )
        self.assertEqual(line_2.dso_status_id, dispute)
        self.assertEqual(history.sudo().company_id, self.company_2)
        # The history of company 2 is not readable from company 1.
        self.assertFalse(
            self.env["dso.item.status.history"]
            .with_user(self.collector)
            .search([("line_id", "=", line_2.id)])
        )
