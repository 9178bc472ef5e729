"""Who receives a collection action, for the channels and for the collector
(``dso.collection.action.recipients_display``, before and after sending)."""

from odoo import api, models

from ...lib.constants import EMAIL_ACTION_TYPES, LETTER_ACTION_TYPES


class DsoCollectionSend(models.AbstractModel):
    _inherit = "dso.collection.send"

    @api.model
    def _email_recipients(self, action):
        action.ensure_one()
        if action.action_type == "internal_email":
            users = action.line_ids.dso_resolution_user_id | action.partner_id.user_id
            return users.partner_id.filtered("email")
        return action.partner_id._dso_collection_contacts()

    @api.model
    def _no_recipient_message(self, action):
        if action.action_type == "internal_email":
            return self.env._(
                "Nobody to ask about %(customer)s: set a salesperson on the customer "
                "or a resolution owner with an email on the items of action "
                "%(action)s.",
                customer=action.partner_id.display_name,
                action=action.name,
            )
        return self.env._(
            "%(customer)s has no email address: add one to the customer or to its "
            "invoicing contact, then send action %(action)s again.",
            customer=action.partner_id.display_name,
            action=action.name,
        )

    @api.model
    def _get_recipients_display(self, action):
        """Who receives ``action``, on one line, as the collector reads it
        before sending (who will receive it, or why nobody can) and after
        (who it went to). Empty for an action without customer yet."""
        if not action.partner_id:
            return ""
        sent = self._sent_recipients_display(action)
        if sent:
            return sent
        if action.action_type in EMAIL_ACTION_TYPES:
            return ", ".join(self._email_recipients(action).mapped("email_formatted"))
        if action.action_type == "fax":
            return self._fax_recipient_display(action.partner_id)
        if action.action_type in LETTER_ACTION_TYPES:
            return self._postal_display(action.partner_id)
        displays = {
            "sms": self._sms_recipient_display,
            "call": self._phones_display,
        }
        display = displays.get(action.action_type)
        return display(action.partner_id) if display else ""

    @api.model
    def _sent_recipients_display(self, action):
        """Who the action's email or SMS went to ("" before sending)."""
        # sudo: only administrators read mails and SMS; these are the
        # action's own, and only their recipients are shown.
        mail = action.mail_id.sudo()
        if mail:
            recipients = mail.recipient_ids.mapped("email_formatted")
            recipients += [mail.email_to] if mail.email_to else []
            return ", ".join(recipients)
        if action.action_type == "sms" and action.message_id:
            # The SMS queue deletes the SMS it sent; their notification keeps
            # the number.
            notifications = action.message_id.sudo().notification_ids
            numbers = notifications.filtered(
                lambda notif: notif.notification_type == "sms"
            ).mapped("sms_number")
            return ", ".join(number for number in numbers if number)
        return ""

    @api.model
    def _sms_recipient_display(self, partner):
        """The number the SMS goes to (E.164), or why there is none."""
        number = partner._dso_sms_number(raise_exception=False)
        if number:
            return number
        customer = partner.commercial_partner_id
        tried = [
            number
            for contact in customer | customer.child_ids
            for number in (contact.mobile, contact.phone)
            if number
        ]
        if tried:
            return self.env._(
                "No valid mobile number (%(numbers)s)", numbers=", ".join(tried)
            )
        return self.env._("No mobile or phone number")

    @api.model
    def _postal_display(self, partner):
        """The customer's name and postal address on one line."""
        customer = partner.commercial_partner_id
        address = customer._display_address(without_company=True)
        lines = [customer.name or "", *address.splitlines()]
        return ", ".join(line.strip() for line in lines if line.strip())

    @api.model
    def _phones_display(self, partner):
        """The numbers to call, each with its contact."""
        customer = partner.commercial_partner_id
        phones = [
            f"{number} ({contact.name})"
            for contact in customer | customer.child_ids
            for number in (contact.mobile, contact.phone)
            if number
        ]
        return ", ".join(dict.fromkeys(phones))
