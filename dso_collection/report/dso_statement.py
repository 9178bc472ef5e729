"""The customer's statement of account: open items, not due and overdue by
age band, credits, total; in the customer's language.

One statement per customer (its commercial partner) and company: the
company of ``data["company_id"]``, else the current company; dated
``data["date"]``, else today. The bands and totals are computed by
``lib/statement.py``; the page uses the letters' layout (letterhead and
footer, ``report/dso_collection_letter_report.xml``). Letters of an action
with ``attach_statement`` print it as their second page
(``report/dso_collection_letter.py``), emails attach it
(``models/sending/dso_collection_send.py``).
"""

from odoo import api, fields, models

from ..lib import statement as statement_lib

STATEMENT_REPORT = "dso_collection.action_report_dso_statement"


class ReportDsoStatement(models.AbstractModel):
    _name = "report.dso_collection.report_dso_statement"
    _description = "Statement of account"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        company = self._dso_company(data)
        today = self._dso_date(data)
        partners = self.env["res.partner"].browse(docids)
        Letter = self.env["report.dso_collection.report_dso_collection_letter"]
        layout = Letter._dso_layout_values()
        return {
            **layout,
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "letterheads": {
                partner.id: Letter.with_context(
                    lang=partner.lang or self.env.lang
                )._dso_letterhead(company)
                for partner in partners
            },
            "statements": {
                partner.id: self._dso_in_lang_of(partner)._dso_statement(
                    partner, company, today
                )
                for partner in partners
            },
        }

    @api.model
    def _dso_company(self, data):
        company_id = (data or {}).get("company_id")
        return (
            self.env["res.company"].browse(company_id)
            if company_id
            else (self.env.company)
        )

    @api.model
    def _dso_date(self, data):
        date = (data or {}).get("date")
        return fields.Date.to_date(date) if date else fields.Date.context_today(self)

    @api.model
    def _dso_in_lang_of(self, partner):
        """This model in the language of ``partner``: the customer's."""
        return self.with_context(lang=partner.lang or self.env.lang)

    @api.model
    def _dso_statement_filename(self, customer, extension="pdf"):
        """The file name of the statement of ``customer``, in this model's
        language."""
        name = self.env._(
            "Statement - %(customer)s", customer=customer.commercial_partner_id.name
        )
        return f"{name.replace('/', '_')}.{extension}"

    # ------------------------------------------------------------------
    # The statement's content
    # ------------------------------------------------------------------

    @api.model
    def _dso_statement_domain(self, customer, company):
        """The open receivable items of ``customer`` (a commercial partner)
        in ``company``: all of them, excluded or not."""
        return [
            *self.env["account.move.line"]._dso_open_domain(),
            ("company_id", "=", company.id),
            ("partner_id", "child_of", customer.id),
        ]

    @api.model
    def _dso_band_labels(self):
        """The titles of the age bands, in this model's language."""
        return {
            "not_due": self.env._("Not due"),
            "1_30": self.env._("Overdue 1 to 30 days"),
            "31_60": self.env._("Overdue 31 to 60 days"),
            "61_90": self.env._("Overdue 61 to 90 days"),
            "over_90": self.env._("Overdue more than 90 days"),
        }

    @api.model
    def _dso_statement(self, partner, company, today):
        """What the statement of ``partner`` in ``company`` on ``today``
        prints: the customer's name and address, its open items by age
        band (each with its subtotal), its credits (open credit notes and
        unmatched payments) and the total due, in the company's currency.
        """
        customer = partner.commercial_partner_id
        lines = self.env["account.move.line"].search(
            self._dso_statement_domain(customer, company),
            order="date_maturity, date, move_name, id",
        )
        currency = company.currency_id
        aged = statement_lib.age_items(
            [
                statement_lib.StatementItem(
                    key=line.id,
                    due=line.date_maturity or line.date,
                    residual=line.amount_residual,
                )
                for line in lines
            ],
            today,
            digits=currency.decimal_places,
        )
        by_id = {line.id: line for line in lines}

        def row(item):
            line = by_id[item.key]
            return {
                "line": line,
                "number": line.move_id.name or line.name or "",
                "reference": line.move_id.ref or "",
                "date": line.move_id.invoice_date or line.date,
                "due": item.due,
                "days_overdue": aged.days_overdue[item.key],
                "original": line.balance,
                "residual": item.residual,
            }

        labels = self._dso_band_labels()
        Letter = self.env["report.dso_collection.report_dso_collection_letter"]
        return {
            "customer": customer,
            "company": company,
            "date": today,
            "currency": currency,
            "recipient": [customer.name or "", *Letter._dso_address_lines(customer)],
            "bands": [
                {
                    "key": band.key,
                    "label": labels[band.key],
                    "rows": [row(item) for item in band.items],
                    "total": band.total,
                }
                for band in aged.bands.values()
            ],
            "credits": [row(item) for item in aged.credits],
            "credits_total": aged.credits_total,
            "overdue_total": aged.overdue_total,
            "total": aged.total,
        }
