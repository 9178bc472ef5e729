"""What a risk score is made of, and the sentence that explains it: shared
by a customer's current risk and each change of its class."""

from odoo import api, fields, models

from ...lib.risk import CLASSES, RiskInputs
from ...lib.risk import score as risk_score

RISK_CLASSES = [(name, name) for name in CLASSES]


class DsoRiskScoreMixin(models.AbstractModel):
    _name = "dso.risk.score.mixin"
    _description = "Collection risk score"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    risk_class = fields.Selection(RISK_CLASSES, string="Risk class", readonly=True)
    risk_score = fields.Integer(
        string="Risk score",
        readonly=True,
        help="0 (no risk) to 100, from the customer's payment delays, its "
        "overdue, disputes, broken promises and plans, and its credit limit "
        "in use; weighted in Settings.",
    )
    days_late_avg = fields.Float(string="Average days late", readonly=True)
    days_late_spread = fields.Float(string="Spread of days late", readonly=True)
    oldest_overdue_days = fields.Integer(string="Oldest overdue (days)", readonly=True)
    open_disputes = fields.Integer(string="Items in dispute", readonly=True)
    broken_commitments = fields.Integer(
        string="Broken promises and plans",
        readonly=True,
        help="Promises of payment and payment plans broken in the last 12 months.",
    )
    limit_share = fields.Float(
        string="Credit limit used (%)",
        digits=(16, 0),
        readonly=True,
        help="Share of the credit limit in use when the score was computed.",
    )
    risk_explanation = fields.Char(string="Why", compute="_compute_risk_explanation")

    @api.depends(
        "risk_class",
        "risk_score",
        "days_late_avg",
        "days_late_spread",
        "oldest_overdue_days",
        "open_disputes",
        "broken_commitments",
        "limit_share",
    )
    def _compute_risk_explanation(self):
        for record in self:
            record.risk_explanation = (
                record._dso_risk_explanation(
                    record.company_id,
                    record.risk_class,
                    record.risk_score,
                    record._dso_risk_inputs(),
                )
                if record.risk_class
                else False
            )

    def _dso_risk_inputs(self):
        self.ensure_one()
        return RiskInputs(
            days_late_avg=self.days_late_avg,
            days_late_spread=self.days_late_spread,
            oldest_overdue_days=self.oldest_overdue_days,
            open_disputes=self.open_disputes,
            broken_commitments=self.broken_commitments,
            limit_share=self.limit_share,
        )

    @api.model
    def _dso_risk_explanation(self, company, risk_class, score, inputs):
        """One sentence, e.g. "Class C, score 47: pays 25 days late on
        average (± 12); oldest overdue item 40 days late; 95 % of its credit
        limit used". The factors in the order of the points they add."""
        parts = risk_score(inputs, company._dso_risk_settings()).parts
        phrases = {
            "delay": lambda: self.env._(
                "pays %(days)s days late on average (± %(spread)s)",
                days=round(inputs.days_late_avg),
                spread=round(inputs.days_late_spread),
            ),
            "overdue": lambda: self.env._(
                "oldest overdue item %(days)s days late",
                days=inputs.oldest_overdue_days,
            ),
            "disputes": lambda: self.env._(
                "%(count)s item(s) in dispute", count=inputs.open_disputes
            ),
            "commitments": lambda: self.env._(
                "%(count)s broken promise(s) or plan(s) in 12 months",
                count=inputs.broken_commitments,
            ),
            "limit": lambda: self.env._(
                "%(share)s %% of its credit limit used",
                share=round(inputs.limit_share),
            ),
        }
        reasons = "; ".join(phrases[name]() for name, _points in parts)
        if not reasons:
            reasons = self.env._(
                "pays on time, nothing overdue or in dispute, no broken promise"
            )
        return self.env._(
            "Class %(risk_class)s, score %(score)s: %(reasons)s",
            risk_class=risk_class,
            score=score,
            reasons=reasons,
        )
