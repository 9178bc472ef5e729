"""A promise of payment: the customer said it would pay these items by a
date. The daily run marks it kept or broken; while it is open (until its
date plus the company's grace days) automatic sending leaves the customer
alone."""

from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, format_amount, format_date

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancel", "Cancelled"),
]
PROMISE_SOURCES = [
    ("collector", "Collector"),
    ("customer", "Customer"),
    ("colleague", "Colleague"),
]


class DsoPaymentPromise(models.Model):
    _name = "dso.payment.promise"
    _description = "Promise of payment"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", index=True)
    line_ids = fields.Many2many(
        "account.move.line",
        "dso_payment_promise_line_rel",
        "promise_id",
        "line_id",
        string="Items",
    )
    date = fields.Date(string="Promised for", required=True, tracking=True)
    amount = fields.Monetary(
        string="Promised amount",
        help="0: the items' whole open amount when the promise was made.",
    )
    amount_due = fields.Monetary(
        string="Open amount when promised",
        readonly=True,
        help="The items' open amount when the promise was made.",
    )
    amount_paid = fields.Monetary(
        string="Paid since", readonly=True, help="Paid on the items since the promise."
    )
    state = fields.Selection(
        PROMISE_STATES, required=True, default="open", index=True, tracking=True
    )
    source = fields.Selection(PROMISE_SOURCES, required=True, default="collector")
    status_id = fields.Many2one(
        "dso.item.status",
        readonly=True,
        help="The promise status the items got; its follow-up model gives the "
        "follow-up action of a broken promise.",
    )
    date_closed = fields.Date(string="Kept or broken on", readonly=True)
    followup_action_id = fields.Many2one(
        "dso.collection.action", string="Follow-up action", readonly=True
    )
    note = fields.Text()

    # ------------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------------

    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = self.env._(
                "Promise of %(customer)s for %(date)s",
                customer=promise.partner_id.display_name or "",
                date=format_date(self.env, promise.date) if promise.date else "",
            )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _dso_promise_amount_target(self):
        """What the customer promised to pay: the amount promised, else the
        items' whole open amount when the promise was made."""
        self.ensure_one()
        return self.amount or self.amount_due

    @api.model
    def _dso_promise_groups(self, lines):
        """The open items of ``lines`` by (customer, company): one promise
        each."""
        groups = defaultdict(lines.browse)
        for line in lines.filtered(lambda line: line._dso_is_open()):
            groups[(line.partner_id.commercial_partner_id, line.company_id)] |= line
        return groups

    @api.model
    def _dso_check_promise_amount(self, lines, amount):
        """Refuse a promised amount that is negative, given for the items of
        several customers, or above the items' open amount."""
        if not amount:
            return
        items = ", ".join(lines.mapped("move_name"))
        if amount < 0:
            raise UserError(
                self.env._(
                    "The promised amount on %(items)s is negative: type the "
                    "amount the customer will pay, or leave it empty for the "
                    "whole open amount.",
                    items=items,
                )
            )
        groups = self._dso_promise_groups(lines)
        if len(groups) > 1:
            raise UserError(
                self.env._(
                    "A promised amount is for the items of one customer, and "
                    "%(items)s are of several: select the items of one customer, "
                    "or leave the amount empty.",
                    items=items,
                )
            )
        for (partner, company), group in groups.items():
            residual = sum(group.mapped("amount_residual"))
            if (
                float_compare(
                    amount,
                    residual,
                    precision_rounding=company.currency_id.rounding,
                )
                > 0
            ):
                raise UserError(
                    self.env._(
                        "%(customer)s promised %(amount)s on %(items)s, more than "
                        "their open amount of %(residual)s: type at most the "
                        "open amount.",
                        customer=partner.display_name,
                        amount=format_amount(self.env, amount, company.currency_id),
                        items=items,
                        residual=format_amount(self.env, residual, company.currency_id),
                    )
                )

    @api.model
    def _dso_promise_items(self, lines, status, date, amount=0.0, source="collector"):
        """Record the promise of payment of ``lines`` (the items just given
        the promise ``status`` dated ``date``): one promise per customer and
        company, its collector the customer's; an open promise on any of
        the same items is cancelled, replaced by the new one.

        :param amount: the amount promised (0: the items' whole open amount).
        :param source: ``collector``, ``customer`` or ``colleague`` (any
            other qualification source counts as the collector's).
        :return: the promises created.
        """
        date = fields.Date.to_date(date)
        if not lines or not date:
            return self.browse()
        amount = amount or 0.0
        self._dso_check_promise_amount(lines, amount)
        if source not in dict(PROMISE_SOURCES):
            source = "collector"
        groups = self._dso_promise_groups(lines)
        if not groups:
            return self.browse()
        open_lines = lines.browse().union(*groups.values())
        previous = self.search(
            [("state", "=", "open"), ("line_ids", "in", open_lines.ids)]
        )
        vals_list = [
            self._dso_prepare_promise_vals(
                partner, company, items, status, date, amount, source
            )
            for (partner, company), items in groups.items()
        ]
        promises = self.create(vals_list)
        if previous:
            previous.write(
                {"state": "cancel", "date_closed": fields.Date.context_today(self)}
            )
            for old in previous:
                new = promises.filtered(lambda p, o=old: p.line_ids & o.line_ids)
                old.message_post(
                    body=self.env._(
                        "Replaced by the %(promise)s.",
                        promise=", ".join(new.mapped("display_name")),
                    )
                )
        return promises

    @api.model
    def _dso_promise_edited_items(self, lines, before, source="collector"):
        """The promises of items whose promise status or its date was just
        written directly (the open items list): one per status and date.

        :param before: ``_dso_status_snapshot()`` of each item before.
        """
        promised = lines.filtered(
            lambda line: (
                line.dso_status_id.is_promise
                and line.dso_status_date
                and before[line][:2] != line._dso_status_snapshot()[:2]
            )
        )
        promises = self.browse()
        groups = defaultdict(lines.browse)
        for line in promised:
            groups[(line.dso_status_id, line.dso_status_date)] |= line
        for (status, date), items in groups.items():
            promises |= self._dso_promise_items(items, status, date, source=source)
        return promises

    @api.model
    def _dso_prepare_promise_vals(
        self, partner, company, items, status, date, amount, source
    ):
        """Values of the promise of ``partner`` in ``company`` on ``items``
        (a hook for other modules)."""
        return {
            "partner_id": partner.id,
            "company_id": company.id,
            "user_id": partner.with_company(company).dso_collector_id.id,
            "line_ids": [Command.set(items.ids)],
            "date": date,
            "amount": amount,
            "amount_due": sum(items.mapped("amount_residual")),
            "source": source,
            "status_id": status.id if status else False,
        }

    # ------------------------------------------------------------------
    # The daily run
    # ------------------------------------------------------------------

    @api.model
    def _cron_check_commitments(self):
        """The daily run: promises kept or broken, then payment plans."""
        self._dso_check_promises()
        self.env["dso.payment.plan"]._dso_check_plans()
        today = fields.Date.context_today(self)
        Send = self.env["dso.collection.send"]
        for company in self.env["res.company"].search([("active", "=", True)]):
            Send._dso_thank_customers(company, today)

    @api.model
    def _dso_check_promises(self, today=None):
        """Mark the open promises kept or broken on ``today``: kept as soon
        as their items were paid by the amount promised, broken when they
        are not after their date plus the company's grace days.

        Set-based: the items' open amount of every open promise is read in
        one query; the broken ones get their history entries and follow-up
        actions.

        :return: the promises closed (kept or broken).
        """
        today = fields.Date.to_date(today) or fields.Date.context_today(self)
        promises = self.search([("state", "=", "open")])
        if not promises:
            return self.browse()
        residuals = self._dso_promise_residuals(promises)
        kept = broken = self.browse()
        for promise in promises:
            paid = promise.amount_due - residuals.get(promise.id, 0.0)
            if promise.currency_id.compare_amounts(paid, promise.amount_paid):
                promise.amount_paid = paid
            target = promise._dso_promise_amount_target()
            if promise.currency_id.compare_amounts(paid, target) >= 0:
                kept |= promise
            elif today > promise.date + timedelta(
                days=promise.company_id.dso_promise_grace_days
            ):
                broken |= promise
        kept.write({"state": "kept", "date_closed": today})
        broken.write({"state": "broken", "date_closed": today})
        broken._dso_record_broken(today)
        return kept | broken

    @api.model
    def _dso_promise_residuals(self, promises):
        """The items' open amount of each promise, in one query:
        {promise id: residual} (a paid item counts 0)."""
        self.env["account.move.line"].flush_model(["amount_residual", "reconciled"])
        self.flush_model(["line_ids"])
        self.env.cr.execute(
            SQL(
                """
                SELECT rel.promise_id,
                       COALESCE(SUM(CASE WHEN aml.reconciled THEN 0
                                         ELSE aml.amount_residual END), 0)
                  FROM dso_payment_promise_line_rel rel
                  JOIN account_move_line aml ON aml.id = rel.line_id
                 WHERE rel.promise_id = ANY(%s)
                 GROUP BY rel.promise_id
                """,
                promises.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    def _dso_record_broken(self, today):
        """What follows a broken promise: a history entry per item (source
        system), its follow-up action from the status's follow-up model,
        a note on the promise."""
        if not self:
            return
        history_vals = []
        for promise in self:
            comment = promise._dso_broken_comment()
            history_vals += [
                {
                    "line_id": line.id,
                    "status_id": line.dso_status_id.id,
                    "previous_status_id": line.dso_status_id.id,
                    "status_date": line.dso_status_date,
                    "comment": comment,
                    "resolution_user_id": line.dso_resolution_user_id.id,
                    "source": "system",
                    "user_id": self.env.uid,
                }
                for line in promise.line_ids
            ]
        # sudo: history rows are system records (the model is read-only for
        # users); these are the items of the promises just broken.
        self.env["dso.item.status.history"].sudo().create(history_vals)
        default_status = self.env.ref(
            "dso_collection.dso_item_status_promise", raise_if_not_found=False
        )
        for promise in self:
            action = promise._dso_create_broken_followup(
                promise.status_id or default_status, today
            )
            promise.followup_action_id = action[:1]
            body = promise._dso_broken_comment()
            if action:
                body = Markup("%s<br/>%s") % (
                    body,
                    self.env._("Follow-up: %(action)s", action=action[:1].name),
                )
            promise.message_post(body=body)

    def _dso_broken_comment(self):
        """e.g. "Promise of 12/03/2026 broken: 200.00 € of 1,000.00 € paid"."""
        self.ensure_one()
        currency = self.currency_id
        return self.env._(
            "Promise of %(date)s broken: %(paid)s of %(target)s paid",
            date=format_date(self.env, self.date),
            paid=format_amount(self.env, self.amount_paid, currency),
            target=format_amount(self.env, self._dso_promise_amount_target(), currency),
        )

    def _dso_create_broken_followup(self, status, today):
        """The follow-up specific action of this broken promise, from the
        follow-up model of its status, on its items still open."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line._dso_is_open())
        if not status or not status.action_type or not lines:
            return self.env["dso.collection.action"]
        # The status's follow-up counts from the promised date; a broken
        # promise is followed up today at the earliest.
        vals = status._dso_followup_action_vals(lines, self.date)
        vals.pop("explanation", None)
        types = dict(status._fields["action_type"]._description_selection(self.env))
        vals.update(
            {
                "date": max(vals["date"], today),
                "name": self.env._(
                    "Broken promise: %(action)s", action=types[status.action_type]
                ),
                "user_id": self.user_id.id or False,
            }
        )
        return (
            self.env["dso.collection.action"]
            .with_company(self.company_id)
            ._dso_create_specific(lines, vals)
        )
