import html
import importlib.util
import io
import json
from datetime import date
from pathlib import Path

import polib
from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import TransactionCase, tagged
from odoo.tools import format_amount, format_date, formatLang
from odoo.tools.translate import PoFileReader, trans_export

from ..models.dso_legal_mentions import legal_regime
from .common import DsoCollectionHttpCommon
from .test_hashtags import HashtagCommon


def _load_po_checks():
    """The translation checks of ``tools/po_checks.py`` (beside
    ``tools/i18n_check.py``, which runs them without Odoo)."""
    path = Path(__file__).resolve().parents[2] / "tools" / "po_checks.py"
    spec = importlib.util.spec_from_file_location("dso_po_checks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


po_checks = _load_po_checks()

# The language of each translation file, as Odoo names it.
LANG_CODES = {
    "fr": "fr_FR",
    "de": "de_DE",
    "es": "es_ES",
    "it": "it_IT",
    "nl": "nl_NL",
    "pl": "pl_PL",
    "pt": "pt_PT",
    "pt_BR": "pt_BR",
    "ro": "ro_RO",
    "sv": "sv_SE",
    "tr": "tr_TR",
    "ja": "ja_JP",
    "zh_CN": "zh_CN",
    "hr": "hr_HR",
}
EU_LANGS = {"de_DE", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_PT", "ro_RO", "sv_SE"}
EU_LANGS |= {"hr_HR"}

MAIL_TEMPLATES = (
    "mail_template_dso_friendly_reminder",
    "mail_template_dso_first_reminder",
    "mail_template_dso_second_reminder",
    "mail_template_dso_internal",
    "mail_template_dso_interactive_reminder",
    "mail_template_dso_formal_notice",
    "mail_template_dso_litigation",
)
LETTER_REPORT = "dso_collection.action_report_dso_collection_letter"


def _sentences(html):
    """The English sentences of a template's source: its text pieces of
    three words or more (shorter ones, "Total:", may be the same word in
    another language)."""
    root = lxml_html.fromstring(f"<div>{html}</div>")
    pieces = (piece.strip() for piece in root.itertext())
    return [piece for piece in pieces if len(piece.split()) >= 3]


@tagged("post_install", "-at_install")
class TestTranslationFiles(TransactionCase):
    """The catalogue lists every term, and each of the 14 languages
    translates all of them, keeping their placeholders."""

    def test_pot_lists_every_term(self):
        buffer = io.BytesIO()
        trans_export(False, ["dso_collection"], buffer, "po", self.env.cr)
        exported = polib.pofile(buffer.getvalue().decode())
        shipped = po_checks.load(po_checks.I18N_DIR / "dso_collection.pot")
        missing = {e.msgid for e in exported} - {e.msgid for e in shipped}
        obsolete = {e.msgid for e in shipped} - {e.msgid for e in exported}
        self.assertFalse(
            missing, "terms missing from dso_collection.pot: export it again"
        )
        self.assertFalse(obsolete, "terms of dso_collection.pot no longer used")

    def test_every_language_is_complete_and_valid(self):
        pot = po_checks.load(po_checks.I18N_DIR / "dso_collection.pot")
        self.assertGreater(len(pot), 1000)
        self.assertEqual(set(po_checks.LANGUAGES), set(LANG_CODES))
        for lang in po_checks.LANGUAGES:
            with self.subTest(lang=lang):
                problems = po_checks.check_language(lang, pot)
                self.assertEqual(problems[:10], [], f"{len(problems)} problems")
                # Odoo reads it: every entry, as it loads them.
                path = po_checks.I18N_DIR / f"{lang}.po"
                with open(path, "rb") as po_file:
                    entries = list(PoFileReader(po_file))
                self.assertGreaterEqual(len(entries), len(pot))
                # Translated, not copied: only codes, hashtags and names
                # stay as in English.
                self.assertLess(po_checks.untranslated_share(lang, pot), 0.08)

    def test_the_checks_catch_broken_translations(self):
        errors = po_checks.placeholder_errors
        self.assertEqual(errors("Due %(date)s", "Échéance %(date)s"), [])
        self.assertTrue(errors("Due %(date)s", "Échéance %(datum)s"))
        self.assertTrue(errors("50%% of %s", "50 % de %s"))
        self.assertTrue(errors("{{ object.name }}: late", "{{ object.nom }} : retard"))
        self.assertTrue(errors('<t t-out="object.a"/> due', "dû"))
        self.assertTrue(errors("Type #amount_due", "Tapez #montant_du"))
        self.assertEqual(errors("<p>Dear</p>", "<p>Cher</p>"), [])
        known = {"#amount_due"}
        self.assertEqual(
            errors("#hashtags: #amount_due", "#mots: #amount_due", known), []
        )
        self.assertTrue(errors("#hashtags: #amount_due", "#mots: #montant", known))


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestEveryLanguage(HashtagCommon):
    """Switching the customer, or the user, to any of the 15 languages
    shows the emails, SMS, letters and screens in it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANG_CODES.values():
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["dso_collection"], list(LANG_CODES.values()), overwrite=True
        )
        cls.customer.write({"phone": "+1 312-555-0100", "mobile": "+1 312-555-0101"})
        cls.action.line_ids = cls.line_a

    def _render(self, template, field, action):
        return template._render_field(field, action.ids, compute_lang=True)[action.id]

    def test_templates_render_in_every_language(self):
        templates = [
            self.env.ref(f"dso_collection.{xmlid}") for xmlid in MAIL_TEMPLATES
        ]
        sms = self.env.ref("dso_collection.sms_template_dso_reminder")
        english = {}
        for template in templates:
            english[template] = (
                _sentences(template.with_context(lang="en_US").body_html),
                self._render(template, "subject", self.action),
            )
        english_sms = self._render(sms, "body", self.action)
        hashtags = self.env["dso.hashtag"]._get_hashtags()
        currency = self.company.currency_id
        for code in LANG_CODES.values():
            self.customer.lang = code
            self.action.invalidate_recordset()
            env = self.env(context=dict(self.env.context, lang=code))
            amount = format_amount(env, 1000.0, currency, lang_code=code)
            due = format_date(env, date(2026, 1, 10), lang_code=code)
            for template in templates:
                with self.subTest(lang=code, template=template.name):
                    sentences, subject = english[template]
                    body = self._render(template, "body_html", self.action)
                    text = " ".join(lxml_html.fromstring(body).text_content().split())
                    left = [s for s in sentences if s in text]
                    self.assertFalse(left, "English left in the email")
                    self.assertNotEqual(
                        self._render(template, "subject", self.action), subject
                    )
                    for name in hashtags:
                        self.assertNotIn(f"#{name}", body)
                    self.assertNotIn("t-out", body)
                    self.assertNotIn("{{", body)
            with self.subTest(lang=code, template="amounts and dates"):
                first = self.env.ref("dso_collection.mail_template_dso_first_reminder")
                body = self._render(first, "body_html", self.action)
                self.assertIn(amount, body)
                self.assertIn(due, body)
            with self.subTest(lang=code, template=sms.name):
                text = self._render(sms, "body", self.action)
                self.assertNotEqual(text, english_sms)
                self.assertIn(due, text)
                self.assertIn(amount, text)

    def test_legal_mentions_follow_the_language(self):
        self.assertEqual(legal_regime("fr_FR"), "fr")
        self.assertEqual(legal_regime("fr_BE"), "eu")
        self.assertEqual(legal_regime("fr_CH"), "")
        self.assertEqual(legal_regime("en_US"), "")
        for code in LANG_CODES.values():
            self.assertEqual(
                legal_regime(code),
                "fr" if code == "fr_FR" else "eu" if code in EU_LANGS else "",
            )
        second = self.env.ref("dso_collection.mail_template_dso_second_reminder")
        letter = self.action.copy(
            {
                "action_type": "registered_letter",
                "mail_template_id": self.env.ref(
                    "dso_collection.mail_template_dso_formal_notice"
                ).id,
            }
        )
        for code in ["en_US", *LANG_CODES.values()]:
            with self.subTest(lang=code):
                self.customer.lang = code
                (self.action | letter).invalidate_recordset()
                regime = legal_regime(code)
                email = self._render(second, "body_html", self.action)
                letter_html = (
                    self.env["ir.actions.report"]
                    ._render_qweb_html(LETTER_REPORT, letter.ids)[0]
                    .decode()
                )
                for document in (email, letter_html):
                    self.assertEqual("L441-10" in document, regime == "fr")
                    self.assertEqual("2011/7/" in document, regime == "eu")
                    # The company's rate and recovery cost, in the language.
                    env = self.env(context=dict(self.env.context, lang=code))
                    self.assertIn(
                        format_amount(env, 40.0, self.company.currency_id, code),
                        document,
                    )
                # Once in the letter: the message leaves them to it.
                text = " ".join(
                    lxml_html.fromstring(letter_html).text_content().split()
                )
                for mention in self.env["dso.legal.mentions"]._mentions(
                    self.company, code
                ):
                    self.assertEqual(text.count(" ".join(mention.split())), 1)

    def test_planned_actions_in_each_readers_language(self):
        """Planned by a scheduler in English, an action bears its step's
        name in each user's language; its activity is written in its
        collector's (French)."""
        po = {e.msgid: e.msgstr for e in po_checks.load(po_checks.I18N_DIR / "fr.po")}
        self.collector.lang = "fr_FR"
        self.customer.with_company(self.company).dso_scenario_id = self.env.ref(
            "dso_collection.dso_collection_scenario_standard"
        )
        self._plan("2026-03-01")
        action = self._open_action()
        english = action.step_id.with_context(lang="en_US").name
        self.assertEqual(action.with_context(lang="en_US").name, english)
        for lang, code in LANG_CODES.items():
            translations = po_checks.load(po_checks.I18N_DIR / f"{lang}.po")
            translated = next(e.msgstr for e in translations if e.msgid == english)
            self.assertEqual(action.with_context(lang=code).name, translated, code)
        action._dso_schedule_activities(force=True)
        env = self.env(context=dict(self.env.context, lang="fr_FR"))
        line = action.line_ids.sorted("date_maturity")[-1]
        item = po["%(number)s, due on %(date)s: %(amount)s"] % {
            "number": line.move_name,
            "date": format_date(env, line.date_maturity, lang_code="fr_FR"),
            "amount": format_amount(
                env, line.amount_residual, self.company.currency_id, "fr_FR"
            ),
        }
        self.assertIn(item, html.unescape(str(action.activity_ids.note)))
        self.assertEqual(action.activity_ids.summary, po[english])

    def test_open_actions_get_languages_installed_later(self):
        """A language whose translations arrive after the planning reaches
        the open planned actions at the next daily run; a name a collector
        changed stays."""
        self._plan("2026-03-01")
        action = self._open_action()
        step = action.step_id
        renamed = self._create_customer("Renamed Ltd", email="ap@renamed.example")
        self._create_invoice(renamed, amount=300, due_date="2026-01-05")
        self._plan("2026-03-01", partners=renamed)
        other = self._open_action(renamed)
        other.name = "Call the new CFO first"
        self.assertEqual(action.with_context(lang="fr_FR").name, step.name)
        step.update_field_translations("name", {"fr_FR": "Étape traduite"})
        self.env["dso.collection.planner"]._cron_plan(date(2026, 3, 1))
        self.assertEqual(action.with_context(lang="fr_FR").name, "Étape traduite")
        self.assertEqual(action.with_context(lang="en_US").name, step.name)
        self.assertEqual(
            other.with_context(lang="en_US").name, "Call the new CFO first"
        )

    def test_hold_reasons_in_each_readers_language(self):
        """Why the automatic sending holds an action back (here the open
        credit note C of 100) reads in each user's language."""
        self.company.dso_hold_unmatched = True
        send = self.env["dso.collection.send"]
        ready = send._dso_apply_holds(self.action, self.company, date(2026, 3, 1))
        self.assertFalse(ready)
        for lang, code in {"en": "en_US", **LANG_CODES}.items():
            env = self.env(context=dict(self.env.context, lang=code))
            source = "Open credit note of %(amount)s to reconcile first."
            if code != "en_US":
                path = po_checks.I18N_DIR / f"{lang}.po"
                source = next(
                    e.msgstr for e in po_checks.load(path) if e.msgid == source
                )
            amount = formatLang(env, 100.0, currency_obj=self.company.currency_id)
            self.assertEqual(
                self.action.with_context(lang=code).dso_hold_reason,
                source % {"amount": amount},
            )
        # The credit note reset to draft: the reason goes, in every language.
        self.refund.button_draft()
        send._dso_apply_holds(self.action, self.company, date(2026, 3, 1))
        self.assertFalse(self.action.with_context(lang="fr_FR").dso_hold_reason)

    def _term(self, pot, occurrence):
        """The first term of the catalogue used at ``occurrence``."""
        return next(
            entry.msgid
            for entry in pot
            if any(where.startswith(occurrence) for where, _line in entry.occurrences)
        )

    def test_screens_and_messages_in_every_language(self):
        """Each kind of term reaches the user in its language: field labels,
        choices, screens, menus, the program's messages and the dashboard's
        own texts."""
        pot = po_checks.load(po_checks.I18N_DIR / "dso_collection.pot")
        view_term = self._term(
            pot,
            "model_terms:ir.ui.view,arch_db:dso_collection.dso_collection_action_view_form",
        )
        web_term = self._term(pot, "code:addons/dso_collection/static/src/dashboard/")
        for lang, code in LANG_CODES.items():
            po = {
                e.msgid: e.msgstr
                for e in po_checks.load(po_checks.I18N_DIR / f"{lang}.po")
            }
            env = self.env(context=dict(self.env.context, lang=code))
            with self.subTest(lang=code):
                Action = env["dso.collection.action"]
                described = Action.fields_get(["state", "partner_id"])
                self.assertEqual(described["partner_id"]["string"], po["Customer"])
                self.assertIn(("done", po["Done"]), described["state"]["selection"])
                menu = env.ref("dso_collection.dso_collection_menu_agenda")
                self.assertEqual(menu.name, po["Agenda"])
                form = env.ref("dso_collection.dso_collection_action_view_form")
                self.assertIn(po[view_term], form.arch)
                self.assertNotIn(view_term, form.arch)
                hashtags = env["dso.hashtag"]._get_hashtags()
                self.assertEqual(hashtags["customer_name"], po["Name of the customer"])
                web = env["ir.http"].get_translations_for_webclient(
                    ["dso_collection"], code
                )[0]["dso_collection"]["messages"]
                self.assertIn({"id": web_term, "string": po[web_term]}, web)


@tagged("post_install", "-at_install")
class TestScreensInALanguage(DsoCollectionHttpCommon):
    """A credit manager whose language is Japanese sees the dashboard, a
    screen of the product's own JavaScript, in Japanese."""

    def test_dashboard_in_japanese(self):
        self.env["res.lang"]._activate_lang("ja_JP")
        self.env["ir.module.module"]._load_module_terms(["dso_collection"], ["ja_JP"])
        manager = self._create_collector(
            "dso_ja_manager", "Kana Manager", groups="dso_collection.group_dso_manager"
        )
        manager.lang = "ja_JP"
        po = {e.msgid: e.msgstr for e in po_checks.load(po_checks.I18N_DIR / "ja.po")}
        english = [
            "Collection dashboard",
            "KPI analysis",
            "Dunning simulator",
            "Collection effectiveness",
            "Overdue ratio",
            "Over 90 days",
        ]
        code = """
            (async () => {
                const expected = EXPECTED, english = ENGLISH;
                let text = "";
                for (let i = 0; i < 200; i++) {
                    text = document.querySelector(".o_dso_dashboard")?.innerText || "";
                    if (text.includes(expected[0])) { break; }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                const missing = expected.filter((label) => !text.includes(label));
                const left = english.filter((label) => text.includes(label));
                if (missing.length || left.length) {
                    console.error(`missing ${missing}, English left ${left}`);
                } else {
                    console.log("test successful");
                }
            })();
        """
        code = code.replace("EXPECTED", json.dumps([po[label] for label in english]))
        code = code.replace("ENGLISH", json.dumps(english))
        self.browser_js(
            "/odoo/action-dso_collection.dso_collection_dashboard_action",
            code,
            ready="!!document.querySelector('.o_dso_dashboard')",
            login=manager.login,
        )
