"""#Hashtags of collection templates.

A hashtag is a ``#name`` placeholder in an email, SMS or letter template of a
collection action, replaced by live data when the action is prepared. Each
hashtag ``name`` is listed by ``_get_hashtags()`` and computed by a method
``_hashtag_<name>(action, fmt, items)`` returning text (``fmt == "text"``: SMS) or
safe HTML (``fmt == "html"``: emails and letters). Another addon adds a
hashtag by extending both.
"""

import re

from lxml import html as lxml_html
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import format_amount, format_date, is_html_empty

HASHTAG_RE = re.compile(r"#([a-z][a-z0-9_]*)")


class DsoHashtag(models.AbstractModel):
    _name = "dso.hashtag"
    _description = "Collection template hashtags"

    @api.model
    def _get_hashtags(self):
        """The documented hashtags: name -> what it becomes."""
        return {
            "customer_name": self.env._("Name of the customer"),
            "collector_name": self.env._("Name of the customer's collector"),
            "collector_signature": self.env._("Email signature of the collector"),
            "company_logo": self.env._("Logo of the company"),
            "amount_due": self.env._("Total of the open items"),
            "amount_overdue": self.env._("Total of the items past their due date"),
            "oldest_due_date": self.env._("Oldest due date of the overdue items"),
            "days_overdue": self.env._("Days since the oldest overdue due date"),
            "items_list": self.env._("Table of all open items"),
            "items_list_overdue": self.env._("Table of the overdue items"),
            "items_list_selected": self.env._("Table of the items of the action"),
            "items_amount_selected": self.env._("Total of the items of the action"),
            "items_amount_selected_late_penalties": self.env._(
                "Late-payment interest and recovery costs of the items of the action"
            ),
            "items_amount_selected_include_late_penalties": self.env._(
                "Total of the items of the action, interest and recovery costs included"
            ),
            "late_penalties": self.env._("Late-payment interest of all overdue items"),
            "recovery_cost": self.env._("Recovery costs of all late invoices"),
        }

    @api.model
    def _get_help(self):
        """Plain-text list of the hashtags, for the template editor's help."""
        return "\n".join(
            f"#{name}: {description}"
            for name, description in self._get_hashtags().items()
        )

    # ------------------------------------------------------------------
    # Checking
    # ------------------------------------------------------------------

    @api.model
    def _find_unknown(self, content, is_html=False):
        """Hashtags of ``content`` that do not exist, in order of appearance.
        In HTML only the text is read: colours (#fff) and anchors (#top) in
        attributes are not hashtags."""
        if not content:
            return []
        text = content
        if is_html:
            if is_html_empty(content):
                return []
            text = " ".join(lxml_html.fromstring(f"<div>{content}</div>").itertext())
        known = self._get_hashtags()
        unknown = []
        for name in HASHTAG_RE.findall(text):
            if name not in known and name not in unknown:
                unknown.append(name)
        return unknown

    @api.model
    def _unknown_message(self, template_name, unknown):
        return self.env._(
            "Template %(template)s uses unknown hashtags: %(hashtags)s. Correct or "
            "remove them; the known hashtags are %(known)s.",
            template=template_name,
            hashtags=", ".join(f"#{name}" for name in unknown),
            known=", ".join(f"#{name}" for name in self._get_hashtags()),
        )

    # ------------------------------------------------------------------
    # Rendering
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
        return {
            action_id: Line.browse(ids).with_prefetch(all_ids)
            for action_id, ids in ids_by_action.items()
        }

    @api.model
    def _render(self, action, content, fmt="html", items=None):
        """Replace the hashtags of ``content`` with the data of ``action``.

        :param fmt: "html" (content is HTML: values are escaped or safe
            markup) or "text" (SMS: plain text)
        :param items: the customer's open items, when already read by
            ``_read_items`` for many actions
        """
        if not content:
            return content
        known = self._get_hashtags()
        action = action.with_context(lang=action.partner_id.lang or self.env.lang)
        if items is None:
            items = self._read_items(action)[action.id]
        cache = {}

        def replace(match):
            name = match.group(1)
            if name not in known:
                return match.group(0)
            if name not in cache:
                value = getattr(self, f"_hashtag_{name}")(action, fmt, items)
                cache[name] = escape(value) if fmt == "html" else str(value)
            return cache[name]

        if fmt == "html":
            return Markup(HASHTAG_RE.sub(replace, str(content)))
        return HASHTAG_RE.sub(replace, content)

    # Data shared by the hashtags -------------------------------------------

    @api.model
    def _overdue_items(self, items):
        today = fields.Date.context_today(self)
        return items.filtered(
            lambda line: (
                line.amount_residual > 0 and (line.date_maturity or line.date) < today
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
    def _format_amount(self, action, amount, currency):
        return format_amount(self.env, amount, currency, lang_code=self._lang(action))

    @api.model
    def _lang(self, action):
        return action.partner_id.lang or self.env.lang or "en_US"

    @api.model
    def _amount(self, action, lines, field):
        amount, currency = self._sum(lines, field)
        return self._format_amount(action, amount, currency or action.currency_id)

    @api.model
    def _items_table(self, action, lines, fmt):
        lang = self._lang(action)
        if fmt == "text":
            return "; ".join(
                " ".join(
                    (
                        line.move_name,
                        self._format_amount(
                            action, line.amount_residual_currency, line.currency_id
                        ),
                        format_date(
                            self.env, line.date_maturity or line.date, lang_code=lang
                        ),
                    )
                )
                for line in lines
            )
        return (
            self.env["ir.qweb"]
            .with_context(lang=lang)
            ._render(
                "dso_collection.dso_hashtag_items_table",
                {
                    "lines": lines,
                    "lang": lang,
                    "format_amount": lambda amount, currency: self._format_amount(
                        action, amount, currency
                    ),
                    "format_date": lambda date: format_date(
                        self.env, date, lang_code=lang
                    ),
                    "total": self._amount(action, lines, "amount_residual_currency"),
                },
            )
        )

    # The hashtags ------------------------------------------------------------

    def _hashtag_customer_name(self, action, fmt, items):
        return action.partner_id.name or ""

    def _hashtag_collector_name(self, action, fmt, items):
        return (action.user_id or action.partner_id.dso_collector_id).name or ""

    def _hashtag_collector_signature(self, action, fmt, items):
        signature = (action.user_id or self.env.user).signature
        if fmt == "text":
            return lxml_html.fromstring(f"<div>{signature or ''}</div>").text_content()
        return signature or Markup()

    def _hashtag_company_logo(self, action, fmt, items):
        company = action.company_id
        if fmt == "text" or not company.logo:
            return "" if fmt == "text" else Markup()
        return Markup(
            '<img src="%s/logo.png?company=%s" alt="%s" style="max-height: 60px;"/>'
        ) % (
            company.get_base_url(),
            company.id,
            company.name,
        )

    def _hashtag_amount_due(self, action, fmt, items):
        return self._amount(action, items, "amount_residual_currency")

    def _hashtag_amount_overdue(self, action, fmt, items):
        return self._amount(
            action, self._overdue_items(items), "amount_residual_currency"
        )

    def _hashtag_oldest_due_date(self, action, fmt, items):
        overdue = self._overdue_items(items)
        if not overdue:
            return ""
        oldest = min(line.date_maturity or line.date for line in overdue)
        return format_date(self.env, oldest, lang_code=self._lang(action))

    def _hashtag_days_overdue(self, action, fmt, items):
        overdue = self._overdue_items(items)
        return str(max(overdue.mapped("dso_days_overdue"), default=0))

    def _hashtag_items_list(self, action, fmt, items):
        return self._items_table(action, items, fmt)

    def _hashtag_items_list_overdue(self, action, fmt, items):
        return self._items_table(action, self._overdue_items(items), fmt)

    def _hashtag_items_list_selected(self, action, fmt, items):
        return self._items_table(action, self._selected_items(action, items), fmt)

    def _hashtag_items_amount_selected(self, action, fmt, items):
        return self._amount(
            action, self._selected_items(action, items), "amount_residual_currency"
        )

    def _hashtag_items_amount_selected_late_penalties(self, action, fmt, items):
        return self._amount(
            action, self._selected_items(action, items), "dso_penalty_total"
        )

    def _hashtag_items_amount_selected_include_late_penalties(self, action, fmt, items):
        return self._amount(
            action, self._selected_items(action, items), "dso_amount_with_penalties"
        )

    def _hashtag_late_penalties(self, action, fmt, items):
        return self._amount(action, items, "dso_penalty_amount")

    def _hashtag_recovery_cost(self, action, fmt, items):
        return self._amount(action, items, "dso_recovery_cost_amount")

    @api.model
    def _selected_items(self, action, items):
        """The action's items still open (all open items if it lists none)."""
        selected = action.line_ids.filtered(lambda line: not line.reconciled).sorted(
            lambda line: (line.date_maturity or line.date, line.id)
        )
        return selected or items.filtered(lambda line: not line.dso_excluded)
