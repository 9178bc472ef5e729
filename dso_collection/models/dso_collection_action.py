import threading

from markupsafe import Markup

from odoo import api, fields, models, tools
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
                    "Action %(action)s for %(customer)s is already closed; reopen "
                    "nothing, plan a specific action instead.",
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
        for action in self:
            action._check_open()
            action.write(action._dso_render_message())
        return True

    def action_send(self):
        """Carry the action out now through its channel, record the result and
        plan the customer's next step: the path the cron uses too."""
        for action in self:
            action._check_open()
            action._dso_check_content()
            action._dso_prepare_content()
            getattr(action, f"_dso_send_{action.action_type}")()
            action._dso_set_done()
        self._plan_customers()
        return True

    def _dso_render_message(self):
        """Values of subject / body_html / sms_body from the templates."""
        self.ensure_one()
        Hashtag = self.env["dso.hashtag"]
        if self.action_type == "sms":
            body = ""
            if self.sms_template_id:
                body = self.sms_template_id._render_field(
                    "body", self.ids, compute_lang=True
                )[self.id]
            return {"sms_body": Hashtag._render(self, body, "text")}
        template = self.mail_template_id
        if not template:
            return {"subject": self.name, "body_html": self.body_html or False}
        subject = template._render_field("subject", self.ids, compute_lang=True)[
            self.id
        ]
        body = template._render_field(
            "body_html", self.ids, compute_lang=True, options={"post_process": True}
        )[self.id]
        return {
            "subject": Hashtag._render(self, subject or "", "text"),
            "body_html": Hashtag._render(self, body, "html"),
        }

    def _dso_prepare_content(self):
        """Fill the message from the template when the collector did not
        preview it, and expand the hashtags the collector typed."""
        self.ensure_one()
        Hashtag = self.env["dso.hashtag"]
        if self.action_type == "sms":
            if not self.sms_body:
                self.write(self._dso_render_message())
            self.sms_body = Hashtag._render(self, self.sms_body or "", "text")
        elif self.action_type not in ("call",):
            if is_html_empty(self.body_html):
                self.write(self._dso_render_message())
            self.write(
                {
                    "subject": Hashtag._render(self, self.subject or "", "text"),
                    "body_html": Hashtag._render(self, self.body_html or "", "html"),
                }
            )

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

    def _dso_log_on_invoices(self, body):
        """A note on each invoice concerned by the action."""
        # Collectors may not write on invoices; a note is harmless and the
        # invoices are those of the action, which the collector can read.
        for move in self._dso_items_for_log().move_id.sudo():
            move.message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )

    def _dso_email_recipients(self):
        self.ensure_one()
        if self.action_type == "internal_email":
            users = self.line_ids.dso_resolution_user_id | self.partner_id.user_id
            return users.partner_id.filtered("email")
        return self.partner_id._dso_collection_contacts()

    def _dso_send_email(self):
        self.ensure_one()
        recipients = self._dso_email_recipients()
        if not recipients:
            raise UserError(self._dso_no_recipient_message())
        # The customer's chatter keeps the email; the mail queue sends it, so
        # the email and the action's done state are committed together.
        message = (
            self.partner_id.sudo()
            .with_context(mail_notify_force_send=False)
            .message_post(
                body=self.body_html,
                subject=self.subject,
                partner_ids=recipients.ids,
                author_id=(self.user_id or self.env.user).partner_id.id,
                email_from=(self.user_id or self.env.user).email_formatted
                or self.company_id.email_formatted,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                mail_auto_delete=False,
            )
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", message.id)], limit=1)
        )
        self.write({"message_id": message.id, "mail_id": mail.id})
        self._dso_log_on_invoices(
            self.env._(
                "Collection email “%(subject)s” sent to %(recipients)s.",
                subject=self.subject,
                recipients=", ".join(recipients.mapped("email")),
            )
        )

    _dso_send_interactive_email = _dso_send_email
    _dso_send_internal_email = _dso_send_email

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
        rows another worker holds are skipped, so no email goes twice."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id
                  FROM dso_collection_action
                 WHERE company_id = %(company)s
                   AND automatic
                   AND state = 'todo'
                   AND date <= %(today)s
                   AND action_type IN %(types)s
                   AND mail_id IS NULL
                   AND message_id IS NULL
                   AND send_error IS NULL
                 ORDER BY date, id
                 LIMIT %(limit)s
                   FOR UPDATE SKIP LOCKED
                """,
                company=company.id,
                today=today,
                types=AUTOMATIC_ACTION_TYPES,
                limit=limit,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _dso_send_automatic(self):
        """Send these automatic actions one by one; a customer without email
        gets an activity for its collector, an error is recorded on the action."""
        sent = self.browse()
        for action in self:
            if not action._dso_email_recipients():
                action._dso_fall_back_to_collector(action._dso_no_recipient_message())
                continue
            try:
                with self.env.cr.savepoint():
                    action._dso_check_content()
                    action._dso_prepare_content()
                    getattr(action, f"_dso_send_{action.action_type}")()
                    action._dso_set_done()
                sent |= action
            except (UserError, ValidationError) as error:
                action._dso_fall_back_to_collector(str(error))
        sent._plan_customers()
        return sent

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
                batch.with_company(company)._dso_send_automatic()
                # Commit each batch: the emails and their actions' done state
                # are saved together and the row locks released. Never inside
                # tests, whose transaction is rolled back at the end.
                if self.env.context.get("ir_cron_progress_id"):
                    self.env.cr.commit()
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
            lines.append(
                f"{item.move_name} — {item.date_maturity or item.date} — "
                f"{format_amount(self.env, item.amount_residual, item.company_currency_id)}"
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
