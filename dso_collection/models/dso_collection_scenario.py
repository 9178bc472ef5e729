from odoo import api, fields, models


class DsoCollectionScenario(models.Model):
    _name = "dso.collection.scenario"
    _description = "Collection scenario"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the scenario between all companies.",
    )
    description = fields.Text(translate=True)
    step_ids = fields.One2many(
        "dso.collection.step",
        "scenario_id",
        string="Steps",
        copy=True,
    )
    step_count = fields.Integer(compute="_compute_step_count")

    @api.depends("step_ids")
    def _compute_step_count(self):
        for scenario in self:
            scenario.step_count = len(scenario.step_ids)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if "name" not in (default or {}):
            for scenario, vals in zip(self, vals_list, strict=True):
                vals["name"] = self.env._("%(name)s (copy)", name=scenario.name)
        return vals_list

    def _get_ordered_steps(self):
        """Steps in the order the planner runs them: sequence, then id."""
        self.ensure_one()
        return self.step_ids.sorted(lambda step: (step.sequence, step.id))
