import threading

from markupsafe import Markup

from odoo import Command, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, is_html_empty

from .dso_collection_step import ACTION_TYPES, AUTOMATIC_ACTION_TYPES

OPEN_STATES = ("todo", "to_confirm")


class DsoCollectionAction(models.Model):
    _name = "dso.collection.action"
    _description = "Collection action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date, priority desc, id"
    _rec_name = "name"

    name = fields.Char(required=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    step_id = fields.Many2one(
        "dso.collection.step",
        string="Scenario step",
        ondelete="set null",
        index="btree_not_null",
    )
    scenario_id = fields.Many2one(
        related="cycle_id.scenario_id", string="Scenario", store=True
    )
    cycle_id = fields.Many2one(
        "dso.collection.cycle", ondelete="cascade", index="btree_not_null"
    )
    leader_line_id = fields.Many2one(
        related="cycle_id.leader_line_id", string="Leader invoice"
    )
    is_specific = fields.Boolean(
        string="Specific action",
        default=False,
        help="Created by a collector on selected items, out of the scenario. While "
        "it is open, its items are excluded from the scenario.",
    )
    action_type = fields.Selection(ACTION_TYPES, required=True, tracking=True)
    date = fields.Date(required=True, index=True, tracking=True)
    state = fields.Selection(
        [
            ("todo", "To do"),
            ("to_confirm", "To confirm"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        required=True,
        default="todo",
        tracking=True,
    )
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0")
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    line_ids = fields.Many2many(
        "account.move.line",
        "dso_collection_action_line_rel",
        "action_id",
        "line_id",
        string="Items",
        domain="[('partner_id.commercial_partner_id', '=', partner_id),"
        " ('account_type', '=', 'asset_receivable'),"
        " ('parent_state', '=', 'posted'), ('reconciled', '=', False)]",
    )
    automatic = fields.Boolean()
    to_confirm = fields.Boolean(string="To be confirmed")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Template",
        domain="[('model', '=', 'dso.collection.action')]",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS template",
        domain="[('model', '=', 'dso.collection.action')]",
    )
    subject = fields.Char(help="Subject of the email or letter, hashtags expanded.")
    body_html = fields.Html(
        string="Message",
        help="The message as it will be sent: filled from the template by Preview, "
        "editable for this send; hashtags typed here are expanded when it is sent.",
    )
    sms_body = fields.Text(string="SMS text")
    tracking_number = fields.Char(
        help="Tracking number of the registered letter, from the postal receipt."
    )
    mail_id = fields.Many2one(
        "mail.mail",
        string="Email",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    message_id = fields.Many2one(
        "mail.message", string="Message sent", readonly=True, copy=False
    )
    sms_id = fields.Many2one("sms.sms", string="SMS", readonly=True, copy=False)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Letter", readonly=True, copy=False
    )
    print_date = fields.Date(
        compute="_compute_print_date", help="Date printed on letters: today."
    )
    send_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why the automatic sending did not happen; the collector carries the "
        "action out by hand.",
    )
    note = fields.Html(
        string="Result", help="What happened: outcome of the call, answer ..."
    )
    date_done = fields.Date(string="Done on", readonly=True, copy=False)
    done_user_id = fields.Many2one(
        "res.users", string="Done by", readonly=True, copy=False
    )
    amount_total = fields.Monetary(
        string="Items amount",
        compute="_compute_amount_total",
        currency_field="currency_id",
    )
    is_late = fields.Boolean(
        compute="_compute_is_late", search="_search_is_late", string="Late"
    )

    def init(self):
        # Rule 3 of the scenario semantics, enforced by the database so that two
        # planners running at once can never leave two open scenario actions.
        # "IS NOT TRUE": an unset (NULL) is_specific is a scenario action too.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS
                   dso_collection_action_one_open_scenario_uniq
                ON dso_collection_action (partner_id, company_id)
             WHERE is_specific IS NOT TRUE AND state IN ('todo', 'to_confirm')
            """
        )
        tools.create_index(
            self.env.cr,
            "dso_collection_action_company_partner_idx",
            self._table,
            ["company_id", "partner_id", "state"],
        )

    @api.depends("line_ids.amount_residual")
    def _compute_amount_total(self):
        for action in self:
            action.amount_total = sum(action.line_ids.mapped("amount_residual"))

    @api.depends_context("tz")
    def _compute_print_date(self):
        self.print_date = fields.Date.context_today(self)

    @api.depends("date", "state")
    @api.depends_context("tz")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_late = action.state in OPEN_STATES and action.date < today

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        today = fields.Date.context_today(self)
        domain = [("state", "in", OPEN_STATES), ("date", "<", today)]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.constrains("is_specific", "line_ids", "partner_id")
    def _check_items(self):
        if self.env.context.get("dso_planning"):
            # The planner lists items it read for this customer and company.
            return
        for action in self:
            if action.is_specific and not action.line_ids:
                raise ValidationError(
                    self.env._(
                        "The specific action %(action)s for %(customer)s has no items: "
                        "select the invoices it concerns.",
                        action=action.name,
                        customer=action.partner_id.display_name,
                    )
                )
            foreign = action.line_ids.filtered(
                lambda line, action=action: (
                    line.partner_id.commercial_partner_id != action.partner_id
                    or line.company_id != action.company_id
                )
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "Action %(action)s for %(customer)s lists items of another "
                        "customer or company (%(items)s): remove them.",
                        action=action.name,
                        customer=action.partner_id.display_name,
                        items=", ".join(foreign.mapped("display_name")),
                    )
                )

    @api.onchange("is_specific", "step_id")
    def _onchange_step_id(self):
        if self.step_id:
            self.action_type = self.step_id.action_type
            self.mail_template_id = self.step_id.mail_template_id
            self.sms_template_id = self.step_id.sms_template_id
            self.automatic = self.step_id.automatic
            self.to_confirm = self.step_id.to_confirm

    @api.model_create_multi
    def create(self, vals_list):
        # One read for the whole batch: the planner creates thousands at once.
        partners = self.env["res.partner"].browse(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        )
        commercial_ids = {
            partner.id: partner.commercial_partner_id.id for partner in partners
        }
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = commercial_ids[vals["partner_id"]]
        actions = super().create(vals_list)
        # An open specific action excludes its items from the scenario: the
        # customer's leader invoice and next step may change at once.
        if not self.env.context.get("dso_planning"):
            actions._dso_schedule_activities()
            actions.filtered("is_specific")._plan_customers()
        return actions

    def write(self, vals):
        res = super().write(vals)
        if "user_id" in vals:
            self._dso_reassign_activities()
        if "line_ids" in vals and not self.env.context.get("dso_planning"):
            self.filtered("is_specific")._plan_customers()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_processed(self):
        """Done and cancelled actions are the collection history: only a
        credit manager deletes them."""
        if self.env.is_superuser() or self.env.user.has_group(
            "dso_collection.group_dso_manager"
        ):
            return
        processed = self.filtered(lambda action: action.state not in OPEN_STATES)
        if processed:
            raise UserError(
                self.env._(
                    "Action %(action)s for %(customer)s is already %(state)s and "
                    "stays in the collection history; only a credit manager can "
                    "delete it.",
                    action=processed[0].name,
                    customer=processed[0].partner_id.display_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        processed[0].state
                    ],
                )
            )

    def unlink(self):
        # Deleting an open specific action gives its items back to the scenario.
        to_plan = set()
        if not self.env.context.get("dso_planning"):
            to_plan = {
                (action.partner_id, action.company_id)
                for action in self
                if action.is_specific and action.state in OPEN_STATES
            }
        res = super().unlink()
        for partner, company in to_plan:
            partner.with_company(company)._dso_plan()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_done(self):
        """Record the action as carried out and plan the customer's next step."""
        self._check_open()
        self._dso_set_done()
        self._plan_customers()
        return True

    def action_cancel(self):
        """Skip the action: the customer's scenario moves on to its next step."""
        self._check_open()
        self.write(
            {
                "state": "cancel",
                "date_done": fields.Date.context_today(self),
                "done_user_id": self.env.uid,
            }
        )
        self.activity_ids.unlink()
        self._plan_customers()
        return True

    def _dso_complete_from_activity(self, feedback):
        """The collector finished the action's activity (call made, letter
        posted): the action is done with the activity's feedback as result."""
        for action in self:
            action._dso_set_done(note=feedback)
        self._plan_customers()

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _check_open(self):
        closed = self.filtered(lambda action: action.state not in OPEN_STATES)
        if closed:
            raise UserError(
                self.env._(
                    "Action %(action)s for %(customer)s is already done or "
                    "cancelled: create a specific action to follow the customer "
                    "again.",
                    action=closed[0].name,
                    customer=closed[0].partner_id.display_name,
                )
            )

    def _plan_customers(self):
        """Replan the customers of these actions, company by company."""
        for company in self.company_id:
            actions = self.filtered(lambda action, c=company: action.company_id == c)
            actions.partner_id.with_company(company)._dso_plan(
                date=fields.Date.context_today(self)
            )

    @api.model
    def _dso_can_commit(self):
        """Whether a scheduled action may commit its batches: when it runs as
        the scheduled action, so that a crash or a time-out keeps the work
        done (planning and sending resume where they stopped). Called from
        anywhere else (demo data loading in a savepoint, a script) or in a
        test, the caller owns the transaction."""
        return bool(self.env.context.get("ir_cron_progress_id")) and not getattr(
            threading.current_thread(), "testing", False
        )

    @api.model
    def _cron_plan(self, date=None):
        """Daily scheduled action: plan the agenda of every company."""
        date = date or fields.Date.context_today(self)
        planner = self.env["dso.collection.planner"]
        companies = self.env["res.company"].search([])
        partner_ids_by_company = {
            company: planner._get_customers_to_plan(company) for company in companies
        }
        total = sum(len(ids) for ids in partner_ids_by_company.values())
        done = 0
        for company, partner_ids in partner_ids_by_company.items():
            for batch in tools.split_every(planner._batch_size(), partner_ids):
                planner._plan_company(company, list(batch), date)
                done += len(batch)
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                if self._dso_can_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    # ------------------------------------------------------------------
    # Carrying actions out
    # ------------------------------------------------------------------

    def action_preview(self):
        """Render the template with its hashtags into the action, where the
        collector reads and edits it before sending."""
        self._check_open()
        self.write({"subject": False, "body_html": False, "sms_body": False})
        self._dso_prepare_content(store=True)
        return True

    def action_send(self):
        """Carry the actions out now through their channel, record the result
        and plan the customers' next step: the path the cron uses too."""
        self._check_open()
        for action in self:
            action._dso_check_content()
        self._dso_carry_out()
        return True

    def _dso_carry_out(self):
        """Prepare the messages, send them through their channels, mark the
        actions done and plan the customers' next steps."""
        contents = self._dso_prepare_content()
        self._dso_send_by_channel(contents)
        self._dso_set_done()
        self._plan_customers()

    def _dso_send_by_channel(self, contents):
        """Emails go out in one batch; letters, SMS and litigation one by one
        (they read their message on the action)."""
        emails = self.filtered(
            lambda action: action.action_type in AUTOMATIC_ACTION_TYPES
        )
        if emails:
            emails._dso_send_email(contents)
        for action in self - emails:
            getattr(action, f"_dso_send_{action.action_type}")()

    def _dso_render_templates(self):
        """Subject, body and SMS text of the actions' templates, hashtags not
        yet expanded: {action id: values}. One rendering per template."""
        result = {action.id: {} for action in self}
        for template in self.mail_template_id:
            actions = self.filtered(
                lambda a, t=template: a.mail_template_id == t and a.action_type != "sms"
            )
            subjects = template._render_field("subject", actions.ids, compute_lang=True)
            bodies = template._render_field(
                "body_html",
                actions.ids,
                compute_lang=True,
                options={"post_process": True},
            )
            for action in actions:
                result[action.id] = {
                    "subject": subjects[action.id] or "",
                    "body_html": bodies[action.id],
                }
        for template in self.sms_template_id:
            actions = self.filtered(
                lambda a, t=template: a.sms_template_id == t and a.action_type == "sms"
            )
            bodies = template._render_field("body", actions.ids, compute_lang=True)
            for action in actions:
                result[action.id] = {"sms_body": bodies[action.id] or ""}
        return result

    def _dso_render_message(self):
        """The action's message from its templates, hashtags expanded."""
        self.ensure_one()
        Hashtag = self.env["dso.hashtag"]
        values = self._dso_render_templates()[self.id]
        if self.action_type == "sms":
            return {
                "sms_body": Hashtag._render(self, values.get("sms_body", ""), "text")
            }
        return {
            "subject": Hashtag._render(
                self, values.get("subject") or self.name, "text"
            ),
            "body_html": Hashtag._render(self, values.get("body_html") or "", "html"),
        }

    def _dso_prepare_content(self, store=False):
        """Each action's message: from its template when the collector did
        not write one, hashtags expanded (those the collector typed too).

        Letters and SMS keep it on the action, which their channel reads; an
        email keeps it in its mail only, unless ``store`` (the preview).

        :return: {action id: {subject, body_html} or {sms_body}}
        """
        actions = self.filtered(lambda action: action.action_type != "call")
        Hashtag = self.env["dso.hashtag"]
        empty = actions.filtered(
            lambda a: (
                not a.sms_body if a.action_type == "sms" else is_html_empty(a.body_html)
            )
        )
        rendered = empty._dso_render_templates()
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
            if store or action.action_type not in AUTOMATIC_ACTION_TYPES:
                action.write(content)
            contents[action.id] = content
        return contents

    def _dso_check_content(self):
        """Refuse a message with unknown hashtags, or nothing to send."""
        self.ensure_one()
        Hashtag = self.env["dso.hashtag"]
        unknown = (
            Hashtag._find_unknown(self.subject or "")
            + Hashtag._find_unknown(self.body_html or "", is_html=True)
            + Hashtag._find_unknown(self.sms_body or "")
        )
        if unknown:
            raise UserError(
                self.env._(
                    "The message of action %(action)s for %(customer)s uses unknown "
                    "hashtags: %(hashtags)s. Correct them; the hashtags are listed in "
                    "the README and in the template editor's help.",
                    action=self.name,
                    customer=self.partner_id.display_name,
                    hashtags=", ".join(f"#{name}" for name in unknown),
                )
            )
        needs_template = self.action_type in (
            "email",
            "interactive_email",
            "internal_email",
        )
        if (
            needs_template
            and not self.mail_template_id
            and is_html_empty(self.body_html)
        ):
            raise UserError(
                self.env._(
                    "Action %(action)s for %(customer)s has no message: choose a "
                    "template or write the message, then send it.",
                    action=self.name,
                    customer=self.partner_id.display_name,
                )
            )

    def _dso_set_done(self, note=None):
        """Record the action as carried out (without replanning)."""
        vals = {
            "state": "done",
            "date_done": fields.Date.context_today(self),
            "done_user_id": self.env.uid,
        }
        if note:
            vals["note"] = note
        self.write(vals)
        if not self.env.context.get("dso_activity_sync"):
            self.activity_ids.with_context(dso_activity_sync=True).action_feedback(
                feedback=self.env._("Collection action done.")
            )

    # Channels ----------------------------------------------------------------

    def _dso_items_for_log(self):
        return self.line_ids or self.env["dso.hashtag"]._selected_items(self)

    def _dso_log_on_invoices(self, bodies):
        """A note on each invoice concerned by the actions.

        :param bodies: the note, or {action: note}
        """
        if not isinstance(bodies, dict):
            bodies = dict.fromkeys(self, bodies)
        by_move = {}
        for action, body in bodies.items():
            for move in action._dso_items_for_log().move_id:
                by_move[move.id] = body
        # One batch of notes, without notifications; as superuser because
        # collectors may not write on invoices, and these are the invoices of
        # the actions, which the collector reads.
        moves = self.env["account.move"].browse(list(by_move)).sudo()
        moves._message_log_batch(
            bodies=by_move,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
        )

    def _dso_email_recipients(self):
        self.ensure_one()
        if self.action_type == "internal_email":
            users = self.line_ids.dso_resolution_user_id | self.partner_id.user_id
            return users.partner_id.filtered("email")
        return self.partner_id._dso_collection_contacts()

    def _dso_send_email(self, contents):
        """Queue the actions' emails in one batch: each is a message on the
        customer's chatter and a mail.mail the mail queue sends, created in
        the transaction that marks the action done."""
        vals_list = []
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        for action in self:
            recipients = action._dso_email_recipients()
            if not recipients:
                raise UserError(action._dso_no_recipient_message())
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
        # Collectors may not create mails for other users' documents; the
        # mails are the actions' own messages to their customers.
        mails = self.env["mail.mail"].sudo().create(vals_list)
        notes = {}
        for action, mail in zip(self, mails, strict=True):
            action.write({"mail_id": mail.id, "message_id": mail.mail_message_id.id})
            notes[action] = self.env._(
                "Collection email “%(subject)s” sent to %(recipients)s.",
                subject=mail.subject,
                recipients=", ".join(mail.recipient_ids.mapped("email")),
            )
        self._dso_log_on_invoices(notes)

    def _dso_no_recipient_message(self):
        if self.action_type == "internal_email":
            return self.env._(
                "Nobody to ask about %(customer)s: set a salesperson on the customer "
                "or a resolution owner with an email on the items of action "
                "%(action)s.",
                customer=self.partner_id.display_name,
                action=self.name,
            )
        return self.env._(
            "%(customer)s has no email address: add one to the customer or to its "
            "invoicing contact, then send action %(action)s again.",
            customer=self.partner_id.display_name,
            action=self.name,
        )

    def _dso_send_letter(self):
        self.ensure_one()
        pdf, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            "dso_collection.action_report_dso_collection_letter", self.ids
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name} - {self.partner_id.name}.pdf",
                "raw": pdf,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf",
            }
        )
        self.attachment_id = attachment
        body = self.env._(
            "Collection letter “%(subject)s” printed by %(user)s.",
            subject=self.subject or self.name,
            user=self.env.user.name,
        )
        self.message_post(body=body, attachment_ids=attachment.ids)
        self.partner_id.sudo().message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self._dso_log_on_invoices(body)

    _dso_send_registered_letter = _dso_send_letter

    def _dso_send_sms(self):
        self.ensure_one()
        number = self.partner_id._dso_sms_number()
        if not (self.sms_body or "").strip():
            raise UserError(
                self.env._(
                    "Action %(action)s for %(customer)s has no SMS text: choose an "
                    "SMS template or write the text.",
                    action=self.name,
                    customer=self.partner_id.display_name,
                )
            )
        # Same reason as emails: the customer's chatter keeps the SMS.
        message = self.partner_id.sudo()._message_sms(
            self.sms_body, sms_numbers=[number], put_in_queue=True
        )
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("mail_message_id", "=", message.id)], limit=1)
        )
        self.write({"message_id": message.id, "sms_id": sms.id})
        self._dso_log_on_invoices(
            self.env._("Collection SMS sent to %(number)s.", number=number)
        )

    def _dso_send_call(self):
        """Nothing to send: the call was made; its activity is closed."""

    def _dso_send_litigation(self):
        self.ensure_one()
        lines = self._dso_items_for_log()
        status = self.env.ref("dso_collection.dso_item_status_litigation")
        lines.write(
            {
                "dso_status_id": status.id,
                "dso_status_date": fields.Date.context_today(self),
                "dso_resolution_user_id": self.user_id.id or self.env.uid,
            }
        )
        if not self.line_ids:
            self.line_ids = lines
        self._dso_send_letter()

    # Automatic sending ---------------------------------------------------

    def action_confirm(self):
        """Approve automatic actions waiting for confirmation; those due are
        sent at once, the others by the cron on their date."""
        waiting = self.filtered(lambda action: action.state == "to_confirm")
        waiting.write({"state": "todo"})
        today = fields.Date.context_today(self)
        waiting.filtered(lambda action: action.date <= today)._dso_send_automatic()
        return True

    @api.model
    def _dso_lock_automatic_batch(self, company, today, limit):
        """Due automatic actions of ``company``, locked for this transaction;
        rows another worker holds are skipped, so no email goes twice. A
        customer gets at most one automatic email a day: when the next step
        is already due too (a late customer catching up), it waits for the
        next day."""
        self.flush_model()
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
                types=AUTOMATIC_ACTION_TYPES,
                limit=limit,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _dso_send_automatic(self):
        """Send these automatic actions in one batch. A customer without email
        gets an activity for its collector; an action whose message cannot
        be prepared records why and goes to its collector too."""
        # Replan first: an action the daily planning has not caught up with
        # yet (a reminder before the due date once past it) is not sent.
        self._plan_customers()
        ready = self.browse()
        for action in self.exists().filtered(lambda a: a.state == "todo"):
            if not action._dso_email_recipients():
                action._dso_fall_back_to_collector(action._dso_no_recipient_message())
                continue
            try:
                action._dso_check_content()
            except UserError as error:
                action._dso_fall_back_to_collector(str(error))
                continue
            ready |= action
        if ready:
            ready._dso_carry_out()
        return ready

    def _dso_fall_back_to_collector(self, reason):
        """The cron could not send: the collector gets the action by hand."""
        self.ensure_one()
        self.write({"automatic": False, "send_error": reason})
        self.message_post(body=reason)
        self._dso_schedule_activities(force=True)

    @api.model
    def _cron_send_automatic(self, now=None):
        """Hourly: send the due automatic emails of every company whose
        allowed days and hours include now."""
        now = now or fields.Datetime.now()
        for company in self.env["res.company"].search([]):
            if not company._dso_can_send_now(now):
                continue
            today = company._dso_local_now(now).date()
            while True:
                batch = self._dso_lock_automatic_batch(company, today, limit=100)
                if not batch:
                    break
                # In the company's timezone: the actions are done, and the
                # next steps planned, on the company's day.
                batch.with_company(company).with_context(
                    tz=company._dso_timezone().zone
                )._dso_send_automatic()
                # Commit each batch as the scheduled action: the emails and
                # their actions' done state are saved together and the row
                # locks released.
                if self._dso_can_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    # Activities ----------------------------------------------------------

    def _dso_needs_activity(self):
        self.ensure_one()
        return self.state in OPEN_STATES and not self.automatic and self.user_id

    def _dso_activity_type(self):
        if self.action_type == "call":
            return self.env.ref("mail.mail_activity_data_call")
        return self.env.ref("mail.mail_activity_data_todo")

    def _dso_activity_note(self):
        """Numbers to call and open items, for the collector's activity."""
        self.ensure_one()
        partner = self.partner_id
        lines = [
            self.env._("Phone: %(phone)s", phone=number)
            for number in (partner | partner.child_ids).mapped(
                lambda contact: contact.mobile or contact.phone
            )
            if number
        ]
        for item in self.line_ids:
            amount = format_amount(
                self.env, item.amount_residual, item.company_currency_id
            )
            lines.append(
                f"{item.move_name} — {item.date_maturity or item.date} — {amount}"
            )
        return Markup("<br/>").join(lines)

    def _dso_schedule_activities(self, force=False):
        """An activity of the collector for every manual open action."""
        todo = self.filtered(
            lambda action: (
                (force or action._dso_needs_activity()) and not action.activity_ids
            )
        )
        if not todo:
            return
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": action.id,
                    "activity_type_id": action._dso_activity_type().id,
                    "summary": action.name,
                    "note": action._dso_activity_note(),
                    "date_deadline": action.date,
                    "user_id": (action.user_id or self.env.user).id,
                }
                for action in todo
            ]
        )

    def _dso_reassign_activities(self):
        """The activity follows the action's collector."""
        for action in self:
            if not action.user_id:
                continue
            if action.activity_ids:
                action.activity_ids.sudo().write({"user_id": action.user_id.id})
            else:
                action._dso_schedule_activities()
