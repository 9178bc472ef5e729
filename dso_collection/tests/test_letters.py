import base64
import io
import subprocess
from unittest.mock import patch

from freezegun import freeze_time
from lxml import html as lxml_html
from PIL import Image
from PyPDF2 import PdfReader

from odoo import Command
from odoo.tests import tagged

from ..report import dso_collection_letter
from .common import DsoCollectionCommon, DsoCollectionHttpCommon

LETTER_REPORT = "dso_collection.action_report_dso_collection_letter"
LETTER_MODEL = "report.dso_collection.report_dso_collection_letter"
# The blocks Odoo hands to wkhtmltopdf as --header-html and --footer-html.
HEADER = "//div[contains(concat(' ', @class, ' '), ' header ')]"
FOOTER = "//div[contains(concat(' ', @class, ' '), ' footer ')]"


def _png(width=120, height=40, color=(200, 30, 30)):
    """A small PNG image, base64-encoded."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestLetters(DsoCollectionHttpCommon):
    """Letters as printed by wkhtmltopdf, as of 2026-03-01, for a customer
    with late-payment penalties (10 % a year) and recovery costs (40 per
    late invoice) and two late invoices: 1 000 due 2026-01-10 (50 days
    late: 13.70 of interest) and 500 due 2025-12-20 (71 days late: 9.73).

    An ``HttpCase``: wkhtmltopdf loads the report stylesheets (and their web
    fonts) from the test server, as it does from a real one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "street": "12 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
                "phone": "+33 1 23 45 67 89",
                "email": "ar@company.example",
                "vat": "FR40303265045",
                "company_registry": "303 265 045 RCS Paris",
                "dso_penalty_rate_type": "fixed",
                "dso_penalty_fixed_rate": 10.0,
                "dso_recovery_cost_amount": 40.0,
            }
        )
        cls.env["res.partner.bank"].create(
            {
                "acc_number": "FR7630006000011234567890189",
                "partner_id": cls.company.partner_id.id,
            }
        )
        cls.customer.write(
            {
                "street": "5 Main Street",
                "zip": "1000",
                "city": "Brussels",
                "country_id": cls.env.ref("base.be").id,
                "email": "ap@acme.example",
            }
        )
        cls.customer.with_company(cls.company).write(
            {"dso_late_penalty": True, "dso_recovery_cost": True}
        )
        cls.collector.signature = "<p>--<br/>Colette, Credit desk signature</p>"
        with freeze_time("2026-03-01"):
            # Created first, due last: letters list it second.
            line = cls._create_item(
                cls.customer, 1000, "2026-01-10", invoice_date="2025-12-10"
            )
            line_older = cls._create_item(
                cls.customer, 500, "2025-12-20", invoice_date="2025-11-20"
            )
        cls.invoice = line.move_id
        cls.invoice_older = line_older.move_id
        cls.lines = line | line_older

    # Helpers ------------------------------------------------------------

    def _action(self, action_type, template, **vals):
        return self.env["dso.collection.action"].create(
            {
                "name": f"Test {action_type}",
                "partner_id": self.customer.id,
                "action_type": action_type,
                "date": "2026-03-01",
                "user_id": self.collector.id,
                "is_specific": True,
                "line_ids": [Command.set(self.lines.ids)],
                "mail_template_id": self.env.ref(f"dso_collection.{template}").id,
                **vals,
            }
        )

    def _send(self, action):
        action.with_context(force_report_rendering=True).action_send()
        self.assertEqual(action.state, "done")
        return action

    def _reader(self, attachment):
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        return PdfReader(io.BytesIO(attachment.raw), strict=False)

    def _text(self, attachment):
        """The PDF's text, spaces (no-break ones too) collapsed."""
        reader = self._reader(attachment)
        text = " ".join(page.extract_text() for page in reader.pages)
        return " ".join(text.replace("\xa0", " ").split())

    def _images(self, attachment):
        """Number of images drawn on the PDF's pages."""
        count = 0
        for page in self._reader(attachment).pages:
            xobjects = page["/Resources"].get("/XObject")
            if xobjects:
                xobjects = xobjects.get_object()
                count += sum(
                    1
                    for name in xobjects
                    if xobjects[name].get_object().get("/Subtype") == "/Image"
                )
        return count

    def _handover(self, action):
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", action._name), ("res_id", "=", action.id)]
        )
        handover = attachments - action.attachment_id
        self.assertEqual(len(handover), 1, "one hand-over file besides the letter")
        return handover

    def _assert_amounts(self, text, principal="1,500.00"):
        self.assertIn(f"Principal $ {principal}", text)
        self.assertIn("Late-payment interest $ 23.43", text)
        self.assertIn("Recovery costs $ 80.00", text)
        self.assertIn("Total due on 03/01/2026 $ 1,603.43", text)

    # The letter as a document ----------------------------------------------

    def test_letter_has_letterhead_footer_and_real_text(self):
        action = self._send(
            self._action(
                "registered_letter",
                "mail_template_dso_formal_notice",
                tracking_number="RR123456789FR",
            )
        )
        attachment = action.attachment_id
        reader = self._reader(attachment)
        # Text, in fonts embedded as fonts: not glyphs drawn as outlines.
        fonts = reader.pages[0]["/Resources"].get("/Font")
        self.assertTrue(fonts, "the letter's text is set in embedded fonts")
        self.assertLess(len(attachment.raw) / len(reader.pages), 100_000)
        text = self._text(attachment)
        # The letterhead: company name and address.
        self.assertIn(self.company.name, text)
        self.assertIn("12 rue de la Paix", text)
        self.assertIn("75002 Paris", text)
        # The footer: contact, bank account, registry and VAT numbers.
        self.assertIn("ar@company.example", text)
        self.assertIn("FR7630006000011234567890189", text)
        self.assertIn("303 265 045 RCS Paris", text)
        self.assertIn("FR40303265045", text)
        # The customer's address, place and date, subject.
        self.assertIn("Acme Corp 5 Main Street 1000 Brussels Belgium", text)
        self.assertIn("Paris, 03/01/2026", text)
        self.assertIn("RR123456789FR", text)
        self.assertIn("Subject: Formal notice to pay", text)
        # No logo placeholder, no email signature.
        self.assertTrue(self.company.uses_default_logo)
        self.assertNotIn("Your logo", text)
        self.assertEqual(self._images(attachment), 0, "no placeholder logo")
        self.assertNotIn("Credit desk signature", text)
        self.assertNotIn("--", text)
        # The items once, the amounts and the legal mentions.
        for line in self.lines:
            self.assertEqual(text.count(line.move_name), 1, line.move_name)
        self._assert_amounts(text)
        self.assertIn("formal notice to pay $ 1,603.43", text)
        self.assertIn("at the annual rate of 10.00%", text)
        self.assertIn("A fixed recovery cost of $ 40.00 is due", text)

    def test_letter_shows_a_real_logo(self):
        self.company.logo = _png()
        self.assertFalse(self.company.uses_default_logo)
        action = self._send(self._action("letter", "mail_template_dso_formal_notice"))
        self.assertEqual(self._images(action.attachment_id), 1)

    def test_no_penalty_mentions_for_a_customer_without_penalties(self):
        self.customer.with_company(self.company).write(
            {"dso_late_penalty": False, "dso_recovery_cost": False}
        )
        action = self._send(self._action("letter", "mail_template_dso_formal_notice"))
        text = self._text(action.attachment_id)
        self.assertIn("formal notice to pay $ 1,500.00", text)
        self.assertNotIn("Late-payment interest", text)
        self.assertNotIn("recovery cost", text.lower())

    def test_items_in_due_date_order(self):
        action = self._send(self._action("letter", "mail_template_dso_formal_notice"))
        text = self._text(action.attachment_id)
        older, newer = self.invoice_older.name, self.invoice.name
        self.assertGreater(older, newer, "the older due date has the later number")
        self.assertLess(text.index(older), text.index(newer))

    def test_items_of_a_same_due_date_in_number_order(self):
        """Created first but numbered last (a later year): listed last, in
        the letter and in the hand-over file alike."""
        first_line = self._create_item(
            self.customer, 300, "2026-02-01", invoice_date="2026-01-05"
        )
        second_line = self._create_item(
            self.customer, 200, "2026-02-01", invoice_date="2025-12-20"
        )
        first_created, second_created = first_line.move_id, second_line.move_id
        self.assertLess(second_created.name, first_created.name)
        lines = first_line | second_line
        action = self._send(
            self._action(
                "litigation",
                "mail_template_dso_litigation",
                line_ids=[Command.set(lines.ids)],
            )
        )
        for text in (
            self._text(action.attachment_id),
            self._text(self._handover(action)),
        ):
            self.assertLess(
                text.index(second_created.name), text.index(first_created.name)
            )

    # Litigation ---------------------------------------------------------

    def test_litigation_notice_and_handover_agree(self):
        action = self._send(self._action("litigation", "mail_template_dso_litigation"))
        litigation = self.env.ref("dso_collection.dso_item_status_litigation")
        self.assertEqual(self.lines.dso_status_id, litigation)
        # Penalties keep running on items in litigation.
        self.env.invalidate_all()
        self.assertAlmostEqual(sum(self.lines.mapped("dso_penalty_amount")), 23.43)
        self.assertAlmostEqual(sum(self.lines.mapped("dso_recovery_cost_amount")), 80)

        notice = self._text(action.attachment_id)
        handover = self._text(self._handover(action))
        for text in (notice, handover):
            self._assert_amounts(text)
        # The notice, to the customer: items once, no internal memo.
        self.assertIn("Formal notice before legal action", notice)
        for line in self.lines:
            self.assertEqual(notice.count(line.move_name), 1, line.move_name)
        self.assertIn("paying $ 1,603.43", notice)
        self.assertNotIn("hand-over", notice.lower())
        self.assertNotIn("Internal document", notice)
        self.assertNotIn("Collector:", notice)
        self.assertNotIn("Credit desk signature", notice)
        # The hand-over file: the customer, the items with their penalties,
        # the collection history, the collector.
        self.assertIn("Litigation hand-over file: Acme Corp", handover)
        self.assertIn("ap@acme.example", handover)
        self.assertIn("5 Main Street", handover)
        self.assertIn("Colette Collector", handover)
        older, newer = (
            self._receivable(self.invoice_older),
            self._receivable(self.invoice),
        )
        self.assertIn(f"{older.move_name} 11/20/2025 12/20/2025 71", handover)
        self.assertIn(
            f"{newer.move_name} 12/10/2025 01/10/2026 50 $ 1,000.00 $ 13.70 $ 40.00 "
            "$ 1,053.70",
            handover,
        )
        self.assertLess(
            handover.index(older.move_name), handover.index(newer.move_name)
        )
        self.assertIn("Total $ 1,500.00 $ 23.43 $ 80.00 $ 1,603.43", handover)

    def test_handover_lists_the_collection_history(self):
        letter = self._send(
            self._action("registered_letter", "mail_template_dso_formal_notice")
        )
        letter.note = "<p>Signed for by the receptionist</p>"
        action = self._send(self._action("litigation", "mail_template_dso_litigation"))
        handover = self._text(self._handover(action))
        self.assertIn("Collection history", handover)
        self.assertIn("Test registered_letter", handover)
        self.assertIn("Signed for by the receptionist", handover)
        notice = self._text(action.attachment_id)
        self.assertNotIn("Signed for by the receptionist", notice)

    # What a letter claims, how it is addressed and signed (issue 21) -------

    def test_letter_claims_only_what_is_due(self):
        """An invoice due on 01/01/2027 is listed apart, not claimed: the
        amounts, the formal notice and the hand-over file are those of the
        two late invoices."""
        not_due = self._create_item(
            self.customer, 700, "2027-01-01", invoice_date="2026-02-15"
        )
        lines = self.lines | not_due
        action = self._send(
            self._action(
                "registered_letter",
                "mail_template_dso_formal_notice",
                line_ids=[Command.set(lines.ids)],
            )
        )
        text = self._text(action.attachment_id)
        self._assert_amounts(text)
        self.assertIn("Not yet due, not claimed $ 700.00", text)
        self.assertIn("formal notice to pay $ 1,603.43", text)
        self.assertNotIn("2,303.43", text)
        self.assertNotIn("2,200.00", text)
        self.assertEqual(text.count(not_due.move_name), 1)
        self.assertGreater(text.index(not_due.move_name), text.index("Not yet due"))
        self.assertGreater(text.index(not_due.move_name), text.index(self.invoice.name))

        litigation = self._send(
            self._action(
                "litigation",
                "mail_template_dso_litigation",
                line_ids=[Command.set(lines.ids)],
            )
        )
        status = self.env.ref("dso_collection.dso_item_status_litigation")
        self.assertEqual(self.lines.dso_status_id, status)
        self.assertFalse(not_due.dso_status_id, "not yet due: not handed over")
        notice = self._text(litigation.attachment_id)
        self.assertIn("paying $ 1,603.43", notice)
        handover = self._text(self._handover(litigation))
        self.assertIn("Total $ 1,500.00 $ 23.43 $ 80.00 $ 1,603.43", handover)
        self.assertIn(f"Not yet due, not handed over: {not_due.move_name}", handover)

    def test_letter_signed_with_address_state_and_subject(self):
        self.collector.partner_id.function = "Credit manager"
        state = self.env["res.country.state"].create(
            {
                "name": "Brussels-Capital Region",
                "code": "BRU",
                "country_id": self.env.ref("base.be").id,
            }
        )
        self.customer.state_id = state
        action = self._send(self._action("letter", "mail_template_dso_second_reminder"))
        self.assertTrue(action.subject.startswith(f"{self.company.name}: "))
        text = self._text(action.attachment_id)
        self.assertIn(
            "Acme Corp 5 Main Street 1000 Brussels Brussels-Capital Region Belgium",
            text,
        )
        self.assertIn("Subject: Second reminder, overdue invoices", text)
        self.assertNotIn(f"Subject: {self.company.name}", text)
        self.assertIn(f"Colette Collector Credit manager {self.company.name}", text)
        self.assertIn("Dear Acme Corp,", text)

    def test_letter_without_collector_signed_by_the_company(self):
        self.customer.with_company(self.company).dso_collector_id = False
        action = self._action(
            "letter", "mail_template_dso_formal_notice", user_id=False
        )
        signature = self.env[LETTER_MODEL]._dso_signature(action)
        self.assertEqual(
            signature, {"name": self.company.name, "title": "", "company": ""}
        )
        action.action_preview()
        root = self._letter_html(action, patched=False)
        signed = root.xpath("//div[contains(@class, 'o_dso_letter_signature')]")
        self.assertEqual(signed[0].text_content().split(), self.company.name.split())

    # Where the letterhead goes ---------------------------------------------

    def _letter_html(self, action, patched):
        with patch.object(
            type(self.env[LETTER_MODEL]),
            "_dso_wkhtmltopdf_patched",
            return_value=patched,
        ):
            html = self.env["ir.actions.report"]._render_qweb_html(
                LETTER_REPORT, action.ids, data={"report_type": "pdf"}
            )[0]
        return lxml_html.fromstring(html)

    def test_letterhead_in_body_without_patched_qt(self):
        action = self._action("letter", "mail_template_dso_formal_notice")
        action.action_preview()
        root = self._letter_html(action, patched=False)
        self.assertFalse(root.xpath(HEADER))
        self.assertFalse(root.xpath(FOOTER))
        article = root.xpath("//div[contains(@class, 'article')]")[0]
        self.assertIn("12 rue de la Paix", article.text_content())
        self.assertIn("303 265 045 RCS Paris", article.text_content())
        # No room kept in the top margin for a header that is not there.
        self.assertEqual(root.get("data-report-margin-top"), "12")

    def test_letterhead_in_margins_with_patched_qt(self):
        action = self._action("letter", "mail_template_dso_formal_notice")
        action.action_preview()
        root = self._letter_html(action, patched=True)
        header, footer = root.xpath(HEADER), root.xpath(FOOTER)
        self.assertIn("12 rue de la Paix", header[0].text_content())
        self.assertIn("303 265 045 RCS Paris", footer[0].text_content())
        article = root.xpath("//div[contains(@class, 'article')]")[0]
        self.assertNotIn("12 rue de la Paix", article.text_content())
        self.assertIsNone(root.get("data-report-margin-top"))

    def test_detects_patched_qt(self):
        detect = dso_collection_letter.wkhtmltopdf_supports_header_html
        for output, expected in (
            ("wkhtmltopdf 0.12.6 (with patched qt)\n", True),
            ("wkhtmltopdf 0.12.6\n", False),
        ):
            with self.subTest(output=output):
                detect.cache_clear()
                result = subprocess.CompletedProcess([], 0, stdout=output, stderr="")
                with (
                    patch.object(
                        dso_collection_letter,
                        "_get_wkhtmltopdf_bin",
                        return_value="/usr/bin/wkhtmltopdf",
                    ),
                    patch.object(
                        dso_collection_letter.subprocess, "run", return_value=result
                    ),
                ):
                    self.assertEqual(detect(), expected)
        detect.cache_clear()


@tagged("post_install", "-at_install")
class TestLetterPenaltyStatuses(DsoCollectionCommon):
    """Which statuses suspend late-payment penalties."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "dso_penalty_rate_type": "fixed",
                "dso_penalty_fixed_rate": 10.0,
                "dso_recovery_cost_amount": 40.0,
            }
        )
        cls.customer.with_company(cls.company).write(
            {"dso_late_penalty": True, "dso_recovery_cost": True}
        )

    def _penalties(self, line):
        self.env.invalidate_all()
        return line.dso_penalty_amount, line.dso_recovery_cost_amount

    @freeze_time("2026-03-02 12:00:00")
    def test_litigation_keeps_penalties_dispute_suspends_them(self):
        line = self._create_item(
            self.customer, 1000, "2026-01-01", invoice_date="2025-12-01"
        )
        line.dso_status_id = self.env.ref("dso_collection.dso_item_status_litigation")
        self.assertTrue(line.dso_excluded)
        self.assertEqual(self._penalties(line), (16.44, 40.0))
        line.dso_status_id = self.env.ref("dso_collection.dso_item_status_dispute")
        self.assertEqual(self._penalties(line), (0.0, 0.0))

    def test_new_status_suspends_penalties_when_it_excludes(self):
        Status = self.env["dso.item.status"]
        excluding = Status.create({"name": "On hold", "exclude_from_scenario": True})
        self.assertTrue(excluding.suspend_penalties)
        plain = Status.create({"name": "Called back"})
        self.assertFalse(plain.suspend_penalties)
        claimed = Status.create(
            {
                "name": "With the bailiff",
                "exclude_from_scenario": True,
                "suspend_penalties": False,
            }
        )
        self.assertFalse(claimed.suspend_penalties)
        self.assertTrue(
            self.env.ref("dso_collection.dso_item_status_dispute").suspend_penalties
        )
        self.assertFalse(
            self.env.ref("dso_collection.dso_item_status_litigation").suspend_penalties
        )
