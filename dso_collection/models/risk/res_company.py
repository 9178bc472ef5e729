"""The company's risk settings: the score's weights, the classes'
thresholds, how often each class's credit limit is reviewed, who the credit
manager is."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...lib.risk import CLASSES, FACTORS, RiskSettings


class ResCompany(models.Model):
    _inherit = "res.company"

    dso_credit_manager_id = fields.Many2one(
        "res.users",
        string="Credit manager",
        domain="[('share', '=', False)]",
        help="Reviews the credit limits and receives the risk alerts (with each "
        "customer's collector).",
    )
    dso_credit_near_share = fields.Float(
        string="Near the credit limit from (%)",
        default=80.0,
        help="A customer using more than this share of its credit limit is near "
        "its limit.",
    )
    dso_risk_weight_delay = fields.Integer(string="Payment delays", default=30)
    dso_risk_weight_overdue = fields.Integer(string="Overdue now", default=25)
    dso_risk_weight_disputes = fields.Integer(string="Open disputes", default=10)
    dso_risk_weight_commitments = fields.Integer(
        string="Broken promises and plans", default=15
    )
    dso_risk_weight_limit = fields.Integer(string="Credit limit used", default=20)
    dso_risk_class_b = fields.Integer(string="Class B from", default=20)
    dso_risk_class_c = fields.Integer(string="Class C from", default=40)
    dso_risk_class_d = fields.Integer(string="Class D from", default=60)
    dso_review_months_a = fields.Integer(string="Review class A after", default=12)
    dso_review_months_b = fields.Integer(string="Review class B after", default=12)
    dso_review_months_c = fields.Integer(string="Review class C after", default=6)
    dso_review_months_d = fields.Integer(string="Review class D after", default=3)
    # Bookkeeping of the daily run, left out of the planner's fingerprints
    # (``_fingerprint_salt``): writing it changes no customer's plan.
    dso_risk_last_run = fields.Date(
        string="Risk refreshed on",
        readonly=True,
        help="The last day the daily run refreshed the customers' risk.",
    )

    @api.constrains(
        "dso_risk_weight_delay",
        "dso_risk_weight_overdue",
        "dso_risk_weight_disputes",
        "dso_risk_weight_commitments",
        "dso_risk_weight_limit",
        "dso_risk_class_b",
        "dso_risk_class_c",
        "dso_risk_class_d",
        "dso_review_months_a",
        "dso_review_months_b",
        "dso_review_months_c",
        "dso_review_months_d",
        "dso_credit_near_share",
    )
    def _check_dso_risk_settings(self):
        for company in self:
            weights = company._dso_risk_settings().weights
            if min(weights.values()) < 0 or not sum(weights.values()):
                raise ValidationError(
                    self.env._(
                        "The risk weights of %(company)s must be zero or more, and "
                        "one of them at least 1: correct them in Settings.",
                        company=company.name,
                    )
                )
            thresholds = company._dso_risk_settings().thresholds
            if not 0 < thresholds[0] < thresholds[1] < thresholds[2] <= 100:
                raise ValidationError(
                    self.env._(
                        "The risk classes of %(company)s must start at increasing "
                        "scores between 1 and 100 (B below C below D; now "
                        "%(b)s, %(c)s, %(d)s): correct them in Settings.",
                        company=company.name,
                        b=thresholds[0],
                        c=thresholds[1],
                        d=thresholds[2],
                    )
                )
            months = [company._dso_review_months(klass) for klass in CLASSES]
            if min(months) < 1:
                raise ValidationError(
                    self.env._(
                        "Credit limits of %(company)s are reviewed after at least "
                        "one month in every class: correct the review delays in "
                        "Settings.",
                        company=company.name,
                    )
                )
            if not 0 < company.dso_credit_near_share < 100:
                raise ValidationError(
                    self.env._(
                        "%(company)s: a customer is near its credit limit from a "
                        "share between 1 and 99 %%: correct it in Settings.",
                        company=company.name,
                    )
                )

    def _dso_risk_settings(self):
        """This company's weights and thresholds (``lib/risk.py``)."""
        self.ensure_one()
        return RiskSettings(
            weights={name: self[f"dso_risk_weight_{name}"] for name in FACTORS},
            thresholds=(
                self.dso_risk_class_b,
                self.dso_risk_class_c,
                self.dso_risk_class_d,
            ),
        )

    def _dso_review_months(self, risk_class):
        """After how many months a credit limit of ``risk_class`` is
        reviewed (class A when the customer has none yet)."""
        self.ensure_one()
        return self[f"dso_review_months_{(risk_class or 'A').lower()}"]

    def _dso_uses_credit_limit(self):
        """Whether the company uses Odoo's credit limits (Accounting
        settings, *Sales Credit Limit*)."""
        self.ensure_one()
        return self.account_use_credit_limit
