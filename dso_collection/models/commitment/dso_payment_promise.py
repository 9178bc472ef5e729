"""A promise of payment: the customer said it would pay these items by a
date. The daily run marks it kept or broken; while it is open (until its
date plus the company's grace days) automatic sending leaves the customer
alone."""

from odoo import api, fields, models

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancel", "Cancelled"),
]
PROMISE_SOURCES = [
    ("collector", "Collector"),
    ("customer", "Customer"),
    ("colleague", "Colleague"),
]


class DsoPaymentPromise(models.Model):
    _name = "dso.payment.promise"
    _description = "Promise of payment"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", index=True)
    line_ids = fields.Many2many(
        "account.move.line",
        "dso_payment_promise_line_rel",
        "promise_id",
        "line_id",
        string="Items",
    )
    date = fields.Date(string="Promised for", required=True, tracking=True)
    amount = fields.Monetary(
        string="Promised amount",
        help="0: the items' whole open amount when the promise was made.",
    )
    amount_due = fields.Monetary(
        string="Open amount when promised",
        readonly=True,
        help="The items' open amount when the promise was made.",
    )
    amount_paid = fields.Monetary(
        string="Paid since", readonly=True, help="Paid on the items since the promise."
    )
    state = fields.Selection(
        PROMISE_STATES, required=True, default="open", index=True, tracking=True
    )
    source = fields.Selection(PROMISE_SOURCES, required=True, default="collector")
    status_id = fields.Many2one(
        "dso.item.status",
        string="Status",
        readonly=True,
        help="The promise status the items got; its follow-up model gives the "
        "follow-up action of a broken promise.",
    )
    date_closed = fields.Date(string="Kept or broken on", readonly=True)
    followup_action_id = fields.Many2one(
        "dso.collection.action", string="Follow-up action", readonly=True
    )
    note = fields.Text()

    # ------------------------------------------------------------------
    # The daily run
    # ------------------------------------------------------------------

    @api.model
    def _cron_check_commitments(self):
        """The daily run: promises kept or broken, then payment plans."""
        self._dso_check_promises()
        self.env["dso.payment.plan"]._dso_check_plans()

    @api.model
    def _dso_check_promises(self, today=None):
        """Mark the open promises kept or broken (written by the promise
        work)."""
        return self.browse()
