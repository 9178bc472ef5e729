"""The customer's side of interactive emails: its answers waiting for the
collector."""

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    dso_feedback_ids = fields.One2many(
        "dso.item.feedback", "partner_id", string="Customer answers"
    )
    dso_feedback_pending_count = fields.Integer(
        string="Answers to validate", compute="_compute_dso_feedback_pending_count"
    )

    def _compute_dso_feedback_pending_count(self):
        groups = self.env["dso.item.feedback"]._read_group(
            [("partner_id", "in", self.ids), ("state", "=", "pending")],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dso_feedback_pending_count = counts.get(partner.id, 0)

    def action_dso_open_feedback(self):
        """The customer's answers (pending first)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_collection.dso_item_feedback_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_pending": 1}
        return action
