"""How well a scenario step makes customers pay: its rates, read from the
reminder effectiveness report (``dso.collection.effectiveness``) for the
scenario form's Effectiveness page."""

from odoo import api, fields, models

from ...lib.constants import EFFECTIVENESS_WINDOWS as WINDOWS


class DsoCollectionStep(models.Model):
    _inherit = "dso.collection.step"

    dso_rate_7 = fields.Float(
        string="Paid within 7 days (%)",
        compute="_compute_dso_effectiveness",
        digits=(16, 1),
        help="Share of the amount its actions concerned that was paid within 7 "
        "days, over its actions done at least 7 days ago.",
    )
    dso_rate_15 = fields.Float(
        string="Paid within 15 days (%)",
        compute="_compute_dso_effectiveness",
        digits=(16, 1),
        help="Share of the amount its actions concerned that was paid within 15 "
        "days, over its actions done at least 15 days ago.",
    )
    dso_rate_30 = fields.Float(
        string="Paid within 30 days (%)",
        compute="_compute_dso_effectiveness",
        digits=(16, 1),
        help="Share of the amount its actions concerned that was paid within 30 "
        "days, over its actions done at least 30 days ago.",
    )
    dso_measured_7 = fields.Integer(
        string="Actions measured",
        compute="_compute_dso_effectiveness",
        help="Actions of the step done at least 7 days ago.",
    )
    dso_measured_15 = fields.Integer(
        string="Measured at 15 days",
        compute="_compute_dso_effectiveness",
        help="Actions of the step done at least 15 days ago.",
    )
    dso_measured_30 = fields.Integer(
        string="Measured at 30 days",
        compute="_compute_dso_effectiveness",
        help="Actions of the step done at least 30 days ago.",
    )

    @api.depends_context("tz", "allowed_company_ids")
    def _compute_dso_effectiveness(self):
        steps = self.filtered("id")
        rates = self.env["dso.collection.effectiveness"]._get_rates(
            [("step_id", "in", steps.ids)], ["step_id"]
        )
        for step in self:
            values = rates.get(step, {})
            for days in WINDOWS:
                step[f"dso_rate_{days}"] = values.get(f"rate_{days}") or 0.0
                step[f"dso_measured_{days}"] = values.get(f"matured_{days}", 0)
