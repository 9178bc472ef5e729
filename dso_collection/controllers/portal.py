"""The answer page of interactive emails, and the customer's collection
statement under /my. Thin: the request model checks, lists and records."""

from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

KIND_FIELDS = ("kind", "date", "reference", "amount", "dispute_reason", "comment")
# Tokens are UUIDs (36 characters): anything much longer is forged.
MAX_TOKEN_LENGTH = 128


class DsoCollectionPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dso_collection_count" in counters:
            values["dso_collection_count"] = request.env[
                "dso.interactive.request"
            ]._dso_portal_overdue_count(request.env.user.partner_id)
        return values

    # ------------------------------------------------------------------
    # The page of an interactive email (token)
    # ------------------------------------------------------------------

    def _dso_request_or_error(self, request_id, access_token):
        """The request (sudo) usable with this token, else an error page."""
        if access_token and (
            not access_token.isascii() or len(access_token) > MAX_TOKEN_LENGTH
        ):
            # Odoo's constant-time comparison refuses non-ASCII text: such a
            # token is no token of ours.
            return None, self._dso_error_page(
                AccessError(request.env._("This link is no longer valid."))
            )
        try:
            request_sudo = self._document_check_access(
                "dso.interactive.request", request_id, access_token
            )
            request_sudo._dso_check_usable(request.env.user)
        except (AccessError, MissingError) as error:
            return None, self._dso_error_page(error)
        if request.env.user._is_public() and request_sudo.partner_id.lang:
            request.update_context(lang=request_sudo.partner_id.lang)
        return request_sudo.with_context(lang=request.env.lang), None

    def _dso_error_page(self, error):
        message = error.args[0] if error.args else ""
        return request.render(
            "dso_collection.portal_dso_invalid_link",
            {"message": message},
            status=403,
        )

    @http.route(
        "/my/collection/request/<int:request_id>",
        type="http",
        auth="public",
        website=True,
    )
    def dso_request_page(self, request_id, access_token=None, **kw):
        request_sudo, error = self._dso_request_or_error(request_id, access_token)
        if error:
            return error
        return self._dso_render(request_sudo, access_token, received=kw.get("received"))

    @http.route(
        "/my/collection/request/<int:request_id>/answer",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def dso_request_answer(self, request_id, access_token=None, **post):
        request_sudo, error = self._dso_request_or_error(request_id, access_token)
        if error:
            return error
        return self._dso_submit(request_sudo, access_token, post)

    # ------------------------------------------------------------------
    # The logged-in customer's statement
    # ------------------------------------------------------------------

    def _dso_my_request(self):
        user = request.env.user
        # The statement is the customers' own: internal users work the
        # answers in Collection > Customer answers.
        if not user.share or user._is_public():
            return None
        return request.env["dso.interactive.request"]._dso_portal_request(
            user.partner_id
        )

    @http.route("/my/collection", type="http", auth="user", website=True)
    def dso_my_collection(self, **kw):
        request_sudo = self._dso_my_request()
        if not request_sudo:
            return request.render(
                "dso_collection.portal_dso_invalid_link",
                {"message": request.env._("You have no open invoice.")},
            )
        return self._dso_render(request_sudo, None, received=kw.get("received"))

    @http.route(
        "/my/collection/answer",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def dso_my_collection_answer(self, **post):
        request_sudo = self._dso_my_request()
        if not request_sudo:
            raise NotFound()
        return self._dso_submit(request_sudo, None, post)

    # ------------------------------------------------------------------
    # Shared
    # ------------------------------------------------------------------

    def _dso_render(self, request_sudo, access_token, received=None, error=None):
        values = request_sudo._dso_portal_values(request.env.user)
        values.update(
            {
                "page_name": "dso_collection",
                "access_token": access_token,
                "error": error,
                "received": request_sudo._dso_received_feedback(received),
                "form_action": self._dso_form_action(request_sudo, access_token),
                "total_due": self._dso_total_due(values["items"]),
                # sudo: the visitor may be public; only the plans of the
                # request's own customer and company are read.
                "payment_plans": request.env["dso.payment.plan"]
                .sudo()
                ._dso_portal_plans(request_sudo.partner_id, request_sudo.company_id),
            }
        )
        return request.render(
            "dso_collection.portal_dso_request_page",
            values,
            status=400 if error else 200,
        )

    def _dso_total_due(self, items):
        """What the page's items still owe, one total per currency (a
        customer may be invoiced in several)."""
        totals = {}
        for item in items:
            line = item["line"]
            totals[line.currency_id] = (
                totals.get(line.currency_id, 0.0) + line.amount_residual_currency
            )
        return [
            {"currency": currency, "amount": amount}
            for currency, amount in totals.items()
        ]

    def _dso_form_action(self, request_sudo, access_token):
        if access_token:
            return f"{request_sudo.access_url}/answer?access_token={access_token}"
        return "/my/collection/answer"

    def _dso_parse_answers(self, post):
        """The form's fields ``<field>_<item id>`` as a list of answers."""
        answers = {}
        for key, value in post.items():
            name, _sep, line_id = key.rpartition("_")
            if not line_id.isdigit():
                continue
            if name in KIND_FIELDS:
                answers.setdefault(int(line_id), {})[name] = value
            elif name == "proof" and getattr(value, "filename", None):
                answers.setdefault(int(line_id), {})["attachment"] = {
                    "name": value.filename,
                    "content": value.read(),
                }
        return [
            {"line_id": line_id, **answer}
            for line_id, answer in answers.items()
            if answer.get("kind")
        ]

    def _dso_submit(self, request_sudo, access_token, post):
        author = request.env.user.partner_id
        if request.env.user._is_public():
            author = None
        try:
            with request.env.cr.savepoint():
                feedback = request_sudo._dso_submit(
                    self._dso_parse_answers(post), author=author
                )
        except UserError as error:
            return self._dso_render(request_sudo, access_token, error=error.args[0])
        if not request_sudo.exists():
            raise Forbidden()
        url = (
            f"{request_sudo.access_url}?access_token={access_token}&"
            if access_token
            else "/my/collection?"
        )
        return request.redirect(
            url + "received=" + ",".join(str(i) for i in feedback.ids)
        )
