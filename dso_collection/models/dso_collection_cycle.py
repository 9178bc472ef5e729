from odoo import fields, models, tools


class DsoCollectionCycle(models.Model):
    """The run of a scenario for one leader invoice of one customer.

    The planner opens a new cycle whenever the customer's leader invoice or
    scenario changes, so the scenario starts again at its first step; the
    latest cycle of a customer in a company is the current one.
    """

    _name = "dso.collection.cycle"
    _description = "Collection scenario cycle"
    _order = "id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    scenario_id = fields.Many2one(
        "dso.collection.scenario", required=True, ondelete="cascade"
    )
    leader_line_id = fields.Many2one(
        "account.move.line", string="Leader invoice", ondelete="set null"
    )
    date_start = fields.Date(string="Started on", required=True)
    action_ids = fields.One2many("dso.collection.action", "cycle_id", string="Actions")

    def _compute_display_name(self):
        for cycle in self:
            cycle.display_name = self.env._(
                "%(scenario)s for %(leader)s",
                scenario=cycle.scenario_id.name,
                leader=cycle.leader_line_id.move_name
                or cycle.leader_line_id.name
                or "",
            )

    def init(self):
        # The planner reads the latest cycle of each customer of a batch.
        tools.create_index(
            self.env.cr,
            "dso_collection_cycle_company_partner_idx",
            self._table,
            ["company_id", "partner_id", "id"],
        )
