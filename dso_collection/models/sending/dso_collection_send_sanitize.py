"""Message bodies sanitized once per shape, not once per email.

Each email of a batch is stored as a message whose ``body`` Odoo sanitizes
(``fields.Html``): a thousand emails made a thousand sanitizations, a third
of the batch, of bodies that differ only by their text (a name, an amount, a
row more in the table of items). Here a body is cut in two: its *shape*, the
tags with a marker in place of each text, and its texts. The shape is
sanitized once by Odoo's own sanitizer (``odoo.tools.html_sanitize``, with
the options of the field), and each text put back at its marker written as
the sanitizer writes text (``&``, ``<``, ``>`` escaped, non-breaking spaces
as ``&nbsp;``). The tags, attributes, styles and the quote detection are
therefore all Odoo's: a customer's name or an invoice reference is text,
escaped.

A text the sanitizer could read as more than text (what its quote and
signature detection looks for: ``--``, a line starting with ``>``, control
characters, an entity it may not know) makes its body go through Odoo's
sanitizer as before; so does any body of a shape whose first body did not
come out of this exactly as Odoo's sanitizer gives it (checked once per
shape, from its second body on: a shape met once, such as a body with a
link of its own, costs what it cost before).
"""

import html
import re

from odoo import api, models
from odoo.tools import html_sanitize

# Tags and comments (a ``>`` inside a quoted attribute value stays in its tag).
TAG_RE = re.compile(r"""<!--.*?-->|<(?:[^>"']|"[^"]*"|'[^']*')*>""", re.DOTALL)
SPLIT_RE = re.compile(f"({TAG_RE.pattern})", re.DOTALL)
# Entities the sanitizer's parser (libxml2, HTML 4) and Python read alike.
ENTITY_RE = re.compile(
    r"&(?:amp|lt|gt|quot|nbsp|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));"
)
# What the quote and signature detection of ``html_normalize`` reads in a
# text (``--``, also across two texts, a line starting with ``>``), and
# characters the parser may drop or replace (controls, a byte order mark
# starting a text): such a text is not put back by hand.
UNSAFE_TEXT_RE = re.compile(
    r"--|\n>|\A[>\ufeff]|-\Z|[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]"
)
# The markers put in place of the texts in a shape (private use characters,
# which a body must not hold itself).
MARKER = "\ue000%d\ue001"
MARKER_RE = re.compile("\ue000([0-9]+)\ue001")
MARKER_CHARS_RE = re.compile("[\ue000\ue001]")
# Elements whose text the parser reads raw, and a namespace Odoo strips
# before parsing: bodies holding them are sanitized as a whole.
RAW_RE = re.compile(
    r"<\s*/?\s*(?:script|style|textarea|title|xmp|plaintext|noscript|iframe|"
    r"noembed|noframes|o:)",
    re.IGNORECASE,
)

# {(shape, sanitizer options): the sanitized shape cut at its markers, None
# when it cannot be used, or SEEN after its first body}: a pure function of
# its key, kept for the life of the process (bounded).
_SHAPES = {}
_SHAPES_MAX = 500
UNKNOWN = object()
SEEN = object()


class DsoCollectionSend(models.AbstractModel):
    _inherit = "dso.collection.send"

    @api.model
    def _dso_sanitize_html(self, records, field_name, values):
        """``records._fields[field_name].convert_to_column(value, records)``
        for each of ``values`` (what the ORM stores), a shape of body
        sanitized once. :return: [str or None], in the order of ``values``"""
        field = records._fields[field_name]
        if not field.sanitize or field.sanitize_overridable:
            return [self._dso_column(field, records, value) for value in values]
        options = {
            "silent": True,
            "sanitize_tags": field.sanitize_tags,
            "sanitize_attributes": field.sanitize_attributes,
            "sanitize_style": field.sanitize_style,
            "sanitize_form": field.sanitize_form,
            "sanitize_conditional_comments": field.sanitize_conditional_comments,
            "output_method": field.sanitize_output_method,
            "strip_style": field.strip_style,
            "strip_classes": field.strip_classes,
        }
        result = []
        for value in values:
            cut = self._dso_cut(value)
            if cut is None:
                result.append(self._dso_column(field, records, value))
                continue
            shape, texts = cut
            key = (shape, *options.values())
            parts = _SHAPES.get(key, UNKNOWN)
            if parts is UNKNOWN or parts is SEEN:
                # A shape seen once is only noted: bodies whose tags differ
                # each time (a link with a token in its address) cost one
                # sanitization, as before. Seen twice, it is sanitized too,
                # and kept only if it gives back exactly what Odoo gives.
                expected = self._dso_column(field, records, value)
                if parts is SEEN:
                    parts = self._dso_sanitize_shape(shape, len(texts), options)
                    if parts is not None and self._dso_join(parts, texts) != expected:
                        parts = None
                else:
                    parts = SEEN
                if len(_SHAPES) >= _SHAPES_MAX:
                    _SHAPES.clear()
                _SHAPES[key] = parts
                result.append(expected)
            elif parts is None:
                result.append(self._dso_column(field, records, value))
            else:
                result.append(self._dso_join(parts, texts))
        return result

    @api.model
    def _dso_column(self, field, records, value):
        value = field.convert_to_column(value, records)
        return None if value is None else str(value)

    @api.model
    def _dso_cut(self, value):
        """(shape, [texts as the sanitizer writes them]) of an HTML
        ``value``, or None when it is to be sanitized as a whole."""
        if not value or not isinstance(value, str):
            return None
        value = str(value)
        if MARKER_CHARS_RE.search(value) or RAW_RE.search(value):
            return None
        # [text, tag, text, tag, ..., text]
        pieces = SPLIT_RE.split(value)
        texts = []
        for index in range(0, len(pieces), 2):
            piece = pieces[index]
            text = piece.strip()
            if not text:
                continue
            written = self._dso_text(text)
            if written is None:
                return None
            start = piece.index(text)
            pieces[index] = (
                piece[:start] + MARKER % len(texts) + piece[start + len(text) :]
            )
            texts.append(written)
        return "".join(pieces), texts

    @api.model
    def _dso_text(self, text):
        """A text between tags as the sanitizer writes it back, or None when
        the sanitizer may read it as more than text."""
        if "<" in text:
            return None
        if "&" in text:
            for match in ENTITY_RE.finditer(text):
                number = match.group(1) or match.group(2)
                if number is None:
                    continue
                code = int(number, 10 if match.group(1) else 16)
                # Only characters both parsers read alike: not the controls,
                # surrogates, non-characters, nor beyond the first plane.
                if not (
                    0x20 <= code < 0x7F
                    or 0xA0 <= code < 0xD800
                    or 0xE000 <= code < 0xFDD0
                    or 0xFDF0 <= code < 0xFFFE
                ):
                    return None
            if "&" in ENTITY_RE.sub("", text):
                return None
            text = html.unescape(text)
        if UNSAFE_TEXT_RE.search(text):
            return None
        return (
            text.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\xa0", "&nbsp;")
        )

    @api.model
    def _dso_sanitize_shape(self, shape, count, options):
        """The shape sanitized by Odoo, cut at its markers: [fixed text,
        marker number, fixed text, ...]; None unless each marker comes out
        once, in order, as text."""
        sanitized = str(html_sanitize(shape, **options))
        parts = MARKER_RE.split(sanitized)
        if [int(number) for number in parts[1::2]] != list(range(count)):
            return None
        return [int(part) if index % 2 else part for index, part in enumerate(parts)]

    @api.model
    def _dso_join(self, parts, texts):
        return "".join(
            texts[part] if index % 2 else part for index, part in enumerate(parts)
        )
