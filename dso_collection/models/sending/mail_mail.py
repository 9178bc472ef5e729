import logging

from odoo import models

_logger = logging.getLogger(__name__)


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        """A collection email the mail queue failed to send reopens its
        action for the collector (``dso.collection.send._mail_failed``)."""
        failed = self.filtered(lambda mail: mail.state == "exception")
        if failure_type and failed:
            try:
                # In a savepoint: whatever happens to the actions, the mail
                # queue records the failure of the mail and goes on.
                with self.env.cr.savepoint():
                    self.env["dso.collection.send"]._mail_failed(
                        failed, failure_reason=failure_reason, failure_type=failure_type
                    )
            except Exception:
                _logger.exception(
                    "Could not reopen the collection actions of failed mails %s",
                    failed.ids,
                )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
