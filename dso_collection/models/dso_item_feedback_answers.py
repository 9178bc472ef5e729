"""Answers as the page gives them: checked before anything is written
(item allowed, kind, dates, text length, proof type and size), then
created with their proof."""

import base64
import re

from odoo import api, fields, models
from odoo.exceptions import UserError

from .dso_item_feedback import DISPUTE_REASONS, KINDS

# Limits of what the page accepts: text is stored as plain text.
MAX_COMMENT = 2000
MAX_REFERENCE = 100
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ALLOWED_MIMETYPES = ("application/pdf", "image/png", "image/jpeg")
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
    _inherit = "dso.item.feedback"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # From the page: checking the answers
    # ------------------------------------------------------------------

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
        return records
