import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.mail import single_email_re

from .dso_collection_step import MAX_DELAY_DAYS as MAX_DAYS

# Company field holding the default -> customer field it fills.
DEFAULT_FIELDS = {
    "dso_default_scenario_id": "dso_scenario_id",
    "dso_default_collector_id": "dso_collector_id",
    "dso_default_late_penalty": "dso_late_penalty",
    "dso_default_recovery_cost": "dso_recovery_cost",
    "dso_default_interactive_email": "dso_interactive_email",
}

# Company field allowing automatic actions, by weekday (Monday = 0).
WEEKDAY_FIELDS = (
    "dso_auto_monday",
    "dso_auto_tuesday",
    "dso_auto_wednesday",
    "dso_auto_thursday",
    "dso_auto_friday",
    "dso_auto_saturday",
    "dso_auto_sunday",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    def _default_dso_scenario(self):
        return self.env.ref(
            "dso_collection.dso_collection_scenario_standard", raise_if_not_found=False
        )

    dso_default_scenario_id = fields.Many2one(
        "dso.collection.scenario",
        string="Default collection scenario",
        default=lambda self: self._default_dso_scenario(),
        domain="[('company_id', 'in', (id, False))]",
    )
    dso_default_collector_id = fields.Many2one(
        "res.users",
        string="Default collector",
        domain="[('share', '=', False)]",
    )
    dso_default_late_penalty = fields.Boolean(
        string="Late-payment penalties by default"
    )
    dso_default_recovery_cost = fields.Boolean(string="Recovery costs by default")
    dso_interactive_expiry_days = fields.Integer(
        string="Interactive links valid (days)",
        default=30,
        help="Days during which the link of an interactive email opens the "
        "answer page, from the day the email is sent.",
    )
    dso_default_interactive_email = fields.Boolean(
        string="Interactive emails by default",
        help="New customers get interactive emails: a link to a page where they "
        "answer on each invoice; off, interactive steps are sent as plain emails.",
    )
    dso_minimum_amount = fields.Monetary(
        string="Minimum amount for collection",
        currency_field="currency_id",
        help="No scenario action is planned while the customer's open balance is "
        "below this amount (specific actions still run).",
    )
    dso_ignore_below = fields.Monetary(
        string="Ignore transactions below",
        currency_field="currency_id",
        help="Open items whose residual amount is below this amount are left out of "
        "collection (rounding differences, small remainders).",
    )
    # On by default (new companies, and every company when the module is
    # installed: the column is created with this default): unchecked
    # automatic emails cost credibility.
    dso_confirm_automatic = fields.Boolean(
        string="Automatic actions must be confirmed",
        default=True,
        help="Every automatic email waits for one click of the collector before it is "
        "sent.",
    )
    dso_fax_gateway = fields.Char(
        string="Email-to-fax gateway",
        help="Address pattern of the email-to-fax gateway, {number} standing for the "
        "fax number in international digits, e.g. {number}@fax.example.com. Empty: "
        "collection faxes are printed for the collector to fax by hand.",
    )

    # Late-payment penalties and recovery costs
    dso_penalty_rate_type = fields.Selection(
        [("fixed", "Fixed annual rate"), ("reference", "Reference rate + margin")],
        string="Late interest rate",
        default="fixed",
        required=True,
    )
    dso_penalty_fixed_rate = fields.Float(
        string="Annual interest rate (%)", digits=(16, 4), default=10.0
    )
    dso_penalty_margin = fields.Float(
        string="Margin (points)",
        digits=(16, 4),
        default=10.0,
        help="Points added to the reference rate of each half-year.",
    )
    dso_recovery_cost_amount = fields.Monetary(
        string="Recovery cost per late invoice",
        currency_field="currency_id",
        default=40.0,
    )
    # Automatic actions: when the cron may send
    dso_auto_monday = fields.Boolean(string="Monday", default=True)
    dso_auto_tuesday = fields.Boolean(string="Tuesday", default=True)
    dso_auto_wednesday = fields.Boolean(string="Wednesday", default=True)
    dso_auto_thursday = fields.Boolean(string="Thursday", default=True)
    dso_auto_friday = fields.Boolean(string="Friday", default=True)
    dso_auto_saturday = fields.Boolean(string="Saturday")
    dso_auto_sunday = fields.Boolean(string="Sunday")
    dso_auto_hour_from = fields.Float(
        string="Send from", default=8.0, help="Hour, in the company's timezone."
    )
    dso_auto_hour_to = fields.Float(
        string="Send until", default=18.0, help="Hour, in the company's timezone."
    )
    # The reconciliation guard (dso_collection_send_guard.py)
    dso_hold_unmatched = fields.Boolean(
        string="Hold automatic emails for customers with unmatched payments or open "
        "credit notes",
        default=True,
        help="A customer with a payment not yet matched to its invoices, or an open "
        "credit note, gets no automatic email until they are reconciled: the "
        "reminder could claim an invoice already paid.",
    )
    dso_bank_statement_max_days = fields.Integer(
        string="Hold automatic emails when the last bank statement is older than "
        "N days",
        default=0,
        help="When the company's latest bank statement is older than this number "
        "of days (or none was imported), no automatic email goes out: recent "
        "payments may not be recorded yet. 0: never held.",
    )
    # What the customer says (models/commitment/)
    dso_promise_grace_days = fields.Integer(
        string="Grace days of a promise",
        default=2,
        help="A promise of payment is broken when its items are not paid this "
        "many days after the promised date (the time a transfer takes to show "
        "on the bank statement).",
    )
    dso_plan_grace_days = fields.Integer(
        string="Grace days of a payment plan",
        default=5,
        help="A payment plan is broken when an instalment is still unpaid this "
        "many days after its date.",
    )
    dso_plan_scenario_id = fields.Many2one(
        "dso.collection.scenario",
        string="Payment plan scenario",
        help="The reminders of each instalment of a payment plan: each step's "
        "delay counts from the instalment's date (negative: before it).",
    )
    dso_ack_answers = fields.Boolean(
        string="Acknowledge the customers' answers",
        default=True,
        help="A customer who answers on the answer page receives an email listing "
        "what it said.",
    )
    dso_thank_you = fields.Boolean(
        string="Thank customers who pay everything",
        help="A customer whose promise or plan was broken, or who was late, gets a "
        "thank-you email once it has paid all its overdue items.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._dso_sync_partner_defaults()
        return companies

    def write(self, vals):
        res = super().write(vals)
        if set(DEFAULT_FIELDS) & set(vals):
            self._dso_sync_partner_defaults()
        return res

    def _dso_sync_partner_defaults(self):
        """The company's defaults are the fallback values of the customers'
        company-dependent collection fields: new customers get them, and a
        customer without its own value follows them."""
        # sudo: only administrators write ir.default; a credit manager who
        # may change the company's collection defaults sets exactly these
        # fallbacks of res.partner, for this company only.
        IrDefault = self.env["ir.default"].sudo()
        for company in self:
            for company_field, partner_field in DEFAULT_FIELDS.items():
                value = company[company_field]
                if isinstance(value, models.BaseModel):
                    value = value.id
                IrDefault.set(
                    "res.partner", partner_field, value or False, company_id=company.id
                )

    @api.model
    def _dso_install_defaults(self):
        """At install: every existing company follows the standard scenario."""
        scenario = self._default_dso_scenario()
        # sudo: run once at install; every company, whatever the installing
        # user's allowed companies, gets the shipped scenario as its default.
        companies = self.sudo().search([("dso_default_scenario_id", "=", False)])
        companies.write({"dso_default_scenario_id": scenario.id})

    @api.constrains("dso_fax_gateway")
    def _check_dso_fax_gateway(self):
        for company in self.filtered("dso_fax_gateway"):
            pattern = company.dso_fax_gateway.strip()
            address = pattern.replace("{number}", "3225551234")
            if "{number}" not in pattern or not single_email_re.match(address):
                raise ValidationError(
                    self.env._(
                        "The email-to-fax gateway of %(company)s (%(pattern)s) is "
                        "not valid: write an email address where {number} stands for "
                        "the fax number, e.g. {number}@fax.example.com.",
                        company=company.name,
                        pattern=pattern,
                    )
                )

    @api.constrains("dso_auto_hour_from", "dso_auto_hour_to")
    def _check_dso_auto_hours(self):
        for company in self:
            if not 0 <= company.dso_auto_hour_from < company.dso_auto_hour_to <= 24:
                raise ValidationError(
                    self.env._(
                        "The sending hours of automatic collection emails of "
                        "%(company)s are wrong: set a start hour before the end "
                        "hour, both between 0 and 24.",
                        company=company.name,
                    )
                )

    @api.constrains(
        "dso_minimum_amount",
        "dso_ignore_below",
        "dso_recovery_cost_amount",
        "dso_penalty_fixed_rate",
        "dso_penalty_margin",
    )
    def _check_dso_amounts(self):
        for company in self:
            for field_name in (
                "dso_minimum_amount",
                "dso_ignore_below",
                "dso_recovery_cost_amount",
            ):
                if company[field_name] < 0:
                    raise ValidationError(
                        self.env._(
                            "The %(field)s of %(company)s cannot be negative: set "
                            "0 or more in Settings > Collection.",
                            field=self._fields[field_name]._description_string(
                                self.env
                            ),
                            company=company.name,
                        )
                    )
            for field_name in ("dso_penalty_fixed_rate", "dso_penalty_margin"):
                if not 0 <= company[field_name] <= 100:
                    raise ValidationError(
                        self.env._(
                            "The %(field)s of %(company)s is %(value)s: set a rate "
                            "between 0 and 100 in Settings > Collection.",
                            field=self._fields[field_name]._description_string(
                                self.env
                            ),
                            company=company.name,
                            value=company[field_name],
                        )
                    )

    @api.constrains("dso_interactive_expiry_days")
    def _check_dso_interactive_expiry_days(self):
        for company in self.filtered(
            lambda c: not 1 <= c.dso_interactive_expiry_days <= MAX_DAYS
        ):
            raise ValidationError(
                self.env._(
                    "Interactive links of %(company)s must stay valid at least one "
                    "day and at most %(max)s days: set the number of days in "
                    "Settings > Collection.",
                    company=company.name,
                    max=MAX_DAYS,
                )
            )

    @api.constrains("dso_bank_statement_max_days")
    def _check_dso_bank_statement_max_days(self):
        for company in self.filtered(
            lambda c: not 0 <= c.dso_bank_statement_max_days <= MAX_DAYS
        ):
            raise ValidationError(
                self.env._(
                    "The bank statement age of %(company)s that holds automatic "
                    "emails must be between 0 and %(max)s days: set a number of "
                    "days, or 0 not to hold them, in Settings > Collection.",
                    company=company.name,
                    max=MAX_DAYS,
                )
            )

    @api.constrains("dso_promise_grace_days", "dso_plan_grace_days")
    def _check_dso_grace_days(self):
        for company in self:
            for value, label in (
                (company.dso_promise_grace_days, self.env._("grace days of a promise")),
                (
                    company.dso_plan_grace_days,
                    self.env._("grace days of a payment plan"),
                ),
            ):
                if not 0 <= value <= MAX_DAYS:
                    raise ValidationError(
                        self.env._(
                            "The %(label)s of %(company)s must be between 0 and "
                            "%(max)s: set a number of days in Settings > "
                            "Collection.",
                            label=label,
                            company=company.name,
                            max=MAX_DAYS,
                        )
                    )

    def _dso_timezone(self):
        self.ensure_one()
        return pytz.timezone(self.partner_id.tz or self.env.user.tz or "UTC")

    def _dso_local_now(self, now=None):
        """The company's local date and time (naive) for ``now`` (UTC)."""
        now = now or fields.Datetime.now()
        return (
            pytz.utc.localize(now).astimezone(self._dso_timezone()).replace(tzinfo=None)
        )

    def _dso_can_send_now(self, now=None):
        """Whether automatic actions may be sent now: allowed weekday and
        hours, in the company's timezone."""
        self.ensure_one()
        local = self._dso_local_now(now)
        if not self[WEEKDAY_FIELDS[local.weekday()]]:
            return False
        hour = local.hour + local.minute / 60.0
        return self.dso_auto_hour_from <= hour < self.dso_auto_hour_to

    def _dso_late_interest(self, amount, currency, date_due, date_to):
        """Simple interest on ``amount`` from ``date_due`` to ``date_to``:
        amount x annual rate x days / 365, with the fixed rate or with the
        reference rate of each half-year plus the margin."""
        self.ensure_one()
        if amount <= 0 or date_to <= date_due:
            return 0.0
        if self.dso_penalty_rate_type == "fixed":
            pieces = [((date_to - date_due).days, self.dso_penalty_fixed_rate)]
        else:
            pieces = [
                ((end - start).days, rate + self.dso_penalty_margin)
                for start, end, rate in self.env["dso.reference.rate"]._get_periods(
                    self, date_due, date_to
                )
            ]
        interest = sum(amount * rate / 100.0 * days / 365.0 for days, rate in pieces)
        return currency.round(interest)
