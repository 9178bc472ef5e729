"""The hashtags as fields of the action: what Odoo's rendering reads.

Each hashtag ``#name`` is a non-stored field ``hashtag_<name>`` (Char for a
value, Html for an item table, the logo or the signature, with a Char twin
``hashtag_<name>_text`` for subjects and SMS), computed for all the actions
being rendered at once: their items are read once (``dso_open_item_ids``),
then ``dso.hashtag._hashtag_<name>`` gives each value in the customer's
language and the items' currency. Templates write
``<t t-out="object.hashtag_amount_due"/>`` or ``{{ object.hashtag_amount_due }}``;
``mail_allowed_qweb_expressions`` lets collectors who are not template
editors write and render them (Odoo then renders without evaluating code).
"""

from odoo import api, fields, models

# What the hashtags read on the action: a change invalidates them. The
# items' amounts change elsewhere: sending invalidates the hashtags first.
HASHTAG_DEPENDS = (
    "partner_id",
    "partner_id.name",
    "partner_id.lang",
    "partner_id.child_ids",
    "company_id",
    "user_id",
    "user_id.signature",
    "action_type",
    "line_ids",
)


def _value(name):
    """A hashtag whose value is text."""
    return fields.Char(
        string=f"#{name}",
        compute=lambda self: self._dso_compute_hashtag(name),
        depends=HASHTAG_DEPENDS,
    )


def _html(name):
    """A hashtag whose value is HTML (its twin ``_text(name)`` is text)."""
    return fields.Html(
        string=f"#{name}",
        sanitize=False,
        compute=lambda self: self._dso_compute_hashtag(name, "html"),
        depends=HASHTAG_DEPENDS,
    )


def _text(name):
    return fields.Char(
        string=f"#{name} (text)",
        compute=lambda self: self._dso_compute_hashtag(name, "text"),
        depends=HASHTAG_DEPENDS,
    )


class DsoCollectionAction(models.Model):
    _inherit = "dso.collection.action"

    dso_open_item_ids = fields.Many2many(
        "account.move.line",
        string="Open items of the customer",
        compute="_compute_dso_open_item_ids",
        help="The customer's open items, oldest due first, as the hashtags read them.",
    )
    dso_email_from = fields.Char(
        string="Sender",
        compute="_compute_dso_email_from",
        help="Who collection emails come from: the collector, else the company.",
    )

    hashtag_customer_name = _value("customer_name")
    hashtag_contact_name = _value("contact_name")
    hashtag_collector_name = _value("collector_name")
    hashtag_collector_signature = _html("collector_signature")
    hashtag_collector_signature_text = _text("collector_signature")
    hashtag_company_logo = _html("company_logo")
    hashtag_company_logo_text = _text("company_logo")
    hashtag_amount_due = _value("amount_due")
    hashtag_amount_overdue = _value("amount_overdue")
    hashtag_amount_not_due = _value("amount_not_due")
    hashtag_oldest_due_date = _value("oldest_due_date")
    hashtag_days_overdue = _value("days_overdue")
    hashtag_items_overdue_intro = _value("items_overdue_intro")
    hashtag_items_unpaid_intro = _value("items_unpaid_intro")
    hashtag_items_list = _html("items_list")
    hashtag_items_list_text = _text("items_list")
    hashtag_items_list_overdue = _html("items_list_overdue")
    hashtag_items_list_overdue_text = _text("items_list_overdue")
    hashtag_items_list_not_due = _html("items_list_not_due")
    hashtag_items_list_not_due_text = _text("items_list_not_due")
    hashtag_items_list_selected = _html("items_list_selected")
    hashtag_items_list_selected_text = _text("items_list_selected")
    hashtag_items_amount_selected = _value("items_amount_selected")
    hashtag_items_amount_selected_overdue = _value("items_amount_selected_overdue")
    hashtag_items_amount_selected_late_penalties = _value(
        "items_amount_selected_late_penalties"
    )
    hashtag_items_amount_selected_include_late_penalties = _value(
        "items_amount_selected_include_late_penalties"
    )
    hashtag_late_penalties = _value("late_penalties")
    hashtag_recovery_cost = _value("recovery_cost")
    hashtag_legal_mentions = _html("legal_mentions")
    hashtag_legal_mentions_text = _text("legal_mentions")
    hashtag_interactive_link = _html("interactive_link")
    hashtag_interactive_link_text = _text("interactive_link")

    @api.depends("partner_id", "company_id")
    def _compute_dso_open_item_ids(self):
        items = self.env["dso.hashtag"]._read_items(self)
        for action in self:
            action.dso_open_item_ids = items[action.id]

    @api.depends("user_id.email_formatted", "company_id.email_formatted")
    def _compute_dso_email_from(self):
        for action in self:
            action.dso_email_from = (
                action.user_id.email_formatted or action.company_id.email_formatted
            )

    def _dso_compute_hashtag(self, name, fmt=None):
        """Compute the field of hashtag ``name`` (``fmt`` "html" or "text"
        for the hashtags that have both, None for a value) by its method
        ``dso.hashtag._hashtag_<name>``, in each customer's language."""
        field_name = f"hashtag_{name}_text" if fmt == "text" else f"hashtag_{name}"
        Hashtag = self.env["dso.hashtag"]
        for action in self:
            if not action.partner_id:
                action[field_name] = False
                continue
            localized = Hashtag.with_context(lang=Hashtag._lang(action))
            action[field_name] = getattr(localized, f"_hashtag_{name}")(
                action, fmt or "text", action.dso_open_item_ids
            )

    def _dso_invalidate_hashtags(self):
        """Forget the hashtags' values: the items may have changed since
        (a payment, a status): they are read again when next rendered."""
        self.invalidate_recordset(
            [name for name in self._fields if name.startswith("hashtag_")]
            + ["dso_open_item_ids"]
        )

    @api.model
    def mail_allowed_qweb_expressions(self):
        """Every hashtag field and the few plain paths the shipped templates
        use: a collection template made of these is rendered without
        evaluating code, so collectors who are not template editors may
        write it."""
        return (
            *super().mail_allowed_qweb_expressions(),
            *(f"object.{name}" for name in self._fields if name.startswith("hashtag_")),
            *self._dso_allowed_template_paths(),
        )

    @api.model
    def _dso_allowed_template_paths(self):
        return (
            "object.partner_id.lang",
            "object.company_id.name",
            "object.dso_email_from",
        )
