"""The collection action: fields, computed values, constraints and CRUD.

The model is split by concern, one file each: what its buttons do
(``_buttons``), its collector's activity (``_activity``), the values it
cannot do without and its default name (``_defaults``), its hashtags
(``_hashtag``), its scheduled actions (``_cron``); sending is the
``dso.collection.send`` model.
"""

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from .dso_collection_constants import OPEN_STATES


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
        # An open specific action excludes its items from the scenario: the
        # customer's leader invoice and next step may change at once.
        if not self.env.context.get("dso_planning"):
            actions._dso_schedule_activities()
            actions.filtered("is_specific")._plan_customers()
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
