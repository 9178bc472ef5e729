from odoo import models

from ..lib.constants import OPEN_STATES


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Finishing the activity of a collection action (the one the action
        scheduled, not one a collector added by hand) marks the action done,
        with the activity's feedback as its result."""
        actions = self.env["dso.collection.action"]
        if not self.env.context.get("dso_activity_sync"):
            actions = actions.browse(
                [
                    activity.res_id
                    for activity in self
                    if activity.res_model == actions._name and activity.automated
                ]
            ).exists()
            actions = actions.filtered(lambda action: action.state in OPEN_STATES)
        res = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if actions:
            actions.with_context(dso_activity_sync=True)._dso_complete_from_activity(
                feedback
            )
        return res
