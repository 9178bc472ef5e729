"""An interactive email's link: the page where a customer (or a colleague)
answers per item.

One request per interactive email sent. Its ``access_token``
(``portal.mixin``) is the secret of the link; the controller checks it with
``_document_check_access`` and then asks the request itself whether it may
still be used (``_dso_check_usable``), which items it shows
(``_dso_portal_lines``) and to record what was answered (``_dso_submit``).
Answers are ``dso.item.feedback`` rows the collector validates or rejects."""

from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from ...lib.lang_formats import LangFormats

# Submissions allowed on one link in one window (a person answers a few
# times; a script posting in a loop is stopped).
SUBMIT_LIMIT = 10

SUBMIT_WINDOW = timedelta(hours=1)


class DsoInteractiveRequest(models.Model):
    _name = "dso.interactive.request"
    _description = "Interactive collection request"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "create_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    action_id = fields.Many2one(
        "dso.collection.action",
        string="Collection action",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    line_ids = fields.Many2many(
        "account.move.line",
        "dso_interactive_request_line_rel",
        "request_id",
        "line_id",
        string="Items asked about",
        readonly=True,
        help="The items of the email. The customer's page shows all its open "
        "items as they are when it is opened; a colleague's page shows these.",
    )
    audience = fields.Selection(
        [("customer", "Customer"), ("colleague", "Colleague")],
        required=True,
        default="customer",
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Colleague",
        readonly=True,
        help="The internal user asked (internal interactive emails).",
    )
    collector_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="Who is told about the answers.",
    )
    expiry_date = fields.Date(string="Link valid until", readonly=True)
    state = fields.Selection(
        [
            ("draft", "Not sent"),
            ("sent", "Sent"),
            ("answered", "Answered"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    is_expired = fields.Boolean(
        string="Expired", compute="_compute_is_expired", search="_search_is_expired"
    )
    feedback_ids = fields.One2many("dso.item.feedback", "request_id", string="Answers")
    feedback_count = fields.Integer(compute="_compute_feedback_count")
    submit_count = fields.Integer(readonly=True, copy=False)
    submit_window_start = fields.Datetime(readonly=True, copy=False)

    @api.depends("partner_id", "audience", "user_id")
    def _compute_name(self):
        for request in self:
            if request.audience == "colleague" and request.user_id:
                request.name = self.env._(
                    "%(customer)s, asked to %(colleague)s",
                    customer=request.partner_id.display_name,
                    colleague=request.user_id.name,
                )
            else:
                request.name = request.partner_id.display_name

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/collection/request/{request.id}"

    @api.depends("expiry_date")
    def _compute_is_expired(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.is_expired = bool(
                request.expiry_date and request.expiry_date < today
            )

    def _search_is_expired(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search expired links with = or !="))
        today = fields.Date.context_today(self)
        expired = (operator == "=") == bool(value)
        if expired:
            return [("expiry_date", "<", today)]
        return ["|", ("expiry_date", "=", False), ("expiry_date", ">=", today)]

    @api.depends("feedback_ids")
    def _compute_feedback_count(self):
        for request in self:
            request.feedback_count = len(request.feedback_ids)

    @api.constrains("partner_id", "company_id", "line_ids")
    def _check_items(self):
        """The items asked about are the customer's, in the request's
        company (the page shows and accepts answers in that company only)."""
        for request in self:
            request._dso_check_items(
                request.partner_id, request.company_id, request.line_ids
            )

    @api.model
    def _dso_check_items(self, partner, company, lines):
        """Refuse items of another customer or of several companies, named
        with the fix."""
        # sudo: only the customer and company of the items are read, to
        # check them and name them in the refusal.
        lines = lines.sudo()
        customer = partner.commercial_partner_id
        foreign = lines.filtered(
            lambda line: line.partner_id.commercial_partner_id != customer
        )
        if foreign:
            raise ValidationError(
                self.env._(
                    "Item %(item)s belongs to %(other)s, not to %(customer)s: an "
                    "interactive request asks one customer about its own items. "
                    "Remove it, or create a request for %(other)s.",
                    item=foreign[0].move_name or foreign[0].name,
                    other=foreign[0].partner_id.commercial_partner_id.display_name,
                    customer=customer.display_name,
                )
            )
        if len(lines.company_id) > 1:
            raise ValidationError(
                self.env._(
                    "The items asked about %(customer)s belong to several "
                    "companies (%(companies)s): create one request per company.",
                    customer=customer.display_name,
                    companies=", ".join(lines.company_id.mapped("name")),
                )
            )
        if company and lines and lines.company_id != company:
            raise ValidationError(
                self.env._(
                    "Item %(item)s belongs to %(item_company)s, not to "
                    "%(company)s, the company of the request for %(customer)s: "
                    "leave the company empty (it is taken from the items) or "
                    "choose %(item_company)s.",
                    item=lines[0].move_name or lines[0].name,
                    item_company=lines.company_id.name,
                    company=company.name,
                    customer=customer.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("company_id"):
                vals["company_id"] = self._dso_default_company(vals).id
        return super().create(vals_list)

    @api.model
    def _dso_default_company(self, vals):
        """The company of a request created without one: its items', else
        its customer's, else the current company."""
        if not vals.get("partner_id"):
            raise ValidationError(
                self.env._("An interactive request needs its customer: set partner_id.")
            )
        partner = self.env["res.partner"].browse(vals["partner_id"])
        lines = self._dso_lines_from_commands(vals.get("line_ids"))
        # sudo: the companies of the items are read to choose the request's.
        companies = lines.sudo().company_id
        if len(companies) > 1:
            self._dso_check_items(partner, companies[:0], lines)
        return companies or partner.sudo().company_id or self.env.company

    @api.model
    def _dso_lines_from_commands(self, commands):
        """The items a ``line_ids`` value links (set and link commands, or
        plain ids)."""
        ids = []
        for command in commands or []:
            if isinstance(command, int):
                ids.append(command)
            elif command[0] == Command.SET:
                ids = list(command[2] or [])
            elif command[0] == Command.LINK:
                ids.append(command[1])
        return self.env["account.move.line"].browse(ids)

    # ------------------------------------------------------------------
    # Creating and sending
    # ------------------------------------------------------------------

    @api.model
    def _dso_prepare_vals(self, action, audience="customer", user=None):
        """Values of the request of ``action`` (an interactive email, or an
        internal one asking ``user``)."""
        return {
            "partner_id": action.partner_id.commercial_partner_id.id,
            "company_id": action.company_id.id,
            "action_id": action.id,
            "line_ids": [(6, 0, action.line_ids.ids)],
            "audience": audience,
            "user_id": user.id if user else False,
            "collector_id": (action.user_id or action.partner_id.dso_collector_id).id,
        }

    def _dso_mark_sent(self):
        """The email carrying the link left: the link works from now on,
        for the number of days set on the company."""
        today = fields.Date.context_today(self)
        for request in self:
            days = request.company_id.dso_interactive_expiry_days
            request.write(
                {"state": "sent", "expiry_date": today + timedelta(days=max(days, 1))}
            )
        self._portal_ensure_token()

    def _dso_absolute_url(self):
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url()

    # ------------------------------------------------------------------
    # The page (called by controllers/portal.py)
    # ------------------------------------------------------------------

    def _dso_check_usable(self, user):
        """Raise AccessError with a message for the visitor ``user`` when
        this link may not be used (never sent, cancelled, expired, customer
        archived or merged, colleague not logged in)."""
        self.ensure_one()
        if self.state not in ("sent", "answered"):
            raise AccessError(self.env._("This link is no longer valid."))
        today = fields.Date.context_today(self)
        if self.expiry_date and self.expiry_date < today:
            raise AccessError(
                self.env._(
                    "This link expired on %(date)s. Reply to the email you received "
                    "and we will send you a new one.",
                    date=format_date(self.env, self.expiry_date),
                )
            )
        customer = self.partner_id
        if not customer.active or not customer.commercial_partner_id.active:
            raise AccessError(self.env._("This link is no longer valid."))
        if self.audience == "colleague":
            if not user._is_internal() or self.company_id not in user.company_ids:
                raise AccessError(
                    self.env._(
                        "This page is for colleagues of %(company)s: log in with "
                        "your Odoo account to open it.",
                        company=self.company_id.name,
                    )
                )

    def _dso_allowed_lines(self):
        """Every item the page may show or accept an answer on: for a
        customer its open items (all contacts of the commercial partner, in
        the request's company); for a colleague the items asked about that
        are still open."""
        self.ensure_one()
        # sudo: visitors cannot read journal items; the lines are limited
        # here to this request's customer (or to the items it asks about).
        Line = self.env["account.move.line"].sudo()
        if self.audience == "colleague":
            return self.line_ids.sudo().filtered(lambda line: line._dso_is_open())
        customer = self.partner_id.commercial_partner_id
        return Line.search(
            [
                *Line._dso_open_domain(),
                ("partner_id", "child_of", customer.id),
                ("company_id", "=", self.company_id.id),
                ("amount_residual", ">", 0),
            ],
            order="date_maturity, move_name, id",
        )

    def _dso_portal_lines(self):
        """The items the page lists, as they are now."""
        return self._dso_allowed_lines()

    def _dso_pending_feedback(self):
        """Answers still waiting for the collector, by item id."""
        self.ensure_one()
        # sudo: the answers on the request's own allowed items only.
        pending = (
            self.env["dso.item.feedback"]
            .sudo()
            .search(
                [
                    ("line_id", "in", self._dso_allowed_lines().ids),
                    ("state", "=", "pending"),
                ]
            )
        )
        return {feedback.line_id.id: feedback for feedback in pending}

    def _dso_check_rate(self):
        """At most ``SUBMIT_LIMIT`` submissions on this link per window."""
        self.ensure_one()
        now = fields.Datetime.now()
        if (
            self.submit_window_start
            and now - self.submit_window_start < SUBMIT_WINDOW
            and self.submit_count >= SUBMIT_LIMIT
        ):
            raise UserError(
                self.env._(
                    "Too many answers were sent with this link in the last hour. "
                    "Please try again later."
                )
            )
        window_over = (
            not self.submit_window_start
            or now - self.submit_window_start >= SUBMIT_WINDOW
        )
        # sudo: the visitor's counter on the link it holds.
        if window_over:
            self.sudo().write({"submit_window_start": now, "submit_count": 1})
        else:
            self.sudo().write({"submit_count": self.submit_count + 1})

    def _dso_submit(self, answers, author=None):
        """Record the answers given on the page, checked before anything is
        written: pending ``dso.item.feedback`` rows, one per answered item.

        :param answers: list of dicts with ``line_id`` (int), ``kind``,
            optional ``date`` (date or ISO string), ``reference``,
            ``dispute_reason``, ``comment`` and ``attachment`` (a dict
            ``{"name", "content" (bytes), "mimetype"}``).
        :param author: ``res.partner`` who answered (the logged-in user's
            partner, else the request's customer).
        :return: the feedback created.
        """
        self.ensure_one()
        # sudo: visitors have no access to answers; what they may write is
        # checked line by line against the allowed items before creating.
        Feedback = self.env["dso.item.feedback"].sudo()
        allowed = self._dso_allowed_lines()
        vals_list = Feedback._dso_prepare_answers(self, allowed, answers, author)
        if not vals_list:
            raise UserError(self.env._("Nothing to send: answer at least one invoice."))
        self._dso_check_rate()
        feedback = Feedback.create(vals_list)
        if self.state == "sent":
            # sudo: the link's own state, answered by its holder.
            self.sudo().state = "answered"
        feedback._dso_notify_collector()
        self._dso_acknowledge(feedback, author)
        return feedback

    def _dso_acknowledge(self, feedback, author=None):
        """Email the customer (not a colleague) what it just said, in its
        language, when the company acknowledges answers: the contact who
        answered, else the customer. Nothing without an email address."""
        self.ensure_one()
        if self.audience != "customer" or not self.company_id.dso_ack_answers:
            return self.env["mail.mail"]
        recipient = author if author and author.email else self.partner_id
        if not recipient.email or not feedback:
            return self.env["mail.mail"]
        template = self.env.ref(
            "dso_collection.mail_template_dso_answers_ack", raise_if_not_found=False
        )
        if not template:
            return self.env["mail.mail"]
        # sudo: the page is used by a visitor; the email is the company's
        # acknowledgement of the answers just recorded, to their author.
        mail_id = (
            template.sudo()
            .with_context(dso_feedback_ids=feedback.ids)
            .send_mail(
                self.id,
                email_values={"recipient_ids": [Command.set(recipient.ids)]},
                email_layout_xmlid="mail.mail_notification_light",
            )
        )
        return self.env["mail.mail"].sudo().browse(mail_id)

    # ------------------------------------------------------------------
    # Merging customers
    # ------------------------------------------------------------------

    @api.model
    def _dso_cancel_for_partners(self, partners):
        """Links of customers merged into another stop working: the old
        link would otherwise show the other customer's items."""
        # sudo: the merge is done by an administrator; the requests of every
        # company are cancelled, whatever the current companies.
        requests = self.sudo().search(
            [
                ("partner_id", "in", partners.ids),
                ("state", "in", ("draft", "sent", "answered")),
            ]
        )
        requests.write({"state": "cancelled"})
        return requests

    # ------------------------------------------------------------------
    # The portal page
    # ------------------------------------------------------------------
    # What the answer page shows: the values the portal controller renders,
    # the logged-in customer's own request, the Pay now links.

    def _dso_portal_values(self, user):
        """Values of the page: the items as they are now, each with its
        invoice PDF, its pending answer and (for colleagues) its history."""
        self.ensure_one()
        lines = self._dso_portal_lines()
        pending = self._dso_pending_feedback()
        feedback = self.env["dso.item.feedback"]
        can_pay = self._dso_can_pay(lines)
        # Dates and amounts written here, in the visitor's language: the
        # page of a customer with hundreds of items would otherwise format
        # each through a QWeb widget (most of its rendering time).
        formats = LangFormats.get(self.env)
        # The invoices' tokens and portal addresses for all of them at once
        # (hundreds of items: each read on its own cost a query or two).
        moves = lines.move_id
        moves.fetch(["access_token", "amount_total", "amount_residual"])
        for move in moves.filtered(lambda move: not move.access_token):
            move._portal_ensure_token()
        moves.mapped("access_url")
        items = []
        for line in lines:
            move = line.move_id
            items.append(
                {
                    "line": line,
                    "move": move,
                    "id": str(line.id),
                    "name": line.move_name,
                    "status": line.dso_status_id.name,
                    "date": formats.date(line.date),
                    "due": formats.date(line.date_maturity or line.date),
                    "amount": formats.amount(move.amount_total, move.currency_id),
                    "residual": formats.amount(
                        line.amount_residual_currency, line.currency_id
                    ),
                    "pdf_url": move.get_portal_url(report_type="pdf", download=True),
                    "pay_url": move.get_portal_url()
                    if can_pay and move.amount_residual > 0
                    else False,
                    "pending": pending.get(line.id),
                    "history": line.dso_status_history_ids[:5]
                    if self.audience == "colleague"
                    else False,
                }
            )
        return {
            "dso_request": self,
            "items": items,
            "kinds": feedback._fields["kind"]._description_selection(self.env),
            "reasons": feedback._fields["dispute_reason"]._description_selection(
                self.env
            ),
            "today": fields.Date.context_today(self),
            "is_colleague": self.audience == "colleague",
        }

    def _dso_received_feedback(self, received):
        """The answers just recorded (ids in the confirmation URL), only
        those of this request."""
        self.ensure_one()
        ids = [int(i) for i in (received or "").split(",") if i.strip().isdigit()]
        if not ids:
            return self.env["dso.item.feedback"]
        return self.feedback_ids.filtered(lambda feedback: feedback.id in ids)

    def _dso_can_pay(self, lines):
        """Whether Odoo's payment form can take a payment of these items: a
        payment provider is enabled for the company and the customer."""
        self.ensure_one()
        if "payment.provider" not in self.env or not lines:
            return False
        # sudo: providers are configuration the visitor cannot read; only
        # whether one is usable is asked.
        providers = (
            self.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                self.company_id.id,
                self.partner_id.id,
                sum(lines.mapped("amount_residual")),
                currency_id=self.company_id.currency_id.id,
            )
        )
        return bool(providers)

    @api.model
    def _dso_portal_request(self, partner):
        """The request behind /my/collection for a logged-in contact of a
        customer: one per customer and company with open items, reused."""
        customer = partner.commercial_partner_id
        company = self.env.company
        # sudo: portal users cannot read requests; this is their own
        # customer's, found by the partner of the logged-in user.
        Request = self.sudo()
        request = Request.search(
            [
                ("partner_id", "=", customer.id),
                ("company_id", "=", company.id),
                ("action_id", "=", False),
                ("audience", "=", "customer"),
                ("state", "in", ("sent", "answered")),
            ],
            limit=1,
        )
        if not request:
            request = Request.create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "audience": "customer",
                    "collector_id": customer.dso_collector_id.id,
                }
            )
        request._dso_mark_sent()
        return request

    @api.model
    def _dso_portal_overdue_count(self, partner):
        """The counter of the portal home: overdue items of the customer."""
        Line = self.env["account.move.line"]
        # sudo: portal users cannot read journal items; only the number of
        # their own customer's overdue items is counted.
        return Line.sudo().search_count(
            [
                *Line._dso_overdue_domain(fields.Date.context_today(self)),
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
            ]
        )
