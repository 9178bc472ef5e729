"""One answer on one item, given on an interactive page: pending until the
collector validates it (the item is then qualified through
``_dso_set_status``) or rejects it (kept, with the reason)."""

import base64
import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date
from odoo.tools.misc import formatLang

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

# Limits of what the page accepts: text is stored as plain text.
MAX_COMMENT = 2000

MAX_REFERENCE = 100

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

ALLOWED_MIMETYPES = ("application/pdf", "image/png", "image/jpeg")

# An amount as a person types it: digits, one decimal separator.
AMOUNT_RE = re.compile(r"[0-9]+([.,][0-9]+)?")

# A date of the form (ISO, as the browser's date input sends it).
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Signatures of the allowed files (the browser's content type is not
# trusted).
MAGIC_NUMBERS = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


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
    amount = fields.Monetary(
        string="Amount paid",
        readonly=True,
        help="The amount the customer says it paid (optional).",
    )
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
        if self.amount:
            parts.append(
                formatLang(self.env, self.amount, currency_obj=self.currency_id)
            )
        if self.dispute_reason:
            reasons = dict(
                self._fields["dispute_reason"]._description_selection(self.env)
            )
            parts.append(reasons[self.dispute_reason])
        if self.comment:
            parts.append(f"“{self.comment}”")
        return " — ".join(parts)

    def _dso_kind_label(self):
        """The answer's kind as the customer reads it (acknowledgement)."""
        self.ensure_one()
        return dict(self._fields["kind"]._description_selection(self.env)).get(
            self.kind, ""
        )

    def _dso_notify_collector(self):
        """A message on the customer listing the answers, and one activity
        for its collector to decide on them: the customer's open one, with
        these answers added, else a new one."""
        for partner in self.partner_id:
            answers = self.filtered(lambda f, p=partner: f.partner_id == p)
            items = Markup("").join(
                Markup("<li>%s: %s</li>") % (f.line_id.move_name, f._dso_summary())
                for f in answers
            )
            author = answers[0].author_id.display_name
            if len(answers) == 1:
                intro = self.env._(
                    "%(author)s answered on 1 invoice (to validate in "
                    "Collection > Customer answers):",
                    author=author,
                )
            else:
                intro = self.env._(
                    "%(author)s answered on %(count)s invoices (to validate in "
                    "Collection > Customer answers):",
                    author=author,
                    count=len(answers),
                )
            body = Markup("%s<ul>%s</ul>") % (intro, items)
            # sudo: the page is used by a visitor; the note is the
            # answers just recorded, posted on their own customer.
            partner_sudo = partner.sudo()
            partner_sudo.message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )
            # sudo (as above): the customer's open activity, read and
            # completed with the answers just recorded.
            activity = partner_sudo.dso_feedback_activity_id
            if activity.exists() and activity.active:
                activity.note = (activity.note or Markup()) + body
                continue
            collector = (
                answers.request_id.collector_id[:1]
                or partner.dso_collector_id
                or partner.user_id
            )
            if collector:
                # sudo: as the note above, an activity for the collector.
                partner_sudo.dso_feedback_activity_id = partner_sudo.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Customer answers to validate"),
                    note=body,
                    user_id=collector.id,
                )

    def _dso_close_decided(self, message):
        """Tell what the decision did on each customer (``message``: a
        function of the customer's decided answers giving the text): it
        closes the customer's "answers to validate" activity when none is
        pending any more, else it is a note on the customer."""
        Feedback = self.env["dso.item.feedback"]
        for partner in self.partner_id:
            answers = self.filtered(lambda f, p=partner: f.partner_id == p)
            text = message(answers)
            still_pending = Feedback.search_count(
                [("partner_id", "=", partner.id), ("state", "=", "pending")]
            )
            # sudo: the activity may be another collector's; closing it is
            # what deciding the last answer it announced means.
            activity = partner.sudo().dso_feedback_activity_id
            if not still_pending and activity.exists() and activity.active:
                activity.action_feedback(feedback=text)
            else:
                partner.message_post(body=text, subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------------
    # Answers from the portal page
    # ------------------------------------------------------------------
    # Answers as the page gives them: checked before anything is written
    # (item allowed, kind, dates, text length, proof type and size), then
    # created with their proof.

    @api.model
    def _dso_prepare_answers(self, request, allowed, answers, author=None):
        """Values of the feedback of ``answers`` (see
        ``dso.interactive.request._dso_submit``), every answer checked
        first: an unknown item, kind or date, a text too long or a file not
        allowed refuses the whole submission."""
        kinds = dict(KINDS)
        reasons = dict(DISPUTE_REASONS)
        source = "colleague" if request.audience == "colleague" else "customer"
        author = author or request.partner_id
        vals_list = []
        for answer in answers:
            line = allowed.filtered(lambda item, a=answer: item.id == a.get("line_id"))
            if not line:
                raise UserError(
                    self.env._(
                        "One of the invoices answered is not among your open "
                        "invoices. Reload the page and answer again."
                    )
                )
            kind = answer.get("kind")
            if kind not in kinds:
                raise UserError(
                    self.env._(
                        "Choose what is going on for invoice %(invoice)s.",
                        invoice=line.move_name,
                    )
                )
            date = self._dso_check_date(line, kind, answer.get("date"))
            comment = self._dso_check_text(
                line, answer.get("comment"), MAX_COMMENT, self.env._("comment")
            )
            reference = self._dso_check_text(
                line, answer.get("reference"), MAX_REFERENCE, self.env._("reference")
            )
            amount = self._dso_check_amount(line, kind, answer.get("amount"))
            reason = answer.get("dispute_reason") or False
            if kind == "dispute":
                if reason not in reasons:
                    raise UserError(
                        self.env._(
                            "Choose the reason of the dispute on invoice %(invoice)s.",
                            invoice=line.move_name,
                        )
                    )
            else:
                reason = False
            if kind == "comment" and not comment:
                raise UserError(
                    self.env._(
                        "Write your comment on invoice %(invoice)s.",
                        invoice=line.move_name,
                    )
                )
            vals = {
                "request_id": request.id,
                "line_id": line.id,
                "partner_id": request.partner_id.commercial_partner_id.id,
                "kind": kind,
                "date": date,
                "reference": reference if kind == "paid" else False,
                "amount": amount,
                "dispute_reason": reason,
                "comment": comment,
                "source": source,
                "author_id": author.id,
            }
            attachment = answer.get("attachment")
            if attachment:
                self._dso_check_attachment(line, attachment)
                vals["dso_attachment"] = attachment
            vals_list.append(vals)
        return vals_list

    @api.model
    def _dso_check_date(self, line, kind, value):
        if kind not in ("paid", "promise"):
            return False
        if isinstance(value, str):
            # Odoo reads the first 10 characters only: "2026-01-01<junk>"
            # is no date of the form.
            value = value.strip()
            if not DATE_RE.fullmatch(value):
                value = False
        try:
            date = fields.Date.to_date(value) if value else False
        except ValueError:
            date = False
        if not date:
            raise UserError(
                self.env._(
                    "Give a valid date for invoice %(invoice)s (when it was paid, "
                    "or when it will be).",
                    invoice=line.move_name,
                )
            )
        today = fields.Date.context_today(self)
        if kind == "paid" and date > today:
            raise UserError(
                self.env._(
                    "The payment date of invoice %(invoice)s is in the future: for "
                    "a payment still to come choose “Promise to pay”.",
                    invoice=line.move_name,
                )
            )
        if kind == "promise" and date < today:
            raise UserError(
                self.env._(
                    "The promised date of invoice %(invoice)s is in the past.",
                    invoice=line.move_name,
                )
            )
        return date

    @api.model
    def _dso_check_amount(self, line, kind, value):
        """The amount paid a "paid" answer gives (optional): a positive
        number, with a dot or a comma as decimal separator."""
        if kind != "paid" or value in (None, False, ""):
            return 0.0
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            amount = float(value)
        else:
            text = str(value).replace("\x00", "").replace(" ", "").strip()
            if not text:
                return 0.0
            amount = (
                float(text.replace(",", ".")) if AMOUNT_RE.fullmatch(text) else -1.0
            )
        if not 0 < amount < 1e12:
            raise UserError(
                self.env._(
                    "The amount paid on invoice %(invoice)s must be a positive "
                    "number, such as 1250.50.",
                    invoice=line.move_name,
                )
            )
        return line.currency_id.round(amount)

    @api.model
    def _dso_check_text(self, line, value, limit, label):
        """Plain text, stripped, at most ``limit`` characters."""
        text = (value or "").replace("\x00", "").strip()
        if len(text) > limit:
            raise UserError(
                self.env._(
                    "The %(field)s on invoice %(invoice)s is too long: %(limit)s "
                    "characters at most.",
                    field=label,
                    invoice=line.move_name,
                    limit=limit,
                )
            )
        return text or False

    @api.model
    def _dso_check_attachment(self, line, attachment):
        content = attachment.get("content") or b""
        if len(content) > MAX_ATTACHMENT_BYTES:
            raise UserError(
                self.env._(
                    "The proof attached to invoice %(invoice)s is too large: "
                    "%(limit)s MB at most.",
                    invoice=line.move_name,
                    limit=MAX_ATTACHMENT_BYTES // (1024 * 1024),
                )
            )
        detected = next(
            (
                mimetype
                for magic, mimetype in MAGIC_NUMBERS.items()
                if content.startswith(magic)
            ),
            None,
        )
        if not content or detected not in ALLOWED_MIMETYPES:
            raise UserError(
                self.env._(
                    "The proof attached to invoice %(invoice)s must be a PDF, PNG "
                    "or JPEG file.",
                    invoice=line.move_name,
                )
            )
        attachment["mimetype"] = detected
        # The name is shown as text; NUL bytes cannot be stored.
        name = (attachment.get("name") or "").replace("\x00", "").strip()
        attachment["name"] = name[:128] or "proof"

    @api.model_create_multi
    def create(self, vals_list):
        files = [vals.pop("dso_attachment", None) for vals in vals_list]
        records = super().create(vals_list)
        for feedback, file in zip(records, files, strict=True):
            if file:
                # sudo: the proof checked by _dso_check_attachment, attached
                # to its own answer (collectors read it through the answer).
                feedback.attachment_id = (
                    self.env["ir.attachment"]
                    .sudo()
                    .create(
                        {
                            "name": (file.get("name") or "proof")[:128],
                            "datas": base64.b64encode(file["content"]),
                            "mimetype": file["mimetype"],
                            "res_model": self._name,
                            "res_id": feedback.id,
                        }
                    )
                )
        records.filtered(lambda f: f.kind == "paid")._dso_match_payment()
        return records

    # ------------------------------------------------------------------
    # The collector's decision
    # ------------------------------------------------------------------
    # The collector's decision on answers: validate (the item is qualified
    # through ``_dso_set_status``, the status's follow-up proposed) or reject
    # (kept with the reason).

    def _dso_check_pending(self):
        decided = self.filtered(lambda f: f.state != "pending")
        if decided:
            raise UserError(
                self.env._(
                    "The answer on %(item)s was already %(state)s: only pending "
                    "answers can be validated or rejected.",
                    item=decided[0].line_id.move_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        decided[0].state
                    ].lower(),
                )
            )

    def action_validate(self):
        """Qualify each answered item (status, date and comment through
        ``_dso_set_status``, source customer or colleague), then propose the
        follow-up action of the status set."""
        self._dso_check_pending()
        closed = self.filtered(lambda f: not f.line_id._dso_is_open())
        if closed:
            raise UserError(
                self.env._(
                    "Invoice %(invoice)s is no longer open (paid or cancelled): "
                    "reject its answer instead.",
                    invoice=closed[0].line_id.move_name,
                )
            )
        for feedback in self:
            comment = feedback._dso_status_comment()
            feedback.line_id._dso_set_status(
                feedback.status_id or None,
                date=feedback.date or None,
                comment=comment,
                source=feedback.source,
                create_followup=False,
            )
        self.write(
            {
                "state": "validated",
                "decision_user_id": self.env.user.id,
                "decision_date": fields.Datetime.now(),
            }
        )
        self._dso_close_decided(lambda answers: answers._dso_validated_message())
        self.env.user._bus_send(
            "simple_notification",
            {
                "type": "success",
                "title": self.env._("Answers validated"),
                "message": self._dso_validated_message(),
            },
        )
        return self._dso_propose_followup()

    def _dso_validated_message(self):
        """What validating these answers did, in one line: the answers
        validated and the status each item got."""
        parts = []
        for feedback in self:
            if feedback.status_id:
                parts.append(
                    self.env._(
                        "%(invoice)s (%(answer)s): status %(status)s",
                        invoice=feedback.line_id.move_name,
                        answer=feedback._dso_summary(),
                        status=feedback.status_id.name,
                    )
                )
            else:
                parts.append(
                    self.env._(
                        "%(invoice)s (%(answer)s): comment added, status unchanged",
                        invoice=feedback.line_id.move_name,
                        answer=feedback._dso_summary(),
                    )
                )
        return self.env._("Answers validated: %(answers)s.", answers="; ".join(parts))

    def _dso_status_comment(self):
        """The item comment a validated answer leaves: the summary of the
        answer, who gave it."""
        self.ensure_one()
        return self.env._(
            "%(author)s: %(answer)s",
            author=self.author_id.display_name or self.partner_id.display_name,
            answer=self._dso_summary(),
        )

    def _dso_propose_followup(self):
        """The follow-up actions of the statuses set: those that create
        themselves are created; the others are proposed in a new action
        form when the answers validated share one customer and status."""
        Action = self.env["dso.collection.action"]
        proposals = []
        for status in self.status_id.filtered("action_type"):
            for partner in self.partner_id:
                answers = self.filtered(
                    lambda f, s=status, p=partner: (
                        f.status_id == s and f.partner_id == p
                    )
                )
                if not answers:
                    continue
                lines = answers.line_id
                date = max(answers.mapped("date"), default=False) or None
                if status.create_followup:
                    lines._dso_create_status_followup(status, date)
                else:
                    proposals.append((partner, status, lines, date))
        if len(proposals) != 1:
            return True
        partner, status, lines, date = proposals[0]
        vals = status._dso_followup_action_vals(lines, date)
        explanation = vals.pop("explanation")
        context = {f"default_{key}": value for key, value in vals.items()}
        context.update(
            default_partner_id=partner.id,
            default_company_id=lines.company_id[:1].id,
            default_line_ids=lines.ids,
            default_is_specific=True,
            default_user_id=(partner.dso_collector_id or self.env.user).id,
        )
        return {
            "type": "ir.actions.act_window",
            "name": explanation,
            "res_model": Action._name,
            "view_mode": "form",
            # The action form with the line saying what Save and Discard do.
            "views": [
                (
                    self.env.ref(
                        "dso_collection.dso_collection_action_view_form_followup"
                    ).id,
                    "form",
                )
            ],
            "target": "current",
            "context": context,
        }

    def action_open_reject_wizard(self):
        """Ask the reason of the rejection of these answers."""
        self._dso_check_pending()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject answers"),
            "res_model": "dso.feedback.reject.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_feedback_ids": self.ids},
        }

    def action_reject(self, reason):
        """Refuse the answers: nothing changes on the items; the answers
        stay, with the reason, in the customer's history."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Say why the answers on %(invoices)s are rejected: the reason "
                    "is kept in the customer's history.",
                    invoices=", ".join(self.line_id.mapped("move_name")),
                )
            )
        self._dso_check_pending()
        self.write(
            {
                "state": "rejected",
                "reject_reason": reason,
                "decision_user_id": self.env.user.id,
                "decision_date": fields.Datetime.now(),
            }
        )
        self._dso_close_decided(
            lambda answers: self.env._(
                "Answers on %(invoices)s rejected: %(reason)s",
                invoices=", ".join(answers.line_id.mapped("move_name")),
                reason=reason,
            )
        )
        return True
