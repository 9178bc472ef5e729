from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestPlannerItems(DsoCollectionCommon):
    """Scenario rules 6 and 7, credit notes, partial payments and
    contacts, on real invoices."""

    # ------------------------------------------------------------------
    # Rule 6: idempotent planning, in a fixed number of queries
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_rule6_planning_twice_is_idempotent(self):
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        pre_due = self._create_customer("Pre-due Ltd")
        self._create_invoice(
            pre_due, amount=800, due_date="2026-03-20", invoice_date="2026-02-20"
        )
        overdue = self._create_customer("Overdue Ltd")
        self._create_invoice(
            overdue, amount=900, due_date="2026-02-10", invoice_date="2026-01-10"
        )
        self._create_invoice(
            overdue,
            amount=100,
            due_date="2026-02-28",
            invoice_date="2026-01-28",
            move_type="out_refund",
        )
        advanced = self._create_customer("Advanced Ltd")
        self._create_invoice(
            advanced, amount=1500, due_date="2026-02-01", invoice_date="2026-01-01"
        )
        disputed = self._create_customer("Disputed Ltd")
        disputed_line = self._create_item(
            disputed, 300, "2026-01-15", invoice_date="2025-12-15"
        )
        self._create_invoice(
            disputed, amount=200, due_date="2026-02-15", invoice_date="2026-01-15"
        )
        with_specific = self._create_customer("Specific Ltd")
        specific_line = self._create_item(
            with_specific, 300, "2026-01-15", invoice_date="2025-12-15"
        )
        self._create_invoice(
            with_specific, amount=250, due_date="2026-02-15", invoice_date="2026-01-15"
        )
        customers = pre_due | overdue | advanced | disputed | with_specific

        disputed_line.dso_status_id = dispute
        self._specific_action(specific_line, "2026-03-10")
        self._plan("2026-03-01", partners=customers)
        self._open_action(advanced).action_done()
        first = self._agenda_snapshot(customers)
        self.assertEqual(len(first["cycles"]), 5)
        self.assertEqual(
            len(
                [
                    action
                    for action in first["actions"]
                    if action[5] in ("todo", "to_confirm")
                ]
            ),
            6,
        )

        self._plan("2026-03-01", partners=customers)
        self.assertEqual(self._agenda_snapshot(customers), first)
        self._plan("2026-03-01", partners=customers)
        self.assertEqual(self._agenda_snapshot(customers), first)
        # Planned one by one or all at once: the same agenda.
        for customer in customers:
            self._plan("2026-03-01", partners=customer)
        self.assertEqual(self._agenda_snapshot(customers), first)

    @freeze_time("2026-03-01")
    def test_rule6_query_count_does_not_grow_with_customers(self):
        dispute = self.env.ref("dso_collection.dso_item_status_dispute")
        customers = self.env["res.partner"]
        for index in range(12):
            customer = self._create_customer(f"Customer {index:02d}")
            customers |= customer
            # A mix of situations, repeated every three customers.
            kind = index % 3
            if kind == 0:
                self._create_invoice(
                    customer,
                    amount=1000 + index,
                    due_date="2026-03-20",
                    invoice_date="2026-02-20",
                )
            elif kind == 1:
                self._create_invoice(
                    customer,
                    amount=500 + index,
                    due_date="2026-02-10",
                    invoice_date="2026-01-10",
                )
                self._create_invoice(
                    customer,
                    amount=200,
                    due_date="2026-02-20",
                    invoice_date="2026-01-20",
                )
            else:
                line = self._create_item(
                    customer, 300 + index, "2026-01-10", invoice_date="2025-12-10"
                )
                self._create_invoice(
                    customer,
                    amount=400,
                    due_date="2026-02-25",
                    invoice_date="2026-01-25",
                )
                line.dso_status_id = dispute
        self._plan("2026-03-01", partners=customers)
        for customer in customers[1::3]:
            self._open_action(customer).action_done()
        planned = self._agenda_snapshot(customers)
        self.assertEqual(len(self._open_actions_of(customers)), 12)

        few = self._count_queries(
            lambda: self._plan("2026-03-01", partners=customers[:3])
        )
        many = self._count_queries(lambda: self._plan("2026-03-01", partners=customers))
        self.assertEqual(few, many)
        self.assertEqual(self._agenda_snapshot(customers), planned)

    def _open_actions_of(self, partners):
        return self.env["dso.collection.action"].search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", self.company.id),
                ("state", "in", ("todo", "to_confirm")),
            ]
        )

    # ------------------------------------------------------------------
    # Rule 7: specific actions whose items are all closed disappear
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_rule7_specific_action_all_items_paid_deleted_on_its_date(self):
        line_a = self._create_item(
            self.customer, 1000, "2026-02-10", invoice_date="2026-01-10"
        )
        invoice_a = line_a.move_id
        line_b = self._create_item(
            self.customer, 400, "2026-02-20", invoice_date="2026-01-20"
        )
        paid = self._specific_action(line_a, "2026-03-10")
        unpaid = self._specific_action(line_b, "2026-03-10")
        self._pay(invoice_a, date="2026-03-05")

        self._plan("2026-03-05")
        self.assertTrue(paid.exists())
        self._plan("2026-03-09")
        self.assertTrue(paid.exists())
        self.assertEqual(paid.state, "todo")

        self._plan("2026-03-10")
        self.assertFalse(paid.exists())
        self.assertTrue(unpaid.exists())
        self.assertEqual(unpaid.state, "todo")
        self.assertEqual(self._open_actions(), unpaid)

    @freeze_time("2026-03-01")
    def test_rule7_partly_paid_specific_action_stays(self):
        line_a = self._create_item(
            self.customer, 1000, "2026-02-10", invoice_date="2026-01-10"
        )
        invoice_a = line_a.move_id
        line_b = self._create_item(
            self.customer, 400, "2026-02-20", invoice_date="2026-01-20"
        )
        invoice_b = line_b.move_id
        specific = self._specific_action(line_a | line_b, "2026-03-10")
        self._pay(invoice_a, date="2026-03-05")
        self._pay(invoice_b, 300.0, date="2026-03-05")
        self._plan("2026-03-12")
        self.assertTrue(specific.exists())
        self.assertEqual(specific.amount_total, 100.0)

    # ------------------------------------------------------------------
    # Credit notes, partial payments, contacts
    # ------------------------------------------------------------------

    @freeze_time("2026-03-01")
    def test_credit_note_lowers_balance_listed_never_leader(self):
        invoice = self._create_item(
            self.customer, 1000, "2026-02-20", invoice_date="2026-01-20"
        )
        # The credit note is older than the invoice: it would lead if it could.
        refund = self._create_item(
            self.customer,
            300,
            "2026-01-05",
            invoice_date="2026-01-05",
            move_type="out_refund",
        )
        self.assertEqual(refund.amount_residual, -300.0)
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.leader_line_id, invoice)
        self.assertEqual(
            (action.step_id, action.date), (self.step_first, date(2026, 2, 25))
        )
        self.assertEqual(action.line_ids, invoice | refund)
        self.assertEqual(action.amount_total, 700.0)
        customer = self._customer_view()
        self.assertEqual(customer.dso_balance, 700.0)
        self.assertEqual(customer.dso_leader_line_id, invoice)

    @freeze_time("2026-03-01")
    def test_credit_note_brings_balance_below_minimum(self):
        self.company.dso_minimum_amount = 800.0
        self._create_invoice(
            self.customer, amount=1000, due_date="2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.step_id, self.step_first)
        self._create_invoice(
            self.customer,
            amount=300,
            due_date="2026-03-01",
            invoice_date="2026-03-01",
            move_type="out_refund",
        )
        self._plan("2026-03-01")
        self.assertFalse(action.exists())
        self.assertFalse(self._open_actions())

    @freeze_time("2026-03-01")
    def test_only_credit_notes_no_leader_no_action(self):
        self._create_invoice(
            self.customer,
            amount=300,
            due_date="2026-01-05",
            invoice_date="2026-01-05",
            move_type="out_refund",
        )
        self._plan("2026-03-01")
        self.assertFalse(self._open_actions())
        self.assertFalse(self._cycles())
        customer = self._customer_view()
        self.assertFalse(customer.dso_leader_line_id)
        self.assertEqual(customer.dso_balance, -300.0)

    @freeze_time("2026-03-01")
    def test_partial_payment_leader_stays_residual_counts(self):
        line_a = self._create_item(
            self.customer, 1000, "2026-02-10", invoice_date="2026-01-10"
        )
        invoice_a = line_a.move_id
        line_b = self._create_item(
            self.customer, 500, "2026-02-20", invoice_date="2026-01-20"
        )
        self._plan("2026-03-01")
        action = self._open_action()
        self.assertEqual(action.leader_line_id, line_a)
        self.assertEqual(action.amount_total, 1500.0)

        self._pay(invoice_a, 600.0, date="2026-03-02")
        self.assertEqual(line_a.amount_residual, 400.0)
        self.assertEqual(invoice_a.payment_state, "partial")
        self._plan("2026-03-02")
        self.assertEqual(self._open_action(), action)
        self.assertEqual(action.leader_line_id, line_a)
        self.assertEqual(
            (action.step_id, action.date), (self.step_first, date(2026, 2, 15))
        )
        self.assertEqual(action.line_ids, line_a | line_b)
        self.assertEqual(action.amount_total, 900.0)
        self.assertEqual(len(self._cycles()), 1)
        customer = self._customer_view()
        self.assertEqual(customer.dso_leader_line_id, line_a)
        self.assertEqual(customer.dso_balance, 900.0)

    @freeze_time("2026-03-01")
    def test_contacts_items_belong_to_the_commercial_partner(self):
        accounting = self._create_contact(self.customer, "Alice Accounting")
        buyer = self._create_contact(self.customer, "Bob Buyer")
        line_1 = self._create_item(
            accounting, 1000, "2026-02-20", invoice_date="2026-01-20"
        )
        line_2 = self._create_item(buyer, 500, "2026-02-10", invoice_date="2026-01-10")
        # Planning one contact plans its company.
        self._plan("2026-03-01", partners=accounting)
        action = self._open_action()
        self.assertEqual(action.partner_id, self.customer)
        self.assertEqual(action.leader_line_id, line_2)
        self.assertEqual(
            (action.step_id, action.date), (self.step_first, date(2026, 2, 15))
        )
        self.assertEqual(action.line_ids, line_1 | line_2)
        self.assertEqual(action.user_id, self.collector)
        self.assertFalse(
            self.env["dso.collection.action"].search(
                [("partner_id", "in", (accounting | buyer).ids)]
            )
        )
        self.assertEqual(self._open_actions(), action)
        # The contacts see their company's collection.
        self.assertEqual(self._customer_view(buyer).dso_leader_line_id, line_2)
        self.assertEqual(self._customer_view(accounting).dso_balance, 1500.0)
        # A specific action created on a contact belongs to the company.
        specific = self.env["dso.collection.action"].create(
            {
                "name": "Call Bob",
                "is_specific": True,
                "partner_id": buyer.id,
                "action_type": "call",
                "date": date(2026, 3, 3),
                "line_ids": [(6, 0, line_2.ids)],
            }
        )
        self.assertEqual(specific.partner_id, self.customer)
        self.assertEqual(self._open_action().leader_line_id, line_1)
