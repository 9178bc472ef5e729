"""The risk agenda: the credit manager's reviews of customers.

The daily run opens one review per customer and company when its credit
limit's review date has come, when it passes its limit or when its class
gets worse (``dso.customer.risk._dso_refresh``); a customer has one open
review at most: a new reason is added to it. "Review done" records the new
limit and the next review date."""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from .dso_customer_risk import REVIEW_COLUMNS
from .dso_risk_score_mixin import RISK_CLASSES


class DsoRiskReview(models.Model):
    _name = "dso.risk.review"
    _description = "Credit review"
    _order = "state desc, date, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Credit manager",
        help="Who reviews the customer (the company's credit manager).",
    )
    date = fields.Date(string="Since", required=True, readonly=True)
    state = fields.Selection(
        [("open", "To review"), ("done", "Reviewed")],
        required=True,
        default="open",
        readonly=True,
    )
    review_due = fields.Boolean(string="Review date reached", readonly=True)
    over_limit = fields.Boolean(string="Over its limit", readonly=True)
    class_worse = fields.Boolean(string="Class worse", readonly=True)
    old_class = fields.Selection(RISK_CLASSES, string="From class", readonly=True)
    new_class = fields.Selection(RISK_CLASSES, string="Class", readonly=True)
    reasons = fields.Char(string="Why", compute="_compute_reasons")
    # The customer's figures now, in the review's company.
    credit_limit = fields.Monetary(
        string="Credit limit", compute="_compute_figures", currency_field="currency_id"
    )
    credit_used = fields.Monetary(
        string="Credit used", compute="_compute_figures", currency_field="currency_id"
    )
    credit_share = fields.Float(
        string="Limit used (%)", compute="_compute_figures", digits=(16, 0)
    )
    overdue_amount = fields.Monetary(
        string="Overdue", compute="_compute_figures", currency_field="currency_id"
    )
    risk_score = fields.Integer(string="Score", compute="_compute_figures")
    risk_explanation = fields.Char(string="Risk", compute="_compute_figures")
    credit_review_date = fields.Date(string="Review date", compute="_compute_figures")
    collector_id = fields.Many2one("res.users", compute="_compute_figures")
    open_line_ids = fields.Many2many(
        "account.move.line", string="Open items", compute="_compute_figures"
    )
    # What the review decides.
    new_credit_limit = fields.Monetary(
        string="New credit limit",
        currency_field="currency_id",
        help="The customer's credit limit from now on (0: no limit).",
    )
    next_review_date = fields.Date(string="Next review on")
    note = fields.Text()
    done_date = fields.Date(string="Reviewed on", readonly=True)
    done_user_id = fields.Many2one("res.users", string="Reviewed by", readonly=True)

    def init(self):
        # One open review per customer and company: the daily run adds its
        # reasons to it (ON CONFLICT of ``_dso_open_reviews``).
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS dso_risk_review_open_uniq
                ON dso_risk_review (partner_id, company_id)
             WHERE state = 'open'
            """
        )

    @api.depends("review_due", "over_limit", "class_worse", "old_class", "new_class")
    def _compute_reasons(self):
        for review in self:
            reasons = []
            if review.over_limit:
                reasons.append(self.env._("over its credit limit"))
            if review.class_worse:
                reasons.append(
                    self.env._(
                        "class %(old)s to %(new)s",
                        old=review.old_class,
                        new=review.new_class,
                    )
                )
            if review.review_due:
                reasons.append(self.env._("review date reached"))
            review.reasons = ", ".join(reasons)

    def _compute_figures(self):
        for company, reviews in self.grouped("company_id").items():
            partners = reviews.partner_id.with_company(company)
            risks = {
                risk.partner_id.id: risk
                for risk in self.env["dso.customer.risk"].search(
                    [
                        ("company_id", "=", company.id),
                        ("partner_id", "in", partners.ids),
                    ]
                )
            }
            for review in reviews:
                partner = review.partner_id.with_company(company)
                risk = risks.get(partner.id)
                review.credit_limit = partner.dso_credit_limit
                review.credit_used = partner.dso_credit_used
                review.credit_share = partner.dso_credit_share
                review.overdue_amount = partner.dso_overdue_amount
                review.risk_score = risk.risk_score if risk else 0
                review.risk_explanation = risk.risk_explanation if risk else False
                review.credit_review_date = risk.credit_review_date if risk else False
                review.collector_id = (
                    partner.dso_collector_id or company.dso_default_collector_id
                )
                review.open_line_ids = partner.dso_open_line_ids

    # ------------------------------------------------------------------
    # Opened by the daily run
    # ------------------------------------------------------------------

    @api.model
    def _dso_open_reviews(self, rows):
        """Open a review for each row (``REVIEW_COLUMNS``), or add the row's
        reasons to the customer's open review; one query."""
        if not rows:
            return []
        self.flush_model()
        return self.env["dso.customer.risk"]._dso_insert_rows(
            self._table,
            {**REVIEW_COLUMNS, "state": "varchar"},
            [{**row, "state": "open"} for row in rows],
            conflict=SQL(
                """
                ON CONFLICT (partner_id, company_id) WHERE state = 'open'
                DO UPDATE SET
                    review_due = dso_risk_review.review_due OR EXCLUDED.review_due,
                    over_limit = dso_risk_review.over_limit OR EXCLUDED.over_limit,
                    class_worse = dso_risk_review.class_worse
                                  OR EXCLUDED.class_worse,
                    old_class = COALESCE(dso_risk_review.old_class,
                                         EXCLUDED.old_class),
                    new_class = EXCLUDED.new_class,
                    write_uid = EXCLUDED.write_uid,
                    write_date = EXCLUDED.write_date
                """
            ),
        )

    # ------------------------------------------------------------------
    # Review done
    # ------------------------------------------------------------------

    def action_review_done(self):
        """Record the review: the customer's new credit limit, its next
        review date; the review leaves the agenda, a note on the customer
        says what was decided."""
        # Nothing is written (the customer's limit first) for a user who
        # cannot record the review.
        self.check_access("write")
        today = fields.Date.context_today(self)
        for review in self:
            customer = review.partner_id.display_name
            if review.state != "open":
                raise UserError(
                    self.env._(
                        "The review of %(customer)s is done already: open the "
                        "customer's next review instead.",
                        customer=customer,
                    )
                )
            if review.new_credit_limit < 0:
                raise UserError(
                    self.env._(
                        "The new credit limit of %(customer)s cannot be negative: "
                        "enter 0 for no limit.",
                        customer=customer,
                    )
                )
            if review.new_credit_limit and (
                not review.next_review_date or review.next_review_date <= today
            ):
                raise UserError(
                    self.env._(
                        "Choose when the credit limit of %(customer)s is reviewed "
                        "next: a date after today.",
                        customer=customer,
                    )
                )
        for review in self:
            company = review.company_id
            partner = review.partner_id.with_company(company)
            old_limit = partner.credit_limit
            partner.credit_limit = review.new_credit_limit
            risk = (
                self.env["dso.customer.risk"].sudo()._dso_ensure(company, partner.ids)
            )
            risk.write(
                {
                    "credit_review_date": review.new_credit_limit
                    and review.next_review_date,
                    "credit_limit_reviewed": review.new_credit_limit,
                }
            )
            review.write(
                {
                    "state": "done",
                    "done_date": today,
                    "done_user_id": self.env.uid,
                }
            )
            body = self.env._(
                "Credit limit reviewed in %(company)s: %(old)s to %(new)s, next "
                "review on %(date)s.",
                company=company.name,
                old=format_amount(self.env, old_limit, company.currency_id),
                new=format_amount(
                    self.env, review.new_credit_limit, company.currency_id
                ),
                date=format_date(self.env, review.next_review_date)
                if review.new_credit_limit
                else "-",
            )
            body = escape(body)
            if review.note:
                body += Markup("<br/>") + escape(review.note)
            partner.message_post(body=body)
        return True

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id._get_records_action(context={})
