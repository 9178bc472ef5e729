"""Dates and amounts in one language, for thousands of values at once.

Odoo's ``format_date`` and ``format_amount`` look the language up on every
call (several cached look-ups, about a third of a millisecond). Sending a
thousand collection emails or planning a thousand calls formats tens of
thousands of item dates and amounts in a handful of languages: looked up
once per language and transaction here, with each date formatted once. The
formatting itself stays Odoo's: ``format_date`` for dates; for amounts, the
language's grouping and separators applied as ``res.lang.format`` applies
them, and the currency's symbol and position, as ``format_amount`` writes
them (tests/test_lang_formats.py compares both with Odoo's).

The formats are kept for the transaction (``cr.cache``): a language whose
formats an administrator changes applies from the next request on.
"""

import ast
import re

from odoo.tools import float_round, format_date, get_lang

from odoo.addons.base.models.res_lang import intersperse

NBSP = "\N{NO-BREAK SPACE}"
NUMERIC_DATE_FORMAT = re.compile(r"(?:%[dmY]|[^%A-Za-z])+")


class LangFormats:
    def __init__(self, env, lang_code):
        self.env = env
        data = get_lang(env, lang_code)
        self.code = data.code
        self.lang = env["res.lang"].browse(data.id)
        # What ``res.lang.format`` reads on every call, read once.
        self._grouping = ast.literal_eval(data.grouping)
        # Groups of three digits all along (most languages): Python's own
        # grouping writes them, several times faster than ``intersperse``.
        self._by_thousands = self._grouping == [3, 0]
        self._thousands_sep = data.thousands_sep or ""
        self._decimal_point = data.decimal_point
        self._dates = {}
        self._currencies = {}
        # Day, month and year in digits (most languages): strftime writes
        # them as babel does, fifty times faster; other formats (month
        # names) go through ``format_date``.
        self._strftime = (
            data.date_format
            if NUMERIC_DATE_FORMAT.fullmatch(data.date_format or "")
            else None
        )

    @classmethod
    def get(cls, env, lang_code=None):
        """The formats of ``lang_code`` (else the environment's language),
        shared by the transaction."""
        cache = env.cr.cache.setdefault("dso_lang_formats", {})
        key = lang_code or env.lang or ""
        if key not in cache:
            cache[key] = cls(env, lang_code or env.lang)
        return cache[key]

    def date(self, value):
        """``value`` (a date) in the language's date format."""
        if not value:
            return ""
        if value not in self._dates:
            self._dates[value] = (
                value.strftime(self._strftime)
                if self._strftime
                else format_date(self.env, value, lang_code=self.code)
            )
        return self._dates[value]

    def amount(self, amount, currency):
        """``amount`` in ``currency``, with its symbol, as ``format_amount``
        writes it (``res.lang.format`` with grouping, its separators read
        once)."""
        if currency.id not in self._currencies:
            self._currencies[currency.id] = (
                currency.decimal_places,
                currency.rounding,
                currency.symbol or "",
                currency.position,
            )
        digits, rounding, symbol, position = self._currencies[currency.id]
        integer, *decimals = (
            f"%.{digits}f" % float_round(amount, precision_rounding=rounding)
        ).split(".")
        if self._by_thousands:
            sign, digits_only = (
                ("-", integer[1:]) if integer[0] == "-" else ("", integer)
            )
            integer = sign + f"{int(digits_only):,}".replace(",", self._thousands_sep)
        else:
            integer = intersperse(integer, self._grouping, self._thousands_sep)[0]
        number = (
            self._decimal_point.join([integer, *decimals])
            .replace(" ", NBSP)
            .replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
        )
        if position == "before":
            return f"{symbol}{NBSP}{number}"
        return f"{number}{NBSP}{symbol}"
