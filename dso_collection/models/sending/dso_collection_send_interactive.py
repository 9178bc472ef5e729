"""Interactive emails: the link the email carries.

Before an interactive email (or an internal one, to a colleague) is
rendered, its ``dso.interactive.request`` is created (or the one of its
preview reused), so that ``#interactive_link`` renders the request's
address; once the email is queued the link starts to work for the number
of days set on the company. A customer whose "Interactive emails" switch is
off gets the same email without a link, and the action says so.
"""

from odoo import api, models


class DsoCollectionSend(models.AbstractModel):
    _inherit = "dso.collection.send"

    @api.model
    def _dso_request_audience(self, action):
        """ "customer", "colleague", or None when the action carries no link
        (not an interactive type, or the customer's switch is off)."""
        if action.action_type == "internal_email":
            return "colleague"
        if action.action_type == "interactive_email":
            if action.partner_id.dso_interactive_email:
                return "customer"
        return None

    @api.model
    def _dso_prepare_requests(self, actions):
        """The request of each interactive action not yet sent (created once,
        reused by the preview and the sending)."""
        Request = self.env["dso.interactive.request"]
        vals_list = []
        for action in actions:
            audience = self._dso_request_audience(action)
            if not audience or action._dso_interactive_request():
                continue
            user = None
            if audience == "colleague":
                users = self._dso_colleagues(action)
                if not users:
                    continue
                user = users[:1]
            vals_list.append(Request._dso_prepare_vals(action, audience, user))
        # sudo: collectors create the requests of their own actions; the
        # model gives them read access only (answers are not theirs to edit).
        requests = Request.sudo().create(vals_list)
        if requests:
            requests._portal_ensure_token()
            actions.invalidate_recordset(["dso_interactive_request_ids"])
            actions._dso_invalidate_hashtags()
        return requests

    @api.model
    def _dso_colleagues(self, action):
        """The internal users an internal email asks."""
        return (
            action.line_ids.dso_resolution_user_id | action.partner_id.user_id
        ).filtered(lambda user: user._is_internal())

    @api.model
    def _dso_interactive_emails_sent(self, actions):
        """After ``_send_email``: the answer pages of these emails are sent;
        an interactive email sent without its link (interactive emails off
        for the customer) says so on the action."""
        # sudo: see _dso_prepare_requests.
        requests = actions.sudo().dso_interactive_request_ids.filtered(
            lambda request: request.state == "draft"
        )
        requests._dso_mark_sent()
        plain = actions.filtered(
            lambda action: (
                action.action_type == "interactive_email"
                and not action.partner_id.dso_interactive_email
            )
        )
        for action in plain:
            action.message_post(
                body=self.env._(
                    "Sent as a plain email, without the answer link: interactive "
                    "emails are off for %(customer)s (customer sheet, Collection "
                    "tab).",
                    customer=action.partner_id.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
