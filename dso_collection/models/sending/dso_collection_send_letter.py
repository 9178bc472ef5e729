"""Letters: the letter, registered letter and litigation channels.

A letter is the action's message printed as a PDF on the company's
letterhead (``report/dso_collection_letter_report.xml``), attached to the
action. Litigation prints two documents from the same items and amounts: the
formal notice before legal action, addressed to the customer, and the
internal hand-over file for the lawyer or the collection agency
(``report/dso_collection_letter_handover_report.xml``).
"""

from odoo import api, fields, models

LETTER_REPORT = "dso_collection.action_report_dso_collection_letter"
HANDOVER_REPORT = "dso_collection.action_report_dso_collection_handover"


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
    def _send_litigation(self, actions, contents):
        """Hand the items over for litigation: those due get the Litigation
        status (their penalties keep running; the items not yet due are not
        claimed and stay as they are), the formal notice is printed for the
        customer and the hand-over file for the lawyer."""
        status = self.env.ref("dso_collection.dso_item_status_litigation")
        for action in actions:
            lines = self._items_of(action)
            due = self.env["dso.hashtag"]._split_due(lines)[0]
            due.write(
                {
                    "dso_status_id": status.id,
                    "dso_status_date": fields.Date.context_today(self),
                    "dso_resolution_user_id": action.user_id.id or self.env.uid,
                }
            )
            if not action.line_ids:
                action.line_ids = lines
            handover = self._print_report(
                action,
                HANDOVER_REPORT,
                self.env._(
                    "%(action)s - %(customer)s - hand-over file.pdf",
                    action=action.name,
                    customer=action.partner_id.name,
                ),
            )
            self._print_letter(action, extra_attachments=handover)

    @api.model
    def _print_report(self, action, report, name):
        """The PDF of ``report`` for ``action``, attached to the action."""
        action.ensure_one()
        pdf, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            report, action.ids
        )
        return self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": pdf,
                "res_model": action._name,
                "res_id": action.id,
                "mimetype": "application/pdf",
            }
        )

    @api.model
    def _print_letter(self, action, extra_attachments=None):
        """Print the letter of ``action`` (its ``attachment_id``), post it
        with ``extra_attachments`` on the action, and note it on the
        customer and its invoices."""
        action.ensure_one()
        attachment = self._print_report(
            action, LETTER_REPORT, f"{action.name} - {action.partner_id.name}.pdf"
        )
        action.attachment_id = attachment
        attachments = attachment | (extra_attachments or attachment.browse())
        body = self.env._(
            "Collection letter “%(subject)s” printed by %(user)s.",
            subject=action.subject or action.name,
            user=self.env.user.name,
        )
        action.message_post(body=body, attachment_ids=attachments.ids)
        # sudo: collectors may not post on customers they do not follow; a
        # note of the letter sent to this customer is the action's own record.
        action.partner_id.sudo().message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self._log_on_invoices({action: body})
