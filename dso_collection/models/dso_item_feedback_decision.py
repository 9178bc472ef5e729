"""The collector's decision on answers: validate (the item is qualified
through ``_dso_set_status``, the status's follow-up proposed) or reject
(kept with the reason)."""

from odoo import fields, models
from odoo.exceptions import UserError

from .account_move_line_status_followup import SKIP_FOLLOWUP


class DsoItemFeedback(models.Model):
    _inherit = "dso.item.feedback"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # The collector's decision
    # ------------------------------------------------------------------

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
            feedback.line_id.with_context(**{SKIP_FOLLOWUP: True})._dso_set_status(
                feedback.status_id or None,
                date=feedback.date or None,
                comment=comment,
                source=feedback.source,
            )
        self.write(
            {
                "state": "validated",
                "decision_user_id": self.env.user.id,
                "decision_date": fields.Datetime.now(),
            }
        )
        return self._dso_propose_followup()

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
            "views": [(False, "form")],
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
        for partner in self.partner_id:
            answers = self.filtered(lambda f, p=partner: f.partner_id == p)
            partner.message_post(
                body=self.env._(
                    "Answers on %(invoices)s rejected: %(reason)s",
                    invoices=", ".join(answers.line_id.mapped("move_name")),
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
