from odoo import api, fields, models


class DsoCollectionSendWizard(models.TransientModel):
    """The question before an action that sends leaves the agenda: Send
    (naming who receives it, with the message) or Mark as done without
    sending (naming who will receive nothing). Thin: the action's own
    methods do the work."""

    _name = "dso.collection.send.wizard"
    _description = "Send or mark done a collection action"

    action_id = fields.Many2one(
        "dso.collection.action", required=True, readonly=True, ondelete="cascade"
    )
    mode = fields.Selection(
        [("send", "Send"), ("done", "Mark as done without sending")],
        required=True,
        default="send",
        readonly=True,
    )
    partner_id = fields.Many2one(related="action_id.partner_id")
    action_type = fields.Selection(related="action_id.action_type")
    recipients_display = fields.Char(related="action_id.recipients_display")
    subject = fields.Char(related="action_id.subject")
    body_html = fields.Html(related="action_id.body_html")
    sms_body = fields.Text(related="action_id.sms_body")
    question = fields.Char(compute="_compute_question")

    @api.depends("mode", "action_id", "recipients_display")
    def _compute_question(self):
        types = dict(
            self.env["dso.collection.action"]
            ._fields["action_type"]
            ._description_selection(self.env)
        )
        for wizard in self:
            recipients = wizard.recipients_display or self.env._("nobody")
            if wizard.mode == "done":
                wizard.question = self.env._(
                    "Mark as done without sending? Nothing will be sent to "
                    "%(recipients)s.",
                    recipients=recipients,
                )
            else:
                wizard.question = self.env._(
                    "%(type)s to %(recipients)s: send it now?",
                    type=types.get(wizard.action_type, ""),
                    recipients=recipients,
                )

    @api.model
    def _open_for(self, action, mode):
        """The dialog asking about ``action`` (one action)."""
        wizard = self.create({"action_id": action.id, "mode": mode})
        return {
            "type": "ir.actions.act_window",
            "name": dict(self._fields["mode"]._description_selection(self.env))[mode],
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _close_after(self, result):
        """The action's notification, then the dialog closed (the screen
        behind reloads)."""
        if isinstance(result, dict) and result.get("tag") == "display_notification":
            result["params"]["next"] = {"type": "ir.actions.act_window_close"}
            return result
        return {"type": "ir.actions.act_window_close"}

    def action_send(self):
        self.ensure_one()
        return self._close_after(self.action_id.action_send())

    def action_done(self):
        self.ensure_one()
        return self._close_after(self.action_id.action_done())

    def action_edit(self):
        """Read and edit the message in the action's form before sending."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.action_id._name,
            "res_id": self.action_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
