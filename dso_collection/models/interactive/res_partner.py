"""The customer's side of interactive emails: its answers waiting for the
collector, its replies by email (a "Customer reply" activity that holds
automatic emails until handled), when it was last thanked."""

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_feedback_ids = fields.One2many(
        "dso.item.feedback", "partner_id", string="Customer answers"
    )
    dso_feedback_pending_count = fields.Integer(
        string="Answers to validate", compute="_compute_dso_feedback_pending_count"
    )
    dso_feedback_activity_id = fields.Many2one(
        "mail.activity",
        string="Answers to validate activity",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The one open activity telling the collector about this "
        "customer's answers: new answers are added to it, deciding the last "
        "pending answer closes it.",
    )

    dso_thanked_date = fields.Date(
        string="Thanked on",
        company_dependent=True,
        copy=False,
        readonly=True,
        help="When the customer was last thanked for paying everything after "
        "a broken promise or plan, or after reminders.",
    )

    def _compute_dso_feedback_pending_count(self):
        groups = self.env["dso.item.feedback"]._read_group(
            [("partner_id", "in", self.ids), ("state", "=", "pending")],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dso_feedback_pending_count = counts.get(partner.id, 0)

    def action_dso_open_feedback(self):
        """The customer's answers (pending first)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_collection.dso_item_feedback_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_pending": 1}
        return action

    def _message_post_after_hook(self, message, msg_vals):
        """A customer's reply to a collection email (routed to its chatter
        by Odoo's mail gateway) is announced to the collector."""
        result = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "email" and message.parent_id:
            self._dso_notify_reply(message)
        return result

    def _dso_notify_reply(self, message):
        """One "Customer replied" activity for the collector of the
        collection email replied to (none while one is open)."""
        # sudo: the mail gateway posts as the customer; the action is only
        # read to find who collects this customer.
        action = (
            self.env["dso.collection.action"]
            .sudo()
            .search([("message_id", "=", message.parent_id.id)], limit=1)
        )
        if not action:
            return
        collector = (
            action.user_id
            or action.partner_id.with_company(action.company_id).dso_collector_id
        )
        if not collector or message.author_id == collector.partner_id:
            return
        activity_type = self.env.ref(
            "dso_collection.mail_activity_type_dso_customer_reply"
        )
        # sudo: the gateway posts as the customer, who may not schedule
        # activities; this one is for the collector of its own email.
        for partner in self.sudo():
            if partner.activity_ids.filtered(
                lambda a, c=collector: (
                    a.user_id == c and a.activity_type_id == activity_type
                )
            ):
                continue
            partner.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._("Customer replied"),
                note=self.env._(
                    "%(author)s replied to “%(subject)s”: read the reply in the "
                    "customer's chatter. Automatic emails to the customer wait "
                    "until this activity is done.",
                    author=message.author_id.display_name or message.email_from,
                    subject=message.parent_id.subject or action.name,
                ),
                user_id=collector.id,
            )
