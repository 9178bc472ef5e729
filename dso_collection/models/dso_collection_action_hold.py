"""Why the automatic sending holds an action back (the reconciliation guard,
``dso_collection_send_guard.py``)."""

from odoo import fields, models


class DsoCollectionAction(models.Model):
    _inherit = "dso.collection.action"  # pylint: disable=consider-merging-classes-inherited

    dso_hold_reason = fields.Text(
        string="Held",
        readonly=True,
        translate=True,
        copy=False,
        help="Why the automatic sending holds this action back: the customer has "
        "an unmatched payment or an open credit note, or the company's bank "
        "statements are too old. A later run sends it once the reason is gone; "
        "the collector may send it by hand at any time.",
    )
