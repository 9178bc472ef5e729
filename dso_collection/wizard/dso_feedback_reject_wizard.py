from odoo import fields, models


class DsoFeedbackRejectWizard(models.TransientModel):
    """Reject answers: asks the reason, then
    ``dso.item.feedback.action_reject``."""

    _name = "dso.feedback.reject.wizard"
    _description = "Reject customer answers"

    feedback_ids = fields.Many2many("dso.item.feedback", string="Answers")
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.feedback_ids.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
