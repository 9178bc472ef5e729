"""Checks of the translation files, without Odoo (the test and
``tools/i18n_check.py`` share them).

A translation is complete when every term of ``dso_collection.pot`` has a
non-empty, non-fuzzy translation, and correct when it keeps what the
program fills in or reads: Python and brace placeholders, inline template
expressions ``{{ ... }}``, the markup tags and their attributes (QWeb's
``t-out`` included), and the #hashtags, which stay in English in every
language since collectors type them.
"""

import re
from collections import Counter
from pathlib import Path

import polib

I18N_DIR = Path(__file__).resolve().parent.parent / "dso_collection" / "i18n"

# The 14 languages shipped besides English (file name without ".po").
LANGUAGES = (
    "fr",
    "de",
    "es",
    "it",
    "nl",
    "pl",
    "pt",
    "pt_BR",
    "ro",
    "sv",
    "tr",
    "ja",
    "zh_CN",
    "hr",
)

PLACEHOLDERS = (
    ("Python placeholder", re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[sdfr]|%%")),
    # {{ object.name }}; not "a {{ without its }}", a sentence about them.
    ("inline expression", re.compile(r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}")),
    ("brace placeholder", re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})")),
    ("markup tag", re.compile(r"<[^<>]+>")),
    ("hashtag", re.compile(r"(?<![\w&])#[a-z][a-z0-9_]*")),
)
HASHTAG_TERM = re.compile(r"#[a-z][a-z0-9_]*")


def _tag_key(tag):
    """A tag as it must reappear: its whitespace normalised."""
    return " ".join(tag.split())


def hashtags(pot):
    """The hashtags of the catalogue: the labels of the hashtag fields
    (``#amount_due``); "#hashtags" in a sentence is a word, translated."""
    return {entry.msgid for entry in pot if HASHTAG_TERM.fullmatch(entry.msgid)}


def placeholder_errors(msgid, msgstr, known_hashtags=None):
    """What ``msgstr`` lost or added of ``msgid``'s placeholders (of the
    hashtags, those of ``known_hashtags`` when given)."""
    errors = []
    for label, pattern in PLACEHOLDERS:
        keep = (
            (lambda token: token in known_hashtags)
            if label == "hashtag" and known_hashtags is not None
            else (lambda token: True)
        )
        source = Counter(_tag_key(m) for m in pattern.findall(msgid) if keep(m))
        target = Counter(_tag_key(m) for m in pattern.findall(msgstr) if keep(m))
        if source != target:
            missing = sorted((source - target).elements())
            extra = sorted((target - source).elements())
            errors.append(f"{label}s differ (missing {missing}, extra {extra})")
    return errors


def load(path):
    """The po or pot file at ``path``; raises on a syntax error."""
    return polib.pofile(str(path), check_for_duplicates=True)


def check_language(lang, pot=None):
    """The problems of ``<lang>.po`` against the pot: a list of strings,
    empty when the file is complete and correct."""
    pot = pot or load(I18N_DIR / "dso_collection.pot")
    path = I18N_DIR / f"{lang}.po"
    if not path.exists():
        return [f"{path.name}: missing"]
    try:
        po = load(path)
    except (OSError, ValueError) as error:
        return [f"{path.name}: not a valid po file: {error}"]
    problems = []
    language = po.metadata.get("Language", "")
    if language != lang:
        problems.append(f"{path.name}: header Language is {language!r}, not {lang!r}")
    if "charset=UTF-8" not in po.metadata.get("Content-Type", ""):
        problems.append(f"{path.name}: Content-Type must declare charset=UTF-8")
    translations = {entry.msgid: entry for entry in po if not entry.obsolete}
    known = hashtags(pot)
    for term in pot:
        entry = translations.get(term.msgid)
        where = f"{path.name}: {term.msgid[:70]!r}"
        if entry is None:
            problems.append(f"{where}: missing")
        elif not entry.msgstr.strip():
            problems.append(f"{where}: not translated")
        elif entry.fuzzy:
            problems.append(f"{where}: fuzzy")
        else:
            problems.extend(
                f"{where}: {error}"
                for error in placeholder_errors(term.msgid, entry.msgstr, known)
            )
    return problems


def untranslated_share(lang, pot=None):
    """Share of the terms whose translation is the English text itself
    (codes, hashtags and names are; sentences should not be)."""
    pot = pot or load(I18N_DIR / "dso_collection.pot")
    po = {entry.msgid: entry.msgstr for entry in load(I18N_DIR / f"{lang}.po")}
    same = sum(1 for term in pot if po.get(term.msgid) == term.msgid)
    return same / max(len(pot), 1)
