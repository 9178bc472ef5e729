"""Carrying collection actions out: content, checks, channels, automatic batch.

Kept apart from the action model the way ``account.move.send`` keeps sending
apart from invoices: the action holds what is to be done; this model prepares
the message, checks it, sends it through the action's channel and records the
result. Every method takes the actions it works on as its first argument.

A channel is a method ``_send_<action type>(actions, contents)`` listed by
``_get_channel_methods()``: another addon adds or replaces a channel by
extending that table. Letters (and the litigation file) are in
``dso_collection_send_letter.py``.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, is_html_empty

from .dso_collection_constants import EMAIL_ACTION_TYPES


class DsoCollectionSend(models.AbstractModel):
    _name = "dso.collection.send"
    _description = "Sending of collection actions"

    # ------------------------------------------------------------------
    # Entry points (the action's buttons and crons call these)
    # ------------------------------------------------------------------

    @api.model
    def _preview(self, actions):
        """Render the template with its hashtags into the actions, where the
        collector reads and edits it before sending."""
        actions.write({"subject": False, "body_html": False, "sms_body": False})
        self._prepare_contents(actions, store=True)

    @api.model
    def _send_now(self, actions):
        """Check, then carry the actions out."""
        for action in actions:
            self._check_content(action)
        self._carry_out(actions)

    @api.model
    def _confirm(self, actions):
        """Approve automatic actions waiting for confirmation; those due are
        sent at once, the others by the cron on their date."""
        waiting = actions.filtered(lambda action: action.state == "to_confirm")
        waiting.write({"state": "todo"})
        today = fields.Date.context_today(self)
        self._send_automatic(waiting.filtered(lambda action: action.date <= today))

    @api.model
    def _carry_out(self, actions):
        """Prepare the messages, send them through their channels, mark the
        actions done and plan the customers' next steps."""
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
        """Subject, body and SMS text of the actions' templates, hashtags not
        yet expanded: {action id: values}. One rendering per template."""
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
    def _prepare_contents(self, actions, store=False):
        """Each action's message: from its template when the collector did
        not write one, hashtags expanded (those the collector typed too).

        Letters and SMS keep it on the action, which their channel reads; an
        email keeps it in its mail only, unless ``store`` (the preview).

        :return: {action id: {subject, body_html} or {sms_body}}
        """
        actions = actions.filtered(lambda action: action.action_type != "call")
        Hashtag = self.env["dso.hashtag"]
        empty = actions.filtered(
            lambda a: (
                not a.sms_body if a.action_type == "sms" else is_html_empty(a.body_html)
            )
        )
        rendered = self._render_templates(empty)
        items = Hashtag._read_items(actions) if actions else {}
        contents = {}
        for action in actions:
            values = rendered.get(action.id, {})
            if action.action_type == "sms":
                body = values.get("sms_body", action.sms_body) or ""
                content = {
                    "sms_body": Hashtag._render(action, body, "text", items[action.id])
                }
            else:
                subject = values.get("subject", action.subject) or action.name
                body = values.get("body_html", action.body_html) or ""
                content = {
                    "subject": Hashtag._render(
                        action, subject, "text", items[action.id]
                    ),
                    "body_html": Hashtag._render(
                        action, body, "html", items[action.id]
                    ),
                }
            if store or action.action_type not in EMAIL_ACTION_TYPES:
                action.write(content)
            contents[action.id] = content
        return contents

    @api.model
    def _check_content(self, action):
        """Refuse a message with unknown hashtags, or nothing to send."""
        action.ensure_one()
        Hashtag = self.env["dso.hashtag"]
        unknown = (
            Hashtag._find_unknown(action.subject or "")
            + Hashtag._find_unknown(action.body_html or "", is_html=True)
            + Hashtag._find_unknown(action.sms_body or "")
        )
        if unknown:
            raise UserError(
                self.env._(
                    "The message of action %(action)s for %(customer)s uses unknown "
                    "hashtags: %(hashtags)s. Correct them; the hashtags are listed in "
                    "the README and in the template editor's help.",
                    action=action.name,
                    customer=action.partner_id.display_name,
                    hashtags=", ".join(f"#{name}" for name in unknown),
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
        by_move = {}
        for action, body in bodies.items():
            for move in self._items_of(action).move_id:
                by_move[move.id] = body
        # One batch of notes, without notifications. sudo: collectors may not
        # write on invoices; these are the invoices of the actions' own items,
        # which the collector reads, and only a note is added.
        moves = self.env["account.move"].browse(list(by_move)).sudo()
        moves._message_log_batch(
            bodies=by_move,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
        )

    # ------------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------------

    @api.model
    def _email_recipients(self, action):
        action.ensure_one()
        if action.action_type == "internal_email":
            users = action.line_ids.dso_resolution_user_id | action.partner_id.user_id
            return users.partner_id.filtered("email")
        return action.partner_id._dso_collection_contacts()

    @api.model
    def _get_recipients_display(self, action):
        """Who receives ``action``, as the collector reads it before and after
        sending."""
        if not action.partner_id:
            return ""
        if action.mail_id:
            return ", ".join(action.mail_id.recipient_ids.mapped("email_formatted"))
        if action.action_type in EMAIL_ACTION_TYPES:
            return ", ".join(self._email_recipients(action).mapped("email_formatted"))
        return ""

    @api.model
    def _no_recipient_message(self, action):
        if action.action_type == "internal_email":
            return self.env._(
                "Nobody to ask about %(customer)s: set a salesperson on the customer "
                "or a resolution owner with an email on the items of action "
                "%(action)s.",
                customer=action.partner_id.display_name,
                action=action.name,
            )
        return self.env._(
            "%(customer)s has no email address: add one to the customer or to its "
            "invoicing contact, then send action %(action)s again.",
            customer=action.partner_id.display_name,
            action=action.name,
        )

    @api.model
    def _send_email(self, actions, contents):
        """Queue the actions' emails in one batch: each is a message on the
        customer's chatter and a mail.mail the mail queue sends, created in
        the transaction that marks the action done."""
        vals_list = []
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        for action in actions:
            recipients = self._email_recipients(action)
            if not recipients:
                raise UserError(self._no_recipient_message(action))
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
                    "auto_delete": False,
                    "state": "outgoing",
                }
            )
        # sudo: collectors may not create mails on customers they do not
        # own; these mails are the actions' own messages to their customers,
        # checked above (recipients, content).
        mails = self.env["mail.mail"].sudo().create(vals_list)
        notes = {}
        for action, mail in zip(actions, mails, strict=True):
            action.write({"mail_id": mail.id, "message_id": mail.mail_message_id.id})
            notes[action] = self.env._(
                "Collection email “%(subject)s” sent to %(recipients)s.",
                subject=mail.subject,
                recipients=", ".join(mail.recipient_ids.mapped("email")),
            )
        self._log_on_invoices(notes)

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
            sms = (
                self.env["sms.sms"]
                .sudo()
                .search([("mail_message_id", "=", message.id)], limit=1)
            )
            action.write({"message_id": message.id, "sms_id": sms.id})
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

    # ------------------------------------------------------------------
    # Automatic sending
    # ------------------------------------------------------------------

    @api.model
    def _lock_automatic_batch(self, company, today, limit):
        """Due automatic actions of ``company``, locked for this transaction;
        rows another worker holds are skipped, so no email goes twice. A
        customer gets at most one automatic email a day: when the next step
        is already due too (a late customer catching up), it waits for the
        next day."""
        Action = self.env["dso.collection.action"]
        Action.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id
                  FROM dso_collection_action a
                 WHERE a.company_id = %(company)s
                   AND a.automatic
                   AND a.state = 'todo'
                   AND a.date <= %(today)s
                   AND a.action_type IN %(types)s
                   AND a.mail_id IS NULL
                   AND a.message_id IS NULL
                   AND a.send_error IS NULL
                   AND NOT EXISTS (
                        SELECT 1
                          FROM dso_collection_action sent
                         WHERE sent.partner_id = a.partner_id
                           AND sent.company_id = a.company_id
                           AND sent.automatic
                           AND sent.mail_id IS NOT NULL
                           AND sent.date_done = %(today)s)
                 ORDER BY a.date, a.id
                 LIMIT %(limit)s
                   FOR UPDATE OF a SKIP LOCKED
                """,
                company=company.id,
                today=today,
                types=EMAIL_ACTION_TYPES,
                limit=limit,
            )
        )
        return Action.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _send_automatic(self, actions):
        """Send these automatic actions in one batch. A customer without email
        gets an activity for its collector; an action whose message cannot
        be prepared records why and goes to its collector too."""
        # Replan first: an action the daily planning has not caught up with
        # yet (a reminder before the due date once past it) is not sent.
        actions._plan_customers()
        ready = actions.browse()
        for action in actions.exists().filtered(lambda a: a.state == "todo"):
            if not self._email_recipients(action):
                self._fall_back_to_collector(action, self._no_recipient_message(action))
                continue
            try:
                self._check_content(action)
            except UserError as error:
                self._fall_back_to_collector(action, str(error))
                continue
            ready |= action
        if ready:
            self._carry_out(ready)
        return ready

    @api.model
    def _fall_back_to_collector(self, action, reason):
        """The cron could not send: the collector gets the action by hand."""
        action.ensure_one()
        action.write({"automatic": False, "send_error": reason})
        action.message_post(body=reason)
        action._dso_schedule_activities(force=True)

    @api.model
    def _cron_send_automatic(self, now=None):
        """Hourly: send the due automatic emails of every company whose
        allowed days and hours include now."""
        now = now or fields.Datetime.now()
        Action = self.env["dso.collection.action"]
        for company in self.env["res.company"].search([]):
            if not company._dso_can_send_now(now):
                continue
            today = company._dso_local_now(now).date()
            while True:
                batch = self._lock_automatic_batch(company, today, limit=100)
                if not batch:
                    break
                # In the company's timezone: the actions are done, and the
                # next steps planned, on the company's day.
                batch = batch.with_company(company).with_context(
                    tz=company._dso_timezone().zone
                )
                self.with_env(batch.env)._send_automatic(batch)
                # Commit each batch as the scheduled action: the emails and
                # their actions' done state are saved together and the row
                # locks released.
                if Action._dso_can_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return True
