"""What the answer page shows: the values the portal controller renders,
the logged-in customer's own request, the Pay now links."""

from odoo import api, fields, models


class DsoInteractiveRequest(models.Model):
    _inherit = "dso.interactive.request"  # pylint: disable=consider-merging-classes-inherited

    def _dso_portal_values(self, user):
        """Values of the page: the items as they are now, each with its
        invoice PDF, its pending answer and (for colleagues) its history."""
        self.ensure_one()
        lines = self._dso_portal_lines()
        pending = self._dso_pending_feedback()
        feedback = self.env["dso.item.feedback"]
        can_pay = self._dso_can_pay(lines)
        items = []
        for line in lines:
            move = line.move_id
            move._portal_ensure_token()
            items.append(
                {
                    "line": line,
                    "move": move,
                    "pdf_url": move.get_portal_url(report_type="pdf", download=True),
                    "pay_url": move.get_portal_url()
                    if can_pay and move.amount_residual > 0
                    else False,
                    "pending": pending.get(line.id),
                    "history": line.dso_status_history_ids[:5]
                    if self.audience == "colleague"
                    else False,
                }
            )
        return {
            "dso_request": self,
            "items": items,
            "kinds": feedback._fields["kind"]._description_selection(self.env),
            "reasons": feedback._fields["dispute_reason"]._description_selection(
                self.env
            ),
            "today": fields.Date.context_today(self),
            "is_colleague": self.audience == "colleague",
        }

    def _dso_received_feedback(self, received):
        """The answers just recorded (ids in the confirmation URL), only
        those of this request."""
        self.ensure_one()
        ids = [int(i) for i in (received or "").split(",") if i.strip().isdigit()]
        if not ids:
            return self.env["dso.item.feedback"]
        return self.feedback_ids.filtered(lambda feedback: feedback.id in ids)

    def _dso_can_pay(self, lines):
        """Whether Odoo's payment form can take a payment of these items: a
        payment provider is enabled for the company and the customer."""
        self.ensure_one()
        if "payment.provider" not in self.env or not lines:
            return False
        # sudo: providers are configuration the visitor cannot read; only
        # whether one is usable is asked.
        providers = (
            self.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                self.company_id.id,
                self.partner_id.id,
                sum(lines.mapped("amount_residual")),
                currency_id=self.company_id.currency_id.id,
            )
        )
        return bool(providers)

    @api.model
    def _dso_portal_request(self, partner):
        """The request behind /my/collection for a logged-in contact of a
        customer: one per customer and company with open items, reused."""
        customer = partner.commercial_partner_id
        company = self.env.company
        # sudo: portal users cannot read requests; this is their own
        # customer's, found by the partner of the logged-in user.
        Request = self.sudo()
        request = Request.search(
            [
                ("partner_id", "=", customer.id),
                ("company_id", "=", company.id),
                ("action_id", "=", False),
                ("audience", "=", "customer"),
                ("state", "in", ("sent", "answered")),
            ],
            limit=1,
        )
        if not request:
            request = Request.create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "audience": "customer",
                    "collector_id": customer.dso_collector_id.id,
                }
            )
        request._dso_mark_sent()
        return request

    @api.model
    def _dso_portal_overdue_count(self, partner):
        """The counter of the portal home: overdue items of the customer."""
        Line = self.env["account.move.line"]
        # sudo: portal users cannot read journal items; only the number of
        # their own customer's overdue items is counted.
        return Line.sudo().search_count(
            [
                *Line._dso_overdue_domain(fields.Date.context_today(self)),
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
            ]
        )
