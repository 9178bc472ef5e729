"""Orders to invoice of a customer's risk, from the confirmed sale orders."""

from collections import defaultdict

from odoo import api, fields, models


class DsoCustomerRisk(models.Model):
    _inherit = "dso.customer.risk"

    @api.model
    def _dso_credit_to_invoice(self, company, partner_ids):
        """What these customers (commercial partner ids) have ordered and not
        been invoiced yet, in the company currency: ``{partner id: amount}``.

        The figure of ``sale``'s ``res.partner.credit_to_invoice``: the
        confirmed orders of ``company`` whose invoice address belongs to the
        customer, with lines left to invoice, their ``amount_to_invoice``
        converted to the company currency at today's rate (per invoice
        address and currency, as ``sale`` does). Unlike ``sale``, whether the
        company uses credit limits is not asked here: ``dso_collection``
        decides whether a limit applies.

        One search for all the customers. The orders are read as superuser:
        whoever refreshes the risk (a collector, the credit manager) may have
        no Sales rights, or see only their own orders, and the figure is the
        company's, not the user's; hence the search restricted to
        ``company`` by hand.
        """
        result = dict(super()._dso_credit_to_invoice(company, partner_ids))
        if not partner_ids:
            return result
        orders = (
            self.env["sale.order"]
            .sudo()
            .with_company(company)
            .search(
                [
                    ("company_id", "=", company.id),
                    (
                        "partner_invoice_id",
                        "any",
                        [("commercial_partner_id", "in", list(partner_ids))],
                    ),
                    ("order_line", "any", [("untaxed_amount_to_invoice", ">", 0)]),
                    ("state", "=", "sale"),
                ]
            )
        )
        today = fields.Date.context_today(self)
        amounts = defaultdict(float)
        for (invoice_partner, currency), group in orders.grouped(
            lambda order: (order.partner_invoice_id, order.currency_id)
        ).items():
            amounts[invoice_partner.commercial_partner_id.id] += currency._convert(
                sum(group.mapped("amount_to_invoice")),
                company.currency_id,
                company,
                today,
            )
        for partner_id, amount in amounts.items():
            result[partner_id] = result.get(partner_id, 0.0) + amount
        return result
