import io
from unittest.mock import MagicMock, patch

from PyPDF2 import PdfReader

from odoo import Command
from odoo.tests import tagged

from .common_sending import AutomaticSendingCommon

LETTER_REPORT = "dso_collection.action_report_dso_collection_letter"
# A Monday inside the sending window (11:00 in Brussels).
CRON_TIME = "2026-03-02 10:00:00"


@tagged("post_install", "-at_install")
class TestAttachments(AutomaticSendingCommon):
    """The invoices and the statement of account go with the emails the
    cron sends; a letter prints the statement as its second page. In tests
    Odoo renders reports as HTML, not PDF (one test forces the PDF)."""

    def _attach(self, invoices=True, statement=True):
        self.step_first.write(
            {"attach_invoices": invoices, "attach_statement": statement}
        )

    def _mail_queue_sends(self, mails):
        """The mail queue sends ``mails`` through a fake SMTP server."""
        MailServer = self.env.registry["ir.mail_server"]
        with (
            patch.object(MailServer, "connect", return_value=MagicMock()),
            patch.object(MailServer, "send_email", return_value="<sent@test>"),
        ):
            mails.send()

    def _statement_of(self, mail):
        return mail.attachment_ids.filtered(lambda a: a.name.startswith("Statement - "))

    def test_cron_email_carries_invoice_and_statement(self):
        self._attach()
        partner = self._new_customer()
        action = self._automatic_action(partner)
        # The planned action inherits the flags of its step.
        self.assertTrue(action.attach_invoices)
        self.assertTrue(action.attach_statement)
        invoice = action.line_ids.move_id
        self._run_automatic_cron(CRON_TIME)
        self._assert_sent(action)
        # The cron queues the email; the documents are rendered when the mail
        # queue sends it.
        self.assertTrue(action.mail_id.dso_documents_pending)
        self.assertFalse(action.mail_id.attachment_ids)
        self._mail_queue_sends(action.mail_id)
        self.assertEqual(action.mail_id.state, "sent")
        self.assertFalse(action.mail_id.dso_documents_pending)
        attachments = action.mail_id.attachment_ids
        self.assertEqual(len(attachments), 2)
        statement = self._statement_of(action.mail_id)
        self.assertEqual(statement.name, f"Statement - {partner.name}.html")
        self.assertEqual(statement.res_model, "res.partner")
        self.assertEqual(statement.res_id, partner.id)
        self.assertIn(invoice.name, statement.raw.decode())
        self.assertIn("Statement of account", statement.raw.decode())
        invoice_file = attachments - statement
        self.assertEqual(
            invoice_file.name, invoice._get_invoice_report_filename(extension="html")
        )
        self.assertIn(invoice.name, invoice_file.raw.decode())
        # The message on the customer's chatter has them too.
        self.assertEqual(action.message_id.attachment_ids, attachments)

    def test_stored_invoice_pdf_is_used(self):
        self._attach(statement=False)
        partner = self._new_customer()
        action = self._automatic_action(partner)
        invoice = action.line_ids.move_id
        stored = self.env["ir.attachment"].create(
            {
                "name": "INV stored.pdf",
                "raw": b"%PDF-1.4 stored invoice",
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": invoice.id,
                "res_field": "invoice_pdf_report_file",
            }
        )
        invoice.invalidate_recordset(["invoice_pdf_report_id"])
        self.assertEqual(invoice.invoice_pdf_report_id, stored)
        self._run_automatic_cron(CRON_TIME)
        self._assert_sent(action)
        action.mail_id._dso_attach_documents()
        self.assertEqual(action.mail_id.attachment_ids, stored)

    def test_no_attachment_when_the_flags_are_off(self):
        self._attach(invoices=False, statement=False)
        action = self._automatic_action(self._new_customer())
        self.assertFalse(action.attach_invoices or action.attach_statement)
        self._run_automatic_cron(CRON_TIME)
        self._assert_sent(action)
        self.assertFalse(action.mail_id.dso_documents_pending)
        action.mail_id._dso_attach_documents()
        self.assertFalse(action.mail_id.attachment_ids)

    def test_documents_rendered_once_per_batch(self):
        partner = self._new_customer()
        line = self._create_item(partner, 300, "2026-02-01")
        actions = self.env["dso.collection.action"].create(
            [
                {
                    "name": f"Email {number}",
                    "partner_id": partner.id,
                    "action_type": "email",
                    "is_specific": True,
                    "line_ids": [Command.set(line.ids)],
                    "mail_template_id": self.template.id,
                    "attach_invoices": True,
                    "attach_statement": True,
                }
                for number in (1, 2)
            ]
        )
        Send = self.env["dso.collection.send"]
        before = self.env["ir.attachment"].search_count([])
        result = Send._dso_email_attachments(actions)
        self.assertEqual(result[actions[0].id], result[actions[1].id])
        self.assertEqual(len(result[actions[0].id]), 2)
        self.assertEqual(self.env["ir.attachment"].search_count([]), before + 2)

    def test_two_invoices_rendered_one_by_one(self):
        # The wkhtmltopdf of Debian and Ubuntu returns an empty file for two
        # records at once: each invoice is rendered alone.
        partner = self._new_customer()
        lines = self._create_item(partner, 300, "2026-02-01") | self._create_item(
            partner, 400, "2026-02-05"
        )
        action = self.env["dso.collection.action"].create(
            {
                "name": "Email",
                "partner_id": partner.id,
                "action_type": "email",
                "is_specific": True,
                "line_ids": [Command.set(lines.ids)],
                "mail_template_id": self.template.id,
                "attach_invoices": True,
            }
        )
        Report = self.env.registry["ir.actions.report"]
        render = Report._render_qweb_pdf
        calls = []

        def render_one(report, report_ref, res_ids=None, data=None):
            calls.append(list(res_ids))
            return render(report, report_ref, res_ids=res_ids, data=data)

        with patch.object(Report, "_render_qweb_pdf", render_one):
            result = self.env["dso.collection.send"]._dso_email_attachments(action)
        self.assertEqual(sorted(calls), sorted([[move.id] for move in lines.move_id]))
        self.assertEqual(len(result[action.id]), 2)

    def test_engine_failure_sends_without_the_document(self):
        self._attach()
        partner = self._new_customer()
        action = self._automatic_action(partner)
        invoice = action.line_ids.move_id
        Report = self.env.registry["ir.actions.report"]
        render = Report._render_qweb_pdf

        def render_but_invoices(report, report_ref, res_ids=None, data=None):
            if "invoice" in report_ref:
                raise OSError("wkhtmltopdf: Exit with code 1")
            return render(report, report_ref, res_ids=res_ids, data=data)

        self._run_automatic_cron(CRON_TIME)
        self._assert_sent(action)
        with patch.object(Report, "_render_qweb_pdf", render_but_invoices):
            self._mail_queue_sends(action.mail_id)
        self.assertEqual(action.mail_id.state, "sent")
        # The statement went; the invoice could not: the action says so.
        self.assertEqual(
            action.mail_id.attachment_ids, self._statement_of(action.mail_id)
        )
        self.assertIn(
            f"Sent without {invoice.name}", "\n".join(action.message_ids.mapped("body"))
        )

    def test_status_followup_gives_its_flags(self):
        status = self.env.ref("dso_collection.dso_item_status_promise")
        status.write({"attach_invoices": True, "attach_statement": True})
        values = status._dso_followup_values()
        self.assertTrue(values["attach_invoices"])
        self.assertTrue(values["attach_statement"])

    def test_letter_prints_the_statement_as_second_page(self):
        partner = self._new_customer()
        partner.write({"street": "1 Main Street", "city": "Brussels"})
        line = self._create_item(partner, 400, "2026-02-01")
        action = self.env["dso.collection.action"].create(
            {
                "name": "Letter",
                "partner_id": partner.id,
                "action_type": "letter",
                "is_specific": True,
                "line_ids": [Command.set(line.ids)],
                "mail_template_id": self.env.ref(
                    "dso_collection.mail_template_dso_formal_notice"
                ).id,
                "attach_statement": True,
            }
        )
        Report = self.env["ir.actions.report"]
        html = Report._render_qweb_html(LETTER_REPORT, action.ids)[0].decode()
        self.assertEqual(html.count('class="article o_dso_letter"'), 1)
        self.assertEqual(html.count("o_dso_statement_page"), 1)
        self.assertIn("Statement of account", html)
        action.attach_statement = False
        html = Report._render_qweb_html(LETTER_REPORT, action.ids)[0].decode()
        self.assertNotIn("o_dso_statement_page", html)
        self.assertNotIn("Statement of account", html)

    def test_letter_pdf_has_the_statement_page(self):
        """The one test rendering a real PDF: the statement is a page of
        its own after the letter."""
        partner = self._new_customer()
        line = self._create_item(partner, 400, "2026-02-01")
        action = self.env["dso.collection.action"].create(
            {
                "name": "Letter",
                "partner_id": partner.id,
                "action_type": "letter",
                "is_specific": True,
                "line_ids": [Command.set(line.ids)],
                "mail_template_id": self.env.ref(
                    "dso_collection.mail_template_dso_formal_notice"
                ).id,
                "attach_statement": True,
            }
        )
        action.with_context(force_report_rendering=True).action_send()
        reader = PdfReader(io.BytesIO(action.attachment_id.raw), strict=False)
        self.assertGreaterEqual(len(reader.pages), 2)
        last = " ".join(reader.pages[-1].extract_text().split())
        self.assertIn("Statement of account", last)
        self.assertIn(line.move_id.name, last)
        self.assertIn("Overdue more than 90 days", last)
        first = " ".join(reader.pages[0].extract_text().split())
        self.assertNotIn("Statement of account", first)
