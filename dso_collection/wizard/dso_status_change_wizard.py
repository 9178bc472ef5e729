"""The "Change status…" wizard: its three screens, what it applies, and the
checks it makes before it writes anything."""

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, is_html_empty

from ..lib.constants import ACTION_TYPES
from ..models.qualification.dso_collection_action import COPIED_CONTENT

STEPS = [("1", "Status"), ("2", "Email"), ("3", "Next action")]

# The class of the empty paragraph of a template where the collector's note
# goes (see data/mail_template_ack_data.xml).
NOTE_PLACEHOLDER_CLASS = "o_dso_status_note"


class DsoStatusChangeWizard(models.TransientModel):
    """Change status…: three screens on the selected items (status, an
    optional email, the next action). Thin: the items
    (``_dso_set_status``, the internal email), the status (its follow-up)
    and the action model (specific actions, the customer email) do the
    work."""

    _name = "dso.status.change.wizard"
    _description = "Change the collection status of items"

    step = fields.Selection(STEPS, string="Screen", default="1", required=True)
    line_ids = fields.Many2many(
        "account.move.line",
        "dso_status_change_wizard_line_rel",
        "wizard_id",
        "line_id",
        string="Items",
        domain="[('id', 'in', available_line_ids)]",
    )
    available_line_ids = fields.Many2many(
        "account.move.line",
        "dso_status_change_wizard_available_rel",
        "wizard_id",
        "line_id",
        string="Items to choose from",
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", compute="_compute_partner_ids"
    )
    # Step 1: the qualification, each value optional.
    status_id = fields.Many2one("dso.item.status")
    status_date = fields.Date(string="Status date", default=fields.Date.context_today)
    status_is_promise = fields.Boolean(related="status_id.is_promise")
    promise_amount = fields.Monetary(
        string="Promised amount",
        currency_field="promise_currency_id",
        help="What the customer promised to pay by the date; empty: the "
        "items' whole open amount.",
    )
    promise_currency_id = fields.Many2one(
        "res.currency", compute="_compute_promise_currency_id"
    )
    comment = fields.Text()
    resolution_user_id = fields.Many2one(
        "res.users",
        string="Resolution owner",
        domain="[('share', '=', False)]",
        help="Who resolves the items; gets an activity when assigned. Can be "
        "changed at any time later.",
    )
    # Step 2: the email.
    email_mode = fields.Selection(
        [
            ("none", "No email"),
            ("customer", "Email to the customer"),
            ("internal", "Email to colleagues"),
        ],
        string="Email",
        default="none",
        required=True,
    )
    email_template_id = fields.Many2one(
        "mail.template",
        string="Email template",
        domain="[('model', '=', 'dso.collection.action')]",
        compute="_compute_email_template_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The customer email: the acknowledgement of the status chosen "
        "(promise noted, dispute received ...) or any collection template; "
        "#items_list_selected and the other hashtags of the selected items "
        "are replaced.",
    )
    email_note = fields.Text(
        string="Note",
        compute="_compute_email_note",
        store=True,
        readonly=False,
        precompute=True,
        help="The status and comment just entered: put where the template "
        "places it (else after its greeting).",
    )
    email_subject = fields.Char(
        string="Subject",
        compute="_compute_email_content",
        store=True,
        readonly=False,
        precompute=True,
    )
    email_body = fields.Html(
        string="Message",
        compute="_compute_email_content",
        store=True,
        readonly=False,
        precompute=True,
        help="The email as the customer will read it, with the note in place: "
        "edit it before sending.",
    )
    email_editable = fields.Boolean(compute="_compute_email_editable")
    email_preview_info = fields.Char(compute="_compute_email_editable")
    internal_user_ids = fields.Many2many(
        "res.users",
        "dso_status_change_wizard_user_rel",
        "wizard_id",
        "user_id",
        string="Colleagues",
        compute="_compute_internal_user_ids",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('share', '=', False)]",
        help="Salesperson, manager, resolution owner: they get the items with "
        "their statuses and comments.",
    )
    # Step 3: the next action.
    next_action = fields.Selection(
        [
            ("scenario", "Follow the collection scenario"),
            ("specific", "Create a specific action for the selected items"),
        ],
        string="Next action",
        compute="_compute_next_action",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    scenario_proposal = fields.Char(compute="_compute_scenario_proposal")
    specific_source = fields.Selection(
        [
            ("status", "The status's follow-up"),
            ("scratch", "From scratch"),
            ("step", "Copy a scenario step"),
            ("template", "Copy a template"),
            ("action", "Copy an existing action"),
        ],
        string="Based on",
        compute="_compute_specific_source",
        store=True,
        readonly=False,
        precompute=True,
    )
    explanation = fields.Char(compute="_compute_explanation")
    copy_from_step_id = fields.Many2one("dso.collection.step", string="Step")
    copy_from_template_id = fields.Many2one(
        "mail.template",
        string="Template to copy",
        domain="[('model', '=', 'dso.collection.action')]",
    )
    copy_from_action_id = fields.Many2one(
        "dso.collection.action", string="Action to copy"
    )
    action_name = fields.Char(
        string="Action name", help="Left empty: named from its type and items."
    )
    action_type = fields.Selection(
        ACTION_TYPES,
        compute="_compute_followup",
        store=True,
        readonly=False,
        precompute=True,
    )
    action_date = fields.Date(
        compute="_compute_followup", store=True, readonly=False, precompute=True
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Template",
        domain="[('model', '=', 'dso.collection.action')]",
        compute="_compute_followup",
        store=True,
        readonly=False,
        precompute=True,
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS template",
        domain="[('model', '=', 'dso.collection.action')]",
        compute="_compute_followup",
        store=True,
        readonly=False,
        precompute=True,
    )
    automatic = fields.Boolean(
        compute="_compute_followup", store=True, readonly=False, precompute=True
    )
    to_confirm = fields.Boolean(
        string="To be confirmed",
        compute="_compute_followup",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("line_ids")
    def _compute_promise_currency_id(self):
        for wizard in self:
            wizard.promise_currency_id = (
                wizard.line_ids.company_id[:1].currency_id
                or self.env.company.currency_id
            )

    @api.depends("line_ids")
    def _compute_partner_ids(self):
        for wizard in self:
            wizard.partner_ids = wizard.line_ids.partner_id.commercial_partner_id

    @api.depends("status_id", "status_date", "comment")
    def _compute_email_note(self):
        for wizard in self:
            parts = []
            if wizard.status_id:
                parts.append(
                    self.env._(
                        "%(status)s on %(date)s",
                        status=wizard.status_id.name,
                        date=format_date(self.env, wizard.status_date),
                    )
                )
            if wizard.comment:
                parts.append(wizard.comment)
            wizard.email_note = ": ".join(parts)

    @api.depends("status_id")
    def _compute_email_template_id(self):
        for wizard in self:
            # A status without acknowledgement keeps the template chosen.
            wizard.email_template_id = (
                wizard.status_id.ack_template_id or wizard.email_template_id
            )

    @api.depends("email_mode", "email_template_id", "email_note", "line_ids")
    def _compute_email_content(self):
        for wizard in self:
            if wizard.email_mode != "customer" or not wizard.email_template_id:
                wizard.email_subject = False
                wizard.email_body = False
                continue
            content = wizard._dso_render_preview()
            wizard.email_subject = content.get("subject") or False
            wizard.email_body = wizard._dso_place_note(
                content.get("body_html"), wizard.email_note
            )

    @api.depends("line_ids")
    def _compute_email_editable(self):
        for wizard in self:
            groups = wizard._dso_email_groups()
            wizard.email_editable = len(groups) <= 1
            if len(groups) > 1:
                partner = wizard.line_ids[:1].partner_id.commercial_partner_id
                wizard.email_preview_info = self.env._(
                    "The items are of %(count)s customers: each gets its own "
                    "email from the template, with its items and the note. "
                    "Below, the email of %(customer)s, as a preview; to edit "
                    "it, select the items of one customer.",
                    count=len(groups),
                    customer=partner.display_name,
                )
            else:
                wizard.email_preview_info = False

    @api.depends("line_ids", "resolution_user_id")
    def _compute_internal_user_ids(self):
        Line = self.env["account.move.line"]
        for wizard in self:
            wizard.internal_user_ids = (
                Line._dso_status_colleagues(wizard.line_ids) | wizard.resolution_user_id
            )

    @api.depends("status_id")
    def _compute_next_action(self):
        for wizard in self:
            wizard.next_action = (
                "specific" if wizard.status_id.action_type else "scenario"
            )

    @api.depends("status_id")
    def _compute_specific_source(self):
        for wizard in self:
            wizard.specific_source = (
                "status" if wizard.status_id.action_type else "scratch"
            )

    @api.depends(
        "specific_source",
        "status_id",
        "status_date",
        "copy_from_step_id",
        "copy_from_template_id",
        "copy_from_action_id",
    )
    def _compute_followup(self):
        Action = self.env["dso.collection.action"]
        for wizard in self:
            today = fields.Date.context_today(wizard)
            vals = {
                "action_type": "call",
                "date": today,
                "mail_template_id": False,
                "sms_template_id": False,
                "automatic": False,
                "to_confirm": False,
            }
            if wizard.specific_source == "status" and wizard.status_id.action_type:
                vals.update(
                    wizard.status_id._dso_followup_action_vals(
                        wizard.line_ids, wizard.status_date
                    )
                )
            elif wizard.specific_source in ("step", "template", "action"):
                vals.update(Action._dso_copy_values(wizard._dso_copy_source()))
            wizard.update(
                {
                    "action_type": vals["action_type"],
                    "action_date": vals["date"],
                    "mail_template_id": vals["mail_template_id"] or False,
                    "sms_template_id": vals["sms_template_id"] or False,
                    "automatic": vals["automatic"],
                    "to_confirm": vals["to_confirm"],
                }
            )

    @api.depends("specific_source", "status_id", "status_date")
    def _compute_explanation(self):
        for wizard in self:
            wizard.explanation = (
                wizard.status_id._dso_followup_explanation(wizard.status_date)
                if wizard.specific_source == "status" and wizard.status_id
                else False
            )

    @api.depends("line_ids")
    def _compute_scenario_proposal(self):
        Action = self.env["dso.collection.action"]
        for wizard in self:
            wizard.scenario_proposal = Action._dso_scenario_proposal(wizard.partner_ids)

    @api.onchange("automatic")
    def _onchange_automatic(self):
        if not self.automatic:
            self.to_confirm = False

    def _dso_copy_source(self):
        self.ensure_one()
        return {
            "step": self.copy_from_step_id,
            "template": self.copy_from_template_id,
            "action": self.copy_from_action_id,
        }.get(self.specific_source)

    # ------------------------------------------------------------------
    # The customer email: rendered from its template, the note in place
    # ------------------------------------------------------------------

    def _dso_email_groups(self):
        """The selected items by (customer, company): one email each."""
        self.ensure_one()
        groups = {}
        for line in self.line_ids:
            key = (line.partner_id.commercial_partner_id, line.company_id)
            groups[key] = groups.get(key, line.browse()) | line
        return groups

    def _dso_email_vals(self):
        return {
            "action_type": "email",
            "mail_template_id": self.email_template_id.id,
            "date": fields.Date.context_today(self),
        }

    def _dso_render_preview(self):
        """Subject and body of the email of the first customer selected,
        rendered from the template on an unsaved action (nothing is
        written): {"subject", "body_html"}."""
        self.ensure_one()
        groups = self._dso_email_groups()
        if not groups:
            return {}
        (partner, company), items = next(iter(groups.items()))
        Action = self.env["dso.collection.action"]
        action = Action.new(
            Action._dso_prepare_specific_vals(
                partner, company, items, self._dso_email_vals()
            )
        )
        # Odoo's rendering of the template's fields (as the sending does),
        # called on the unsaved action: ``_render_field`` reads saved ids.
        template = self.email_template_id
        ids = list(action._ids)
        lang = (
            template.lang
            and template._render_template(template.lang, Action._name, ids)[action.id]
        ) or self.env.lang
        template = template.with_context(lang=lang)
        subject = template._render_template(template.subject or "", Action._name, ids)
        body = template._render_template(
            template.body_html or "",
            Action._name,
            ids,
            engine="qweb",
            options={"post_process": True},
        )
        return {"subject": subject[action.id], "body_html": body[action.id]}

    @api.model
    def _dso_place_note(self, body, note):
        """``body`` with ``note`` where the template places it: in its
        paragraph of class ``o_dso_status_note``, else after the greeting
        (the first paragraph). Without a note, the empty placeholder goes."""
        if not body or is_html_empty(body):
            return body
        root = lxml_html.fragment_fromstring(str(body), create_parent="div")
        placeholders = root.xpath(
            "//*[contains(concat(' ', normalize-space(@class), ' '), $name)]",
            name=f" {NOTE_PLACEHOLDER_CLASS} ",
        )
        for extra in placeholders[1:]:
            extra.drop_tree()
        placeholder = placeholders[0] if placeholders else None
        if not note:
            if placeholder is not None:
                placeholder.drop_tree()
        elif placeholder is not None:
            for child in list(placeholder):
                placeholder.remove(child)
            placeholder.text = note
        else:
            paragraph = etree.Element("p")
            paragraph.text = note
            greeting = next(iter(root.iter("p")), None)
            if greeting is not None:
                greeting.addnext(paragraph)
            else:
                root.insert(0, paragraph)
                paragraph.tail, root.text = root.text, None
        return Markup(
            (root.text or "")
            + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
        )

    def _dso_send_customer_email(self, lines):
        """Email the customers of ``lines`` now: one specific email action
        per customer, done at once and kept in the collection history. With
        one customer the email is the one the collector read and edited;
        with several, each is rendered from the template with the note in
        place."""
        self.ensure_one()
        Action = self.env["dso.collection.action"]
        Send = self.env["dso.collection.send"]
        actions = Action._dso_create_specific(lines, self._dso_email_vals())
        if len(actions) == 1 and not is_html_empty(self.email_body):
            actions.write(
                {
                    "subject": self.email_subject or actions.name,
                    "body_html": self.email_body,
                }
            )
        else:
            Send._preview(actions)
            for action in actions:
                action.body_html = self._dso_place_note(
                    action.body_html, self.email_note
                )
        Send._send_now(actions)
        return actions

    # ------------------------------------------------------------------
    # Opening and moving between the screens
    # ------------------------------------------------------------------

    @api.model
    def _dso_open(self, lines, origin_action=None):
        """The wizard on ``lines`` (all selected; the collector may remove
        some)."""
        lines = lines.filtered(lambda line: line._dso_is_open())
        if not lines:
            raise UserError(
                self.env._("No open item to qualify: select unpaid customer items.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change status"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_line_ids": lines.ids,
                "default_available_line_ids": lines.ids,
                "default_copy_from_action_id": origin_action and origin_action.id,
            },
        }

    def _dso_reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change status"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def action_next(self):
        self.ensure_one()
        if not self.line_ids:
            raise UserError(self.env._("Select at least one item to qualify."))
        self.step = str(min(int(self.step) + 1, 3))
        return self._dso_reopen()

    def action_back(self):
        self.ensure_one()
        self.step = str(max(int(self.step) - 1, 1))
        return self._dso_reopen()

    # ------------------------------------------------------------------
    # Applying
    # ------------------------------------------------------------------

    def _dso_specific_vals(self):
        """Values of the specific action the collector asked for."""
        self.ensure_one()
        vals = {
            "name": self.action_name or False,
            "action_type": self.action_type,
            "date": self.action_date or fields.Date.context_today(self),
            "mail_template_id": self.mail_template_id.id,
            "sms_template_id": self.sms_template_id.id,
            "automatic": self.automatic,
            "to_confirm": self.automatic and self.to_confirm,
        }
        if self.specific_source == "action":
            copied = self.env["dso.collection.action"]._dso_copy_values(
                self.copy_from_action_id
            )
            vals.update({key: copied[key] for key in COPIED_CONTENT if copied.get(key)})
        return vals

    def action_apply(self):
        """Qualify the items, send the email, then create the next action."""
        self.ensure_one()
        lines = self.line_ids
        if not lines:
            raise UserError(self.env._("Select at least one item to qualify."))
        if self.email_mode == "customer" and not self.email_template_id:
            raise UserError(
                self.env._(
                    "Choose the template of the email to the customer, or send "
                    "no email."
                )
            )
        if self.next_action == "specific" and not self.action_type:
            raise UserError(
                self.env._(
                    "Choose the type of the specific action (call, email ...), "
                    "or follow the scenario."
                )
            )
        self._dso_check_apply(lines)
        if self.status_id or self.comment or self.resolution_user_id:
            # The wizard creates the next action itself (step 3).
            lines._dso_set_status(
                self.status_id or None,
                date=self.status_date if self.status_id else None,
                comment=self.comment or None,
                resolution_user=self.resolution_user_id or None,
                source="collector",
                create_followup=False,
                promise_amount=self._dso_promise_amount(),
            )
        Action = self.env["dso.collection.action"]
        if self.email_mode == "customer":
            self._dso_send_customer_email(lines)
        elif self.email_mode == "internal":
            lines._dso_send_internal_status_email(
                self.internal_user_ids, self.email_note
            )
        if self.next_action == "specific":
            actions = Action._dso_create_specific(lines, self._dso_specific_vals())
            if len(actions) == 1:
                return {
                    "type": "ir.actions.act_window",
                    "res_model": actions._name,
                    "res_id": actions.id,
                    "view_mode": "form",
                    "views": [(False, "form")],
                    "target": "current",
                }
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------------
    # Checks, done before anything is written
    # ------------------------------------------------------------------
    # The checks of the "Change status…" wizard, done before it writes
    # anything.

    def _dso_promise_amount(self):
        """The amount promised, when the status chosen is a promise."""
        self.ensure_one()
        if self.status_id.is_promise and self.status_date:
            return self.promise_amount or 0.0
        return 0.0

    def _dso_check_apply(self, lines):
        """Refused before anything is written: an item of a company the
        user does not work in, a specific action dated before today."""
        # sudo: only the companies of the items are read, to name them in
        # the refusal; the items themselves are written as the user.
        foreign = lines.sudo().filtered(
            lambda line: line.company_id not in self.env.user.company_ids
        )
        if foreign:
            raise UserError(
                self.env._(
                    "Item %(item)s belongs to %(company)s, a company you do not "
                    "work in: remove it from the selection.",
                    item=foreign[0].move_name,
                    company=foreign[0].company_id.name,
                )
            )
        self.env["dso.payment.promise"]._dso_check_promise_amount(
            lines, self._dso_promise_amount()
        )
        today = fields.Date.context_today(self)
        if (
            self.next_action == "specific"
            and self.action_date
            and self.action_date < today
        ):
            raise UserError(
                self.env._(
                    "The next action on %(items)s is dated %(date)s, before today: "
                    "choose today or a later date.",
                    items=", ".join(lines.mapped("move_name")),
                    date=format_date(self.env, self.action_date),
                )
            )
