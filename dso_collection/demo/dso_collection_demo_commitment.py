"""Demo of what the customer says: Harbor Finch broke yesterday the promise
it made on its oldest invoice (its follow-up call is on the agenda),
Northwind answered "paid, ref WIRE-42" on its answer page and the bank line
of that transfer waits to be reconciled (its automatic reminder is held),
Cedar Valley pays its two old invoices in three monthly instalments (the
first reminder of the plan is on the agenda), and Brightwave's first
reminder went with its invoice and its statement of account."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, models

PROMISE_INVOICE = "dso_collection.demo_invoice_harbor_finch_1"
PAID_CLAIM_INVOICE = "dso_collection.demo_invoice_northwind_1"
REMINDED_CUSTOMER = "dso_collection.demo_partner_brightwave"
PLAN_INVOICES = (
    "dso_collection.demo_invoice_cedar_valley_1",
    "dso_collection.demo_invoice_cedar_valley_2",
)


class DsoCollectionDemo(models.AbstractModel):
    _inherit = "dso.collection.demo"

    @api.model
    def _demo_commitment(self, today):
        company = self.env.ref("base.main_company")
        self._demo_broken_promise(company, today)
        self._demo_paid_claim(company, today)
        self._demo_payment_plan(company, today)
        self._demo_reminder_with_documents(company, today)

    @api.model
    def _demo_broken_promise(self, company, today):
        """Promised for four days ago: with two grace days, yesterday's run
        found it unpaid."""
        grace = company.dso_promise_grace_days
        line = self._demo_receivable_line(self.env.ref(PROMISE_INVOICE))
        line._dso_set_status(
            self.env.ref("dso_collection.dso_item_status_promise"),
            date=today - timedelta(days=grace + 2),
            comment="Promised on the phone by the owner, Mr Finch.",
        )
        self.env["dso.payment.promise"]._dso_check_promises(
            today=today - timedelta(days=1)
        )

    @api.model
    def _demo_paid_claim(self, company, today):
        """Northwind says it paid what is left of invoice 1 by transfer
        WIRE-42; the bank line of the transfer is imported, not yet
        reconciled."""
        move = self.env.ref(PAID_CLAIM_INVOICE)
        line = self._demo_receivable_line(move)
        partner = move.commercial_partner_id
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        self.env["account.bank.statement.line"].with_company(company).create(
            {
                "journal_id": journal.id,
                "date": today - timedelta(days=1),
                "payment_ref": "WIRE-42 NORTHWIND FRESH FOODS",
                "partner_id": partner.id,
                "amount": line.amount_residual,
            }
        )
        request = self.env["dso.interactive.request"].create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "line_ids": [Command.set(line.ids)],
            }
        )
        request._dso_submit(
            [
                {
                    "line_id": line.id,
                    "kind": "paid",
                    "date": today - timedelta(days=1),
                    "reference": "WIRE-42",
                    "amount": line.amount_residual,
                }
            ],
            author=partner,
        )

    @api.model
    def _demo_payment_plan(self, company, today):
        """Three monthly instalments, the first in three days: its "due
        soon" reminder is today's."""
        lines = self.env["account.move.line"].concat(
            *(
                self._demo_receivable_line(self.env.ref(xmlid))
                for xmlid in PLAN_INVOICES
            )
        )
        total = sum(lines.mapped("amount_residual"))
        third = company.currency_id.round(total / 3)
        first = today + timedelta(days=3)
        plan = self.env["dso.payment.plan"].create(
            {
                "partner_id": lines.partner_id.commercial_partner_id.id,
                "company_id": company.id,
                "user_id": self.env.ref("dso_collection.demo_user_collector").id,
                "line_ids": [Command.set(lines.ids)],
                "installment_ids": [
                    Command.create(
                        {
                            "date": first + relativedelta(months=index),
                            "amount": third if index < 2 else total - 2 * third,
                        }
                    )
                    for index in range(3)
                ],
            }
        )
        plan.action_start()

    @api.model
    def _demo_reminder_with_documents(self, company, today):
        """Brightwave's due reminder, sent: its email in the customer's
        chatter carries the invoice and the statement of account."""
        partner = self.env.ref(REMINDED_CUSTOMER)
        action = self.env["dso.collection.action"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("state", "in", ("todo", "to_confirm")),
                ("action_type", "=", "email"),
                ("date", "<=", today),
            ],
            limit=1,
        )
        if not action:
            return
        self.env["dso.collection.send"]._send_now(action)
        # What the mail queue does before sending it: its documents.
        action.mail_id._dso_attach_documents()
        # No mail server in the demo database: shown as delivered.
        # sudo: only administrators write mails (demo data load as root).
        action.mail_id.sudo().write({"state": "sent"})
