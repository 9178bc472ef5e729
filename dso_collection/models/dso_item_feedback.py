"""One answer on one item, given on an interactive page: pending until the
collector validates it (the item is then qualified through
``_dso_set_status``) or rejects it (kept, with the reason)."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_date

KINDS = [
    ("paid", "Paid"),
    ("promise", "Promise to pay"),
    ("dispute", "Dispute"),
    ("comment", "Comment"),
]
DISPUTE_REASONS = [
    ("not_received", "Goods or service not received"),
    ("quality", "Quality problem"),
    ("price", "Wrong price or quantity"),
    ("already_paid", "Already paid"),
    ("credit_note", "Credit note expected"),
    ("other", "Other"),
]


class DsoItemFeedback(models.Model):
    _name = "dso.item.feedback"
    _description = "Answer on a collection item"
    _order = "create_date desc, id desc"
    _rec_name = "line_id"

    request_id = fields.Many2one(
        "dso.interactive.request",
        string="Interactive request",
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    line_id = fields.Many2one(
        "account.move.line",
        string="Item",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    move_id = fields.Many2one(
        related="line_id.move_id", string="Invoice", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="line_id.company_id", store=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="line_id.currency_id")
    amount_residual = fields.Monetary(
        related="line_id.amount_residual_currency", string="Residual"
    )
    date_maturity = fields.Date(related="line_id.date_maturity", string="Due date")
    current_status_id = fields.Many2one(
        related="line_id.dso_status_id", string="Current status"
    )
    collector_id = fields.Many2one(
        related="partner_id.dso_collector_id", string="Collector", store=True
    )
    kind = fields.Selection(KINDS, string="Answer", required=True, readonly=True)
    date = fields.Date(
        readonly=True,
        help="Paid on, or promised for; the date the status takes.",
    )
    reference = fields.Char(string="Payment reference", readonly=True)
    dispute_reason = fields.Selection(DISPUTE_REASONS, readonly=True)
    comment = fields.Text(readonly=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Proof", readonly=True, ondelete="set null"
    )
    source = fields.Selection(
        [("customer", "Customer"), ("colleague", "Colleague")],
        required=True,
        default="customer",
        readonly=True,
    )
    author_id = fields.Many2one(
        "res.partner",
        string="Answered by",
        readonly=True,
        help="The contact or colleague who answered.",
    )
    status_id = fields.Many2one(
        "dso.item.status",
        string="Status to set",
        compute="_compute_status_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The status validating sets on the item; the collector may choose "
        "another before validating. Empty: only the comment is added.",
    )
    state = fields.Selection(
        [("pending", "Pending"), ("validated", "Validated"), ("rejected", "Rejected")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    reject_reason = fields.Text(string="Reason of the rejection", readonly=True)
    decision_user_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decision_date = fields.Datetime(string="Decided on", readonly=True)

    @api.depends("kind", "line_id")
    def _compute_status_id(self):
        for feedback in self:
            if feedback.state != "pending":
                continue
            feedback.status_id = feedback._dso_status_for_kind()

    def _dso_status_for_kind(self):
        """The status answers of this kind set: the status marked for that
        customer answer, of the item's company or shared."""
        self.ensure_one()
        if self.kind == "comment" or not self.line_id:
            return self.env["dso.item.status"]
        return self.env["dso.item.status"].search(
            [
                ("customer_answer", "=", self.kind),
                ("company_id", "in", (self.line_id.company_id.id, False)),
            ],
            order="company_id, sequence, id",
            limit=1,
        )

    # ------------------------------------------------------------------
    # Telling the collector
    # ------------------------------------------------------------------

    def _dso_summary(self):
        """One line per answer, as the collector reads it."""
        self.ensure_one()
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        parts = [kinds[self.kind]]
        if self.date:
            parts.append(format_date(self.env, self.date))
        if self.reference:
            parts.append(self.reference)
        if self.dispute_reason:
            reasons = dict(
                self._fields["dispute_reason"]._description_selection(self.env)
            )
            parts.append(reasons[self.dispute_reason])
        if self.comment:
            parts.append(f"“{self.comment}”")
        return " — ".join(parts)

    def _dso_notify_collector(self):
        """A message on the customer listing the answers, and one activity
        for its collector to decide on them."""
        for partner in self.partner_id:
            answers = self.filtered(lambda f, p=partner: f.partner_id == p)
            items = Markup("").join(
                Markup("<li>%s: %s</li>") % (f.line_id.move_name, f._dso_summary())
                for f in answers
            )
            author = answers[0].author_id.display_name
            body = Markup("%s<ul>%s</ul>") % (
                self.env._(
                    "%(author)s answered on %(count)s invoices (to validate in "
                    "Collection > Customer answers):",
                    author=author,
                    count=len(answers),
                ),
                items,
            )
            # sudo: the page is used by a visitor; the note is the
            # answers just recorded, posted on their own customer.
            partner.sudo().message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )
            collector = (
                answers.request_id.collector_id[:1]
                or partner.dso_collector_id
                or partner.user_id
            )
            if collector:
                # sudo: as the note above, an activity for the collector.
                partner.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Customer answers to validate"),
                    note=body,
                    user_id=collector.id,
                )
