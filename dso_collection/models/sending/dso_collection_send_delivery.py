"""What the mail server says back: a collection email that fails or bounces
reopens its action for the collector.

An action is done when its mail is queued; the mail queue may then fail to
send it (``mail.mail`` in exception: ``mail_mail.py``), or the recipient's
server may return it (a bounce: ``mail_thread.py``). Either way, the way the
OCA's credit control feeds delivery back to its communications, the action
is open again: state "To do", the reason in ``send_error`` (naming the
address), automatic off, an activity for its collector and a message on it.
It is then the customer's open action again: the scenario action planned
after it is withdrawn, so that the planner does not move past it.
"""

from odoo import api, models

from ...lib.constants import EMAIL_ACTION_TYPES, OPEN_STATES


class DsoCollectionSend(models.AbstractModel):
    _inherit = "dso.collection.send"

    @api.model
    def _mail_failed(self, mails, failure_reason=False, failure_type=None):
        """The mail queue could not send these mails."""
        # sudo: the mail queue runs for any user; the actions reopened are
        # those of these mails, found by the mail itself.
        actions = (
            self.env["dso.collection.action"]
            .sudo()
            .search([("mail_id", "in", mails.ids), ("state", "=", "done")])
        )
        if not actions:
            return
        types = dict(mails._fields["failure_type"]._description_selection(self.env))
        reasons = {}
        for action in actions:
            mail = action.mail_id
            detail = failure_reason or types.get(failure_type) or mail.failure_reason
            recipients = mail.recipient_ids.mapped("email_formatted")
            recipients += [mail.email_to] if mail.email_to else []
            reasons[action] = self._in_collector_lang(action).env._(
                "The collection email “%(subject)s” to %(recipients)s could not be "
                "sent: %(reason)s. Check the address (or the outgoing mail server), "
                "then send the action again.",
                subject=mail.subject or action.name,
                recipients=", ".join(recipients),
                reason=(detail or "").strip().rstrip("."),
            )
        self._reopen_undelivered(reasons)

    @api.model
    def _mail_bounced(self, message, email):
        """``message`` came back from ``email``: the address does not
        receive mail."""
        if not message or not email:
            return
        domain = [
            ("message_id", "=", message.id),
            ("state", "=", "done"),
            # A fax goes through the email-to-fax gateway: a mail too.
            ("action_type", "in", (*EMAIL_ACTION_TYPES, "fax")),
        ]
        if message.model == "res.partner":
            # Collection emails are messages of the customer: its actions.
            domain.append(("partner_id", "=", message.res_id))
        # sudo: bounces arrive through the mail gateway; the actions reopened
        # are those of the bounced message.
        actions = self.env["dso.collection.action"].sudo().search(domain)
        reasons = {
            action: self._in_collector_lang(action).env._(
                "The collection email “%(subject)s” to %(email)s bounced: that "
                "address does not receive emails. Correct the email address of "
                "%(customer)s, then send the action again.",
                subject=message.subject or action.name,
                email=email,
                customer=action.partner_id.display_name,
            )
            for action in actions
        }
        self._reopen_undelivered(reasons)

    @api.model
    def _in_collector_lang(self, action):
        """The collector reads the reason: in the collector's language."""
        lang = action.user_id.lang or self.env.lang
        return self.with_context(lang=lang) if lang else self

    @api.model
    def _reopen_undelivered(self, reasons):
        """Reopen each action for its collector with the reason it did not
        arrive. :param reasons: {action: reason}"""
        Action = self.env["dso.collection.action"]
        for action, reason in reasons.items():
            if not action.is_specific:
                # The scenario action planned after this one goes: this one is
                # the customer's open action again (one at a time). sudo: the
                # queue or the mail gateway may run as any user; only the
                # open scenario actions of this action's customer and
                # company are searched.
                later = Action.sudo().search(
                    [
                        ("partner_id", "=", action.partner_id.id),
                        ("company_id", "=", action.company_id.id),
                        ("is_specific", "=", False),
                        ("state", "in", OPEN_STATES),
                        ("id", "!=", action.id),
                    ]
                )
                later.with_context(dso_planning=True).unlink()
            action.write(
                {
                    "state": "todo",
                    "send_error": reason,
                    "automatic": False,
                    "date_done": False,
                    "done_user_id": False,
                    "mail_id": False,
                    "message_id": False,
                }
            )
            action.message_post(body=reason)
            action._dso_schedule_activities(force=True)
