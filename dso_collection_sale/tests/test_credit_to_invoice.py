"""Orders to invoice of the customers' risk: the figure of Odoo's Sales, in
the company currency, in a fixed number of queries."""

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.dso_collection.models.risk.dso_customer_risk import (
    DsoCustomerRisk as BaseRisk,
)

TODAY = "2024-03-15"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditToInvoice(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accountant user of the invoicing fixtures manages collection.
        cls.env.user.groups_id |= cls.env.ref("dso_collection.group_dso_manager")
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "account_use_credit_limit": True,
                "dso_minimum_amount": 0.0,
                "dso_ignore_below": 0.0,
            }
        )
        cls.Risk = cls.env["dso.customer.risk"]
        # 1 USD = 2 EUR from 2017 on (the fixtures' rates).
        cls.eur = cls.setup_other_currency("EUR")
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {
                "name": "EUR",
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Consulting",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 250.0,
                "taxes_id": [Command.set(cls.tax_sale_a.ids)],  # 15 %
            }
        )
        cls.customer = cls._customer("Acme Corp")
        # The orders are invoiced to a contact of the customer.
        cls.accounting = cls.env["res.partner"].create(
            {"name": "Acme Accounting", "parent_id": cls.customer.id, "type": "invoice"}
        )
        cls.other = cls._customer("Other Corp")

    @classmethod
    def _customer(cls, name):
        return cls.env["res.partner"].create({"name": name, "is_company": True})

    @classmethod
    def _order(cls, partner, quantity=4, price=250.0, pricelist=None, confirm=True):
        """An order of ``quantity`` x ``price`` + 15 % tax (1 150.00 by
        default), invoiced to ``partner``, confirmed unless told."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.commercial_partner_id.id,
                "partner_invoice_id": partner.id,
                "company_id": cls.company.id,
                "pricelist_id": (pricelist or cls.env["product.pricelist"]).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                        }
                    )
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _to_invoice(self, partners):
        return self.Risk._dso_credit_to_invoice(self.company, partners.ids)

    def _odoo_to_invoice(self, partner):
        """What Odoo's Sales computes for the partner's credit limit warning."""
        partner.invalidate_recordset(["credit_to_invoice"])
        return partner.with_company(self.company).credit_to_invoice

    def test_confirmed_order_as_sale_computes_it(self):
        order = self._order(self.accounting)
        self.assertAlmostEqual(order.amount_total, 1150.0)
        self.assertEqual(self._to_invoice(self.customer), {self.customer.id: 1150.0})
        self.assertAlmostEqual(self._odoo_to_invoice(self.customer), 1150.0)

    def test_partly_invoiced(self):
        order = self._order(self.accounting)
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 1
        self.assertEqual(
            self._to_invoice(self.customer),
            {self.customer.id: 1150.0},
            "a draft invoice does not lower the orders to invoice",
        )
        invoice.action_post()
        self.assertAlmostEqual(invoice.amount_total, 287.5)
        self.assertEqual(self._to_invoice(self.customer), {self.customer.id: 862.5})
        self.assertAlmostEqual(self._odoo_to_invoice(self.customer), 862.5)
        order._create_invoices().action_post()
        self.assertEqual(
            self._to_invoice(self.customer), {}, "an order fully invoiced is left out"
        )

    def test_quotations_and_other_customers_left_out(self):
        self._order(self.accounting, confirm=False)
        self._order(self.other, quantity=2)
        self.assertEqual(self._to_invoice(self.customer), {})
        self.assertEqual(self._to_invoice(self.other), {self.other.id: 575.0})
        self.assertEqual(
            self._to_invoice(self.customer | self.other), {self.other.id: 575.0}
        )
        self.assertEqual(self.Risk._dso_credit_to_invoice(self.company, []), {})

    def test_user_without_sales_rights(self):
        """The figure is the company's: a user who cannot read sale orders
        gets it too."""
        self._order(self.accounting)
        user = new_test_user(
            self.env,
            login="dso_sale_nobody",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertFalse(self.env["sale.order"].with_user(user).has_access("read"))
        self.assertEqual(
            self.Risk.with_user(user)._dso_credit_to_invoice(
                self.company, self.customer.ids
            ),
            {self.customer.id: 1150.0},
        )

    def test_cancelled_order_left_out(self):
        order = self._order(self.accounting)
        order._action_cancel()
        self.assertEqual(self._to_invoice(self.customer), {})

    def test_other_company_left_out(self):
        other_company = self.setup_other_company()["company"]
        self.env["sale.order"].with_company(other_company).create(
            {
                "partner_id": self.customer.id,
                "company_id": other_company.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": 100.0,
                            "tax_id": False,
                        }
                    )
                ],
            }
        ).action_confirm()
        self.assertEqual(self._to_invoice(self.customer), {})
        self.assertEqual(
            self.Risk._dso_credit_to_invoice(other_company, self.customer.ids),
            {self.customer.id: 100.0},
        )

    def test_foreign_currency_converted(self):
        self._order(self.accounting)
        order = self._order(self.customer, pricelist=self.eur_pricelist)
        self.assertEqual(order.currency_id, self.eur)
        self.assertAlmostEqual(order.amount_to_invoice, 1150.0)
        # 1 150 EUR at 2 EUR for 1 USD: 575 USD.
        self.assertEqual(self._to_invoice(self.customer), {self.customer.id: 1725.0})
        self.assertAlmostEqual(self._odoo_to_invoice(self.customer), 1725.0)

    def test_merged_with_super(self):
        """What another module counts is added, not replaced."""
        self._order(self.accounting)
        self.patch(
            BaseRisk,
            "_dso_credit_to_invoice",
            lambda risk, company, partner_ids: {
                self.customer.id: 100.0,
                self.other.id: 5.0,
            },
        )
        self.assertEqual(
            self._to_invoice(self.customer),
            {self.customer.id: 1250.0, self.other.id: 5.0},
        )

    def test_refresh_credit_used(self):
        customer = self.customer.with_company(self.company)
        customer.credit_limit = 5000.0
        order = self._order(self.accounting)
        self._order(self.customer, pricelist=self.eur_pricelist)
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 1
        invoice.action_post()
        today = fields.Date.today()
        self.Risk._dso_refresh(self.company, today, [self.customer.id])
        customer.invalidate_recordset()
        self.assertAlmostEqual(customer.dso_balance, 287.5)
        # 862.50 left of the first order, 575.00 of the EUR one.
        self.assertAlmostEqual(customer.dso_credit_to_invoice, 1437.5)
        self.assertAlmostEqual(self._odoo_to_invoice(customer), 1437.5)
        self.assertAlmostEqual(customer.dso_credit_used, 287.5 + 1437.5)
        # 34.5 %, shown without decimals.
        self.assertEqual(customer.dso_credit_share, 35.0)
        risk = self.Risk.search(
            [("company_id", "=", self.company.id), ("partner_id", "=", customer.id)]
        )
        self.assertAlmostEqual(risk.credit_to_invoice, 1437.5)
        self.assertAlmostEqual(risk.limit_share, 100.0 * 1725.0 / 5000.0)

    def test_fixed_query_count(self):
        """As many queries for 20 customers as for 2."""
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {index}", "is_company": True} for index in range(20)]
        )
        contacts = self.env["res.partner"].create(
            [
                {
                    "name": f"Invoicing {index}",
                    "parent_id": customer.id,
                    "type": "invoice",
                }
                for index, customer in enumerate(customers)
            ]
        )
        for index, contact in enumerate(contacts):
            self._order(contact, quantity=index + 1, price=100.0)
            if index % 2:
                self._order(contact.parent_id, quantity=1, price=100.0)
        eur_orders = self._order(
            customers[0], pricelist=self.eur_pricelist
        ) | self._order(customers[10], pricelist=self.eur_pricelist)
        self.assertEqual(len(eur_orders), 2)

        def count(partners):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            result = self._to_invoice(partners)
            return self.env.cr.sql_log_count - before, result

        count(customers)  # warm the caches (registry, ormcache)
        few, few_result = count(customers[:1] | customers[10])
        many, many_result = count(customers)
        self.assertEqual(len(few_result), 2)
        self.assertEqual(len(many_result), 20)
        self.assertEqual(few, many, "a query per customer")
        self.assertAlmostEqual(few_result[customers[0].id], 115.0 + 575.0)
        # 20 x 100 + 15 %, and an order of 1 x 100 + 15 % to itself.
        self.assertAlmostEqual(many_result[customers[19].id], 2415.0)
