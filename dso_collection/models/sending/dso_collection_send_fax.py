"""Fax: the letter's PDF, sent through an email-to-fax gateway or by hand.

A fax action prints the same letter as a letter action
(``dso_collection_send_letter.py``). When the company configures an
email-to-fax gateway (its address pattern, e.g. ``{number}@fax.example.com``,
in the collection settings), the PDF is mailed to the gateway address of the
customer's fax number: a ``mail.mail`` queued like the collection emails, so
that a failure or a bounce reopens the action
(``dso_collection_send_delivery.py``). Without a gateway, the PDF stays on
the action and the collector gets a "Fax" activity to send it by hand.

The fax number is the customer's (else its invoicing contacts') ``dso_fax``,
normalised with ``phonenumbers`` in the contact's (else the customer's, else
the company's) country: the gateway receives its E.164 digits, without "+".
"""

import phonenumbers

from odoo import Command, api, models
from odoo.exceptions import UserError

from .dso_collection_send_letter import LETTER_REPORT

FAX_ACTIVITY = "dso_collection.mail_activity_type_dso_fax"


class DsoCollectionSend(models.AbstractModel):
    _inherit = "dso.collection.send"

    @api.model
    def _send_fax(self, actions, contents):
        """Fax each action's letter: through the gateway of its company, else
        by hand (its PDF on the action and an activity). The numbers are
        checked before anything is printed or queued."""
        gateway_actions = actions.filtered(lambda a: a.company_id.dso_fax_gateway)
        numbers = {
            action.id: self._fax_number(action.partner_id) for action in gateway_actions
        }
        for action in actions:
            attachment = self._print_report(
                action,
                LETTER_REPORT,
                self.env._(
                    "%(action)s - %(customer)s - fax.pdf",
                    action=action.name,
                    customer=action.partner_id.name,
                ),
            )
            action.attachment_id = attachment
            if action in gateway_actions:
                self._fax_through_gateway(action, numbers[action.id], attachment)
            else:
                self._fax_by_hand(action, attachment)

    @api.model
    def _fax_through_gateway(self, action, number, attachment):
        """Queue the mail carrying the PDF to the gateway address of
        ``number``; note it on the action, the customer and the invoices."""
        address = self._fax_gateway_address(action.company_id, number)
        author = action.user_id or self.env.user
        subject = action.subject or action.name
        fax_number = f"+{number}"
        body = self.env._(
            "Fax to %(number)s for %(customer)s: %(subject)s",
            number=fax_number,
            customer=action.partner_id.display_name,
            subject=subject,
        )
        # sudo: collectors may not create mails on customers they do not
        # own; this is the action's own fax to its customer, its number
        # checked above; the PDF is the one just printed for the action.
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "model": "res.partner",
                    "res_id": action.partner_id.id,
                    "message_type": "comment",
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                        "mail.mt_note"
                    ),
                    "subject": subject,
                    "body": body,
                    "body_html": body,
                    "author_id": author.partner_id.id,
                    "email_from": author.email_formatted
                    or action.company_id.email_formatted,
                    "email_to": address,
                    "attachment_ids": [Command.link(attachment.id)],
                    "auto_delete": False,
                    "state": "outgoing",
                }
            )
        )
        action.write(
            {
                "mail_id": mail.id,
                "message_id": mail.mail_message_id.id,
                "send_error": False,
            }
        )
        note = self.env._(
            "Collection fax “%(subject)s” sent to %(number)s through %(gateway)s.",
            subject=subject,
            number=fax_number,
            gateway=address,
        )
        action.message_post(body=note, attachment_ids=attachment.ids)
        self._log_on_invoices({action: note})

    @api.model
    def _fax_by_hand(self, action, attachment):
        """No gateway: the collector faxes the PDF; a "Fax" activity says
        so, with the number when the customer has a valid one."""
        number = self._fax_number(action.partner_id, raise_exception=False)
        number_text = f"+{number}" if number else self.env._("no valid fax number")
        note = self.env._(
            "Collection fax “%(subject)s” printed by %(user)s, to fax by hand to "
            "%(number)s.",
            subject=action.subject or action.name,
            user=self.env.user.name,
            number=number_text,
        )
        action.message_post(body=note, attachment_ids=attachment.ids)
        action.activity_schedule(
            FAX_ACTIVITY,
            summary=self.env._(
                "Fax %(action)s to %(number)s",
                action=action.name,
                number=number_text,
            ),
            note=note,
            user_id=(action.user_id or self.env.user).id,
        )
        self._log_on_invoices({action: note})

    # ------------------------------------------------------------------
    # Numbers and gateway
    # ------------------------------------------------------------------

    @api.model
    def _fax_gateway_address(self, company, number):
        """The gateway address of ``number`` (E.164 digits)."""
        return company.dso_fax_gateway.strip().replace("{number}", number)

    @api.model
    def _fax_number(self, partner, raise_exception=True):
        """The customer's fax number as E.164 digits (no "+"), from the
        customer or its invoicing contacts. Without a valid number: a
        UserError naming the customer, or False."""
        customer = partner.commercial_partner_id
        contacts = customer | customer.child_ids.filtered(
            lambda contact: contact.type == "invoice"
        )
        number, tried = customer._dso_first_valid_number(
            ("dso_fax",),
            contacts,
            lambda contact, number, country: self._normalize_fax(number, country.code),
        )
        if number:
            return number
        if not raise_exception:
            return False
        if tried:
            raise UserError(
                self.env._(
                    "The fax number of %(customer)s is not valid (%(numbers)s): "
                    "correct the number or the country of the customer, then send "
                    "the fax again.",
                    customer=customer.display_name,
                    numbers=", ".join(tried),
                )
            )
        raise UserError(
            self.env._(
                "%(customer)s has no fax number: add one on the customer's Collection "
                "tab, then send the fax again.",
                customer=customer.display_name,
            )
        )

    @api.model
    def _normalize_fax(self, number, country_code=None):
        """``number`` in E.164 digits (no "+"), read in ``country_code``
        when it has no international prefix; False if it is not a valid
        number."""
        try:
            parsed = phonenumbers.parse(number, country_code or None)
        except phonenumbers.NumberParseException:
            return False
        if not phonenumbers.is_valid_number(parsed):
            return False
        return phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.E164
        ).lstrip("+")

    @api.model
    def _fax_recipient_display(self, partner):
        """Who the fax goes to, before it is sent: the number, or why there
        is none."""
        number = self._fax_number(partner, raise_exception=False)
        if number:
            return f"+{number}"
        return self.env._("No valid fax number")
