"""What changed in a customer's risk, day by day: its class (with the score
and the inputs that made it) and the scenario or collector the assignment
rules gave it. Written by the daily run and the rules, in bulk; read-only
for everyone."""

from odoo import fields, models

from .dso_risk_score_mixin import RISK_CLASSES


class DsoRiskHistory(models.Model):
    _name = "dso.risk.history"
    _inherit = ["dso.risk.score.mixin"]
    _description = "Customer risk history"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    date = fields.Date(required=True, readonly=True)
    kind = fields.Selection(
        [("class", "Risk class"), ("scenario", "Scenario")],
        required=True,
        readonly=True,
    )
    old_class = fields.Selection(RISK_CLASSES, string="From class", readonly=True)
    old_scenario_id = fields.Many2one(
        "dso.collection.scenario", string="From scenario", readonly=True
    )
    new_scenario_id = fields.Many2one(
        "dso.collection.scenario", string="To scenario", readonly=True
    )
    old_collector_id = fields.Many2one(
        "res.users", string="From collector", readonly=True
    )
    new_collector_id = fields.Many2one(
        "res.users", string="To collector", readonly=True
    )
    rule_id = fields.Many2one(
        "dso.scenario.rule",
        readonly=True,
        ondelete="set null",
        help="The assignment rule that moved the customer (empty: no rule "
        "matched any more, the company's defaults apply).",
    )
    summary = fields.Char(string="What changed", compute="_compute_summary")

    def _compute_summary(self):
        default = self.env._("the company's default")
        for record in self:
            if record.kind == "class":
                record.summary = record.risk_explanation
                continue
            parts = []
            if record.old_scenario_id != record.new_scenario_id:
                parts.append(
                    self.env._(
                        "Scenario %(old)s to %(new)s",
                        old=record.old_scenario_id.name or default,
                        new=record.new_scenario_id.name or default,
                    )
                )
            if record.old_collector_id != record.new_collector_id:
                parts.append(
                    self.env._(
                        "collector %(old)s to %(new)s",
                        old=record.old_collector_id.name or default,
                        new=record.new_collector_id.name or default,
                    )
                )
            rule = record.rule_id.name or self.env._("no rule matches any more")
            record.summary = self.env._(
                "%(changes)s, by rule: %(rule)s", changes=", ".join(parts), rule=rule
            )
