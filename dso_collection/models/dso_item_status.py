from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .dso_collection_constants import ACTION_TYPES, EMAIL_ACTION_TYPES


class DsoItemStatus(models.Model):
    _name = "dso.item.status"
    _description = "Collection item status"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        help="Leave empty to share the status between all companies.",
    )
    exclude_from_scenario = fields.Boolean(
        help="Items with this status are never the leader invoice and are not listed "
        "by scenario actions (a dispute, for example).",
    )
    # Follow-up action model: what a collector is proposed when qualifying items.
    action_type = fields.Selection(
        ACTION_TYPES,
        string="Follow-up action",
        help="Specific action proposed on the items when they get this status.",
    )
    delay = fields.Integer(
        string="Follow-up delay (days)",
        help="Days after the status date at which the follow-up action falls.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Follow-up template",
        domain="[('model', '=', 'dso.collection.action')]",
    )
    automatic = fields.Boolean(string="Automatic follow-up")
    to_confirm = fields.Boolean(string="Follow-up to be confirmed")
    line_count = fields.Integer(string="Open items", compute="_compute_line_count")

    def _compute_line_count(self):
        groups = self.env["account.move.line"]._read_group(
            [("dso_status_id", "in", self.ids), ("reconciled", "=", False)],
            ["dso_status_id"],
            ["__count"],
        )
        counts = {status.id: count for status, count in groups}
        for status in self:
            status.line_count = counts.get(status.id, 0)

    @api.constrains("automatic", "action_type")
    def _check_automatic(self):
        for status in self:
            if status.automatic and status.action_type not in EMAIL_ACTION_TYPES:
                raise ValidationError(
                    self.env._(
                        "Status %(status)s has an automatic follow-up that is not "
                        "an email: only emails can be sent automatically. Untick "
                        "Automatic follow-up or choose an email action.",
                        status=status.name,
                    )
                )
