"""What each hashtag becomes: the one implementation of each ``#name``.

``_hashtag_<name>(action, fmt, items)`` returns the value of hashtag ``name``
for ``action``: text, or safe HTML when ``fmt == "html"``; ``items`` are the
customer's open items (``_read_items``), oldest due first. The fields
``hashtag_<name>`` of the action call these methods, in the customer's
language, for all the actions being rendered at once.
"""

from lxml import html as lxml_html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import is_html_empty

from ...lib.constants import EMAIL_ACTION_TYPES, LETTER_ACTION_TYPES
from ...lib.lang_formats import LangFormats
from .dso_hashtag import OVERDUE_MEMO

# The fields of the items the hashtags read (``_read_items``).
ITEM_FIELDS = [
    "account_id",
    "amount_currency",
    "amount_residual",
    "amount_residual_currency",
    "company_currency_id",
    "company_id",
    "currency_id",
    "date",
    "date_maturity",
    "dso_status_id",
    "move_id",
    "move_name",
    "parent_state",
    "partner_id",
    "reconciled",
]


class DsoHashtag(models.AbstractModel):
    _inherit = "dso.hashtag"

    # ------------------------------------------------------------------
    # Data shared by the hashtags
    # ------------------------------------------------------------------

    @api.model
    def _read_items(self, actions):
        """The open items of the actions' customers, read for all actions at
        once (oldest due first): {action id: account.move.line}."""
        planner = self.env["dso.collection.planner"]
        ids_by_action, all_ids = {}, []
        for company in actions.company_id:
            company_actions = actions.filtered(lambda a, c=company: a.company_id == c)
            items = planner._read_open_items(company, company_actions.partner_id.ids)
            for action in company_actions:
                ordered = sorted(
                    items.get(action.partner_id.id, []),
                    key=lambda item: (item.due, item.date, item.id),
                )
                ids_by_action[action.id] = [item.id for item in ordered]
                all_ids += ids_by_action[action.id]
        Line = self.env["account.move.line"]
        # What the hashtags, their tables and the notes on the invoices read
        # of the items, in one query for all: not the sixty columns of
        # account.move.line the ORM reads on a first access.
        Line.browse(all_ids).fetch(ITEM_FIELDS)
        return {
            action.id: Line.browse(ids_by_action.get(action.id, [])).with_prefetch(
                all_ids
            )
            for action in actions
        }

    @api.model
    def _overdue_items(self, items):
        today = fields.Date.context_today(self)
        memo = self.env.cr.cache.get(OVERDUE_MEMO)
        if memo is None:
            return items.filtered(lambda line: line._dso_is_overdue(today))
        # In a batch rendering (``dso.hashtag._batch_rendering``): the
        # several hashtags of a message that read the overdue items (table,
        # amount, intro, oldest date) filter them once.
        key = (items._ids, today)
        if key not in memo:
            memo[key] = items.filtered(lambda line: line._dso_is_overdue(today))._ids
        return items.browse(memo[key]).with_prefetch(items._prefetch_ids)

    @api.model
    def _split_due(self, lines):
        """``lines`` cut in two: what is due (the items past their due date,
        and the credits, which reduce it) and what is not due yet (debit
        items whose due date is today or later). A reminder, a letter or a
        formal notice claims the first only, interest and recovery costs
        included, and lists the second apart."""
        today = fields.Date.context_today(self)
        not_due = lines.filtered(
            lambda line: line.amount_residual > 0 and line._dso_due_date() >= today
        )
        return lines - not_due, not_due

    @api.model
    def _selected_items(self, action, items):
        """The action's items still open (all open items if it lists none),
        due date then number, as letters and the hand-over file list them."""
        selected = action.line_ids.filtered(lambda line: not line.reconciled)
        selected = selected or items.filtered(lambda line: not line.dso_excluded)
        return selected.sorted(
            lambda line: (
                line.date_maturity or line.date,
                line.move_name or "",
                line.id,
            )
        )

    @api.model
    def _sum(self, lines, field):
        """Sum of ``field`` (an amount in the item's currency) over ``lines``,
        in their currency when they share one, else in the company currency."""
        company_currency = (
            lines.company_id.currency_id[:1] or self.env.company.currency_id
        )
        currencies = lines.currency_id
        if len(currencies) == 1:
            return sum(lines.mapped(field)), currencies
        # Mixed currencies: convert each item to the company currency.
        total = 0.0
        for line in lines:
            total += line.currency_id._convert(
                line[field], company_currency, line.company_id, fields.Date.today()
            )
        return total, company_currency

    @api.model
    def _lang(self, action):
        return action.partner_id.lang or self.env.lang or "en_US"

    @api.model
    def _format_amount(self, action, amount, currency):
        return LangFormats.get(self.env, self._lang(action)).amount(amount, currency)

    @api.model
    def _format_date(self, action, date):
        return LangFormats.get(self.env, self._lang(action)).date(date)

    @api.model
    def _amount(self, action, lines, field):
        amount, currency = self._sum(lines, field)
        return self._format_amount(action, amount, currency or action.currency_id)

    @api.model
    def _collector(self, action):
        """Who collects: the action's collector, else the customer's."""
        return (
            action.user_id
            or action.partner_id.with_company(action.company_id).dso_collector_id
        )

    @api.model
    def _items_table(self, action, lines, fmt):
        """The items as tables: those due, then those not due yet under
        their own heading and total (each a ``dso_hashtag_items_table``,
        which other templates may ``t-call`` with the same values); or as
        one short line for SMS."""
        due, not_due = self._split_due(lines)
        if fmt == "text":
            text = self._items_text(action, due)
            if not_due:
                rest = self.env._(
                    "not yet due: %(items)s", items=self._items_text(action, not_due)
                )
                text = f"{text}; {rest}" if text else rest
            return text
        if not due or not not_due:
            return self._items_html(action, lines)
        return (
            self._items_html(action, due)
            + Markup('<p style="margin: 12px 0 4px 0;"><strong>%s</strong></p>')
            % self.env._("Not yet due")
            + self._items_html(action, not_due)
        )

    @api.model
    def _items_text(self, action, lines):
        return "; ".join(
            " ".join(
                (
                    line.move_name,
                    self._format_amount(
                        action, line.amount_residual_currency, line.currency_id
                    ),
                    self._format_date(action, line.date_maturity or line.date),
                )
            )
            for line in lines
        )

    @api.model
    def _items_html(self, action, lines):
        return (
            self.env["ir.qweb"]
            .with_context(lang=self._lang(action))
            ._render(
                "dso_collection.dso_hashtag_items_table",
                {
                    "lines": lines,
                    "format_amount": lambda amount, currency: self._format_amount(
                        action, amount, currency
                    ),
                    "format_date": lambda date: self._format_date(action, date),
                    "total": self._amount(action, lines, "amount_residual_currency"),
                },
            )
        )

    @api.model
    def _contact(self, action):
        """Who a message of ``action`` is addressed to: the one contact an
        email goes to (the invoicing contact, else the customer), else the
        customer."""
        customer = action.partner_id.commercial_partner_id
        if action.action_type in EMAIL_ACTION_TYPES and (
            action.action_type != "internal_email"
        ):
            contacts = action.partner_id._dso_collection_contacts()
            if len(contacts) == 1:
                return contacts
        return customer

    @api.model
    def _signature(self, signature):
        """An email signature without Odoo's "-- " line: in a collection
        email it closes the message after "Kind regards,", where that line
        and the name written again would read twice."""
        if is_html_empty(signature):
            return Markup()
        root = lxml_html.fragment_fromstring(str(signature), create_parent="div")
        for node, slot in self._text_nodes(root):
            text = getattr(node, slot)
            if not text.strip():
                continue
            if text.lstrip().startswith("--"):
                rest = text.lstrip()[2:].lstrip()
                setattr(node, slot, rest)
                if slot == "text":
                    following = node[0] if len(node) else None
                else:
                    following = node.getnext()
                if not rest and following is not None and following.tag == "br":
                    following.drop_tree()
            break
        html = (root.text or "") + "".join(
            lxml_html.tostring(child, encoding="unicode") for child in root
        )
        return Markup() if is_html_empty(html) else Markup(html)

    # ------------------------------------------------------------------
    # The hashtags
    # ------------------------------------------------------------------

    def _hashtag_customer_name(self, action, fmt, items):
        return action.partner_id.name or ""

    def _hashtag_contact_name(self, action, fmt, items):
        return self._contact(action).name or action.partner_id.name or ""

    def _hashtag_collector_name(self, action, fmt, items):
        return self._collector(action).name or ""

    def _hashtag_collector_signature(self, action, fmt, items):
        """The collector's signature once (else the collector's name); none
        in letters, which are signed otherwise."""
        if action.action_type in LETTER_ACTION_TYPES:
            return "" if fmt == "text" else Markup()
        collector = self._collector(action) or self.env.user
        signature = self._signature(collector.signature)
        if fmt == "text":
            text = lxml_html.fromstring(f"<div>{signature}</div>").text_content()
            return text.strip() or collector.name or ""
        if not signature:
            return Markup("<p>%s</p>") % (collector.name or "")
        return signature

    def _hashtag_company_logo(self, action, fmt, items):
        """The company's logo; nothing while it is Odoo's placeholder."""
        company = action.company_id
        if fmt == "text" or company.uses_default_logo:
            return "" if fmt == "text" else Markup()
        return Markup(
            '<img src="%s/logo.png?company=%s" alt="%s" style="max-height: 60px;"/>'
        ) % (company.get_base_url(), company.id, company.name)

    def _hashtag_amount_due(self, action, fmt, items):
        return self._amount(action, items, "amount_residual_currency")

    def _hashtag_amount_overdue(self, action, fmt, items):
        return self._amount(
            action, self._overdue_items(items), "amount_residual_currency"
        )

    def _hashtag_amount_not_due(self, action, fmt, items):
        return self._amount(
            action, self._split_due(items)[1], "amount_residual_currency"
        )

    def _hashtag_oldest_due_date(self, action, fmt, items):
        overdue = self._overdue_items(items)
        if not overdue:
            return ""
        oldest = min(line.date_maturity or line.date for line in overdue)
        return self._format_date(action, oldest)

    def _hashtag_days_overdue(self, action, fmt, items):
        overdue = self._overdue_items(items)
        return str(max(overdue.mapped("dso_days_overdue"), default=0))

    def _hashtag_items_overdue_intro(self, action, fmt, items):
        """ "the following invoice is overdue (due on ...)" or "the following
        invoices are overdue (the oldest due on ...)", as many as
        #items_list_overdue lists."""
        overdue = self._overdue_items(items)
        date = self._hashtag_oldest_due_date(action, fmt, items)
        if not overdue:
            return self.env._("no invoice is overdue")
        if len(overdue) == 1:
            return self.env._(
                "the following invoice is overdue (due on %(date)s)", date=date
            )
        return self.env._(
            "the following invoices are overdue (the oldest due on %(date)s)",
            date=date,
        )

    def _hashtag_items_unpaid_intro(self, action, fmt, items):
        """ "the following invoice is still unpaid" or "the following
        invoices are still unpaid", as many as the action claims."""
        due = self._split_due(self._selected_items(action, items))[0]
        if len(due.filtered(lambda line: line.amount_residual > 0)) == 1:
            return self.env._("the following invoice is still unpaid")
        return self.env._("the following invoices are still unpaid")

    def _hashtag_items_list(self, action, fmt, items):
        return self._items_table(action, items, fmt)

    def _hashtag_items_list_overdue(self, action, fmt, items):
        return self._items_table(action, self._overdue_items(items), fmt)

    def _hashtag_items_list_not_due(self, action, fmt, items):
        return self._items_table(action, self._split_due(items)[1], fmt)

    def _hashtag_items_list_selected(self, action, fmt, items):
        return self._items_table(action, self._selected_items(action, items), fmt)

    def _hashtag_items_amount_selected(self, action, fmt, items):
        return self._amount(
            action, self._selected_items(action, items), "amount_residual_currency"
        )

    def _hashtag_items_amount_selected_overdue(self, action, fmt, items):
        return self._amount(
            action,
            self._split_due(self._selected_items(action, items))[0],
            "amount_residual_currency",
        )

    def _hashtag_items_amount_selected_late_penalties(self, action, fmt, items):
        return self._amount(
            action,
            self._split_due(self._selected_items(action, items))[0],
            "dso_penalty_total",
        )

    def _hashtag_items_amount_selected_include_late_penalties(self, action, fmt, items):
        """What the action claims: its items that are due, with their
        interest and recovery costs (not the items not yet due)."""
        return self._amount(
            action,
            self._split_due(self._selected_items(action, items))[0],
            "dso_amount_with_penalties",
        )

    def _hashtag_late_penalties(self, action, fmt, items):
        return self._amount(action, self._overdue_items(items), "dso_penalty_amount")

    def _hashtag_recovery_cost(self, action, fmt, items):
        return self._amount(
            action, self._overdue_items(items), "dso_recovery_cost_amount"
        )

    def _hashtag_legal_mentions(self, action, fmt, items):
        """The legal mentions of the interest and recovery costs the
        customer owes (``dso.legal.mentions``); none in letters, which
        print them below the amounts."""
        if action.action_type in LETTER_ACTION_TYPES:
            return "" if fmt == "text" else Markup()
        customer = action.partner_id.commercial_partner_id.with_company(
            action.company_id
        )
        mentions = self.env["dso.legal.mentions"]._mentions(
            action.company_id,
            self._lang(action),
            interest=customer.dso_late_penalty
            or any(items.mapped("dso_penalty_amount")),
            recovery=customer.dso_recovery_cost
            or any(items.mapped("dso_recovery_cost_amount")),
        )
        if fmt == "text":
            return " ".join(mentions)
        return Markup("").join(
            Markup('<p style="font-size: 12px;">%s</p>') % mention
            for mention in mentions
        )

    def _hashtag_interactive_link(self, action, fmt, items):
        """The address of the action's answer page (a button in HTML);
        nothing without one (not an interactive email, switch off)."""
        request = action._dso_interactive_request()
        if not request:
            return "" if fmt == "text" else Markup()
        url = request._dso_absolute_url()
        if fmt == "text":
            return url
        label = (
            self.env._("Answer on each item")
            if request.audience == "colleague"
            else self.env._("View my invoices and answer online")
        )
        return Markup(
            '<a href="%s" style="display: inline-block; padding: 10px 16px; '
            "background-color: #875a7b; color: #ffffff; text-decoration: none; "
            'border-radius: 4px;">%s</a>'
        ) % (url, label)

    # ------------------------------------------------------------------
    # Payment plans: the instalment a reminder is for
    # ------------------------------------------------------------------

    def _hashtag_installment_amount(self, action, fmt, items):
        installment = action.installment_id
        if not installment:
            return ""
        return self._format_amount(
            action,
            installment.amount - installment.amount_paid,
            installment.currency_id,
        )

    def _hashtag_installment_date(self, action, fmt, items):
        if not action.installment_id:
            return ""
        return self._format_date(action, action.installment_id.date)

    def _hashtag_plan_schedule(self, action, fmt, items):
        plan = action.installment_id.plan_id
        if not plan:
            return "" if fmt == "text" else Markup("")
        rows = [
            (
                self._format_date(action, installment.date),
                self._format_amount(
                    action,
                    installment.amount - installment.amount_paid,
                    installment.currency_id,
                ),
            )
            for installment in plan.installment_ids
            if installment.state != "paid"
        ]
        title = self.env._("Payment plan %(plan)s", plan=plan.name)
        if fmt == "text":
            return f"{title}: " + "; ".join(f"{day} {amount}" for day, amount in rows)
        cell = Markup('<td style="padding: 2px 12px 2px 0;%s">%s</td>')
        body = Markup("").join(
            Markup("<tr>%s%s</tr>")
            % (cell % ("", day), cell % (" text-align: right;", amount))
            for day, amount in rows
        )
        return Markup(
            '<table class="o_dso_plan_schedule" style="border-collapse: collapse;">'
            "<caption>%s</caption><tbody>%s</tbody></table>"
        ) % (title, body)
