"""Letters: the letter, registered letter and litigation channels."""

from odoo import api, fields, models


class DsoCollectionSend(models.AbstractModel):
    _inherit = "dso.collection.send"

    @api.model
    def _send_letter(self, actions, contents):
        """Print each action's letter (a PDF attached to the action) and note
        it on the customer and its invoices."""
        for action in actions:
            self._print_letter(action)

    @api.model
    def _send_registered_letter(self, actions, contents):
        self._send_letter(actions, contents)

    @api.model
    def _print_letter(self, action):
        action.ensure_one()
        pdf, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            "dso_collection.action_report_dso_collection_letter", action.ids
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{action.name} - {action.partner_id.name}.pdf",
                "raw": pdf,
                "res_model": action._name,
                "res_id": action.id,
                "mimetype": "application/pdf",
            }
        )
        action.attachment_id = attachment
        body = self.env._(
            "Collection letter “%(subject)s” printed by %(user)s.",
            subject=action.subject or action.name,
            user=self.env.user.name,
        )
        action.message_post(body=body, attachment_ids=attachment.ids)
        # sudo: collectors may not post on customers they do not follow; a
        # note of the letter sent to this customer is the action's own record.
        action.partner_id.sudo().message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self._log_on_invoices({action: body})

    @api.model
    def _send_litigation(self, actions, contents):
        """Hand the items over for litigation: they get the Litigation status
        and the file is printed."""
        status = self.env.ref("dso_collection.dso_item_status_litigation")
        for action in actions:
            lines = self._items_of(action)
            lines.write(
                {
                    "dso_status_id": status.id,
                    "dso_status_date": fields.Date.context_today(self),
                    "dso_resolution_user_id": action.user_id.id or self.env.uid,
                }
            )
            if not action.line_ids:
                action.line_ids = lines
            self._print_letter(action)
