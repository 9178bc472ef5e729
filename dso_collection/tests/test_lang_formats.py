from datetime import date

from odoo.tests import TransactionCase, tagged
from odoo.tools import format_amount, format_date

from ..lib.lang_formats import LangFormats


@tagged("post_install", "-at_install")
class TestLangFormats(TransactionCase):
    """The batch formatter of hashtags and activity notes writes dates and
    amounts exactly as Odoo's format_date and format_amount do, in each
    language, currency position and sign."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.usd = cls.env.ref("base.USD")
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True

    def test_same_as_odoo(self):
        for lang in ("en_US", "fr_FR"):
            formats = LangFormats.get(self.env, lang)
            for currency in (self.usd, self.eur):
                self.assertNotEqual(self.usd.position, self.eur.position)
                for amount in (0.0, 12.5, -1234567.891, 1000000):
                    with self.subTest(lang=lang, currency=currency.name, amount=amount):
                        self.assertEqual(
                            formats.amount(amount, currency),
                            format_amount(self.env, amount, currency, lang_code=lang),
                        )
            for day in (date(2026, 3, 1), date(2026, 12, 31)):
                self.assertEqual(
                    formats.date(day), format_date(self.env, day, lang_code=lang)
                )
        self.assertEqual(
            LangFormats.get(self.env, "fr_FR").date(date(2026, 3, 1)), "01/03/2026"
        )
        self.assertEqual(
            LangFormats.get(self.env, "en_US").date(date(2026, 3, 1)), "03/01/2026"
        )
        self.assertEqual(LangFormats.get(self.env, "en_US").date(False), "")

    def test_shared_by_the_transaction(self):
        self.assertIs(
            LangFormats.get(self.env, "fr_FR"), LangFormats.get(self.env, "fr_FR")
        )
        self.assertIsNot(
            LangFormats.get(self.env, "fr_FR"), LangFormats.get(self.env, "en_US")
        )

    def test_every_language(self):
        """Every language Odoo knows (digits-only date formats through
        strftime, the others through babel; grouping and separators) writes
        dates and amounts as Odoo does."""
        langs = self.env["res.lang"].with_context(active_test=False).search([])
        langs.active = True
        for lang in langs:
            formats = LangFormats.get(self.env, lang.code)
            for day in (date(2026, 3, 1), date(2026, 12, 31)):
                with self.subTest(lang=lang.code, day=day):
                    self.assertEqual(
                        formats.date(day),
                        format_date(self.env, day, lang_code=lang.code),
                    )
            with self.subTest(lang=lang.code, amount=-1234567.891):
                self.assertEqual(
                    formats.amount(-1234567.891, self.eur),
                    format_amount(
                        self.env, -1234567.891, self.eur, lang_code=lang.code
                    ),
                )
