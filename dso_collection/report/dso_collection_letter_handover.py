"""The litigation hand-over file: the internal file a litigation action
hands to the lawyer or the collection agency, apart from the formal notice
sent to the customer, with the same items and amounts."""

from odoo import api, models


class ReportDsoCollectionHandover(models.AbstractModel):
    _name = "report.dso_collection.report_dso_collection_handover"
    _inherit = "report.dso_collection.report_dso_collection_letter"
    _description = "Litigation hand-over file"

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data=data)
        values["handovers"] = {
            action.id: self._dso_handover(action) for action in values["docs"]
        }
        return values

    @api.model
    def _dso_in_lang(self, action):
        """The hand-over file is internal: in the language of who prints it."""
        return self

    @api.model
    def _dso_history(self, action):
        """The customer's collection history in the action's company: its
        actions done, oldest first."""
        return self.env["dso.collection.action"].search(
            [
                ("partner_id", "=", action.partner_id.id),
                ("company_id", "=", action.company_id.id),
                ("state", "=", "done"),
                ("id", "!=", action.id),
            ],
            order="date_done, id",
        )

    @api.model
    def _dso_handover(self, action):
        """What the hand-over file of ``action`` prints: who the customer
        is and how to reach it, its contacts, its collector and its
        collection history."""
        customer = action.partner_id.commercial_partner_id
        collector = self.env["dso.hashtag"]._collector(action)
        contacts = customer.child_ids.filtered(
            lambda contact: (
                contact.type in ("contact", "invoice")
                and (contact.email or contact.phone or contact.mobile)
            )
        )
        return {
            "customer": customer,
            "address": self._dso_address_lines(customer),
            "contacts": contacts,
            "collector": collector,
            "history": self._dso_history(action),
        }
