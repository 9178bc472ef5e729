"""The syntax of collection templates, checked when they are saved.

A collector who types a broken expression (``<t t-out="object.x +"/>``,
``{{ object.hashtag_customer_name`` without its ``}}``) learns it when saving
the template, with the expression to correct, not from a rendering
traceback when the reminder goes out. Only the syntax is read: nothing is
evaluated here.
"""

import re

from lxml import etree
from lxml import html as lxml_html

from odoo import api, models
from odoo.tools import is_html_empty
from odoo.tools.rendering_tools import INLINE_TEMPLATE_REGEX
from odoo.tools.safe_eval import _SAFE_OPCODES, test_expr

# QWeb attributes whose value is a Python expression.
EXPRESSION_ATTRIBUTES = ("t-out", "t-esc", "t-raw", "t-if", "t-elif", "t-foreach")
EXPRESSION_PREFIXES = ("t-att", "t-value", "t-options")
# Format strings of ``t-attf-*``: ``{{ expr }}`` and ``#{expr}``.
FORMAT_EXPRESSION_RE = re.compile(r"\{\{(.+?)\}\}|#\{(.+?)\}")


class DsoHashtag(models.AbstractModel):
    _inherit = "dso.hashtag"

    @api.model
    def _find_syntax_error(self, content, is_html=False):
        """The first broken piece of a collection template: ``(piece,
        reason)``, else None. HTML is read as QWeb (the expressions of its
        ``t-`` attributes; ``{{`` in its text is never evaluated), text as
        an inline template (``{{ expression }}``)."""
        if not content:
            return None
        if is_html:
            if is_html_empty(content):
                return None
            return self._qweb_syntax_error(str(content))
        return self._inline_syntax_error(str(content))

    @api.model
    def _expression_error(self, expression):
        """Why a Python expression does not compile, else None."""
        source = " ".join(expression.split())
        if not source:
            return self.env._("empty expression")
        try:
            test_expr(source, _SAFE_OPCODES, mode="eval")
        except Exception as error:  # every refusal (syntax, dunder, opcode)
            return str(error.args[0] if error.args else error).splitlines()[0]
        return None

    @api.model
    def _inline_syntax_error(self, content):
        start = 0
        for match in INLINE_TEMPLATE_REGEX.finditer(content):
            literal = content[start : match.start()]
            if "{{" in literal or "}}" in literal:
                return literal.strip(), self.env._("a {{ without its }}")
            error = self._expression_error(match.group(1))
            if error:
                return match.group(0), error
            start = match.end()
        literal = content[start:]
        if "{{" in literal or "}}" in literal:
            return literal.strip(), self.env._("a {{ without its }}")
        return None

    @api.model
    def _qweb_syntax_error(self, content):
        try:
            root = lxml_html.fragment_fromstring(content, create_parent="div")
        except (etree.ParserError, ValueError) as error:
            return content[:80], str(error)
        for node in root.iter():
            if not isinstance(node.tag, str):
                continue
            for name, value in node.attrib.items():
                if name.startswith("t-attf-"):
                    found = self._format_syntax_error(value)
                elif name in EXPRESSION_ATTRIBUTES or name.startswith(
                    EXPRESSION_PREFIXES
                ):
                    error = self._expression_error(value)
                    found = (f'{name}="{value}"', error) if error else None
                else:
                    found = None
                if found:
                    return found
        for _node, text in self._text_nodes_with_text(root):
            if "{{" in text or "}}" in text:
                return text.strip(), self.env._(
                    "{{ }} is not read in the body of an email: write the hashtag #name"
                )
        return None

    @api.model
    def _format_syntax_error(self, value):
        """Errors of a ``t-attf-*`` format string."""
        for match in FORMAT_EXPRESSION_RE.finditer(value):
            expression = match.group(1) or match.group(2)
            error = self._expression_error(expression)
            if error:
                return match.group(0), error
        rest = FORMAT_EXPRESSION_RE.sub("", value)
        if "{{" in rest or "}}" in rest or "#{" in rest:
            return value, self.env._("a {{ without its }}")
        return None

    @api.model
    def _text_nodes_with_text(self, root):
        for node, slot in self._text_nodes(root):
            yield node, getattr(node, slot)

    @api.model
    def _syntax_message(self, template_name, piece, reason):
        return self.env._(
            "Template %(template)s cannot be read at “%(piece)s” (%(reason)s). "
            "Correct the expression, or write the hashtag (#customer_name, "
            "#amount_due ...) instead.",
            template=template_name,
            piece=piece[:120],
            reason=reason,
        )
