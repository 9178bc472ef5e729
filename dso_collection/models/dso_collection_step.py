from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.constants import LETTER_ACTION_TYPES

# Ten years: a longer delay is a typing error (and dates past year 9999
# cannot be computed).
MAX_DELAY_DAYS = 3650


class DsoCollectionStep(models.Model):
    _name = "dso.collection.step"
    _inherit = ["dso.followup.mixin"]
    _description = "Collection scenario step"
    _order = "scenario_id, sequence, id"

    scenario_id = fields.Many2one(
        "dso.collection.scenario",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="scenario_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    # The follow-up fields (action type, templates, automatic, to confirm)
    # come from dso.followup.mixin.
    action_type = fields.Selection(required=True, default="email")
    trigger = fields.Selection(
        [
            ("due", "Leader invoice due date"),
            ("last_action", "Last action done"),
        ],
        required=True,
        default="due",
        help="Leader invoice due date: the step falls on the leader invoice's due "
        "date plus the delay (a negative delay is a reminder before the due date).\n"
        "Last action done: the step falls on the day the previous action was done "
        "plus the delay, so the interval between two actions is kept.",
    )
    delay = fields.Integer(
        string="Delay (days)",
        help="Days after the trigger date; negative for a reminder before the due "
        "date.",
    )
    mail_template_id = fields.Many2one(
        help="Message of the emails and letters of this step; #hashtags are "
        "replaced by the customer's data.",
    )
    sms_template_id = fields.Many2one(
        help="Text of the SMS of this step; #hashtags are replaced by the "
        "customer's data.",
    )

    @api.constrains("trigger", "delay")
    def _check_delay(self):
        for step in self:
            step._dso_check_delay_size(step.name, step.scenario_id, step.delay)
            if step.delay < 0 and step.trigger != "due":
                raise ValidationError(
                    self.env._(
                        "Step %(step)s of scenario %(scenario)s has a negative delay: "
                        "only steps triggered by the leader invoice due date can fall "
                        "before it. Set a positive delay or change the trigger.",
                        step=step.name,
                        scenario=step.scenario_id.name,
                    )
                )

    @api.constrains("action_type", "mail_template_id", "sms_template_id")
    def _check_template(self):
        """A letter, fax or SMS step prints or sends its template: without
        one, it would have nothing to say."""
        labels = dict(self._fields["action_type"]._description_selection(self.env))
        for step in self:
            if step.action_type == "sms":
                missing = not step.sms_template_id
            else:
                missing = (
                    step.action_type in LETTER_ACTION_TYPES
                    and not step.mail_template_id
                )
            if missing:
                raise ValidationError(
                    self.env._(
                        "Step “%(step)s” of scenario “%(scenario)s” has no template: "
                        "a step of type “%(type)s” prints or sends its template. "
                        "Choose a template for the step.",
                        step=step.name,
                        scenario=step.scenario_id.name,
                        type=labels.get(step.action_type),
                    )
                )

    @api.model
    def _dso_check_delay_size(self, name, scenario, delay):
        """At most ten years before or after the trigger (checked before a
        new step is written: the database cannot hold a delay of billions
        of days)."""
        if abs(delay or 0) > MAX_DELAY_DAYS:
            raise ValidationError(
                self.env._(
                    "Step %(step)s of scenario %(scenario)s has a delay of "
                    "%(delay)s days: set a delay between -%(max)s and %(max)s "
                    "days.",
                    step=name,
                    scenario=scenario.name,
                    delay=delay,
                    max=MAX_DELAY_DAYS,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        Scenario = self.env["dso.collection.scenario"]
        for vals in vals_list:
            self._dso_check_delay_size(
                vals.get("name"),
                Scenario.browse(vals.get("scenario_id")),
                vals.get("delay"),
            )
        return super().create(vals_list)

    def _dso_followup_label(self):
        self.ensure_one()
        return self.env._(
            "Step “%(step)s” of scenario “%(scenario)s”",
            step=self.name,
            scenario=self.scenario_id.name,
        )
