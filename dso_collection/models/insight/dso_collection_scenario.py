"""How well a scenario's steps and templates make customers pay, for the
scenario form's Effectiveness page (``dso.collection.effectiveness``)."""

from odoo import api, fields, models
from odoo.tools import formatLang

from ...lib.constants import EFFECTIVENESS_WINDOWS as WINDOWS


class DsoCollectionScenario(models.Model):
    _inherit = "dso.collection.scenario"

    dso_effectiveness_step_ids = fields.Many2many(
        "dso.collection.step",
        string="Steps measured",
        compute="_compute_dso_effectiveness_step_ids",
        help="The steps with their rates, for the Effectiveness page.",
    )
    dso_template_ranking = fields.Html(
        string="Template ranking",
        compute="_compute_dso_template_ranking",
        sanitize=False,
        help="The templates of this scenario's actions done, the best share paid "
        "within 30 days first.",
    )

    @api.depends("step_ids")
    def _compute_dso_effectiveness_step_ids(self):
        for scenario in self:
            scenario.dso_effectiveness_step_ids = scenario._get_ordered_steps()

    @api.depends_context("tz", "allowed_company_ids", "lang")
    def _compute_dso_template_ranking(self):
        scenarios = self.filtered("id")
        rates = self.env["dso.collection.effectiveness"]._get_rates(
            [("scenario_id", "in", scenarios.ids), ("mail_template_id", "!=", False)],
            ["scenario_id", "mail_template_id"],
        )
        for scenario in self:
            ranking = self._dso_rank_templates(
                {
                    template: values
                    for (group_scenario, template), values in rates.items()
                    if group_scenario == scenario
                }
            )
            # Rendered by QWeb from the template's names and figures, every
            # value escaped (t-out): the HTML is safe to show unsanitized.
            scenario.dso_template_ranking = self.env["ir.qweb"]._render(
                "dso_collection.dso_collection_template_ranking",
                {"rows": ranking},
            )

    def _dso_rank_templates(self, rates_by_template):
        """Rows of the ranking, best first: by 30-day rate, then 15-day,
        then 7-day; a rate not measured yet ranks after every measured one."""

        def sort_key(item):
            _template, values = item
            return tuple(
                (values[f"rate_{days}"] is None, -(values[f"rate_{days}"] or 0.0))
                for days in (30, 15, 7)
            )

        rows = []
        for position, (template, values) in enumerate(
            sorted(rates_by_template.items(), key=sort_key), start=1
        ):
            rows.append(
                {
                    "position": position,
                    "template": template.display_name,
                    "actions": values["action_count"],
                    **{
                        f"rate_{days}": self._dso_format_rate(values[f"rate_{days}"])
                        for days in WINDOWS
                    },
                    "measured_30": values["matured_30"],
                }
            )
        return rows

    def _dso_format_rate(self, rate):
        if rate is None:
            return "-"
        return f"{formatLang(self.env, rate, digits=1)} %"

    def action_dso_open_effectiveness(self):
        """The Effectiveness page's button: the report on this scenario's
        actions, by step."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_collection.dso_collection_effectiveness_action"
        )
        action["domain"] = [("scenario_id", "=", self.id)]
        action["context"] = {"pivot_row_groupby": ["step_id"], "group_by": ["step_id"]}
        return action
