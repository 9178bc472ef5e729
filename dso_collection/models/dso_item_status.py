from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from .dso_collection_step import MAX_DELAY_DAYS


class DsoItemStatus(models.Model):
    _name = "dso.item.status"
    _inherit = ["dso.followup.mixin"]
    _description = "Collection item status"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the status between all companies.",
    )
    exclude_from_scenario = fields.Boolean(
        string="Exclude from scenario",
        help="Items with this status are never the leader invoice and are not listed "
        "by scenario actions (a dispute, for example).",
    )
    is_dispute = fields.Boolean(
        string="Dispute",
        help="Items with this status are disputed by the customer: they are "
        "counted in the dispute report and the dashboard's disputes.",
    )
    suspend_penalties = fields.Boolean(
        string="Suspend late-payment penalties",
        compute="_compute_suspend_penalties",
        store=True,
        readonly=False,
        precompute=True,
        help="No late-payment interest or recovery cost runs on items with this "
        "status (a dispute). By default a status suspends them when it excludes "
        "its items from the scenario, and follows that box when it changes; "
        "uncheck it for a status whose items are still claimed with their "
        "penalties, such as Litigation.",
    )
    review_days = fields.Integer(
        string="Review after (days)",
        help="For a status that excludes its items from the scenario: the items "
        "that get it are reviewed this many days later (their review date). "
        "0: no review date, the items stay excluded until someone changes "
        "their status.",
    )
    reenter_on_review = fields.Boolean(
        string="Back to the scenario on review",
        help="On the review date the items lose this status and come back to "
        "the scenario by themselves. Otherwise their resolution owner (else "
        "the customer's collector) gets a review activity.",
    )
    # Follow-up action model (dso.followup.mixin): what the status wizard
    # proposes when qualifying items (dso_followup_action_vals).
    action_type = fields.Selection(
        string="Follow-up action",
        help="The specific action the status wizard proposes on the items when "
        "they get this status (step 3), created by itself for a status that "
        "creates its follow-up.",
    )
    delay = fields.Integer(
        string="Follow-up delay (days)",
        help="Days after the status date at which the follow-up action falls "
        "(0: on the status date).",
    )
    mail_template_id = fields.Many2one(
        string="Follow-up template",
        help="Message of the follow-up email or letter.",
    )
    sms_template_id = fields.Many2one(
        string="Follow-up SMS template",
        help="Text of the follow-up SMS.",
    )
    automatic = fields.Boolean(
        string="Automatic follow-up",
        help="The follow-up email is sent by the cron on its date, inside the "
        "sending window (emails only).",
    )
    to_confirm = fields.Boolean(
        string="Follow-up to be confirmed",
        help="The automatic follow-up waits for one click of the collector.",
    )
    create_followup = fields.Boolean(
        string="Creates its follow-up",
        help="Items getting this status get their follow-up specific action by "
        "themselves, whoever qualifies them (the status wizard, the customer's "
        "answer, the review): a dispute is always followed up.",
    )
    customer_answer = fields.Selection(
        [
            ("paid", "Paid"),
            ("promise", "Promise to pay"),
            ("dispute", "Dispute"),
        ],
        string="Set by the answer",
        help="The answer on an interactive page (customer or colleague) that "
        "proposes this status when the collector validates it. With several "
        "statuses for one answer, the first in the list is proposed.",
    )
    is_promise = fields.Boolean(
        string="Promise of payment",
        help="Items getting this status with a date get a promise of payment: "
        "the daily run marks it kept when they are paid by that date (plus the "
        "company's grace days), else broken, and creates its follow-up action.",
    )
    ack_template_id = fields.Many2one(
        "mail.template",
        string="Acknowledgement template",
        domain="[('model', '=', 'dso.collection.action')]",
        help="The email the status wizard proposes to send the customer when "
        "items get this status: it acknowledges what the customer said (a "
        "promise, a dispute, a payment on its way). The collector reads and "
        "edits it before sending.",
    )
    line_count = fields.Integer(string="Open items", compute="_compute_line_count")

    _sql_constraints = [
        (
            "review_days_positive",
            "CHECK (review_days >= 0)",
            "The review delay of a status cannot be negative.",
        ),
    ]

    @api.depends("exclude_from_scenario")
    def _compute_suspend_penalties(self):
        for status in self:
            status.suspend_penalties = status.exclude_from_scenario

    def _compute_line_count(self):
        groups = self.env["account.move.line"]._read_group(
            [("dso_status_id", "in", self.ids), ("reconciled", "=", False)],
            ["dso_status_id"],
            ["__count"],
        )
        counts = {status.id: count for status, count in groups}
        for status in self:
            status.line_count = counts.get(status.id, 0)

    @api.constrains("review_days", "delay")
    def _check_days(self):
        for status in self:
            self._dso_check_days(status.name, status.review_days, status.delay)

    @api.model
    def _dso_check_days(self, name, review_days, delay):
        """Review and follow-up delays between 0 and ten years (checked
        before a new status is written: the database refuses a negative
        review delay with no word on the status)."""
        for value, label in (
            (review_days or 0, self.env._("review delay")),
            (delay or 0, self.env._("follow-up delay")),
        ):
            if not 0 <= value <= MAX_DELAY_DAYS:
                raise ValidationError(
                    self.env._(
                        "The %(label)s of status %(status)s is %(days)s days: set "
                        "a number of days between 0 and %(max)s.",
                        label=label,
                        status=name,
                        days=value,
                        max=MAX_DELAY_DAYS,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._dso_check_days(
                vals.get("name"), vals.get("review_days"), vals.get("delay")
            )
        return super().create(vals_list)

    def _dso_followup_label(self):
        self.ensure_one()
        return self.env._("The follow-up of status “%(status)s”", status=self.name)

    def _dso_followup_action_vals(self, lines, status_date=None):
        """Values of the follow-up specific action of ``lines`` getting this
        status on ``status_date`` (today by default): its type, date,
        templates, automatic, to confirm, and a one-line ``explanation``
        of why (not a field of the action)."""
        self.ensure_one()
        status_date = fields.Date.to_date(status_date) or fields.Date.context_today(
            self
        )
        vals = self._dso_followup_values()
        vals["date"] = status_date + timedelta(days=max(self.delay, 0))
        vals["explanation"] = self._dso_followup_explanation(status_date)
        return vals

    def _dso_followup_explanation(self, status_date):
        """e.g. "Promise of payment on 12/03/2026: phone call the day after"."""
        self.ensure_one()
        if not self.action_type:
            return self.env._(
                "%(status)s has no follow-up action: choose one below.",
                status=self.name,
            )
        types = dict(self._fields["action_type"]._description_selection(self.env))
        if self.delay <= 0:
            when = self.env._("the same day")
        elif self.delay == 1:
            when = self.env._("the day after")
        else:
            when = self.env._("%(days)s days after", days=self.delay)
        return self.env._(
            "%(status)s on %(date)s: %(action)s %(when)s",
            status=self.name,
            date=format_date(self.env, status_date),
            action=types[self.action_type].lower(),
            when=when,
        )
