"""The customer's statement of account, downloaded from the answer page and
/my/collection. Thin: the answer page's token check, then the report."""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import content_disposition, request

from .portal import DsoCollectionPortal

STATEMENT_REPORT = "dso_collection.action_report_dso_statement"


class DsoStatementPortal(DsoCollectionPortal):
    @http.route(
        [
            "/my/collection/request/<int:request_id>/statement",
            "/collection/<int:request_id>/statement",
        ],
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def dso_request_statement(self, request_id, access_token=None, **kw):
        """The statement of the customer of an answer page (its token)."""
        request_sudo, error = self._dso_request_or_error(request_id, access_token)
        if error:
            return error
        return self._dso_statement_response(
            request_sudo.partner_id, request_sudo.company_id
        )

    @http.route(
        "/my/collection/statement",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def dso_my_statement(self, **kw):
        """The statement of the logged-in customer, for the company of its
        collection page."""
        request_sudo = self._dso_my_request()
        if not request_sudo:
            raise NotFound()
        return self._dso_statement_response(
            request.env.user.partner_id, request_sudo.company_id
        )

    def _dso_statement_response(self, partner, company):
        """The statement of ``partner``'s commercial partner in ``company``,
        in the customer's language, as a PDF to download."""
        customer = partner.commercial_partner_id
        lang = customer.lang or partner.lang or request.env.lang
        # sudo: the customer is the one of the checked token (or the
        # logged-in customer itself); the statement reads only its open items
        # of that company (report/dso_statement.py, _dso_statement_domain).
        Report = request.env["ir.actions.report"].sudo().with_context(lang=lang)
        content, report_type = Report.with_company(company)._render_qweb_pdf(
            STATEMENT_REPORT, customer.ids, data={"company_id": company.id}
        )
        extension = "pdf" if report_type == "pdf" else "html"
        name = (
            request.env["report.dso_collection.report_dso_statement"]
            .with_context(lang=lang)
            ._dso_statement_filename(customer, extension)
        )
        headers = [
            (
                "Content-Type",
                "application/pdf" if extension == "pdf" else "text/html; charset=utf-8",
            ),
            ("Content-Length", len(content)),
            ("Content-Disposition", content_disposition(name)),
        ]
        return request.make_response(content, headers=headers)
