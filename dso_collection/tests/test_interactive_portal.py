import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import DsoCollectionHttpCommon

XSS = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'


@tagged("post_install", "-at_install")
class TestInteractivePortal(DsoCollectionHttpCommon):
    """The answer page with real HTTP requests: tokens, items of other
    customers, expiry, CSRF, escaping, limits. The server runs in real
    time: dates are relative to today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.customer.write({"email": "ap@acme.example", "lang": "en_US"})
        cls.customer.with_company(cls.company).dso_interactive_email = True
        cls.line = cls._create_item(cls.customer, 1000, today - timedelta(days=20))
        cls.invoice = cls.line.move_id
        cls.line2 = cls._create_item(cls.customer, 500, today - timedelta(days=5))
        cls.invoice2 = cls.line2.move_id
        cls.other = cls._create_customer("Other Secret Ltd")
        cls.other_line = cls._create_item(cls.other, 777, today - timedelta(days=20))
        cls.other_invoice = cls.other_line.move_id
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
                "line_ids": [Command.set((cls.line | cls.line2).ids)],
            }
        )
        cls.env["dso.collection.send"]._send_now(action)
        cls.action = action
        cls.request = action._dso_interactive_request()

    def _url(self, request=None, token=None):
        request = request or self.request
        return f"{request.access_url}?access_token={token or request.access_token}"

    def _csrf(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _post(self, data, files=None, csrf=True, request=None):
        request = request or self.request
        url = self._url(request)
        if csrf:
            data = {"csrf_token": self._csrf(url), **data}
        return self.url_open(
            f"{request.access_url}/answer?access_token={request.access_token}",
            data=data,
            files=files,
            allow_redirects=True,
        )

    def test_link_in_the_email_opens_the_page(self):
        body = self.action.mail_id.body_html
        link = re.search(r'href="([^"]*/my/collection/request/[^"]+)"', body).group(1)
        page = self.url_open(link.replace("&amp;", "&"))
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice.name, page.text)
        self.assertIn(self.invoice2.name, page.text)
        self.assertIn("Invoice (PDF)", page.text)
        # Another customer's invoice is never shown.
        self.assertNotIn(self.other_invoice.name, page.text)

    def test_wrong_or_missing_token(self):
        for url in (
            self._url(token="x" * 36),
            self.request.access_url,
            f"/my/collection/request/{self.request.id + 1000}?access_token=abc",
        ):
            with self.subTest(url=url):
                page = self.url_open(url)
                self.assertEqual(page.status_code, 403)
                self.assertNotIn(self.invoice.name, page.text)

    def test_answers_are_recorded_and_confirmed(self):
        page = self._post(
            {
                f"kind_{self.line.id}": "promise",
                f"date_{self.line.id}": fields.Date.to_string(
                    fields.Date.today() + timedelta(days=7)
                ),
                f"kind_{self.line2.id}": "dispute",
                f"dispute_reason_{self.line2.id}": "quality",
                f"comment_{self.line2.id}": "Broken",
            },
            files={
                f"proof_{self.line2.id}": (
                    "photo.png",
                    b"\x89PNG\r\n\x1a\n0000",
                    "image/png",
                )
            },
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("we received your answers", page.text)
        feedback = self.request.feedback_ids
        self.assertEqual(len(feedback), 2)
        dispute = feedback.filtered(lambda f: f.kind == "dispute")
        self.assertEqual(dispute.line_id, self.line2)
        self.assertEqual(dispute.attachment_id.mimetype, "image/png")
        self.assertEqual(set(feedback.mapped("state")), {"pending"})

    def test_another_customers_item_is_refused(self):
        page = self._post(
            {
                f"kind_{self.line.id}": "comment",
                f"comment_{self.line.id}": "fine",
                f"kind_{self.other_line.id}": "paid",
                f"date_{self.other_line.id}": fields.Date.to_string(
                    fields.Date.today()
                ),
            }
        )
        self.assertEqual(page.status_code, 400)
        self.assertIn("not among your open invoices", page.text)
        self.assertFalse(self.request.feedback_ids)
        self.assertFalse(
            self.env["dso.item.feedback"].search([("line_id", "=", self.other_line.id)])
        )

    def test_text_is_escaped_and_stored_as_plain_text(self):
        page = self._post(
            {
                f"kind_{self.line.id}": "paid",
                f"date_{self.line.id}": fields.Date.to_string(fields.Date.today()),
                f"reference_{self.line.id}": XSS[:100],
                f"kind_{self.line2.id}": "comment",
                f"comment_{self.line2.id}": XSS,
            }
        )
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("<script>alert", page.text)
        self.assertNotIn("<img src=x", page.text)
        self.assertIn("&lt;script&gt;", page.text)
        comment = self.request.feedback_ids.filtered(lambda f: f.kind == "comment")
        self.assertEqual(comment.comment, XSS)
        # The collector's note escapes it too.
        note = self.customer.message_ids.filtered(
            lambda m: "answered" in (m.body or "")
        )
        self.assertNotIn("<script>", note[0].body)

    def test_oversized_text_and_attachment_are_refused(self):
        page = self._post(
            {f"kind_{self.line.id}": "comment", f"comment_{self.line.id}": "x" * 2001}
        )
        self.assertEqual(page.status_code, 400)
        self.assertIn("too long", page.text)
        page = self._post(
            {f"kind_{self.line.id}": "comment", f"comment_{self.line.id}": "see"},
            files={
                f"proof_{self.line.id}": ("virus.exe", b"MZ\x90\x00", "application/pdf")
            },
        )
        self.assertEqual(page.status_code, 400)
        self.assertIn("PDF, PNG or JPEG", page.text)
        self.assertFalse(self.request.feedback_ids)

    def test_post_without_csrf_is_refused(self):
        page = self._post(
            {f"kind_{self.line.id}": "comment", f"comment_{self.line.id}": "hi"},
            csrf=False,
        )
        self.assertEqual(page.status_code, 400)
        self.assertFalse(self.request.feedback_ids)

    def test_rate_limit(self):
        data = {f"kind_{self.line.id}": "comment", f"comment_{self.line.id}": "again"}
        for _i in range(10):
            self.assertEqual(self._post(data).status_code, 200)
        page = self._post(data)
        self.assertEqual(page.status_code, 400)
        self.assertIn("Too many answers", page.text)
        self.assertEqual(len(self.request.feedback_ids), 10)

    def test_expired_and_archived_links(self):
        self.request.expiry_date = fields.Date.today() - timedelta(days=1)
        page = self.url_open(self._url())
        self.assertEqual(page.status_code, 403)
        self.assertIn("expired", page.text)
        self.assertNotIn(self.invoice.name, page.text)
        self.request.expiry_date = fields.Date.today() + timedelta(days=1)
        self.customer.active = False
        page = self.url_open(self._url())
        self.assertEqual(page.status_code, 403)
        self.assertNotIn(self.invoice.name, page.text)

    def test_merged_customer_link_is_refused(self):
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.customer | self.other).ids, self.other
        )
        page = self.url_open(self._url())
        self.assertEqual(page.status_code, 403)
        self.assertNotIn(self.other_invoice.name, page.text)

    def test_colleague_page_requires_login(self):
        colleague = self._create_collector("colleague_user", "Carl Colleague")
        request = (
            self.env["dso.interactive.request"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "line_ids": [Command.set(self.line.ids)],
                    "audience": "colleague",
                    "user_id": colleague.id,
                }
            )
        )
        request._dso_mark_sent()
        page = self.url_open(self._url(request))
        self.assertEqual(page.status_code, 403)
        self.assertNotIn(self.invoice.name, page.text)
        self.authenticate(colleague.login, colleague.login)
        page = self.url_open(self._url(request))
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice.name, page.text)
        self.assertNotIn(self.invoice2.name, page.text)

    def test_portal_customer_under_my(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Paula Portal",
                "parent_id": self.customer.id,
                "email": "p@acme.example",
            }
        )
        user = new_test_user(
            self.env,
            login="paula_portal",
            groups="base.group_portal",
            partner_id=contact.id,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.authenticate(user.login, user.login)
        home = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["dso_collection_count"]}
        )
        self.assertEqual(home["dso_collection_count"], 2)
        page = self.url_open("/my/collection")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice.name, page.text)
        self.assertNotIn(self.other_invoice.name, page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        page = self.url_open(
            "/my/collection/answer",
            data={
                "csrf_token": csrf,
                f"kind_{self.line.id}": "comment",
                f"comment_{self.line.id}": "Sent to our bank",
                f"kind_{self.other_line.id}": "comment",
                f"comment_{self.other_line.id}": "not mine",
            },
        )
        self.assertEqual(page.status_code, 400)
        page = self.url_open(
            "/my/collection/answer",
            data={
                "csrf_token": csrf,
                f"kind_{self.line.id}": "comment",
                f"comment_{self.line.id}": "Sent to our bank",
            },
        )
        self.assertEqual(page.status_code, 200)
        feedback = self.env["dso.item.feedback"].search(
            [("line_id", "=", self.line.id)]
        )
        self.assertEqual(feedback.author_id, contact)
        self.assertEqual(feedback.comment, "Sent to our bank")

    def test_pay_now_only_with_a_payment_provider(self):
        page = self.url_open(self._url())
        self.assertNotIn("Pay now", page.text)
        self.env["payment.provider"].create(
            {
                "name": "Test provider",
                "state": "test",
                "is_published": True,
                "company_id": self.company.id,
            }
        )
        request = self.request.sudo()
        self.assertTrue(request._dso_can_pay(request._dso_portal_lines()))
        page = self.url_open(self._url())
        self.assertIn("Pay now", page.text)
        self.assertIn(self.invoice.get_portal_url(), page.text.replace("&amp;", "&"))
