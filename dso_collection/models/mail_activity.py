from odoo import api, models
from odoo.tools import SQL

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

    @api.model
    def _dso_write_notes(self, notes):
        """Write ``{activity id: note}`` in one UPDATE, for the thousands of
        activities a planning creates (collectors' calls, reconciliation
        tasks). The notes are markup the collection builds from escaped
        values; the HTML sanitizer, which the ORM runs twice per note, took
        most of the time of creating them."""
        if not notes:
            return
        activities = self.browse(list(notes))
        activities.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE mail_activity a SET note = v.note
                  FROM unnest(%s::int[], %s::text[]) AS v(id, note)
                 WHERE a.id = v.id
                """,
                list(notes),
                [str(note) for note in notes.values()],
            )
        )
        activities.invalidate_recordset(["note"])
