"""What follows a qualification: the follow-up specific action a status
creates by itself (a dispute), the internal status email to colleagues, and
the "Change status…" button of the open items."""

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .dso_collection_constants import OPEN_STATES

# Context key of a caller that handles the next action itself (the status
# wizard): ``_dso_set_status`` then creates no follow-up on its own.
SKIP_FOLLOWUP = "dso_skip_status_followup"


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _dso_set_status(
        self,
        status,
        date=None,
        comment=None,
        resolution_user=None,
        source="collector",
    ):
        """Qualify, then create the follow-up specific action of a status
        that creates its follow-up by itself (``create_followup``)."""
        history = super()._dso_set_status(
            status,
            date=date,
            comment=comment,
            resolution_user=resolution_user,
            source=source,
        )
        if status and not self.env.context.get(SKIP_FOLLOWUP):
            if isinstance(status, int):
                status = self.env["dso.item.status"].browse(status)
            if status.create_followup and status.action_type:
                self._dso_create_status_followup(status, date)
        return history

    def _dso_create_status_followup(self, status, date=None):
        """The follow-up specific action of ``status`` on these items, but
        for the items an open specific action already follows."""
        followed = self.filtered(
            lambda line: any(
                action.is_specific and action.state in OPEN_STATES
                for action in line.dso_action_ids
            )
        )
        lines = self - followed
        if not lines:
            return self.env["dso.collection.action"]
        vals = status._dso_followup_action_vals(lines, date)
        vals.pop("explanation")
        return self.env["dso.collection.action"]._dso_create_specific(lines, vals)

    # ------------------------------------------------------------------
    # The internal status email
    # ------------------------------------------------------------------

    def _dso_send_internal_status_email(self, users, note=None):
        """Email ``users`` (colleagues: salesperson, manager, resolution
        owner) these items with their statuses and comments; one message on
        each customer's chatter.

        :return: the ``mail.mail`` records queued.
        """
        partners = users.partner_id.filtered("email")
        if not partners:
            raise UserError(
                self.env._(
                    "None of the colleagues chosen has an email address: choose "
                    "a colleague with one, or send no email."
                )
            )
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        vals_list = []
        requests = self.env["dso.interactive.request"]
        for customer in self.partner_id.commercial_partner_id:
            items = self.filtered(
                lambda line, c=customer: line.partner_id.commercial_partner_id == c
            )
            request = items._dso_colleague_request(customer, users)
            requests |= request
            body = items._dso_internal_status_body(note, request)
            vals_list.append(
                {
                    "model": "res.partner",
                    "res_id": customer.id,
                    "message_type": "comment",
                    "subtype_id": subtype_id,
                    "subject": self.env._(
                        "Collection: status of %(customer)s's items",
                        customer=customer.display_name,
                    ),
                    "body_html": body,
                    "body": body,
                    "author_id": self.env.user.partner_id.id,
                    "email_from": self.env.user.email_formatted
                    or self.env.company.email_formatted,
                    "recipient_ids": [Command.set(partners.ids)],
                    "auto_delete": False,
                    "state": "outgoing",
                }
            )
        # sudo: a collector may not create mails on customers he does not
        # own; these are internal notes on the items he just qualified, to
        # colleagues he chose, built above from escaped values.
        mails = self.env["mail.mail"].sudo().create(vals_list)
        requests._dso_mark_sent()
        return mails

    def _dso_colleague_request(self, customer, users):
        """The page where the colleagues answer on these items of
        ``customer`` (an internal interactive email)."""
        # sudo: collectors only read requests; this one is for the items
        # they just qualified, to the colleagues they chose.
        return (
            self.env["dso.interactive.request"]
            .sudo()
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": self.company_id[:1].id,
                    "line_ids": [Command.set(self.ids)],
                    "audience": "colleague",
                    "user_id": users[:1].id,
                    "collector_id": (customer.dso_collector_id or self.env.user).id,
                }
            )
        )

    def _dso_internal_status_body(self, note=None, request=None):
        """The items, their statuses and comments, as an HTML table."""
        headers = (
            self.env._("Item"),
            self.env._("Due date"),
            self.env._("Amount due"),
            self.env._("Status"),
            self.env._("Status date"),
            self.env._("Comment"),
            self.env._("Owner"),
        )
        rows = []
        for line in self:
            cells = (
                line.move_name or line.name or "",
                fields.Date.to_string(line.date_maturity or line.date) or "",
                f"{line.amount_residual:.2f} {line.company_currency_id.name}",
                line.dso_status_id.name or "",
                fields.Date.to_string(line.dso_status_date) or "",
                line.dso_comment or "",
                line.dso_resolution_user_id.name or "",
            )
            rows.append(
                Markup("<tr>%s</tr>")
                % Markup().join(Markup("<td>%s</td>") % cell for cell in cells)
            )
        head = Markup().join(Markup("<th>%s</th>") % header for header in headers)
        body = Markup("<table border='1' cellpadding='4'><tr>%s</tr>%s</table>") % (
            head,
            Markup().join(rows),
        )
        intro = self.env._(
            "%(user)s updated the collection status of these items:",
            user=self.env.user.name,
        )
        parts = [Markup("<p>%s</p>") % intro]
        if note:
            parts.append(Markup("<p>%s</p>") % note)
        parts.append(body)
        if request:
            request._portal_ensure_token()
            parts.append(
                Markup('<p><a href="%s">%s</a></p>')
                % (
                    request._dso_absolute_url(),
                    self.env._("Answer on each item (log in with your account)"),
                )
            )
        return Markup().join(parts)

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------

    def action_dso_change_status(self):
        """The status wizard on the selected items (the open items list)."""
        return self.env["dso.status.change.wizard"]._dso_open(self)

    @api.model
    def _dso_status_colleagues(self, lines):
        """The colleagues a status email goes to by default: the items'
        resolution owners and the customers' salespersons."""
        return (
            lines.dso_resolution_user_id
            | lines.partner_id.commercial_partner_id.user_id
        ).filtered(lambda user: not user.share)
