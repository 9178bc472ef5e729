"""The commitments' part of a customer's answer: when it says it paid, the
unreconciled bank line or payment it speaks of (reference, amount, near the
date it gave), and the one click that reconciles it with the item. The
answer keeps holding the reminders until the collector decides."""

import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare
from odoo.tools.misc import formatLang

# How far from the date the customer gave a bank line or payment may be to
# match its "paid" answer.
MATCH_DAYS = 10


class DsoItemFeedback(models.Model):
    _inherit = "dso.item.feedback"

    match_statement_line_id = fields.Many2one(
        "account.bank.statement.line",
        string="Matched bank line",
        readonly=True,
        ondelete="set null",
        help="An unreconciled bank statement line that matches what the "
        "customer said (reference, amount, near the date): reconcile it with "
        "the item in one click.",
    )
    match_statement_label = fields.Char(
        related="match_statement_line_id.payment_ref", string="Bank line label"
    )
    match_payment_id = fields.Many2one(
        "account.payment",
        string="Matched payment",
        readonly=True,
        ondelete="set null",
        help="A customer payment not reconciled yet that matches what the "
        "customer said.",
    )

    # ------------------------------------------------------------------
    # Paid claims: the bank line or payment the customer speaks of
    # ------------------------------------------------------------------

    @api.model
    def _dso_normalize_reference(self, text):
        """A reference as compared: lower case, without spaces."""
        return re.sub(r"\s+", "", text or "").lower()

    def _dso_match_criteria(self):
        """What a candidate must match: (reference, amount), the amount
        being the item's open amount when the customer gave neither."""
        self.ensure_one()
        reference = self._dso_normalize_reference(self.reference)
        amount = self.amount
        if not reference and not amount:
            amount = self.line_id.amount_residual_currency
        return reference, amount

    def _dso_match_window(self):
        self.ensure_one()
        date = self.date or fields.Date.to_date(self.create_date or fields.Date.today())
        return date - timedelta(days=MATCH_DAYS), date + timedelta(days=MATCH_DAYS)

    def _dso_candidate_ok(self, texts, amount, currency, date):
        """Whether a candidate (its reference texts, amount, currency and
        date) matches every criterion the customer gave."""
        self.ensure_one()
        reference, wanted = self._dso_match_criteria()
        if reference and not any(
            reference in self._dso_normalize_reference(text) for text in texts if text
        ):
            return False
        if wanted:
            if currency != self.line_id.currency_id:
                return False
            if float_compare(amount, wanted, precision_rounding=currency.rounding):
                return False
        return True

    def _dso_find_payment_candidates(self):
        """For a "paid" answer: (bank statement lines, payments) that may be
        the payment the customer speaks of, the closest to its date first.
        Unreconciled bank lines of the item's company, of the customer (or
        of no partner), and customer payments in process, within
        ``MATCH_DAYS`` days of the date it gave (else of the answer's),
        matching its reference (in the label, reference or memo, ignoring
        case and spaces) and its amount; with neither, the item's open
        amount."""
        self.ensure_one()
        StLine = self.env["account.bank.statement.line"]
        Payment = self.env["account.payment"]
        if self.kind != "paid" or not self.line_id:
            return StLine, Payment
        customer = self.partner_id.commercial_partner_id
        date_from, date_to = self._dso_match_window()
        center = self.date or date_from + timedelta(days=MATCH_DAYS)
        lines = StLine.search(
            [
                ("company_id", "=", self.company_id.id),
                ("is_reconciled", "=", False),
                ("state", "=", "posted"),
                ("amount", ">", 0),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                "|",
                ("partner_id", "=", False),
                ("partner_id", "child_of", customer.id),
            ]
        )
        lines = lines.filtered(
            lambda st: self._dso_candidate_ok(
                (st.payment_ref, st.ref, st.narration and str(st.narration)),
                (st.foreign_currency_id and st.amount_currency) or st.amount,
                st.foreign_currency_id or st.currency_id,
                st.date,
            )
        ).sorted(lambda st: (abs((st.date - center).days), st.id))
        payments = Payment.search(
            [
                ("company_id", "=", self.company_id.id),
                ("payment_type", "=", "inbound"),
                ("partner_type", "=", "customer"),
                ("state", "=", "in_process"),
                ("is_reconciled", "=", False),
                ("partner_id", "child_of", customer.id),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ]
        )
        payments = payments.filtered(
            lambda pay: self._dso_candidate_ok(
                (pay.memo, pay.payment_reference, pay.name),
                pay.amount,
                pay.currency_id,
                pay.date,
            )
        ).sorted(lambda pay: (abs((pay.date - center).days), pay.id))
        return lines, payments

    def _dso_match_payment(self):
        """Store the best bank line and payment of each "paid" answer."""
        # sudo: answers are created from the portal page by visitors; the
        # bank lines and payments are only searched to be shown to the
        # collector on the answer.
        for feedback in self.sudo():
            lines, payments = feedback._dso_find_payment_candidates()
            feedback.write(
                {
                    "match_statement_line_id": lines[:1].id,
                    "match_payment_id": payments[:1].id,
                }
            )

    def action_match_again(self):
        """Look again for the bank line or payment of these "paid" answers
        (a statement imported since)."""
        paid = self.filtered(lambda f: f.kind == "paid" and f.state == "pending")
        if not paid:
            raise UserError(
                self.env._(
                    "Only pending “Paid” answers are matched with the bank: the "
                    "answer on %(item)s is not one.",
                    item=self[:1].line_id.move_name,
                )
            )
        paid._dso_match_payment()
        return True

    def action_reconcile_match(self):
        """Reconcile the item with the matched bank line (Odoo's bank
        reconciliation when installed, else directly: the bank line's
        suspense counterpart goes to the item's account and is reconciled
        with it) or with the matched payment."""
        self.ensure_one()
        line = self.line_id
        st_line = self.match_statement_line_id
        payment = self.match_payment_id
        if not line._dso_is_open():
            raise UserError(
                self.env._(
                    "Invoice %(invoice)s is no longer open: there is nothing to "
                    "reconcile. Validate or reject the answer.",
                    invoice=line.move_name,
                )
            )
        if st_line and not st_line.is_reconciled:
            if hasattr(st_line, "action_open_recon_st_line"):
                return st_line.action_open_recon_st_line()
            _liquidity, suspense, _other = st_line.with_context(
                skip_account_move_synchronization=True
            )._seek_for_lines()
            if not suspense:
                raise UserError(
                    self.env._(
                        "The bank line %(bank_line)s has no amount left to "
                        "reconcile: look again for another one.",
                        bank_line=st_line.display_name,
                    )
                )
            suspense.with_context(skip_account_move_synchronization=True).write(
                {"account_id": line.account_id.id, "partner_id": line.partner_id.id}
            )
            (suspense + line).reconcile()
        elif payment and not payment.is_reconciled:
            counterpart = payment.move_id.line_ids.filtered(
                lambda aml: aml.account_id == line.account_id and not aml.reconciled
            )
            if not counterpart:
                raise UserError(
                    self.env._(
                        "Payment %(payment)s has no open receivable entry to "
                        "reconcile with invoice %(invoice)s: reconcile it from "
                        "the payment.",
                        payment=payment.display_name,
                        invoice=line.move_name,
                    )
                )
            (counterpart + line).reconcile()
        else:
            raise UserError(
                self.env._(
                    "No unreconciled bank line or payment is matched with the "
                    "answer on %(invoice)s: click “Look again” once the bank "
                    "statement is imported.",
                    invoice=line.move_name,
                )
            )
        if self.state == "pending" and not line._dso_is_open():
            # The bank confirms the customer's word: the item is paid, the
            # answer is validated (no status to set on a paid item).
            self.write(
                {
                    "state": "validated",
                    "decision_user_id": self.env.user.id,
                    "decision_date": fields.Datetime.now(),
                }
            )
            self._dso_close_decided(
                lambda answers: self.env._(
                    "Payment found in the bank and reconciled with %(invoices)s: "
                    "answer validated.",
                    invoices=", ".join(answers.line_id.mapped("move_name")),
                )
            )
        self.env.user._bus_send(
            "simple_notification",
            {
                "type": "success",
                "title": self.env._("Reconciled"),
                "message": self.env._(
                    "Invoice %(invoice)s reconciled: open amount %(residual)s.",
                    invoice=line.move_name,
                    residual=formatLang(
                        self.env,
                        line.amount_residual_currency,
                        currency_obj=line.currency_id,
                    ),
                ),
            },
        )
        return True
