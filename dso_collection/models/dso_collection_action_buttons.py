"""What the collector's buttons do on a collection action: carry it out,
mark it done, skip it, confirm it; each says what was planned next.

Sending itself is in ``dso.collection.send``; these methods check the action
is still open, delegate and report.
"""

from odoo import fields, models
from odoo.exceptions import UserError

from .dso_collection_constants import OPEN_STATES


class DsoCollectionAction(models.Model):
    # One concern of the action model per file (see dso_collection_action.py).
    _inherit = "dso.collection.action"  # pylint: disable=consider-merging-classes-inherited

    def action_done(self):
        """Record the action as carried out and plan the customer's next step;
        a notification names that next step."""
        self._check_open()
        self._dso_set_done()
        self._plan_customers()
        return self._dso_notify_next_actions()

    def action_cancel(self):
        """Skip the action: the customer's scenario moves on to its next step."""
        self._check_open()
        self.write(
            {
                "state": "cancel",
                "date_done": fields.Date.context_today(self),
                "done_user_id": self.env.uid,
            }
        )
        self._dso_remove_activities()
        self._plan_customers()
        return self._dso_notify_next_actions(self.env._("Cancelled"))

    def action_open_send_wizard(self):
        """The Send button: the message filled from its template, then a
        confirmation naming who receives it."""
        self.ensure_one()
        self._check_open()
        if self._dso_needs_preview():
            self.action_preview()
        return self.env["dso.collection.send.wizard"]._open_for(self, "send")

    def action_open_done_wizard(self):
        """Mark as done, for a channel that sends: ask first, naming who will
        receive nothing."""
        self.ensure_one()
        self._check_open()
        return self.env["dso.collection.send.wizard"]._open_for(self, "done")

    def _dso_needs_preview(self):
        self.ensure_one()
        if self.action_type == "call":
            return False
        if self.action_type == "sms":
            return not self.sms_body
        return not self.subject and not self.body_html

    def _dso_notify_next_actions(self, title=None):
        """A notification naming each customer's next action, then the
        screen reloaded."""
        companies = self.company_id or self.env.company
        messages = [
            self.filtered(lambda a, c=company: a.company_id == c)
            .partner_id.with_company(company)
            ._dso_next_action_message()
            for company in companies
        ]
        return self.env["res.partner"]._dso_notification(
            title or self.env._("Done"), "\n".join(messages)
        )

    def _dso_complete_from_activity(self, feedback):
        """The collector finished the action's activity (call made, letter
        posted): the action is done with the activity's feedback as result."""
        for action in self:
            action._dso_set_done(note=feedback)
        self._plan_customers()

    def action_open_partner(self):
        """Open the customer's form (without the list's default_* keys)."""
        self.ensure_one()
        return self.partner_id._get_records_action(context={})

    def _check_open(self):
        closed = self.filtered(lambda action: action.state not in OPEN_STATES)
        if closed:
            raise UserError(
                self.env._(
                    "Action %(action)s for %(customer)s is already done or "
                    "cancelled: create a specific action to follow the customer "
                    "again.",
                    action=closed[0].name,
                    customer=closed[0].partner_id.display_name,
                )
            )

    # ------------------------------------------------------------------
    # Carrying actions out (the work is in dso.collection.send)
    # ------------------------------------------------------------------

    def action_preview(self):
        """Render the template with its hashtags into the action, where the
        collector reads and edits it before sending."""
        self._check_open()
        self.env["dso.collection.send"]._preview(self)
        return True

    def action_send(self):
        """Carry the actions out now through their channel, record the result
        and plan the customers' next step: the path the cron uses too."""
        self._check_open()
        self.env["dso.collection.send"]._send_now(self)
        return self._dso_notify_next_actions(self.env._("Sent"))

    def action_confirm(self):
        """Approve automatic actions waiting for confirmation; those due are
        sent at once, the others by the cron on their date."""
        self.env["dso.collection.send"]._confirm(self)
        return self._dso_notify_next_actions(self.env._("Confirmed"))

    def _dso_set_done(self, note=None):
        """Record the action as carried out (without replanning)."""
        vals = {
            "state": "done",
            "date_done": fields.Date.context_today(self),
            "done_user_id": self.env.uid,
        }
        if note:
            vals["note"] = note
        self.write(vals)
        if not self.env.context.get("dso_activity_sync"):
            self._dso_close_activities()
