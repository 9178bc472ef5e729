from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .dso_collection_constants import ACTION_TYPES, EMAIL_ACTION_TYPES


class DsoCollectionStep(models.Model):
    _name = "dso.collection.step"
    _description = "Collection scenario step"
    _order = "scenario_id, sequence, id"

    scenario_id = fields.Many2one(
        "dso.collection.scenario",
        string="Scenario",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="scenario_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    action_type = fields.Selection(ACTION_TYPES, required=True, default="email")
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
        "mail.template",
        string="Template",
        domain="[('model', '=', 'dso.collection.action')]",
        help="Message of the emails and letters of this step; #hashtags are "
        "replaced by the customer's data.",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS template",
        domain="[('model', '=', 'dso.collection.action')]",
    )
    automatic = fields.Boolean(
        help="Sent by the daily cron on its date, inside the allowed days and hours "
        "(emails only).",
    )
    to_confirm = fields.Boolean(
        string="To be confirmed",
        help="An automatic action waits for one click of the collector before it is "
        "sent.",
    )

    @api.constrains("trigger", "delay")
    def _check_delay(self):
        for step in self:
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

    @api.constrains("automatic", "action_type")
    def _check_automatic(self):
        for step in self:
            if step.automatic and step.action_type not in EMAIL_ACTION_TYPES:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s of scenario %(scenario)s is automatic but is a "
                        "%(type)s: only emails can be sent automatically. Untick "
                        "Automatic or change the action type.",
                        step=step.name,
                        scenario=step.scenario_id.name,
                        type=dict(
                            self._fields["action_type"]._description_selection(self.env)
                        )[step.action_type],
                    )
                )

    @api.onchange("automatic")
    def _onchange_automatic(self):
        if not self.automatic:
            self.to_confirm = False
