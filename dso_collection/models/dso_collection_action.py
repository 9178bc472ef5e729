"""The collection action: one entry of the collectors' agenda.

Sections, top to bottom: fields, computed values, constraints and CRUD; the
values an action cannot do without and its default name; what the
collector's buttons do; the collector's activity, kept in sync with the
action; the interactive link its emails carried; the scheduled actions'
public names. Sending is ``dso.collection.send`` (``sending/``), planning
``dso.collection.planner`` (``planning/``); the hashtag fields are the
``hashtag`` wing's part of this model, specific actions the
``qualification`` wing's and the expected cash impact the ``insight``
wing's.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from ..lib.constants import OPEN_STATES
from ..lib.lang_formats import LangFormats

CALL_ACTIVITY = "mail.mail_activity_data_call"

TODO_ACTIVITY = "mail.mail_activity_data_todo"

ACTIVITY_TYPES = (CALL_ACTIVITY, TODO_ACTIVITY)

# Changes of an action that its activity follows.
ACTIVITY_FIELDS = {"user_id", "date", "action_type", "automatic", "name", "state"}


class DsoCollectionAction(models.Model):
    _name = "dso.collection.action"
    _description = "Collection action"
    _inherit = ["mail.thread", "mail.activity.mixin", "dso.followup.mixin"]
    _order = "date, priority desc, id"
    _rec_name = "name"

    name = fields.Char(
        required=True,
        translate=True,
        help="Left empty, a new action is named from its type and items. A "
        "planned action bears the name of its step, in each user's language.",
    )
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
    # The follow-up fields (action type, templates, automatic, to confirm)
    # come from dso.followup.mixin.
    action_type = fields.Selection(required=True, tracking=True)
    date = fields.Date(
        required=True,
        index=True,
        tracking=True,
        default=fields.Date.context_today,
    )
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
        default=lambda self: self.env.user,
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
    subject = fields.Char(help="Subject of the email or letter, hashtags expanded.")
    body_html = fields.Html(
        string="Message",
        help="The message as it will be sent: filled from the template by Preview, "
        "editable for this send; hashtags typed here are expanded when it is sent.",
    )
    sms_body = fields.Text(string="SMS text")
    tracking_number = fields.Char(
        string="Tracking number",
        help="Tracking number of the registered letter, from the postal receipt.",
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
        string="Print date",
        compute="_compute_print_date",
        help="Date printed on letters: today.",
    )
    send_error = fields.Text(
        string="Sending error",
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
    recipients_display = fields.Char(
        string="Recipients",
        compute="_compute_recipients_display",
        help="Who receives the action: email addresses, mobile number or postal "
        "address; once sent, who it went to.",
    )
    is_late = fields.Boolean(
        compute="_compute_is_late", search="_search_is_late", string="Late"
    )
    late_color = fields.Integer(
        string="Late color",
        compute="_compute_is_late",
        help="Colour of the action's card in the agenda: red when late.",
    )
    dso_hold_reason = fields.Text(
        string="Held",
        readonly=True,
        translate=True,
        copy=False,
        help="Why the automatic sending holds this action back: the customer has "
        "an unmatched payment or an open credit note, or the company's bank "
        "statements are too old. A later run sends it once the reason is gone; "
        "the collector may send it by hand at any time.",
    )
    dso_interactive_request_ids = fields.One2many(
        "dso.interactive.request",
        "action_id",
        string="Interactive requests",
        readonly=True,
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
        # A page of the agenda: one sum per action in SQL, instead of
        # loading every journal item of its 80 actions.
        saved = self.filtered(lambda action: isinstance(action.id, int))
        totals = {}
        if saved:
            self.flush_recordset(["line_ids"])
            self.env["account.move.line"].flush_model(["amount_residual"])
            self.env.cr.execute(
                tools.SQL(
                    """
                    SELECT rel.action_id, SUM(aml.amount_residual)
                      FROM dso_collection_action_line_rel rel
                      JOIN account_move_line aml ON aml.id = rel.line_id
                     WHERE rel.action_id = ANY(%s)
                     GROUP BY rel.action_id
                    """,
                    saved.ids,
                )
            )
            totals = dict(self.env.cr.fetchall())
        for action in self:
            if action in saved:
                action.amount_total = totals.get(action.id, 0.0)
            else:
                action.amount_total = sum(action.line_ids.mapped("amount_residual"))

    @api.depends("partner_id", "action_type", "line_ids", "mail_id", "message_id")
    def _compute_recipients_display(self):
        Send = self.env["dso.collection.send"]
        for action in self:
            action.recipients_display = Send._get_recipients_display(action)

    @api.depends_context("tz")
    def _compute_print_date(self):
        self.print_date = fields.Date.context_today(self)

    @api.depends("date", "state")
    @api.depends_context("tz")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for action in self:
            # A new action being typed may have no date yet.
            action.is_late = bool(
                action.state in OPEN_STATES and action.date and action.date < today
            )
            action.late_color = 1 if action.is_late else 0

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        """The customer first: the agenda's calendar and activities show
        the action by its display name."""
        for action in self:
            if action.partner_id and action.name:
                action.display_name = self.env._(
                    "%(customer)s: %(action)s",
                    customer=action.partner_id.display_name,
                    action=action.name,
                )
            else:
                action.display_name = action.name or action.partner_id.display_name

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
            self.update(self.step_id._dso_followup_values())

    @api.model_create_multi
    def create(self, vals_list):
        unnamed = [not vals.get("name") for vals in vals_list]
        vals_list = [self._dso_prepare_create_vals(vals) for vals in vals_list]
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
        # Named from their items: in every language, before their activity
        # takes the name in its collector's.
        actions.browse(
            [action.id for action, named in zip(actions, unnamed, strict=True) if named]
        )._dso_translate_default_name()
        # An open specific action excludes its items from the scenario: the
        # customer's leader invoice and next step may change at once.
        if not self.env.context.get("dso_planning"):
            actions._dso_schedule_activities()
            actions.filtered("is_specific")._plan_customers()
        actions._dso_refresh_cash_impact()
        return actions

    def write(self, vals):
        for action in self:
            action._dso_check_required(vals)
        rename = "name" in vals and not vals["name"]
        if rename:
            vals = {key: value for key, value in vals.items() if key != "name"}
        res = super().write(vals)
        if rename:
            # Emptied in the form: named again from its type and items.
            for action in self:
                action.name = action._dso_name_from_items()
        self._dso_sync_activities(vals)
        if "line_ids" in vals and not self.env.context.get("dso_planning"):
            self.filtered("is_specific")._plan_customers()
        return res

    def _message_auto_subscribe_notify(self, partner_ids, template):
        """No "you have been assigned" notification for an action recorded
        already done or cancelled (a status email sent, an import): there
        is nothing left for its collector to do."""
        open_actions = self.filtered(lambda action: action.state in OPEN_STATES)
        return super(DsoCollectionAction, open_actions)._message_auto_subscribe_notify(
            partner_ids, template
        )

    def _dso_followup_label(self):
        self.ensure_one()
        return self.env._(
            "Action “%(action)s” for %(customer)s",
            action=self.name,
            customer=self.partner_id.display_name,
        )

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
    # Business methods
    # ------------------------------------------------------------------
    def _plan_customers(self):
        """Replan the customers of these actions, company by company."""
        planner = self.env["dso.collection.planner"]
        today = fields.Date.context_today(self)
        for company in self.company_id:
            actions = self.filtered(lambda action, c=company: action.company_id == c)
            planner._plan(company, actions.partner_id.commercial_partner_id.ids, today)

    # ------------------------------------------------------------------
    # Required values and default name
    # ------------------------------------------------------------------
    # What a collection action cannot do without, and the name it gets when
    # nobody gave it one.
    #
    # Missing values are reported as errors a person can act on (the field and how
    # to fill it) before anything is written, never as the database's NOT NULL
    # error; an action created without a name is named from its type and items.

    def _dso_required_fixes(self):
        """Fields an action cannot do without, and how a person fixes each."""
        return {
            "partner_id": self.env._("choose the customer it concerns"),
            "action_type": self.env._("choose its type (call, email, letter ...)"),
            "date": self.env._("set the day it is due"),
            "company_id": self.env._("choose its company"),
        }

    @api.model
    def _dso_prepare_create_vals(self, vals):
        """The values of a new action, checked and named: defaults are
        applied early only when a required value is missing (the planner
        gives them all)."""
        if any(not vals.get(fname) for fname in self._dso_required_fixes()):
            vals = self._add_missing_default_values(vals)
            self._dso_check_required(vals)
        if not vals.get("name"):
            vals = {**vals, "name": self._dso_default_name(vals)}
        return vals

    def _dso_check_required(self, vals):
        """A clear error instead of the database's NOT NULL one: for a new
        action (``self`` empty) ``vals`` are its values, defaults included;
        for an existing one, the values written."""
        for fname, fix in self._dso_required_fixes().items():
            if (fname in vals or not self) and not vals.get(fname):
                label = self._fields[fname]._description_string(self.env)
                if self:
                    message = self.env._(
                        "Action %(action)s for %(customer)s needs a value in "
                        "“%(field)s”: %(fix)s.",
                        action=self.name,
                        customer=self.partner_id.display_name,
                        field=label,
                        fix=fix,
                    )
                else:
                    message = self.env._(
                        "The new collection action %(action)s needs a value in "
                        "“%(field)s”: %(fix)s.",
                        action=vals.get("name") or "",
                        field=label,
                        fix=fix,
                    )
                raise ValidationError(message)

    @api.model
    def _dso_default_name(self, vals):
        """Name of a new action created without one: its type and items."""
        draft = self.new(
            {key: vals[key] for key in ("action_type", "line_ids") if key in vals}
        )
        return draft._dso_name_from_items()

    def _dso_translate_default_name(self):
        """A name made from the type and items (``_dso_name_from_items``),
        written in every installed language, as a planned action bears its
        step's name in each: every user reads it in their own."""
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for action in self:
            # Straight to the translations: a write would rename the
            # activity in each language in turn.
            action.update_field_translations(
                "name",
                {
                    code: action.with_context(lang=code)._dso_name_from_items()
                    for code in langs
                },
            )

    def _dso_name_from_items(self):
        """e.g. "Phone call: INV/2026/00012, INV/2026/00015"."""
        self.ensure_one()
        label = dict(self._fields["action_type"]._description_selection(self.env))
        action_type = label.get(self.action_type) or self.env._("Collection action")
        numbers = sorted(self.line_ids.mapped("move_name"))
        if not numbers:
            return action_type
        shown = ", ".join(numbers[:5])
        if len(numbers) > 5:
            shown = self.env._(
                "%(items)s and %(count)s more", items=shown, count=len(numbers) - 5
            )
        return self.env._("%(type)s: %(items)s", type=action_type, items=shown)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    # What the collector's buttons do on a collection action: carry it out,
    # mark it done, skip it, confirm it; each says what was planned next.
    #
    # Sending itself is in ``dso.collection.send``; these methods check the action
    # is still open, delegate and report.

    def action_done(self):
        """Record the action as carried out and plan the customer's next step;
        a notification names that next step."""
        self._check_open()
        self._dso_set_done()
        self._plan_customers()
        return self._dso_notify_next_actions()

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
        self._plan_customers()
        return self._dso_notify_next_actions(self.env._("Cancelled"))

    def action_open_send_wizard(self):
        """The Send button: the message filled from its template, then a
        confirmation naming who receives it."""
        self.ensure_one()
        self._check_open()
        if self._dso_needs_preview():
            self.action_preview()
        return self.env["dso.collection.send.wizard"]._open_for(self, "send")

    def action_open_done_wizard(self):
        """Mark as done, for a channel that sends: ask first, naming who will
        receive nothing."""
        self.ensure_one()
        self._check_open()
        return self.env["dso.collection.send.wizard"]._open_for(self, "done")

    def _dso_needs_preview(self):
        self.ensure_one()
        if self.action_type == "call":
            return False
        if self.action_type == "sms":
            return not self.sms_body
        return not self.subject and not self.body_html

    def _dso_notify_next_actions(self, title=None):
        """A notification naming each customer's next action, then the
        screen reloaded."""
        companies = self.company_id or self.env.company
        messages = [
            self.filtered(lambda a, c=company: a.company_id == c)
            .partner_id.with_company(company)
            ._dso_next_action_message()
            for company in companies
        ]
        return self.env["res.partner"]._dso_notification(
            title or self.env._("Done"), "\n".join(messages)
        )

    def _dso_complete_from_activity(self, feedback):
        """The collector finished the action's activity (call made, letter
        posted): the action is done with the activity's feedback as result."""
        for action in self:
            action._dso_set_done(note=feedback)
        self._plan_customers()

    def action_open_partner(self):
        """Open the customer's form (without the list's default_* keys)."""
        self.ensure_one()
        return self.partner_id._get_records_action(context={})

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

    # ------------------------------------------------------------------
    # Carrying actions out (the work is in dso.collection.send)
    # ------------------------------------------------------------------

    def action_preview(self):
        """Render the template with its hashtags into the action, where the
        collector reads and edits it before sending."""
        self._check_open()
        self.env["dso.collection.send"]._preview(self)
        return True

    def action_send(self):
        """Carry the actions out now through their channel, record the result
        and plan the customers' next step: the path the cron uses too."""
        self._check_open()
        self.env["dso.collection.send"]._send_now(self)
        return self._dso_notify_next_actions(self.env._("Sent"))

    def action_confirm(self):
        """Approve automatic actions waiting for confirmation; those due are
        sent at once, the others by the cron on their date."""
        self.env["dso.collection.send"]._confirm(self)
        return self._dso_notify_next_actions(self.env._("Confirmed"))

    def _dso_set_done(self, note=None):
        """Record the action as carried out (without replanning)."""
        vals = {
            "state": "done",
            "date_done": fields.Date.context_today(self),
            "done_user_id": self.env.uid,
        }
        if note:
            vals["note"] = note
        # The write closes the action's activity (``_dso_sync_activities``).
        self.write(vals)

    # ------------------------------------------------------------------
    # The collector's activity
    # ------------------------------------------------------------------
    # The collector's activity of a manual collection action, kept in sync.
    #
    # A manual open action (a call, a letter, an email the collector sends) is an
    # activity of its collector, so that it shows in the activities menu and the
    # calendar. The sync goes both ways: finishing the activity marks the action
    # done (``mail_activity.py``); completing or cancelling the action closes the
    # activity; the activity follows the action's collector, date and type.
    #
    # The activities are Odoo's automated activities (``activity_schedule``,
    # ``activity_reschedule``, ``activity_feedback``, ``activity_unlink``): those
    # of the two types below are the action's own; an activity a collector adds
    # by hand is left alone.

    def _dso_needs_activity(self):
        self.ensure_one()
        return bool(self.state in OPEN_STATES and not self.automatic and self.user_id)

    def _dso_activity_type_xmlid(self):
        self.ensure_one()
        return CALL_ACTIVITY if self.action_type == "call" else TODO_ACTIVITY

    def _dso_activity_note(self):
        """Numbers to call and open items, for the collector's activity;
        dates and amounts in the user's format."""
        self.ensure_one()
        formats = LangFormats.get(self.env)
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
                self.env._(
                    "%(number)s, due on %(date)s: %(amount)s",
                    number=item.move_name,
                    date=formats.date(item.date_maturity or item.date),
                    amount=formats.amount(
                        item.amount_residual, item.company_currency_id
                    ),
                )
            )
        return Markup("<br/>").join(lines)

    def _dso_schedule_activities(self, force=False):
        """An activity of the collector for every manual open action (with
        ``force``, for every action: the cron hands it over to its collector).

        One ``activity_schedule`` per activity type, deadline, collector and
        summary: the planner creates thousands of actions at once, most of
        them the same step on the same day."""
        todo = self.filtered(
            lambda action: (
                (force or action._dso_needs_activity()) and not action.activity_ids
            )
        )
        groups = defaultdict(list)
        for action in todo:
            user = action.user_id or self.env.user
            key = (
                action._dso_activity_type_xmlid(),
                action.date,
                user.id,
                # For the collector: in the collector's language.
                user.lang or self.env.lang,
            )
            groups[key].append(action.id)
        # Quick update: no "assigned to you" email per planned action.
        Action = self.with_context(mail_activity_quick_update=True)
        notes = {}
        for (xmlid, date, user_id, lang), action_ids in groups.items():
            actions = Action.browse(action_ids).with_context(lang=lang)
            for name, named in actions.grouped("name").items():
                activities = named.activity_schedule(
                    xmlid, date_deadline=date, summary=name, user_id=user_id
                )
                for action, activity in zip(named, activities, strict=True):
                    notes[activity.id] = action._dso_activity_note()
        # The notes of every new activity in one UPDATE.
        self.env["mail.activity"]._dso_write_notes(notes)

    def _dso_close_activities(self, feedback=None):
        """The action is done: its activity is done too, with the result."""
        self.with_context(dso_activity_sync=True).activity_feedback(
            ACTIVITY_TYPES,
            feedback=feedback or self.env._("Collection action done."),
        )

    def _dso_remove_activities(self):
        """The action is cancelled (or no longer manual): no activity."""
        self.activity_unlink(ACTIVITY_TYPES)

    def _dso_sync_activities(self, vals):
        """After a write: the activity follows the collector, the date, the
        type and the name of its action; an action that became automatic
        loses it, one that became manual gets one."""
        changed = ACTIVITY_FIELDS & set(vals)
        if not changed:
            return
        if "state" in changed:
            # Done or cancelled by any path (the buttons, a write of the
            # state, an import, the demo): the activity is closed with it.
            closed = self.filtered(lambda action: action.state not in OPEN_STATES)
            if not self.env.context.get("dso_activity_sync"):
                closed.filtered(
                    lambda action: action.state == "done"
                )._dso_close_activities()
            closed.filtered(
                lambda action: action.state == "cancel"
            )._dso_remove_activities()
        open_actions = self.filtered(lambda action: action.state in OPEN_STATES)
        if {"action_type", "automatic"} & changed:
            # The activity type may have changed: schedule the activity anew.
            open_actions._dso_remove_activities()
            open_actions._dso_schedule_activities()
            return
        if vals.get("user_id") or vals.get("date"):
            open_actions.with_context(
                mail_activity_quick_update=True
            ).activity_reschedule(
                ACTIVITY_TYPES,
                date_deadline=vals.get("date"),
                new_user_id=vals.get("user_id"),
            )
        if vals.get("name"):
            open_actions.activity_search(ACTIVITY_TYPES).write(
                {"summary": vals["name"]}
            )
        # An action that gets its first collector gets its activity.
        open_actions._dso_schedule_activities()

    # ------------------------------------------------------------------
    # Interactive link
    # ------------------------------------------------------------------
    # The interactive requests of an action: the links its emails carried.

    def _dso_interactive_request(self):
        """The action's link still to send or sent (not cancelled)."""
        self.ensure_one()
        # sudo: collectors read the requests of their actions; the
        # request's record rule is by company, as the action's.
        return self.sudo().dso_interactive_request_ids.filtered(
            lambda request: request.state != "cancelled"
        )[:1]

    # ------------------------------------------------------------------
    # Scheduled actions (public API)
    # ------------------------------------------------------------------
    # The work is done by the planner and the send service; their scheduled
    # actions point at them. These names stay for scripts and other addons.

    @api.model
    def _cron_plan(self, date=None):
        """Plan the agenda of every company (``dso.collection.planner``)."""
        return self.env["dso.collection.planner"]._cron_plan(date=date)

    @api.model
    def _cron_send_automatic(self, now=None):
        """Send the due automatic emails (``dso.collection.send``)."""
        return self.env["dso.collection.send"]._cron_send_automatic(now=now)
