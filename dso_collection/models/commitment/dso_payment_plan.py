"""A payment plan: instalments agreed with the customer on chosen items.
While it runs, its items leave the scenario and each instalment is reminded
on its own date; a missed instalment breaks it, the last payment ends it."""

from odoo import api, fields, models

PLAN_STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("done", "Paid off"),
    ("broken", "Broken"),
]


class DsoPaymentPlan(models.Model):
    _name = "dso.payment.plan"
    _description = "Payment plan"
    _inherit = ["mail.thread"]
    _order = "id desc"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    name = fields.Char(required=True, default="/", copy=False)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", index=True)
    line_ids = fields.Many2many(
        "account.move.line",
        "dso_payment_plan_line_rel",
        "plan_id",
        "line_id",
        string="Items",
    )
    installment_ids = fields.One2many(
        "dso.payment.plan.installment", "plan_id", string="Instalments"
    )
    state = fields.Selection(
        PLAN_STATES, required=True, default="draft", index=True, tracking=True
    )
    amount_total = fields.Monetary(
        string="Amount agreed",
        readonly=True,
        help="The items' open amount when the plan started.",
    )
    date_start = fields.Date(string="Started on", readonly=True)
    date_closed = fields.Date(string="Ended on", readonly=True)
    note = fields.Text()

    # ------------------------------------------------------------------
    # The daily run
    # ------------------------------------------------------------------

    @api.model
    def _dso_check_plans(self, today=None):
        """Instalments paid or late, plans paid off or broken (written by
        the payment plan work)."""
        return self.browse()
