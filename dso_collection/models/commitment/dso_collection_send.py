"""The holds on the customer's word: automatic sending never emails a
customer while what it said waits (a pending answer, a reply not handled,
an open promise, a running payment plan on the action's items)."""

from odoo import models


class DsoCollectionSend(models.AbstractModel):
    _inherit = "dso.collection.send"
