from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class DsoAssignWizard(models.TransientModel):
    """Assign a scenario and/or a collector to many customers at once, in
    one company, from the customers to collect or the contacts list. Thin:
    ``res.partner._dso_assign_collection`` checks, writes and replans."""

    _name = "dso.assign.wizard"
    _description = "Assign a collection scenario and collector"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", required=True, readonly=True
    )
    partner_count = fields.Integer(compute="_compute_partner_count")
    scenario_id = fields.Many2one(
        "dso.collection.scenario",
        domain="[('company_id', 'in', (company_id, False))]",
        help="Left empty: the customers keep their scenario.",
    )
    collector_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Left empty: the customers keep their collector.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or []
        if model == "dso.collection.customer":
            rows = self.env[model].browse(ids)
            if len(rows.company_id) > 1:
                raise UserError(
                    self.env._(
                        "The selected customers belong to several companies "
                        "(%(companies)s): select customers of one company.",
                        companies=", ".join(rows.company_id.mapped("name")),
                    )
                )
            values["company_id"] = (rows.company_id or self.env.company).id
            values["partner_ids"] = [Command.set(rows.partner_id.ids)]
        elif model == "res.partner":
            partners = self.env[model].browse(ids).commercial_partner_id
            values["partner_ids"] = [Command.set(partners.ids)]
        return values

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for wizard in self:
            wizard.partner_count = len(wizard.partner_ids)

    def action_assign(self):
        self.ensure_one()
        customers = self.partner_ids.with_company(self.company_id)
        customers._dso_assign_collection(self.scenario_id, self.collector_id)
        return customers._dso_notification(
            self.env._("Assigned"), customers._dso_next_action_message()
        )
