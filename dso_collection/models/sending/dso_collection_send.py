"""Carrying collection actions out: content, checks, channels.

Kept apart from the action model the way ``account.move.send`` keeps sending
apart from invoices: the action holds what is to be done; this model prepares
the message, checks it, sends it through the action's channel and records the
result. Every method takes the actions it works on as its first argument.

A channel is a method ``_send_<action type>(actions, contents)`` listed by
``_get_channel_methods()``: another addon adds or replaces a channel by
extending that table. Letters (and the litigation file) are in
``dso_collection_send_letter.py``, who receives what in
``dso_collection_send_recipients.py``, the automatic batch and the sending window
in ``dso_collection_send_automatic.py``, what comes back from the mail server
(failures, bounces) in ``dso_collection_send_delivery.py``.
"""

import json
import logging

from markupsafe import escape

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, is_html_empty

from odoo.addons.mail.models.mail_message import _image_dataurl

from ...lib.constants import EMAIL_ACTION_TYPES

_logger = logging.getLogger(__name__)

# The statement of account (report/dso_statement_report.xml).
STATEMENT_REPORT = "dso_collection.action_report_dso_statement"


class DsoCollectionSend(models.AbstractModel):
    _name = "dso.collection.send"
    _inherit = ["dso.collection.batch.mixin"]
    _description = "Sending of collection actions"

    # ------------------------------------------------------------------
    # Entry points (the action's buttons and crons call these)
    # ------------------------------------------------------------------

    @api.model
    def _preview(self, actions):
        """Render the template into the actions, where the collector reads
        and edits it before sending."""
        actions.write({"subject": False, "body_html": False, "sms_body": False})
        self._prepare_contents(actions, store=True)

    @api.model
    def _send_now(self, actions):
        """Check, then carry the actions out."""
        for action in actions:
            self._check_content(action)
        self._carry_out(actions)

    @api.model
    def _carry_out(self, actions):
        """Prepare the messages, send them through their channels, mark the
        actions done and plan the customers' next steps. An action carried
        out (automatically, or by hand while held) is no longer held."""
        self._release_holds(actions)
        contents = self._prepare_contents(actions)
        self._send_by_channel(actions, contents)
        actions._dso_set_done()
        actions._plan_customers()

    @api.model
    def _get_channel_methods(self):
        """Action type -> method sending a batch of actions of that type."""
        return {
            "email": self._send_email,
            "interactive_email": self._send_email,
            "internal_email": self._send_email,
            "sms": self._send_sms,
            "call": self._send_call,
            "letter": self._send_letter,
            "registered_letter": self._send_registered_letter,
            "fax": self._send_fax,
            "litigation": self._send_litigation,
        }

    @api.model
    def _send_by_channel(self, actions, contents):
        """One call per channel, with all the actions of that channel."""
        channels = self._get_channel_methods()
        for action_type in dict.fromkeys(actions.mapped("action_type")):
            batch = actions.filtered(lambda a, t=action_type: a.action_type == t)
            channels[action_type](batch, contents)

    # ------------------------------------------------------------------
    # Content
    # ------------------------------------------------------------------

    @api.model
    def _render_templates(self, actions):
        """Subject, body and SMS text of the actions' templates, rendered by
        Odoo (the hashtags are fields of the action): {action id: values}.
        One rendering per template and language."""
        result = {action.id: {} for action in actions}
        for template in actions.mail_template_id:
            batch = actions.filtered(
                lambda a, t=template: a.mail_template_id == t and a.action_type != "sms"
            )
            subjects = template._render_field("subject", batch.ids, compute_lang=True)
            bodies = template._render_field(
                "body_html",
                batch.ids,
                compute_lang=True,
                options={"post_process": True},
            )
            for action in batch:
                result[action.id] = {
                    "subject": subjects[action.id] or "",
                    "body_html": bodies[action.id],
                }
        for template in actions.sms_template_id:
            batch = actions.filtered(
                lambda a, t=template: a.sms_template_id == t and a.action_type == "sms"
            )
            bodies = template._render_field("body", batch.ids, compute_lang=True)
            for action in batch:
                result[action.id] = {"sms_body": bodies[action.id] or ""}
        return result

    @api.model
    def _uses_template(self, action):
        """Whether the action's message comes from its template: the
        collector did not write one."""
        if action.action_type == "sms":
            return not action.sms_body
        return is_html_empty(action.body_html)

    @api.model
    def _prepare_contents(self, actions, store=False):
        """Each action's message: its template rendered when the collector
        did not write one, else the collector's message with the hashtags
        typed in its text expanded.

        Letters and SMS keep it on the action, which their channel reads; an
        email keeps it in its mail only, unless ``store`` (the preview).

        :return: {action id: {subject, body_html} or {sms_body}}
        """
        # The answer pages of interactive emails first: #interactive_link
        # renders their address.
        self._dso_prepare_requests(actions)
        actions = actions.filtered(lambda action: action.action_type != "call")
        # The items may have changed since the hashtags were last read.
        actions._dso_invalidate_hashtags()
        Hashtag = self.env["dso.hashtag"]
        from_template = actions.filtered(self._uses_template)
        with Hashtag._batch_rendering():
            rendered = self._render_templates(from_template)
        contents = {}
        for action in actions:
            values = rendered.get(action.id)
            if action.action_type == "sms":
                if values is not None:
                    content = {"sms_body": values.get("sms_body", "")}
                else:
                    content = {
                        "sms_body": Hashtag._expand_message(
                            action, action.sms_body, is_html=False
                        )
                    }
            elif values is not None:
                content = {
                    "subject": values.get("subject") or action.subject or action.name,
                    "body_html": values.get("body_html", ""),
                }
            else:
                content = {
                    "subject": Hashtag._expand_message(
                        action, action.subject or action.name, is_html=False
                    ),
                    "body_html": Hashtag._expand_message(
                        action, action.body_html, is_html=True
                    ),
                }
            if store or action.action_type not in EMAIL_ACTION_TYPES:
                action.write(content)
            contents[action.id] = content
        return contents

    @api.model
    def _check_content(self, action):
        """Refuse a message or template with unknown hashtags, or nothing to
        send."""
        action.ensure_one()
        Hashtag = self.env["dso.hashtag"]
        unknown = (
            Hashtag._find_unknown(action.subject or "")
            + Hashtag._find_unknown(action.body_html or "", is_html=True)
            + Hashtag._find_unknown(action.sms_body or "")
        )
        if self._uses_template(action):
            template = (
                action.sms_template_id
                if action.action_type == "sms"
                else action.mail_template_id
            )
            unknown += template._dso_unknown_hashtags() if template else []
        if unknown:
            raise UserError(
                self.env._(
                    "The message of action %(action)s for %(customer)s uses unknown "
                    "hashtags: %(hashtags)s. Correct them; the hashtags are listed in "
                    "the README and in the template editor's help.",
                    action=action.name,
                    customer=action.partner_id.display_name,
                    hashtags=", ".join(f"#{name}" for name in dict.fromkeys(unknown)),
                )
            )
        if (
            action.action_type in EMAIL_ACTION_TYPES
            and not action.mail_template_id
            and is_html_empty(action.body_html)
        ):
            raise UserError(
                self.env._(
                    "Action %(action)s for %(customer)s has no message: choose a "
                    "template or write the message, then send it.",
                    action=action.name,
                    customer=action.partner_id.display_name,
                )
            )

    # ------------------------------------------------------------------
    # Logging on the invoices
    # ------------------------------------------------------------------

    @api.model
    def _items_of(self, action):
        """The items an action concerns: those it lists, else the customer's
        open items that are not excluded (as its hashtags list them)."""
        if action.line_ids:
            return action.line_ids
        Hashtag = self.env["dso.hashtag"]
        return Hashtag._selected_items(action, Hashtag._read_items(action)[action.id])

    @api.model
    def _log_on_invoices(self, bodies):
        """A note on each invoice concerned by the actions.

        :param bodies: {action: note}
        """
        actions = self.env["dso.collection.action"].union(*bodies)
        items = self._items_of_batch(actions)
        by_move = {}
        for action, body in bodies.items():
            for move in items[action.id].move_id:
                by_move[move.id] = body
        # One batch of notes, without notifications. sudo: collectors may not
        # write on invoices; these are the invoices of the actions' own items,
        # which the collector reads, and only a note is added.
        moves = self.env["account.move"].browse(list(by_move)).sudo()
        self._dso_log_notes(moves, by_move)

    @api.model
    def _items_of_batch(self, actions):
        """``_items_of`` for many actions: the customers' open items read in
        one query. {action id: account.move.line}"""
        Hashtag = self.env["dso.hashtag"]
        listing = actions.filtered(lambda action: not action.line_ids)
        read = Hashtag._read_items(listing) if listing else {}
        return {
            action.id: action.line_ids
            or Hashtag._selected_items(action, read[action.id])
            for action in actions
        }

    @api.model
    def _dso_log_notes(self, moves, bodies):
        """``moves._message_log_batch(bodies)`` (notes by the current user,
        no notification), thousands at once: the first note is created by
        Odoo, the others are copies of its row in one INSERT, each with its
        invoice and its body sanitized as the ORM does. Creating ten
        thousand messages through the ORM took most of a batch of 1 000
        emails."""
        if not moves:
            return self.env["mail.message"]
        author_id = self.env.user.partner_id.id
        first = moves[:1]._message_log_batch(
            bodies={moves[:1].id: bodies[moves[:1].id]},
            author_id=author_id,
            message_type="comment",
        )
        rest = moves[1:]
        if not rest:
            return first
        Message = self.env["mail.message"].sudo()
        # What _message_log_batch then the ORM store: the escaped text,
        # sanitized as the field is (once per note, once per shape of note).
        notes = list(dict.fromkeys(bodies[move.id] for move in rest))
        sanitized = dict(
            zip(
                notes,
                self._dso_sanitize_html(
                    Message, "body", [escape(note) for note in notes]
                ),
                strict=True,
            )
        )
        rows = [(move.id, sanitized[bodies[move.id]]) for move in rest]
        Message.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'mail_message' AND table_schema = current_schema()"
            )
        )
        columns = [
            name
            for (name,) in self.env.cr.fetchall()
            if name not in ("id", "res_id", "body")
        ]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (res_id, body, %(columns)s)
                SELECT v.res_id, v.body, %(copied)s
                  FROM mail_message m,
                       jsonb_array_elements(%(rows)s::jsonb) WITH ORDINALITY
                            AS r(row, position),
                       LATERAL jsonb_to_record(r.row) AS v(res_id int, body text)
                 WHERE m.id = %(first)s
                 ORDER BY r.position
                RETURNING id
                """,
                columns=SQL(", ").join(map(SQL.identifier, columns)),
                copied=SQL(", ").join(SQL.identifier("m", name) for name in columns),
                rows=json.dumps([{"res_id": r, "body": b} for r, b in rows]),
                first=first.id,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        # What mail.message's create does after the insert
        # (``_invalidate_documents``): the invoices' chatter is read again.
        moves.invalidate_recordset(
            ["message_ids", "message_needaction", "message_needaction_counter"]
        )
        return first | Message.browse(ids)

    # ------------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------------

    @api.model
    def _send_email(self, actions, contents):
        """Queue the actions' emails in one batch: each is a message on the
        customer's chatter and a mail.mail the mail queue sends, created in
        the transaction that marks the action done. Its invoices and
        statement of account are rendered by the mail queue just before it
        goes (``mail_mail.py``). Whether it is delivered comes back later
        (``dso_collection_send_delivery.py``)."""
        vals_list = []
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        recipients_of = {
            action.id: self._email_recipients(action) for action in actions
        }
        for action in actions:
            if not recipients_of[action.id]:
                raise UserError(self._no_recipient_message(action))
        for action in actions:
            recipients = recipients_of[action.id]
            author = action.user_id or self.env.user
            content = contents[action.id]
            vals_list.append(
                {
                    "model": "res.partner",
                    "res_id": action.partner_id.id,
                    "message_type": "comment",
                    "subtype_id": subtype_id,
                    "subject": content["subject"],
                    "body": content["body_html"],
                    "body_html": content["body_html"],
                    "author_id": author.partner_id.id,
                    "email_from": author.email_formatted
                    or action.company_id.email_formatted,
                    "recipient_ids": [Command.set(recipients.ids)],
                    # Its invoices and statement are rendered when the mail
                    # queue sends it (mail_mail.py), not in this batch.
                    "dso_documents_pending": bool(
                        action.attach_invoices or action.attach_statement
                    ),
                    "auto_delete": False,
                    "state": "outgoing",
                }
            )
        self._dso_set_reply_to(vals_list)
        bodies = self._dso_defer_bodies(vals_list)
        # sudo: collectors may not create mails on customers they do not
        # own; these mails are the actions' own messages to their customers,
        # checked above (recipients, content).
        mails = self.env["mail.mail"].sudo().create(vals_list)
        self._dso_write_bodies(mails, bodies)
        self._dso_link_mails(actions, mails)
        notes = {}
        for action, mail in zip(actions, mails, strict=True):
            notes[action] = self.env._(
                "Collection email “%(subject)s” sent to %(recipients)s.",
                subject=mail.subject,
                recipients=", ".join(mail.recipient_ids.mapped("email")),
            )
        self._log_on_invoices(notes)
        self._dso_interactive_emails_sent(actions)

    @api.model
    def _dso_set_reply_to(self, vals_list):
        """The reply-to of each email's message, as mail.message's create
        computes it (``_get_reply_to``), for the whole batch at once: one
        ``_notify_get_reply_to`` per sender instead of one per email."""
        by_sender = {}
        for vals in vals_list:
            by_sender.setdefault(vals["email_from"], set()).add(vals["res_id"])
        reply_to = {}
        for email_from, partner_ids in by_sender.items():
            # sudo: as mail.message's create reads it.
            partners = self.env["res.partner"].sudo().browse(sorted(partner_ids))
            for partner_id, value in partners._notify_get_reply_to(
                default=email_from
            ).items():
                reply_to[email_from, partner_id] = value
        for vals in vals_list:
            vals["reply_to"] = reply_to[vals["email_from"], vals["res_id"]]

    @api.model
    def _dso_defer_bodies(self, vals_list):
        """The messages' bodies, taken out of ``vals_list``: the ORM would
        sanitize each one twice (for the row and for the cache), which was a
        third of the batch; ``_dso_write_bodies`` writes them sanitized once.
        A body with an embedded image stays (mail.message's create makes an
        attachment of it). {position in vals_list: body}"""
        bodies = {}
        for position, vals in enumerate(vals_list):
            body = vals.get("body")
            if body and not _image_dataurl.search(str(body)):
                bodies[position] = vals.pop("body")
        return bodies

    @api.model
    def _dso_write_bodies(self, mails, bodies):
        """Write the bodies ``_dso_defer_bodies`` kept back into the mails'
        messages, sanitized as mail.message's ``body`` field sanitizes, in
        one UPDATE. The bodies of one template differ by their texts only:
        Odoo's sanitizer runs once per shape of body, not once per email
        (``_dso_sanitize_html``)."""
        if not bodies:
            return
        Message = self.env["mail.message"].sudo()
        values = self._dso_sanitize_html(Message, "body", list(bodies.values()))
        rows = [
            {"id": mails[position].mail_message_id.id, "body": value}
            for position, value in zip(bodies, values, strict=True)
        ]
        Message.flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE mail_message m
                   SET body = v.body
                  FROM jsonb_to_recordset(%(rows)s::jsonb) AS v(id int, body text)
                 WHERE m.id = v.id
                """,
                rows=json.dumps(rows),
            )
        )
        messages = mails.mail_message_id
        messages.invalidate_recordset(["body"])
        messages.modified(["body"])

    @api.model
    def _dso_link_mails(self, actions, mails):
        """Each action keeps its mail and message (delivery tracking): one
        UPDATE for the batch instead of a write per action."""
        Action = self.env["dso.collection.action"]
        Action.flush_model()
        rows = [
            {"id": action.id, "mail": mail.id, "message": mail.mail_message_id.id}
            for action, mail in zip(actions, mails, strict=True)
        ]
        self.env.cr.execute(
            SQL(
                """
                UPDATE dso_collection_action a
                   SET mail_id = v.mail, message_id = v.message, send_error = NULL,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM jsonb_to_recordset(%(rows)s::jsonb)
                       AS v(id int, mail int, message int)
                 WHERE a.id = v.id
                """,
                rows=json.dumps(rows),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        actions.invalidate_recordset(
            ["mail_id", "message_id", "send_error", "write_uid", "write_date"]
        )
        # What depends on them (the recipients shown on the action, its
        # delivery state) is computed again.
        actions.modified(["mail_id", "message_id", "send_error"])

    # ------------------------------------------------------------------
    # Attachments of the emails: invoices and statement of account
    # ------------------------------------------------------------------

    @api.model
    def _dso_email_attachments(self, actions):
        """The documents going with the actions' emails: with
        ``attach_invoices``, the PDF of each invoice the message lists (its
        stored PDF when there is one, else its invoice report); with
        ``attach_statement``, the customer's statement of account in its
        language. Each document is rendered once per batch, whichever
        actions share it. A document that cannot be rendered (no PDF
        engine, an engine error) does not stop the email: it goes without
        it, and the action says which one is missing.

        :return: {action id: [ir.attachment ids]}
        """
        invoices_of = {
            action.id: self._dso_attached_invoices(action)
            for action in actions.filtered("attach_invoices")
        }
        invoice_pdfs = self._dso_invoice_pdfs(
            self.env["account.move"].union(*invoices_of.values())
        )
        statements = {}
        result = {}
        for action in actions:
            ids, missing = [], []
            for move in invoices_of.get(action.id, ()):
                if invoice_pdfs.get(move.id):
                    ids.append(invoice_pdfs[move.id])
                else:
                    missing.append(move.name)
            if action.attach_statement:
                key = (
                    action.partner_id.commercial_partner_id,
                    action.company_id,
                    action.partner_id.lang or self.env.lang,
                )
                if key not in statements:
                    statements[key] = self._dso_statement_attachment(*key).id
                if statements[key]:
                    ids.append(statements[key])
                else:
                    missing.append(self.env._("the statement of account"))
            if missing:
                action.message_post(
                    body=self.env._(
                        "Sent without %(documents)s: the PDF could not be "
                        "rendered (check the PDF engine, wkhtmltopdf, in the "
                        "server log).",
                        documents=", ".join(missing),
                    )
                )
            result[action.id] = ids
        return result

    @api.model
    def _dso_attached_invoices(self, action):
        """The invoices and credit notes whose PDF goes with the email of
        ``action``: those of the items its message lists (payments and
        miscellaneous entries have no PDF)."""
        return self._items_of(action).move_id.filtered(
            lambda move: move.is_invoice(include_receipts=True)
        )

    @api.model
    def _dso_render(self, report, res_id, data=None):
        """``report`` rendered for the one record ``res_id``: (content,
        report type), or None when the PDF engine fails. One record per
        rendering: the wkhtmltopdf of most Linux distributions (without
        patched Qt) returns an empty file for several records at once."""
        # sudo: callers render the documents of the customer the email goes
        # to (see _dso_invoice_pdfs, _dso_statement_attachment).
        Report = self.env["ir.actions.report"].sudo()
        try:
            with self.env.cr.savepoint():
                return Report._render_qweb_pdf(report, [res_id], data=data)
        # Any failure of the PDF engine: the email goes without the document.
        except Exception:
            _logger.warning(
                "Collection email: %s of record %s could not be rendered",
                report,
                res_id,
                exc_info=True,
            )
            return None

    @api.model
    def _dso_invoice_pdfs(self, invoices):
        """The PDF of each of ``invoices``: its stored PDF (the one Odoo
        kept when the invoice was sent) when there is one, else its invoice
        report rendered now, kept as an attachment of the customer.

        :return: {invoice id: ir.attachment id} (none for an invoice whose
            PDF could not be rendered)
        """
        # sudo: the invoices of the items the email lists, which the sender
        # chases; a collector may not read every invoice's stored PDF nor
        # print the accounting report, and only these documents are read.
        invoices = invoices.sudo()
        result = {}
        vals_list, rendered_ids = [], []
        for invoice in invoices:
            if invoice.invoice_pdf_report_id:
                result[invoice.id] = invoice.invoice_pdf_report_id.id
                continue
            report = invoice.partner_id.invoice_template_pdf_report_id or (
                self.env.ref("account.account_invoices")
            )
            rendered = self.with_company(invoice.company_id)._dso_render(
                report.report_name, invoice.id
            )
            if rendered is None:
                continue
            content, report_type = rendered
            name = invoice._get_invoice_report_filename(
                extension="pdf" if report_type == "pdf" else "html"
            )
            vals_list.append(
                self._dso_attachment_vals(
                    invoice.commercial_partner_id, name, content, report_type
                )
            )
            rendered_ids.append(invoice.id)
        # sudo: see above; the new files are attached to the customer the
        # email goes to.
        attachments = self.env["ir.attachment"].sudo().create(vals_list)
        result.update(zip(rendered_ids, attachments.ids, strict=True))
        return result

    @api.model
    def _dso_statement_attachment(self, customer, company, lang):
        """The statement of account of ``customer`` in ``company``, in
        ``lang``, rendered now and attached to the customer (an empty
        recordset when it could not be rendered)."""
        Statement = self.env["report.dso_collection.report_dso_statement"]
        # The statement reads the customer's open items of that company
        # only (``_dso_statement_domain``).
        rendered = (
            self.with_context(lang=lang)
            .with_company(company)
            ._dso_render(STATEMENT_REPORT, customer.id, data={"company_id": company.id})
        )
        if rendered is None:
            return self.env["ir.attachment"]
        content, report_type = rendered
        name = Statement.with_context(lang=lang)._dso_statement_filename(
            customer, "pdf" if report_type == "pdf" else "html"
        )
        # sudo: the statement of the customer the email goes to.
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(self._dso_attachment_vals(customer, name, content, report_type))
        )

    @api.model
    def _dso_attachment_vals(self, customer, name, raw, report_type):
        """An attachment of ``customer``: a PDF, or the HTML Odoo renders
        instead in tests."""
        return {
            "name": name,
            "raw": raw,
            "mimetype": "application/pdf" if report_type == "pdf" else "text/html",
            "res_model": "res.partner",
            "res_id": customer.id,
        }

    @api.model
    def _send_sms(self, actions, contents):
        for action in actions:
            number = action.partner_id._dso_sms_number()
            if not (action.sms_body or "").strip():
                raise UserError(
                    self.env._(
                        "Action %(action)s for %(customer)s has no SMS text: choose "
                        "an SMS template or write the text.",
                        action=action.name,
                        customer=action.partner_id.display_name,
                    )
                )
            # sudo: as for emails, the customer's chatter keeps the SMS.
            message = action.partner_id.sudo()._message_sms(
                action.sms_body, sms_numbers=[number], put_in_queue=True
            )
            # sudo: only administrators read sms.sms; this is the SMS just
            # queued for the message above, kept to follow its delivery.
            sms = (
                self.env["sms.sms"]
                .sudo()
                .search([("mail_message_id", "=", message.id)], limit=1)
            )
            action.write(
                {"message_id": message.id, "sms_id": sms.id, "send_error": False}
            )
            self._log_on_invoices(
                {
                    action: self.env._(
                        "Collection SMS sent to %(number)s.", number=number
                    )
                }
            )

    @api.model
    def _send_call(self, actions, contents):
        """Nothing to send: the call was made; its activity is closed."""
