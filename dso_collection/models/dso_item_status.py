from odoo import api, fields, models


class DsoItemStatus(models.Model):
    _name = "dso.item.status"
    _inherit = ["dso.followup.mixin"]
    _description = "Collection item status"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the status between all companies.",
    )
    exclude_from_scenario = fields.Boolean(
        string="Exclude from scenario",
        help="Items with this status are never the leader invoice and are not listed "
        "by scenario actions (a dispute, for example).",
    )
    suspend_penalties = fields.Boolean(
        string="Suspend late-payment penalties",
        compute="_compute_suspend_penalties",
        store=True,
        readonly=False,
        precompute=True,
        help="No late-payment interest or recovery cost runs on items with this "
        "status (a dispute). By default a status suspends them when it excludes "
        "its items from the scenario, and follows that box when it changes; "
        "uncheck it for a status whose items are still claimed with their "
        "penalties, such as Litigation.",
    )
    # Follow-up action model (dso.followup.mixin): what a collector will be
    # proposed when qualifying items. Nothing reads it before the
    # qualification release: the help texts say so.
    action_type = fields.Selection(
        string="Follow-up action",
        help="Used from the qualification release on: the specific action proposed "
        "on the items when they get this status. Not applied yet.",
    )
    delay = fields.Integer(
        string="Follow-up delay (days)",
        help="Used from the qualification release on: days after the status date "
        "at which the follow-up action falls. Not applied yet.",
    )
    mail_template_id = fields.Many2one(
        string="Follow-up template",
        help="Used from the qualification release on: message of the follow-up "
        "email or letter. Not applied yet.",
    )
    sms_template_id = fields.Many2one(
        string="Follow-up SMS template",
        help="Used from the qualification release on: text of the follow-up SMS. "
        "Not applied yet.",
    )
    automatic = fields.Boolean(
        string="Automatic follow-up",
        help="Used from the qualification release on: the follow-up email is sent "
        "by the cron on its date (emails only). Not applied yet.",
    )
    to_confirm = fields.Boolean(
        string="Follow-up to be confirmed",
        help="Used from the qualification release on: the automatic follow-up "
        "waits for one click of the collector. Not applied yet.",
    )
    line_count = fields.Integer(string="Open items", compute="_compute_line_count")

    @api.depends("exclude_from_scenario")
    def _compute_suspend_penalties(self):
        for status in self:
            status.suspend_penalties = status.exclude_from_scenario

    def _compute_line_count(self):
        groups = self.env["account.move.line"]._read_group(
            [("dso_status_id", "in", self.ids), ("reconciled", "=", False)],
            ["dso_status_id"],
            ["__count"],
        )
        counts = {status.id: count for status, count in groups}
        for status in self:
            status.line_count = counts.get(status.id, 0)

    def _dso_followup_label(self):
        self.ensure_one()
        return self.env._("The follow-up of status “%(status)s”", status=self.name)
