import threading

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from .dso_collection_constants import ACTION_TYPES, OPEN_STATES


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
    recipients_display = fields.Char(
        string="Recipients",
        compute="_compute_recipients_display",
        help="Who receives the action: email addresses, mobile number or postal "
        "address; once sent, who it went to.",
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
        return True

    def action_confirm(self):
        """Approve automatic actions waiting for confirmation; those due are
        sent at once, the others by the cron on their date."""
        self.env["dso.collection.send"]._confirm(self)
        return True

    @api.model
    def _cron_send_automatic(self, now=None):
        """Hourly scheduled action: send the due automatic emails."""
        return self.env["dso.collection.send"]._cron_send_automatic(now=now)

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
