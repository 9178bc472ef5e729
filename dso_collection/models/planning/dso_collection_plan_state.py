from odoo import fields, models


class DsoCollectionPlanState(models.Model):
    """What the daily planning last saw of a customer in a company.

    One row per customer and company: the fingerprint of the planner's inputs
    (see ``dso.collection.planner._fingerprint_query``) when the daily
    planning last planned it. A customer whose inputs hash to the same
    fingerprint has nothing new: the next run of the day skips it, and a
    second worker skips what the first one planned. The row is also what
    planners lock: one transaction plans a customer at a time. Written by
    the planner only, in SQL.
    """

    _name = "dso.collection.plan.state"
    _description = "Collection planning state of a customer"
    _log_access = False
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    fingerprint = fields.Char(
        help="Hash of the planning day, the scenarios and settings, the "
        "customer's open items and its actions handled by people, when it was "
        "last planned by the daily planning (empty: never).",
    )
    plan_date = fields.Date(string="Planned for")
    planned_at = fields.Datetime(string="Planned at")

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A customer has one planning state per company.",
        )
    ]
