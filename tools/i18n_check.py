"""Check the translation files of dso_collection without Odoo.

    python tools/i18n_check.py [LANG ...]

For each language (all 14 by default): the terms of dso_collection.pot that
are missing, untranslated, fuzzy or whose placeholders, tags or hashtags
differ from the English text, and the share of terms left identical to the
English. Exits 1 when a problem is found.
"""

import sys

import po_checks as checks


def main(langs):
    pot = checks.load(checks.I18N_DIR / "dso_collection.pot")
    failed = False
    for lang in langs or checks.LANGUAGES:
        problems = checks.check_language(lang, pot)
        for problem in problems[:50]:
            print(problem)
        if len(problems) > 50:
            print(f"... and {len(problems) - 50} more")
        share = 0.0 if problems and "missing" in problems[0] else None
        if share is None:
            share = checks.untranslated_share(lang, pot)
        print(
            f"{lang}: {len(pot)} terms, {len(problems)} problems, "
            f"{share:.0%} identical to English"
        )
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
