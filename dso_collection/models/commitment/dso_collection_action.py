"""The commitments' part of the action: the instalment a payment plan's
reminder is for, and its hashtags (#installment_amount, #installment_date,
#plan_schedule, whose values are ``dso.hashtag._hashtag_<name>``)."""

from odoo import fields, models

from ..hashtag.dso_collection_action import HASHTAG_DEPENDS

# The instalment hashtags read the instalment and its plan too.
INSTALLMENT_DEPENDS = (
    *HASHTAG_DEPENDS,
    "installment_id",
    "installment_id.amount",
    "installment_id.amount_paid",
    "installment_id.date",
    "installment_id.plan_id.installment_ids.state",
)


def _installment_hashtag(name, fmt=None):
    """A hashtag field of the instalment (``fmt``: "html" or "text" for
    the twins of an HTML hashtag)."""
    if fmt == "html":
        return fields.Html(
            string=f"#{name}",
            sanitize=False,
            compute=lambda self: self._dso_compute_hashtag(name, "html"),
            depends=INSTALLMENT_DEPENDS,
        )
    return fields.Char(
        string=f"#{name} (text)" if fmt == "text" else f"#{name}",
        compute=lambda self: self._dso_compute_hashtag(name, fmt),
        depends=INSTALLMENT_DEPENDS,
    )


class DsoCollectionAction(models.Model):
    _inherit = "dso.collection.action"

    installment_id = fields.Many2one(
        "dso.payment.plan.installment",
        string="Instalment",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
    )
    plan_id = fields.Many2one(
        related="installment_id.plan_id", string="Payment plan", store=True
    )
    hashtag_installment_amount = _installment_hashtag("installment_amount")
    hashtag_installment_date = _installment_hashtag("installment_date")
    hashtag_plan_schedule = _installment_hashtag("plan_schedule", "html")
    hashtag_plan_schedule_text = _installment_hashtag("plan_schedule", "text")
