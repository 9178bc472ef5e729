from datetime import date, timedelta
from urllib.parse import unquote

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import BaseCase, new_test_user, tagged

from ..lib import statement as statement_lib
from .common import DsoCollectionCommon, DsoCollectionHttpCommon

STATEMENT_REPORT = "dso_collection.action_report_dso_statement"
TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestStatementLib(BaseCase):
    """The age bands, credits and total from plain items."""

    def test_bands_credits_and_total(self):
        Item = statement_lib.StatementItem
        items = [
            Item("later", date(2026, 7, 15), 100.0),
            Item("today", TODAY, 200.0),
            Item("d1", date(2026, 6, 29), 10.0),
            Item("d30", date(2026, 5, 31), 30.0),
            Item("d31", date(2026, 5, 30), 31.0),
            Item("d60", date(2026, 5, 1), 60.0),
            Item("d61", date(2026, 4, 30), 61.0),
            Item("d90", date(2026, 4, 1), 90.0),
            Item("d91", date(2026, 3, 31), 91.0),
            Item("credit", date(2026, 1, 1), -42.5),
            Item("credit_later", date(2026, 8, 1), -7.5),
        ]
        aged = statement_lib.age_items(items, TODAY)
        keys = {
            key: [item.key for item in band.items] for key, band in aged.bands.items()
        }
        self.assertEqual(list(keys), ["not_due", "1_30", "31_60", "61_90", "over_90"])
        self.assertEqual(keys["not_due"], ["later", "today"])
        self.assertEqual(keys["1_30"], ["d1", "d30"])
        self.assertEqual(keys["31_60"], ["d31", "d60"])
        self.assertEqual(keys["61_90"], ["d61", "d90"])
        self.assertEqual(keys["over_90"], ["d91"])
        self.assertEqual(aged.bands["not_due"].total, 300.0)
        self.assertEqual(aged.bands["1_30"].total, 40.0)
        self.assertEqual(aged.bands["31_60"].total, 91.0)
        self.assertEqual(aged.bands["61_90"].total, 151.0)
        self.assertEqual(aged.bands["over_90"].total, 91.0)
        # Credits apart, whatever their date.
        self.assertEqual(
            [item.key for item in aged.credits], ["credit", "credit_later"]
        )
        self.assertEqual(aged.credits_total, -50.0)
        self.assertEqual(aged.overdue_total, 373.0)
        self.assertEqual(aged.total, 623.0)
        self.assertEqual(aged.days_overdue["later"], 0)
        self.assertEqual(aged.days_overdue["d91"], 91)

    def test_empty_and_rounding(self):
        aged = statement_lib.age_items([], TODAY)
        self.assertEqual(aged.total, 0.0)
        self.assertTrue(all(not band.items for band in aged.bands.values()))
        aged = statement_lib.age_items(
            [statement_lib.StatementItem(i, TODAY, 0.1) for i in range(3)], TODAY
        )
        self.assertEqual(aged.total, 0.3)
        self.assertEqual(statement_lib.band_of(-5), "not_due")
        self.assertEqual(statement_lib.band_of(1000), "over_90")


class StatementLedgerCommon(DsoCollectionCommon):
    """A hand-computed ledger on 2026-06-30:

    ========  ==========  ======  ===========  =========  ========
    invoice   due         amount  days over    band       open
    ========  ==========  ======  ===========  =========  ========
    A         2026-07-15  100     -            not due    100
    B         2026-06-30  200     0            not due    200
    C         2026-06-20  300     10           1-30       300
    D         2026-05-31  400     30           1-30       400
    E         2026-05-30  500     31           31-60      350 (150 paid)
    F         2026-04-21  600     70           61-90      600
    G         2026-03-01  700     121          over 90    700
    refund    2026-06-10  80                   credit     -80
    payment   2026-06-15  50                   credit     -50
    ========  ==========  ======  ===========  =========  ========

    Bands 300 / 700 / 350 / 600 / 700, credits -130, total due 2 520.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "ap@acme.example"
        cls.invoices = {}
        for key, due_text, amount in (
            ("A", "2026-07-15", 100),
            ("B", "2026-06-30", 200),
            ("C", "2026-06-20", 300),
            ("D", "2026-05-31", 400),
            ("E", "2026-05-30", 500),
            ("F", "2026-04-21", 600),
            ("G", "2026-03-01", 700),
        ):
            due = fields.Date.to_date(due_text)
            cls.invoices[key] = cls._create_invoice(
                cls.customer, amount=amount, due_date=due, invoice_date=due
            )
        cls._pay(cls.invoices["E"], amount=150, date="2026-06-01")
        cls.refund = cls._create_invoice(
            cls.customer, amount=80, due_date="2026-06-10", move_type="out_refund"
        )
        cls.payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.customer.id,
                "amount": 50,
                "date": "2026-06-15",
                "journal_id": cls.company_data["default_journal_bank"].id,
            }
        )
        cls.payment.action_post()
        # Another customer's invoice is never on the statement.
        cls.other = cls._create_customer("Other Ltd")
        cls.other_invoice = cls._create_invoice(
            cls.other, amount=999, due_date="2026-05-01"
        )


@tagged("post_install", "-at_install")
class TestStatement(StatementLedgerCommon):
    def _statement(self, partner=None):
        return self.env["report.dso_collection.report_dso_statement"]._dso_statement(
            partner or self.customer, self.company, TODAY
        )

    def test_figures_of_the_ledger(self):
        self.assertTrue(self.payment.move_id, "the payment has its journal entry")
        statement = self._statement()
        bands = {band["key"]: band for band in statement["bands"]}
        numbers = {
            key: [row["number"] for row in band["rows"]] for key, band in bands.items()
        }
        inv = {key: move.name for key, move in self.invoices.items()}
        self.assertEqual(numbers["not_due"], [inv["B"], inv["A"]])
        self.assertEqual(numbers["1_30"], [inv["D"], inv["C"]])
        self.assertEqual(numbers["31_60"], [inv["E"]])
        self.assertEqual(numbers["61_90"], [inv["F"]])
        self.assertEqual(numbers["over_90"], [inv["G"]])
        self.assertEqual(
            [band["total"] for band in statement["bands"]],
            [300.0, 700.0, 350.0, 600.0, 700.0],
        )
        partial = bands["31_60"]["rows"][0]
        self.assertEqual(partial["original"], 500.0)
        self.assertEqual(partial["residual"], 350.0)
        self.assertEqual(partial["days_overdue"], 31)
        self.assertEqual(bands["over_90"]["rows"][0]["days_overdue"], 121)
        self.assertEqual(bands["not_due"]["rows"][0]["days_overdue"], 0)
        self.assertEqual(
            sorted(row["residual"] for row in statement["credits"]), [-80.0, -50.0]
        )
        self.assertIn(self.refund.name, [row["number"] for row in statement["credits"]])
        self.assertEqual(statement["credits_total"], -130.0)
        self.assertEqual(statement["overdue_total"], 2350.0)
        self.assertEqual(statement["total"], 2520.0)
        all_numbers = [n for ns in numbers.values() for n in ns]
        self.assertNotIn(self.other_invoice.name, all_numbers)

    def test_contact_gets_the_statement_of_its_company(self):
        contact = self._create_contact(self.customer, "Anna Payable")
        self.assertEqual(self._statement(contact)["total"], 2520.0)
        self.assertEqual(self._statement(contact)["customer"], self.customer)

    @freeze_time("2026-06-30")
    def test_rendered_in_english(self):
        html, report_type = self.env["ir.actions.report"]._render_qweb_html(
            STATEMENT_REPORT, self.customer.ids, data={"company_id": self.company.id}
        )
        html = html.decode()
        self.assertEqual(report_type, "html")
        self.assertIn("Statement of account", html)
        self.assertIn("Overdue 31 to 60 days", html)
        self.assertIn(self.invoices["G"].name, html)
        self.assertIn("350.00", html)
        self.assertIn("2,520.00", html)
        self.assertIn("06/30/2026", html)
        self.assertNotIn(self.other_invoice.name, html)

    @freeze_time("2026-06-30")
    def test_rendered_in_french_for_a_french_customer(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_collection"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                STATEMENT_REPORT,
                self.customer.ids,
                data={"company_id": self.company.id},
            )[0]
            .decode()
        )
        # Dates and amounts as the French write them, band titles translated.
        self.assertIn("30/06/2026", html)
        self.assertNotIn("06/30/2026", html)
        self.assertIn("350,00", html)
        self.assertIn("-130,00", html.replace("\ufeff", ""))
        self.assertIn('data-oe-lang="fr_FR"', html)
        self.assertIn(self.invoices["G"].name, html)

    def test_report_action(self):
        report = self.env.ref(STATEMENT_REPORT)
        self.assertEqual(report.model, "res.partner")
        self.assertEqual(report.report_type, "qweb-pdf")
        name = self.env[
            "report.dso_collection.report_dso_statement"
        ]._dso_statement_filename(self.customer)
        self.assertEqual(name, "Statement - Acme Corp.pdf")


@tagged("post_install", "-at_install")
class TestStatementPortal(DsoCollectionHttpCommon):
    """The statement downloaded from the answer page (token) and /my."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.customer.write({"email": "ap@acme.example", "lang": "en_US"})
        cls.customer.with_company(cls.company).dso_interactive_email = True
        cls.line = cls._create_item(cls.customer, 1000, today - timedelta(days=20))
        cls.other = cls._create_customer("Other Secret Ltd")
        cls.other_line = cls._create_item(cls.other, 777, today - timedelta(days=20))
        action = cls.env["dso.collection.action"].create(
            {
                "name": "Interactive reminder",
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "is_specific": True,
                "action_type": "interactive_email",
                "mail_template_id": cls.env.ref(
                    "dso_collection.mail_template_dso_interactive_reminder"
                ).id,
                "line_ids": [Command.set(cls.line.ids)],
            }
        )
        cls.env["dso.collection.send"]._send_now(action)
        cls.request = action._dso_interactive_request()

    def _assert_statement(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            response.headers["Content-Type"].split(";")[0],
            ("application/pdf", "text/html"),
        )
        self.assertIn(
            "Statement - Acme Corp", unquote(response.headers["Content-Disposition"])
        )
        if response.headers["Content-Type"].startswith("text/html"):
            self.assertIn(self.line.move_id.name, response.text)
            self.assertNotIn(self.other_line.move_id.name, response.text)

    def test_download_with_the_token(self):
        page = self.url_open(
            f"{self.request.access_url}?access_token={self.request.access_token}"
        )
        self.assertEqual(page.status_code, 200)
        token = self.request.access_token
        url = f"{self.request.access_url}/statement?access_token={token}"
        self.assertIn(url, page.text.replace("&amp;", "&"))
        self.assertIn("Download my statement", page.text)
        self._assert_statement(self.url_open(url))
        self._assert_statement(
            self.url_open(
                f"/collection/{self.request.id}/statement"
                f"?access_token={self.request.access_token}"
            )
        )

    def test_wrong_or_missing_token(self):
        for token in ("wrong", ""):
            with self.subTest(token=token):
                response = self.url_open(
                    f"{self.request.access_url}/statement?access_token={token}"
                )
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(self.line.move_id.name, response.text)
        response = self.url_open(f"/collection/{self.request.id + 1000}/statement")
        self.assertIn(response.status_code, (403, 404))

    def test_portal_user_under_my(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Paula Portal",
                "parent_id": self.customer.id,
                "email": "p@acme.example",
            }
        )
        user = new_test_user(
            self.env,
            login="paula_statement",
            groups="base.group_portal",
            partner_id=contact.id,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.authenticate(user.login, user.login)
        page = self.url_open("/my/collection")
        self.assertEqual(page.status_code, 200)
        self.assertIn("/my/collection/statement", page.text)
        self._assert_statement(self.url_open("/my/collection/statement"))

    def test_internal_user_has_no_statement_under_my(self):
        self.authenticate(self.collector.login, self.collector.login)
        response = self.url_open("/my/collection/statement")
        self.assertEqual(response.status_code, 404)
