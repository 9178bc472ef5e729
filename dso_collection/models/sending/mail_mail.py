import logging

from odoo import Command, fields, models

_logger = logging.getLogger(__name__)


# Collection emails whose documents are rendered together before they go
# (each document takes about a second with wkhtmltopdf); the mail queue's
# own commit after its first mail keeps them.
RENDER_CHUNK = 50


class MailMail(models.Model):
    _inherit = "mail.mail"

    # A collection email whose invoices or statement of account are rendered
    # and attached when the mail queue sends it, not when the collection
    # action is carried out.
    dso_documents_pending = fields.Boolean(
        string="Collection documents to attach", copy=False
    )

    def send(self, auto_commit=False, raise_exception=False, post_send_callback=None):
        """The documents of collection emails are rendered just before they
        go: carrying out a thousand actions queues their emails in seconds,
        and the mail queue spends the rendering time."""
        pending = self.filtered("dso_documents_pending")
        for start in range(0, len(pending), RENDER_CHUNK):
            pending[start : start + RENDER_CHUNK]._dso_attach_documents()
        return super().send(
            auto_commit=auto_commit,
            raise_exception=raise_exception,
            post_send_callback=post_send_callback,
        )

    def _dso_attach_documents(self):
        """Render and attach the invoices and the statement of account of
        these collection emails (``dso.collection.send._dso_email_attachments``,
        each document once for all of them)."""
        pending = self.filtered("dso_documents_pending")
        if not pending:
            return
        # sudo: the mail queue sends as any user; these are the actions of
        # the collection emails it is about to send.
        actions = (
            self.env["dso.collection.action"]
            .sudo()
            .search([("mail_id", "in", pending.ids)])
        )
        documents = (
            self.env["dso.collection.send"].sudo()._dso_email_attachments(actions)
        )
        for action in actions:
            if documents.get(action.id):
                action.mail_id.sudo().attachment_ids = [
                    Command.link(attachment_id)
                    for attachment_id in documents[action.id]
                ]
        pending.sudo().dso_documents_pending = False

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
