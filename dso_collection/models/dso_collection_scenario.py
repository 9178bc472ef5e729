from lxml import etree

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import file_open
from odoo.tools.safe_eval import safe_eval

# The shipped scenarios: their definition is read again from this file to
# add a fresh copy after the shipped ones were edited or deleted.
SHIPPED_SCENARIO_FILE = "dso_collection/data/dso_collection_scenario_data.xml"


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

    def action_dso_open_restore_wizard(self):
        """The list's "Add a shipped scenario" button."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add a shipped scenario"),
            "res_model": "dso.scenario.restore.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    @api.model
    def _dso_shipped_definitions(self):
        """The shipped scenarios as the data file defines them, whatever
        became of their records since: {xml id: {"name", "sequence",
        "description", "steps": [step values]}}, steps in file order.

        The file is read rather than the records (which the user may have
        edited or deleted) or ``ir.model.data`` (which keeps no values):
        field texts are the values, ``eval`` holds literals (True, False),
        ``ref`` names a template or the scenario."""
        with file_open(SHIPPED_SCENARIO_FILE, "rb") as data_file:
            root = etree.parse(data_file).getroot()
        scenarios = {}
        for record in root.iter("record"):
            model = self.env[record.get("model")]
            values = {}
            for node in record.iter("field"):
                name = node.get("name")
                if node.get("ref"):
                    ref = node.get("ref")
                    values[name] = ref if "." in ref else f"dso_collection.{ref}"
                elif node.get("eval"):
                    values[name] = safe_eval(node.get("eval"))
                elif model._fields[name].type == "integer":
                    values[name] = int(node.text)
                else:
                    values[name] = node.text or ""
            xmlid = f"dso_collection.{record.get('id')}"
            if model._name == self._name:
                scenarios[xmlid] = {**values, "steps": []}
            elif values.get("scenario_id") in scenarios:
                scenarios[values.pop("scenario_id")]["steps"].append(values)
        return scenarios

    @api.model
    def _dso_restore_shipped(self, xmlid):
        """A fresh copy of the shipped scenario ``xmlid``, named "<name>
        (shipped)", with its shipped steps and templates."""
        definition = self._dso_shipped_definitions().get(xmlid)
        if not definition:
            raise UserError(
                self.env._(
                    "%(scenario)s is not a shipped collection scenario: choose one "
                    "of the list.",
                    scenario=xmlid,
                )
            )
        steps = []
        for step in definition["steps"]:
            values = dict(step)
            for field in ("mail_template_id", "sms_template_id"):
                if values.get(field):
                    template = self.env.ref(values[field], raise_if_not_found=False)
                    if not template:
                        raise UserError(
                            self.env._(
                                "The template of step “%(step)s” of the shipped "
                                "scenario “%(scenario)s” was deleted: update the "
                                "module to get it back, then add the scenario again.",
                                step=values["name"],
                                scenario=definition["name"],
                            )
                        )
                    values[field] = template.id
            steps.append(Command.create(values))
        return self.create(
            {
                "name": self.env._("%(name)s (shipped)", name=definition["name"]),
                "sequence": definition.get("sequence", 10),
                "description": definition.get("description") or False,
                "step_ids": steps,
            }
        )
