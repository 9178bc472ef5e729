from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.constants import ACTION_TYPES, EMAIL_ACTION_TYPES


class DsoFollowupMixin(models.AbstractModel):
    """What is done to follow a customer up: the action type, its templates,
    whether the cron sends it by itself and whether a collector confirms it
    first. Shared by the scenario steps, the item statuses (their follow-up
    action model) and the actions they produce, so that the rule "only emails
    can be automatic" is written once.

    The models say what their delay counts from themselves (a step: after its
    trigger; a status: after the status date); an action has a date instead.
    """

    _name = "dso.followup.mixin"
    _description = "Collection follow-up"

    action_type = fields.Selection(ACTION_TYPES, string="Action type")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Template",
        domain="[('model', '=', 'dso.collection.action')]",
        help="Message of the emails and letters; #hashtags are replaced by the "
        "customer's data.",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS template",
        domain="[('model', '=', 'dso.collection.action')]",
        help="Text of the SMS; #hashtags are replaced by the customer's data.",
    )
    automatic = fields.Boolean(
        help="Sent by the cron on its date, inside the allowed days and hours "
        "(emails only).",
    )
    to_confirm = fields.Boolean(
        string="To be confirmed",
        help="An automatic action waits for one click of the collector before it "
        "is sent.",
    )
    attach_invoices = fields.Boolean(
        string="Attach the invoices",
        help="The PDFs of the invoices the message lists go with the email (the "
        "invoice's stored PDF when there is one, else Odoo's invoice report).",
    )
    attach_statement = fields.Boolean(
        string="Attach the statement of account",
        help="The customer's statement of account (open items, not due and "
        "overdue by age, credits, total) goes with the email, in the customer's "
        "language; a letter gets it as a second page.",
    )

    @api.constrains("automatic", "action_type")
    def _check_automatic(self):
        labels = dict(self._fields["action_type"]._description_selection(self.env))
        for record in self:
            if record.automatic and record.action_type not in EMAIL_ACTION_TYPES:
                raise ValidationError(
                    self.env._(
                        "%(record)s cannot be automatic: only emails are sent "
                        "automatically, and its action type is “%(type)s”. Untick "
                        "Automatic or choose an email type.",
                        record=record._dso_followup_label(),
                        type=labels.get(record.action_type) or self.env._("not set"),
                    )
                )

    @api.onchange("automatic")
    def _onchange_automatic(self):
        if not self.automatic:
            self.to_confirm = False

    @api.onchange("action_type")
    def _onchange_action_type_automatic(self):
        if self.action_type not in EMAIL_ACTION_TYPES:
            self.automatic = False
            self.to_confirm = False

    def _dso_followup_label(self):
        """The record as the constraint messages name it."""
        self.ensure_one()
        return self.display_name

    def _dso_followup_values(self):
        """The follow-up of this record, as values for another follow-up (a
        step or a status giving its follow-up to an action)."""
        self.ensure_one()
        return {
            "action_type": self.action_type,
            "mail_template_id": self.mail_template_id.id,
            "sms_template_id": self.sms_template_id.id,
            "automatic": self.automatic,
            "to_confirm": self.to_confirm,
            "attach_invoices": self.attach_invoices,
            "attach_statement": self.attach_statement,
        }

    @api.model
    def _dso_needs_confirmation(self, company, values):
        """Whether an action with these follow-up ``values`` (``automatic``,
        ``to_confirm``) waits for a collector's click before it is sent: an
        automatic action whose step, status or collector asks for it, or of
        a company that has every automatic action confirmed. The one home
        of the rule: the planner, specific actions and the simulator ask
        here."""
        return bool(
            values.get("automatic")
            and (values.get("to_confirm") or company.dso_confirm_automatic)
        )
