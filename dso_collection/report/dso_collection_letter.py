"""The collection letter (letter, registered letter, formal notice before
legal action): what its QWeb template prints besides the action's message.

Letters carry the company's letterhead (logo, name, address) and footer
(contact details, bank accounts, registry and VAT numbers). Odoo prints the
``header`` and ``footer`` blocks of a report with wkhtmltopdf's
``--header-html`` / ``--footer-html``, which only the wkhtmltopdf built with
its patched Qt honours: Debian's build ignores them ("is not support using
unpatched qt"). Letters therefore print them in the page body, above and
below the letter, unless the wkhtmltopdf found is the patched build.

Text is set in a font installed on the system (the letter's own stylesheet):
Odoo's report font, Lato, is a web font, which Debian's wkhtmltopdf can only
draw as outlines (no text to select or search, heavy pages).
"""

import functools
import logging
import re
import subprocess

from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

# Top margin (mm) of letters whose letterhead is in the page body: the
# paper format's top margin keeps room for a header that is not there.
BODY_HEADER_MARGIN_TOP = 12

# Base font size of letters. Debian's wkhtmltopdf ignores --dpi and --zoom
# and prints CSS sizes at three quarters of their size: 13.5pt prints as
# about 10pt there, as 10pt does with the patched build. Every other size of
# the letter's stylesheet is relative to it.
FONT_SIZE = {"patched": "10pt", "unpatched": "13.5pt"}


@functools.cache
def wkhtmltopdf_supports_header_html():
    """Whether the installed wkhtmltopdf prints ``--header-html`` and
    ``--footer-html``: only its build "with patched qt" does, and says so
    in ``wkhtmltopdf --version`` (read once, as Odoo reads the version)."""
    try:
        binary = _get_wkhtmltopdf_bin()
        if not binary:
            return False
        result = subprocess.run(
            [binary, "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        _logger.info("wkhtmltopdf --version failed: %s", error)
        return False
    return "patched qt" in (result.stdout + result.stderr).lower()


class ReportDsoCollectionLetter(models.AbstractModel):
    _name = "report.dso_collection.report_dso_collection_letter"
    _description = "Collection letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        actions = self.env["dso.collection.action"].browse(docids)
        Statement = self.env["report.dso_collection.report_dso_statement"]
        today = Statement._dso_date(data)
        return {
            **self._dso_layout_values(),
            "doc_ids": docids,
            "doc_model": "dso.collection.action",
            "docs": actions,
            # The statement of account, second page of the letters whose
            # action asks for it.
            "statements": {
                action.id: Statement._dso_in_lang_of(action.partner_id)._dso_statement(
                    action.partner_id, action.company_id, action.print_date or today
                )
                for action in actions
                if action.attach_statement
            },
            "letterheads": {
                action.id: self._dso_in_lang(action)._dso_letterhead(action.company_id)
                for action in actions
            },
            "letters": {
                action.id: self._dso_in_lang(action)._dso_letter(action)
                for action in actions
            },
        }

    @api.model
    def _dso_layout_values(self):
        """What the layout of collection documents needs besides the
        letterhead (``dso_letter_layout``): where the letterhead and footer
        print, the base font size, the top margin."""
        patched = self._dso_wkhtmltopdf_patched()
        header_in_body = not patched
        font_size = FONT_SIZE["patched" if patched else "unpatched"]
        return {
            "header_in_body": header_in_body,
            "letter_style": f"font-size: {font_size};",
            "data_report_margin_top": BODY_HEADER_MARGIN_TOP
            if header_in_body
            else None,
        }

    @api.model
    def _dso_in_lang(self, action):
        """This model in the language the document of ``action`` is
        written in: the customer's."""
        return self.with_context(lang=action.partner_id.lang or self.env.lang)

    @api.model
    def _dso_wkhtmltopdf_patched(self):
        """Whether wkhtmltopdf is the build with patched Qt: it prints the
        letterhead and footer in the page margins, on every page, and
        honours the paper format's dpi; otherwise they are printed in the
        page body, above and below the letter."""
        return wkhtmltopdf_supports_header_html()

    # ------------------------------------------------------------------
    # Letterhead and footer
    # ------------------------------------------------------------------

    @api.model
    def _dso_address_lines(self, partner):
        """The postal address of ``partner`` without its name, as lines
        (in the format of its country), with its state or region even where
        that format leaves it out (on its own line, before the country)."""
        address = partner._display_address(without_company=True)
        lines = [line.strip() for line in address.splitlines() if line.strip()]
        state = partner.state_id
        if state and not any(
            state.name in line
            or (state.code and re.search(rf"\b{re.escape(state.code)}\b", line))
            for line in lines
        ):
            country = partner.country_id.name
            position = len(lines) - 1 if lines and lines[-1] == country else len(lines)
            lines.insert(max(position, 0), state.name)
        return lines

    @api.model
    def _dso_letterhead(self, company):
        """What the letterhead and footer of ``company`` print: its logo
        (none while it is Odoo's "Your logo" placeholder), name and
        address; its contact details, bank accounts, registry and VAT
        numbers."""
        partner = company.partner_id
        website = company.website or ""
        contact = [
            company.phone and self.env._("Phone: %(phone)s", phone=company.phone),
            company.email,
            website.removeprefix("https://").removeprefix("http://"),
        ]
        banks = []
        for bank in partner.bank_ids:
            pieces = [bank.bank_id.name or ""]
            if bank.acc_type == "iban":
                pieces.append(self.env._("IBAN %(number)s", number=bank.acc_number))
            else:
                pieces.append(self.env._("Account %(number)s", number=bank.acc_number))
            if bank.bank_id.bic:
                pieces.append(self.env._("BIC %(bic)s", bic=bank.bank_id.bic))
            banks.append(" · ".join(piece for piece in pieces if piece))
        legal = [company.name]
        if company.company_registry:
            legal.append(
                f"{partner.company_registry_label or self.env._('Company ID')} "
                f"{company.company_registry}"
            )
        if company.vat:
            legal.append(
                f"{company.country_id.vat_label or self.env._('VAT')} {company.vat}"
            )
        return {
            "logo": not company.uses_default_logo and company.logo_web,
            "name": company.name,
            "address": self._dso_address_lines(partner),
            "contact": " · ".join(piece for piece in contact if piece),
            "banks": banks,
            "legal": " · ".join(legal),
        }

    # ------------------------------------------------------------------
    # The letter's items and amounts
    # ------------------------------------------------------------------

    @api.model
    def _dso_items(self, action):
        """The items of the letter, in the order its message lists them
        (#items_list_selected): the action's items still open, else the
        customer's open items that are not excluded; due date, then
        number."""
        return self.env["dso.hashtag"]._selected_items(action, action.dso_open_item_ids)

    @api.model
    def _dso_amounts(self, action, items):
        """What the letter claims: principal, late interest, recovery costs
        and total of the ``items`` that are due (``dso.hashtag._split_due``),
        summed as the hashtags sum them (in the items' currency, else in
        the company's); the items not yet due and their total, listed
        apart and not claimed; and whether interest and recovery costs
        apply to the customer."""
        Hashtag = self.env["dso.hashtag"]
        due, not_due = Hashtag._split_due(items)
        principal, currency = Hashtag._sum(due, "amount_residual_currency")
        interest = Hashtag._sum(due, "dso_penalty_amount")[0]
        recovery = Hashtag._sum(due, "dso_recovery_cost_amount")[0]
        total = Hashtag._sum(due, "dso_amount_with_penalties")[0]
        not_due_total, not_due_currency = Hashtag._sum(
            not_due, "amount_residual_currency"
        )
        customer = action.partner_id.commercial_partner_id.with_company(
            action.company_id
        )
        return {
            "currency": currency or not_due_currency or action.company_id.currency_id,
            "due_items": due,
            "principal": principal,
            "interest": interest,
            "recovery": recovery,
            "total": total,
            "not_due_items": not_due,
            "not_due": not_due_total,
            "not_due_currency": not_due_currency or action.company_id.currency_id,
            "interest_applies": bool(customer.dso_late_penalty or interest),
            "recovery_applies": bool(customer.dso_recovery_cost or recovery),
        }

    @api.model
    def _dso_mentions(self, action, amounts):
        """The legal mentions of the late-payment interest and recovery
        costs the customer owes, when they apply, in its language."""
        return self.env["dso.legal.mentions"]._mentions(
            action.company_id,
            action.partner_id.lang or self.env.lang,
            interest=amounts["interest_applies"],
            recovery=amounts["recovery_applies"],
        )

    @api.model
    def _dso_subject(self, action):
        """The subject of the letter without the company's name in front
        (``Acme: overdue invoices``): the letterhead just above names it."""
        subject = (action.subject or "").strip()
        name = action.company_id.name or ""
        if name and subject.casefold().startswith(name.casefold()):
            rest = subject[len(name) :].lstrip(" :,-\N{EN DASH}\N{EM DASH}").strip()
            if rest:
                return rest[:1].upper() + rest[1:]
        return subject

    @api.model
    def _dso_signature(self, action):
        """Who signs the letter: the collector, with the job title of its
        employee (else of its contact) and the company's name; else the
        company's name alone."""
        collector = self.env["dso.hashtag"]._collector(action)
        company = action.company_id.name or ""
        if not collector:
            return {"name": company, "title": "", "company": ""}
        # sudo: the job title of a colleague, printed on a letter, may sit on
        # an employee the printing user cannot read.
        user = collector.sudo()
        title = (
            "job_title" in user._fields and user.job_title
        ) or user.partner_id.function
        return {"name": collector.name or "", "title": title or "", "company": company}

    @api.model
    def _dso_letter(self, action):
        """Everything the letter of ``action`` prints besides its message."""
        customer = action.partner_id
        items = self._dso_items(action)
        amounts = self._dso_amounts(action, items)
        return {
            "recipient": [customer.name or "", *self._dso_address_lines(customer)],
            "place": action.company_id.city or "",
            "subject": self._dso_subject(action),
            "signature": self._dso_signature(action),
            "items": items,
            "amounts": amounts,
            "show_amounts": bool(amounts["due_items"])
            and (
                amounts["interest_applies"]
                or amounts["recovery_applies"]
                or action.action_type == "litigation"
            ),
            "mentions": self._dso_mentions(action, amounts),
        }
