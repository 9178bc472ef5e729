import random
import uuid

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common_hostile import HostilePortalCommon

ATTEMPTS = 1000
BASE = "/my/collection/request"
# Statuses a forged request may get: a redirect, the page with its error,
# the invalid-link page, not found. (Tokens stay under the 64 kB request
# line of Odoo's own HTTP server, which drops longer lines: in production
# the proxy in front refuses them first.)
REFUSED_STATUSES = {200, 302, 303, 400, 403, 404, 405}
MALICIOUS = (
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "{{ object.partner_id.vat }} {{ 7*7 }}",
    '<t t-out="object.partner_id.name"/> t-raw="1"',
    "'; DROP TABLE dso_item_feedback; --",
    "#customer_name #amount_due ${7*7} %(name)s",
)


@tagged("post_install", "-at_install")
class TestHostilePortal(HostilePortalCommon):
    """The answer link and /my/collection under attack: 1 000 forged
    tokens, foreign ids and foreign items never show or touch another
    customer's data; malicious and oversized answers are refused with a
    clear message, or stored as plain text and shown escaped."""

    # The 1 000 forged attempts --------------------------------------------

    def _both(self, csrf, url_token, request_id=None):
        """GET the page and POST an answer with this token and id."""
        request_id = request_id or self.request.id
        return [
            ("GET", f"{BASE}/{request_id}?access_token={url_token}", None),
            (
                "POST",
                f"{BASE}/{request_id}/answer?access_token={url_token}",
                {
                    "csrf_token": csrf,
                    f"kind_{self.line.id}": "comment",
                    f"comment_{self.line.id}": "forged",
                },
            ),
        ]

    def _token_attempts(self, csrf):
        """Near misses (each character changed, cut, extended, cased,
        padded), empty, oversized, injected, badly encoded tokens; the
        others' valid tokens on this id and this token on theirs."""
        token = self.request.access_token
        own_id = self.request.id
        forged = [
            token[:index] + ("0" if char != "0" else "1") + token[index + 1 :]
            for index, char in enumerate(token)
        ]
        forged += [
            token[:-1], token + "0", token.upper(), f" {token}", f"{token}%00",
            f"{token}%20", token[::-1], "", "None", "False", "null", "0", "-1",
            "' OR '1'='1", "%27%20OR%201%3D1--", "%FF%FE%FD", "%00",
            "../../etc/passwd", "<script>alert(1)</script>", "{{7*7}}", "ⓐⓑⓒ",
            "%C0%AF", "*",
        ]  # fmt: skip
        attempts = [a for value in forged for a in self._both(csrf, value)]
        attempts += [
            ("GET", f"{BASE}/{own_id}", None),
            ("GET", f"{BASE}/{own_id}?access_token", None),
            *(
                ("GET", f"{BASE}/{own_id}?access_token={'a' * size}", None)
                for size in (129, 1000, 8000, 60000)
            ),
        ]
        for other in (self.other_request, self.foreign_request):
            attempts += self._both(csrf, other.access_token)
            attempts += self._both(csrf, token, request_id=other.id)
            attempts.append(
                (
                    "GET",
                    f"{BASE}/{other.id}?access_token={token}"
                    f"&access_token={other.access_token}",
                    None,
                )
            )
        return attempts

    def _id_attempts(self, csrf):
        """Neighbour, zero, huge, negative ids and ids that are no numbers."""
        own_id = self.request.id
        token = self.request.access_token
        attempts = []
        for request_id in (
            own_id - 1, own_id + 1, own_id + 1000, 2**31 - 1, 2**31, 2**63, 10**30,
        ):  # fmt: skip
            attempts += self._both(csrf, token, request_id=request_id)
        for request_id in ("0", "-1", "abc", "1.5", "1e3", "0x10", "%20", "1;DROP"):
            attempts.append(("GET", f"{BASE}/{request_id}?access_token={token}", None))
        return attempts

    def _foreign_item_attempts(self, csrf):
        """This link, valid, answering the others' items (alone, or next to
        an answer of its own: nothing half-written), forged item ids; the
        confirmation listing the others' answers; the others' proofs."""
        answer_url = self._url(suffix="/answer")
        today = fields.Date.to_string(fields.Date.today())
        attempts = []
        for line in self.other_line | self.foreign_line:
            for kind in ("paid", "promise", "dispute", "comment", "other"):
                for own in ({}, {f"kind_{self.line.id}": "comment",
                                 f"comment_{self.line.id}": "mine"}):  # fmt: skip
                    data = {
                        "csrf_token": csrf,
                        f"kind_{line.id}": kind,
                        f"date_{line.id}": today,
                        f"comment_{line.id}": "not mine",
                        f"dispute_reason_{line.id}": "quality",
                        **own,
                    }
                    attempts.append(("POST", answer_url, data))
        for line_id in ("-5", "0", "9" * 40, "abc", str(self.line.id + 10**6)):
            data = {
                "csrf_token": csrf,
                f"kind_{line_id}": "comment",
                f"comment_{line_id}": "x",
            }
            attempts.append(("POST", answer_url, data))
        feedback = self.other_feedback | self.foreign_feedback
        for received in (
            *feedback.ids, ",".join(map(str, feedback.ids)), "-1", "abc", "9" * 40,
            f"{self.other_feedback.id}%00", ",,,",
        ):  # fmt: skip
            attempts.append(("GET", f"{self._url()}&received={received}", None))
        for attachment in feedback.attachment_id:
            for suffix in ("", f"?access_token={self.request.access_token}"):
                for route in ("/web/content", "/web/image"):
                    attempts.append(("GET", f"{route}/{attachment.id}{suffix}", None))
        return attempts

    def _forged_attempts(self, csrf):
        """(method, url, data) of ``ATTEMPTS`` forged requests of a public
        visitor, completed with random tokens on the three links."""
        attempts = [
            *self._token_attempts(csrf),
            *self._id_attempts(csrf),
            *self._foreign_item_attempts(csrf),
        ]
        rng = random.Random(10)
        ids = (self.request | self.other_request | self.foreign_request).ids
        while len(attempts) < ATTEMPTS:
            token = rng.choice(
                (
                    str(uuid.uuid4()),
                    uuid.uuid4().hex,
                    "".join(rng.choice("abcdef0123456789-") for _i in range(36)),
                )
            )
            attempts.append(
                self._both(csrf, token, rng.choice(ids))[rng.random() < 0.5]
            )
        return attempts

    def test_forged_links_show_and_store_nothing(self):
        csrf = self._csrf()
        feedback_before = self._feedback_count()
        attempts = self._forged_attempts(csrf)
        self.assertGreaterEqual(len(attempts), ATTEMPTS)
        statuses = {}
        for method, url, data in attempts:
            if method == "GET":
                response = self.url_open(url, allow_redirects=False)
            else:
                response = self.url_open(url, data=data, allow_redirects=False)
            label = f"{method} {url[:200]}"
            self.assertIn(response.status_code, REFUSED_STATUSES, label)
            self._assert_nothing_foreign(response, label)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        self.env.invalidate_all()
        self.assertEqual(self._feedback_count(), feedback_before, "nothing stored")
        self.assertFalse(self.request.feedback_ids)
        self.assertEqual(self.request.submit_count, 0)
        # Only the genuine page answered 200 (the confirmation without the
        # others' answers): every forged token was refused.
        self.assertLess(statuses.get(200, 0), 20, statuses)

    def test_portal_user_sees_only_its_customer(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Paula Portal",
                "parent_id": self.customer.id,
                "email": "p@acme.example",
            }
        )
        user = new_test_user(
            self.env,
            login="paula_hostile",
            groups="base.group_portal",
            partner_id=contact.id,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.authenticate(user.login, user.login)
        feedback_before = self._feedback_count()
        page = self.url_open("/my/collection")
        self._assert_nothing_foreign(page)
        self.assertIn(self.invoice.name, page.text)
        csrf = self._csrf("/my/collection")
        attempts = [
            ("GET", f"/my/collection?received={self.other_feedback.id}", None),
            ("GET", f"/my/collection?received={self.foreign_feedback.id},abc", None),
            ("GET", f"/my/collection/request/{self.other_request.id}", None),
            ("GET", f"/my/collection/request/{self.foreign_request.id}", None),
            ("GET", "/my/collection/request/2147483648", None),
            ("GET", f"/web/content/{self.other_feedback.attachment_id.id}", None),
            ("GET", f"/web/content/{self.foreign_feedback.attachment_id.id}", None),
        ]
        for line in self.other_line | self.foreign_line:
            attempts.append(
                (
                    "POST",
                    "/my/collection/answer",
                    {
                        "csrf_token": csrf,
                        f"kind_{line.id}": "comment",
                        f"comment_{line.id}": "not mine",
                        f"kind_{self.line.id}": "comment",
                        f"comment_{self.line.id}": "mine",
                    },
                )
            )
        for _method, url, data in attempts:
            response = self.url_open(url, data=data, allow_redirects=False)
            self.assertIn(response.status_code, REFUSED_STATUSES, url)
            self._assert_nothing_foreign(response, url)
        self.assertEqual(self._feedback_count(), feedback_before)

    # Malicious and oversized answers -----------------------------------------

    def _assert_refused_post(self, data, message, files=None):
        """Posted on the link: the page again with ``message``, nothing
        stored, the link's counter untouched."""
        before = (self._feedback_count(), self.request.submit_count)
        page = self._post_answers(data, files=files)
        self.assertEqual(page.status_code, 400, message)
        self.assertIn(message, page.text)
        self._assert_nothing_foreign(page)
        self.assertNotIn("<script>alert", page.text)
        self.env.invalidate_all()
        self.assertEqual((self._feedback_count(), self.request.submit_count), before)

    def _reset_rate(self):
        self.request.sudo().write({"submit_count": 0, "submit_window_start": False})
        self.env.flush_all()

    def test_oversized_and_half_valid_answers_store_nothing(self):
        line, line2 = self.line.id, self.line2.id
        self._assert_refused_post(
            {f"kind_{line}": "comment", f"comment_{line}": "x" * 100_000}, "too long"
        )
        self._assert_refused_post(
            {
                f"kind_{line}": "paid",
                f"date_{line}": fields.Date.to_string(fields.Date.today()),
                f"reference_{line}": "R" * 101,
            },
            "too long",
        )
        # A valid answer next to a refused one: neither is stored.
        self._assert_refused_post(
            {
                f"kind_{line}": "comment",
                f"comment_{line}": "valid",
                f"kind_{line2}": "comment",
                f"comment_{line2}": "y" * 2001,
            },
            "too long",
        )

    def test_forged_kinds_reasons_dates_and_numbers(self):
        line = self.line.id
        for kind in (
            "admin",
            "validated",
            "PAID",
            "paid ",
            "<script>alert(1)</script>",
            "comment\x00",
            "9" * 30,
        ):
            with self.subTest(kind=kind):
                self._assert_refused_post(
                    {f"kind_{line}": kind, f"comment_{line}": "x"},
                    "Choose what is going on",
                )
        self._assert_refused_post(
            {f"kind_{line}": "", f"comment_{line}": "x"}, "Nothing to send"
        )
        for reason in ("", "other-reason", "<b>quality</b>", "quality\x00"):
            with self.subTest(reason=reason):
                self._assert_refused_post(
                    {f"kind_{line}": "dispute", f"dispute_reason_{line}": reason},
                    "Choose the reason of the dispute",
                )
        for kind, value in (
            ("paid", "2026-02-30"),
            ("paid", "2026-13-01"),
            ("paid", "99999999-01-01"),
            ("paid", "-1"),
            ("paid", "<script>"),
            ("paid", "2026-01-01\x00"),
            ("paid", "9" * 400),
            ("promise", ""),
            ("promise", "1900-01-01"),
            ("paid", "9999-12-31"),
        ):
            with self.subTest(kind=kind, value=value):
                self._assert_refused_post(
                    {f"kind_{line}": kind, f"date_{line}": value},
                    "invoice " + self.invoice.name,
                )
        self._assert_refused_post(
            {f"kind_{'9' * 40}": "comment", f"comment_{'9' * 40}": "x"},
            "not among your open invoices",
        )

    def test_files_with_fake_magic_are_refused(self):
        line = self.line.id
        data = {f"kind_{line}": "comment", f"comment_{line}": "see the proof"}
        for name, content, mimetype in (
            ("virus.pdf", b"MZ\x90\x00\x03", "application/pdf"),
            ("page.png", b"<html><script>alert(1)</script>", "image/png"),
            ("image.png", b'<svg onload="alert(1)"/>', "image/svg+xml"),
            ("anim.jpg", b"GIF89a\x01\x00", "image/jpeg"),
            ("empty.pdf", b"", "application/pdf"),
            ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), "image/png"),
        ):
            with self.subTest(name=name):
                self._assert_refused_post(
                    data,
                    "too large" if name == "big.png" else "PDF, PNG or JPEG",
                    files={f"proof_{line}": (name, content, mimetype)},
                )
        # A real PDF under a hostile name: kept as a PDF, its name as text.
        page = self._post_answers(
            data,
            files={
                f"proof_{line}": (
                    "<img src=x onerror=alert(1)>\x00.html",
                    b"%PDF-1.4 proof",
                    "text/html",
                )
            },
        )
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("<img src=x", page.text)
        attachment = self.request.feedback_ids.attachment_id
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertNotIn("\x00", attachment.name)

    def test_malicious_text_stored_plain_and_shown_escaped(self):
        line, line2 = self.line.id, self.line2.id
        for payload in (*MALICIOUS, "abc\x00def", "\x00"):
            with self.subTest(payload=payload):
                self._reset_rate()
                page = self._post_answers(
                    {
                        f"kind_{line}": "comment",
                        f"comment_{line}": payload + " ok",
                        f"kind_{line2}": "paid",
                        f"date_{line2}": fields.Date.to_string(fields.Date.today()),
                        f"reference_{line2}": payload[:100],
                    }
                )
                self.assertEqual(page.status_code, 200, payload)
                self.assertIn("we received your answers", page.text)
                for raw in ("<script>alert", "<img src=x", "<svg onload", "<t t-out"):
                    self.assertNotIn(raw, page.text)
                self.assertNotIn(">49<", page.text)
                self._assert_nothing_foreign(page)
        self.env.invalidate_all()
        comments = self.request.feedback_ids.mapped("comment")
        for payload in MALICIOUS:
            self.assertIn(payload + " ok", comments, "stored as typed")
        self.assertIn("abcdef ok", comments, "NUL bytes dropped")
        # The collector's note, activity and chatter show the text escaped.
        bodies = [
            *self.customer.message_ids.mapped("body"),
            *self.env["mail.activity"]
            .search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            )
            .mapped("note"),
        ]
        self.assertTrue(any("&lt;script&gt;" in (body or "") for body in bodies))
        for body in bodies:
            for raw in ("<script", "<img", "<svg", "<t t-out"):
                self.assertNotIn(raw, body or "")

    def test_invalid_utf8_and_nul_bytes_in_the_raw_body(self):
        line = self.line.id
        csrf = self._csrf()
        response = self.url_open(
            self._url(suffix="/answer"),
            data=(
                f"csrf_token={csrf}&kind_{line}=comment&comment_{line}="
                "%FF%FE%00caf%C3%A9%C0%AF"
            ).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.assertLess(response.status_code, 500)
        self.env.invalidate_all()
        for comment in self.request.feedback_ids.mapped("comment"):
            self.assertNotIn("\x00", comment)
            self.assertIn("caf\u00e9", comment)
