from odoo import fields, models

SOURCES = [
    ("collector", "Collector"),
    ("customer", "Customer"),
    ("colleague", "Colleague"),
    ("system", "System"),
]


class DsoItemStatusHistory(models.Model):
    """One qualification of one item: who set which status, when, and why.

    Rows are written by ``account.move.line._dso_set_status`` (and by a
    direct edit of the status in the open items list); nobody edits them
    afterwards (see ir.model.access.csv)."""

    _name = "dso.item.status.history"
    _description = "Collection item status history"
    _order = "create_date desc, id desc"
    _rec_name = "line_id"

    line_id = fields.Many2one(
        "account.move.line",
        string="Item",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    move_id = fields.Many2one(
        related="line_id.move_id", string="Invoice", store=True, index=True
    )
    partner_id = fields.Many2one(
        related="line_id.partner_id", string="Customer", store=True
    )
    company_id = fields.Many2one(
        related="line_id.company_id", store=True, index=True, readonly=True
    )
    status_id = fields.Many2one("dso.item.status", readonly=True, ondelete="restrict")
    previous_status_id = fields.Many2one(
        "dso.item.status",
        string="Previous status",
        readonly=True,
        ondelete="restrict",
    )
    status_date = fields.Date(readonly=True)
    comment = fields.Text(readonly=True)
    resolution_user_id = fields.Many2one(
        "res.users", string="Resolution owner", readonly=True
    )
    source = fields.Selection(
        SOURCES,
        required=True,
        default="collector",
        readonly=True,
        help="Who gave the information: the collector, the customer (an answer "
        "to an interactive email), a colleague, or the system (the exclusion "
        "review).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    create_date = fields.Datetime(string="Recorded on", readonly=True)
