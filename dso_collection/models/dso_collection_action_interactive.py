"""The interactive requests of an action: the links its emails carried."""

from odoo import fields, models


class DsoCollectionAction(models.Model):
    _inherit = "dso.collection.action"  # pylint: disable=consider-merging-classes-inherited

    dso_interactive_request_ids = fields.One2many(
        "dso.interactive.request",
        "action_id",
        string="Interactive requests",
        readonly=True,
    )

    def _dso_interactive_request(self):
        """The action's link still to send or sent (not cancelled)."""
        self.ensure_one()
        # sudo: collectors read the requests of their actions; the
        # request's record rule is by company, as the action's.
        return self.sudo().dso_interactive_request_ids.filtered(
            lambda request: request.state != "cancelled"
        )[:1]
