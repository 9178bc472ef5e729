"""#Hashtags of collection templates: one rendering engine, Odoo's.

A hashtag ``#name`` is a placeholder of a collection template (email, SMS,
letter) replaced by live data of the action. Each hashtag is:

- listed by ``_get_hashtags()`` (name -> description: the editor's help);
- computed by one method ``_hashtag_<name>(action, fmt, items)`` of this
  model (``dso_hashtag_values.py``), returning text, or safe HTML when
  ``fmt == "html"`` (item tables, logo, signature);
- served by a non-stored field ``hashtag_<name>`` of the action that calls
  that method (``hashtag/dso_collection_action.py``), so that Odoo's own
  rendering reads it: templates write ``<t t-out="object.hashtag_amount_due"/>``
  in HTML and ``{{ object.hashtag_amount_due }}`` in subjects and SMS. Those
  expressions are allowed to collectors who are not template editors
  (``mail_allowed_qweb_expressions``).

``#name`` stays the collectors' shorthand. Before Odoo renders a collection
template, a ``#name`` typed in its text (never in an attribute: ``href="#top"``
and ``color:#fff`` stay) becomes that expression; the text rendering produces
(a customer's name, an invoice reference) is never read again. In a message
the collector edited on the action, the hashtags typed in its text are
expanded the same way when it is sent.

Another addon adds a hashtag by extending ``_get_hashtags()`` and adding the
field ``hashtag_<name>`` and the method ``_hashtag_<name>``.
"""

import re
from contextlib import contextmanager

from lxml import etree
from lxml import html as lxml_html

from odoo import api, models
from odoo.tools import is_html_empty
from odoo.tools.rendering_tools import INLINE_TEMPLATE_REGEX

HASHTAG_RE = re.compile(r"#([a-z][a-z0-9_]*)")

# Elements whose text is not text a reader sees: CSS colours are no hashtags.
NON_TEXT_TAGS = ("style", "script")

# Key of the cursor's cache where a batch rendering keeps the overdue items
# of each set of items (``_batch_rendering``).
OVERDUE_MEMO = "dso_hashtag_overdue_items"


class DsoHashtag(models.AbstractModel):
    _name = "dso.hashtag"
    _description = "Collection template hashtags"

    @api.model
    def _get_hashtags(self):
        """The hashtags: name -> what it becomes."""
        return {
            "customer_name": self.env._("Name of the customer"),
            "contact_name": self.env._(
                "Name of the contact the email goes to (the customer's invoicing "
                "contact), else of the customer: for the greeting"
            ),
            "collector_name": self.env._("Name of the customer's collector"),
            "collector_signature": self.env._(
                "Email signature of the collector (else the collector's name); "
                "nothing in letters, which print their own signature"
            ),
            "company_logo": self.env._("Logo of the company"),
            "amount_due": self.env._(
                "Open balance: total of the open items, due or not yet due"
            ),
            "amount_overdue": self.env._("Total of the items past their due date"),
            "amount_not_due": self.env._("Total of the items not yet due"),
            "oldest_due_date": self.env._("Oldest due date of the overdue items"),
            "days_overdue": self.env._("Days since the oldest overdue due date"),
            "items_overdue_intro": self.env._(
                "“the following invoice is overdue (due on …)”, or “the following "
                "invoices are overdue (the oldest due on …)”: as many as "
                "#items_list_overdue lists"
            ),
            "items_unpaid_intro": self.env._(
                "“the following invoice is still unpaid”, or “the following "
                "invoices are still unpaid”: as many as the action claims"
            ),
            "items_list": self.env._(
                "Table of all open items, those not yet due apart"
            ),
            "items_list_overdue": self.env._("Table of the overdue items"),
            "items_list_not_due": self.env._("Table of the items not yet due"),
            "items_list_selected": self.env._(
                "Table of the items of the action, those not yet due apart"
            ),
            "items_amount_selected": self.env._(
                "Total of the items of the action, due or not yet due"
            ),
            "items_amount_selected_overdue": self.env._(
                "Total of the items of the action that are due (credits deducted)"
            ),
            "items_amount_selected_late_penalties": self.env._(
                "Late-payment interest and recovery costs of the items of the action"
            ),
            "items_amount_selected_include_late_penalties": self.env._(
                "What the action claims: its items that are due, interest and "
                "recovery costs included (not the items not yet due)"
            ),
            "late_penalties": self.env._("Late-payment interest of all overdue items"),
            "recovery_cost": self.env._("Recovery costs of all late invoices"),
            "legal_mentions": self.env._(
                "Legal mentions of the late-payment interest and recovery costs "
                "the customer owes, under the law of its language's country; "
                "nothing when none apply, and in letters, which print them"
            ),
            "interactive_link": self.env._(
                "Link to the page where the customer (or the colleague of an "
                "internal email) answers on each invoice; nothing when "
                "interactive emails are off for the customer"
            ),
            "installment_amount": self.env._(
                "Amount of the payment plan instalment the reminder is for "
                "(empty out of a plan)"
            ),
            "installment_date": self.env._(
                "Date of the payment plan instalment the reminder is for"
            ),
            "plan_schedule": self.env._(
                "The payment plan's instalments still to pay: date and amount"
            ),
        }

    @api.model
    @contextmanager
    def _batch_rendering(self):
        """While rendering the messages of a batch of actions: the values
        several hashtags share (the overdue items) are computed once per
        message. Only for the time of the rendering, whose items were just
        read again: nothing is kept after it."""
        cache = self.env.cr.cache
        if OVERDUE_MEMO in cache:
            yield
            return
        cache[OVERDUE_MEMO] = {}
        try:
            yield
        finally:
            cache.pop(OVERDUE_MEMO, None)

    @api.model
    def _get_help(self):
        """Plain-text list of the hashtags, for the template editor's help."""
        return "\n".join(
            f"#{name}: {description}"
            for name, description in self._get_hashtags().items()
        )

    @api.model
    def _field_name(self, name, fmt="html"):
        """The action's field serving hashtag ``name``: ``hashtag_<name>``,
        or its plain-text twin ``hashtag_<name>_text`` in text (subjects,
        SMS) for the hashtags that are HTML (tables, logo, signature)."""
        text_field = f"hashtag_{name}_text"
        if fmt == "text" and text_field in self.env["dso.collection.action"]._fields:
            return text_field
        return f"hashtag_{name}"

    # ------------------------------------------------------------------
    # Where hashtags are: the text of HTML, the literal parts of inline
    # templates
    # ------------------------------------------------------------------

    @api.model
    def _split(self, text, known):
        """``text`` cut around its known hashtags: [text, name, text, name,
        ..., text]. Unknown ones stay in the text."""
        pieces, start = [""], 0
        for match in HASHTAG_RE.finditer(text or ""):
            if match.group(1) not in known:
                continue
            pieces[-1] += text[start : match.start()]
            pieces += [match.group(1), ""]
            start = match.end()
        pieces[-1] += (text or "")[start:]
        return pieces

    @api.model
    def _text_nodes(self, root):
        """(element, "text" or "tail") of every text node of ``root`` a
        reader sees: no attribute, no comment, no style or script."""
        for node in root.iter():
            if node is not root and node.tail:
                yield node, "tail"
            if isinstance(node.tag, str) and node.tag not in NON_TEXT_TAGS:
                if node.text:
                    yield node, "text"

    @api.model
    def _html_texts(self, content):
        """The text nodes of an HTML content."""
        root = lxml_html.fragment_fromstring(str(content), create_parent="div")
        return [getattr(node, slot) for node, slot in self._text_nodes(root)]

    @api.model
    def _inline_literals(self, content):
        """The literal parts of an inline template (outside ``{{ }}``)."""
        return [literal for literal, _expr in self._inline_parts(content)]

    @api.model
    def _inline_parts(self, content):
        """[(literal, expression source or "")] of an inline template."""
        parts, start = [], 0
        for match in INLINE_TEMPLATE_REGEX.finditer(content):
            parts.append((content[start : match.start()], match.group(0)))
            start = match.end()
        parts.append((content[start:], ""))
        return parts

    # ------------------------------------------------------------------
    # Checking
    # ------------------------------------------------------------------

    @api.model
    def _find_unknown(self, content, is_html=False):
        """Hashtags of ``content`` that do not exist, in order of appearance.
        In HTML only the text is read (colours, anchors and links in
        attributes are no hashtags); in an inline template (subject, SMS),
        only what is outside ``{{ }}``."""
        if not content or "#" not in str(content):
            return []
        if is_html:
            if is_html_empty(content):
                return []
            texts = self._html_texts(content)
        else:
            texts = self._inline_literals(str(content))
        known = self._get_hashtags()
        unknown = []
        for text in texts:
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
    # The shorthand: #name written as the field's expression, before Odoo
    # renders the source
    # ------------------------------------------------------------------

    @api.model
    def _has_known(self, content):
        known = self._get_hashtags()
        return any(name in known for name in HASHTAG_RE.findall(str(content or "")))

    @api.model
    def _expand_qweb_source(self, source):
        """HTML source (QWeb) in which each ``#name`` of its text became
        ``<t t-out="object.hashtag_name"/>``; returned as is when it has no
        known hashtag."""
        if not source or not self._has_known(source):
            return source
        known = self._get_hashtags()
        root = lxml_html.fragment_fromstring(str(source), create_parent="div")
        for node, slot in list(self._text_nodes(root)):
            pieces = self._split(getattr(node, slot), known)
            if len(pieces) == 1:
                continue
            setattr(node, slot, pieces[0])
            if slot == "text":
                parent, position = node, 0
            else:
                parent, position = node.getparent(), node.getparent().index(node) + 1
            for offset, index in enumerate(range(1, len(pieces), 2)):
                out = etree.Element("t")
                out.set("t-out", f"object.{self._field_name(pieces[index])}")
                out.tail = pieces[index + 1]
                parent.insert(position + offset, out)
        return (root.text or "") + "".join(
            lxml_html.tostring(child, encoding="unicode") for child in root
        )

    @api.model
    def _expand_inline_source(self, source):
        """Inline template (subject, SMS) in which each ``#name`` outside
        ``{{ }}`` became ``{{ object.hashtag_name }}`` (its text twin for
        the HTML hashtags)."""
        if not source or not self._has_known(source):
            return source
        known = self._get_hashtags()
        result = []
        for literal, expression in self._inline_parts(str(source)):
            pieces = self._split(literal, known)
            for index, piece in enumerate(pieces):
                if index % 2:
                    field = self._field_name(piece, "text")
                    result.append("{{ object." + field + " }}")
                else:
                    result.append(piece)
            result.append(expression)
        return "".join(result)

    # ------------------------------------------------------------------
    # A message the collector edited on the action
    # ------------------------------------------------------------------

    @api.model
    def _expand_message(self, action, content, is_html):
        """The hashtags the collector typed in the text of the message of
        ``action``, expanded by the same fields. HTML goes through Odoo's
        QWeb rendering in its regex mode (it evaluates nothing; the message
        is sanitized HTML, only the expressions written here are read);
        plain text (subject, SMS) reads the fields directly, so that a
        ``{{`` the collector typed stays text."""
        action.ensure_one()
        if not content or not self._has_known(content):
            return content
        if is_html:
            source = self._expand_qweb_source(content)
            return self.env["mail.render.mixin"]._render_template_qweb_regex(
                source, action._name, action.ids
            )[action.id]
        pieces = self._split(content, self._get_hashtags())
        return "".join(
            str(action[self._field_name(piece, "text")] or "") if index % 2 else piece
            for index, piece in enumerate(pieces)
        )
