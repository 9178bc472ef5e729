from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Finishing the activity of a collection action marks the action
        done, with the activity's feedback as its result."""
        actions = self.env["dso.collection.action"]
        if not self.env.context.get("dso_activity_sync"):
            actions = actions.browse(
                [a.res_id for a in self if a.res_model == actions._name]
            ).exists()
            actions = actions.filtered(
                lambda action: action.state in ("todo", "to_confirm")
            )
        res = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if actions:
            actions.with_context(dso_activity_sync=True)._dso_complete_from_activity(
                feedback
            )
        return res
