"""The legal mentions of late-payment interest and recovery costs, in the
customer's language and under the statute that language's country applies.

A collection letter or email that claims interest and recovery costs states
on what ground and at what rate. The ground depends on the law of the
customer's country, read from its language (``fr_FR`` is France, ``de_DE``
Germany, ``pt_BR`` Brazil):

- France (``fr_FR``): its own mentions, Articles L441-10 and D441-5 of the
  Commercial Code (penalties due as of right, a fixed compensation of
  EUR 40 per invoice, more on proof);
- another member state of the European Union: Directive 2011/7/EU on
  combating late payment (interest due without a reminder, at the reference
  rate plus at least 8 points, and a fixed compensation of at least EUR 40
  per invoice), which every member state has transposed;
- elsewhere (``en_US``, ``pt_BR``, ``tr_TR``, ``ja_JP``, ``zh_CN``...): no
  statute is quoted, the mentions state the rate and the cost the company
  applies.

The rate and the amount quoted are always the company's settings, so that
the mentions say what the penalties really are.
"""

from odoo import api, models
from odoo.tools import formatLang

# Member states of the European Union, by the country part of a language
# code (France has its own mentions).
EU_COUNTRIES = frozenset(
    (
        "AT BE BG CY CZ DE DK EE ES FI GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
    ).split()
)


def legal_regime(lang):
    """The statute the mentions quote for language ``lang``: "fr" (French
    Commercial Code), "eu" (the European directive) or "" (none)."""
    country = (lang or "").partition("_")[2].partition("@")[0].upper()
    if country == "FR":
        return "fr"
    return "eu" if country in EU_COUNTRIES else ""


class DsoLegalMentions(models.AbstractModel):
    _name = "dso.legal.mentions"
    _description = "Legal mentions of late-payment penalties"

    @api.model
    def _rate(self, company):
        """The late-payment interest rate of ``company``, in words."""
        if company.dso_penalty_rate_type == "fixed":
            return self.env._(
                "at the annual rate of %(rate)s%%",
                rate=formatLang(self.env, company.dso_penalty_fixed_rate),
            )
        return self.env._(
            "at the reference rate of each half-year plus %(margin)s points",
            margin=formatLang(self.env, company.dso_penalty_margin),
        )

    @api.model
    def _mentions(self, company, lang, interest=True, recovery=True):
        """The sentences stating the late-payment interest (``interest``)
        and the recovery cost (``recovery``) of ``company``, in ``lang``."""
        return self.with_context(lang=lang)._mentions_in_lang(
            company, legal_regime(lang), interest, recovery
        )

    @api.model
    def _mentions_in_lang(self, company, regime, interest, recovery):
        mentions = []
        if interest:
            rate = self._rate(company)
            if regime == "fr":
                mentions.append(
                    self.env._(
                        "Under Article L441-10 of the French Commercial Code, "
                        "late-payment penalties are due as of right, without a "
                        "reminder being necessary, from the day after the due "
                        "date until payment, %(rate)s (simple interest: amount "
                        "unpaid x rate x days late / 365).",
                        rate=rate,
                    )
                )
            elif regime == "eu":
                mentions.append(
                    self.env._(
                        "Under Directive 2011/7/EU on combating late payment in "
                        "commercial transactions, late-payment interest is due "
                        "without a reminder from the day after the due date "
                        "until payment, %(rate)s (simple interest: amount unpaid "
                        "x rate x days late / 365).",
                        rate=rate,
                    )
                )
            else:
                mentions.append(
                    self.env._(
                        "Late-payment interest runs on each amount unpaid from "
                        "the day after its due date until its payment, %(rate)s "
                        "(simple interest: amount unpaid x rate x days late / 365).",
                        rate=rate,
                    )
                )
        if recovery:
            amount = formatLang(
                self.env,
                company.dso_recovery_cost_amount,
                currency_obj=company.currency_id,
            )
            if regime == "fr":
                mentions.append(
                    self.env._(
                        "Any professional customer who pays late also owes, as of "
                        "right, a fixed compensation for recovery costs of "
                        "%(amount)s per invoice (Articles L441-10 and D441-5 of "
                        "the French Commercial Code); further compensation may be "
                        "claimed, on proof, when the recovery costs incurred "
                        "exceed this amount.",
                        amount=amount,
                    )
                )
            elif regime == "eu":
                mentions.append(
                    self.env._(
                        "Under the same directive, a fixed compensation for "
                        "recovery costs of %(amount)s is due for each invoice "
                        "paid late, in addition to the late-payment interest; "
                        "further reasonable recovery costs may be claimed.",
                        amount=amount,
                    )
                )
            else:
                mentions.append(
                    self.env._(
                        "A fixed recovery cost of %(amount)s is due for each "
                        "invoice paid late, in addition to the late-payment "
                        "interest.",
                        amount=amount,
                    )
                )
        return mentions
