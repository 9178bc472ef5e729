from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        """A bounced collection email reopens its action for the collector
        (``dso.collection.send._mail_bounced``)."""
        result = super()._routing_handle_bounce(email_message, message_dict)
        self.env["dso.collection.send"]._mail_bounced(
            message_dict.get("bounced_message"), message_dict.get("bounced_email")
        )
        return result
