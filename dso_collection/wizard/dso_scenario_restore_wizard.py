from odoo import api, fields, models


class DsoScenarioRestoreWizard(models.TransientModel):
    """Add again one of the shipped scenarios, as shipped, beside the
    scenarios (edited or not) already there. Thin:
    ``dso.collection.scenario._dso_restore_shipped`` reads the definition
    and creates the copy."""

    _name = "dso.scenario.restore.wizard"
    _description = "Add a shipped collection scenario"

    shipped_scenario = fields.Selection(
        selection="_selection_shipped_scenario",
        string="Shipped scenario",
        required=True,
    )

    @api.model
    def _selection_shipped_scenario(self):
        definitions = self.env["dso.collection.scenario"]._dso_shipped_definitions()
        return [(xmlid, values["name"]) for xmlid, values in definitions.items()]

    def action_restore(self):
        self.ensure_one()
        scenario = self.env["dso.collection.scenario"]._dso_restore_shipped(
            self.shipped_scenario
        )
        return scenario._get_records_action()
