"""The reconciliation guard: automatic sending holds a customer's reminders
while the customer has an unmatched payment or an open credit note, or while
the company's bank statements are older than its setting allows; and while
the customer's word waits (``_dso_word_hold_reasons``, per customer, and
``_dso_action_hold_reasons``, per action: models/commitment/). A reminder
for an invoice the customer has already paid (or that a credit note settles)
costs more credibility than a day's delay.

Only automatic sending is held: a collector who sends an action by hand
decides for himself.
"""

import json
from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL, format_date
from odoo.tools.misc import formatLang


class DsoCollectionSend(models.AbstractModel):
    _inherit = "dso.collection.send"

    # ------------------------------------------------------------------
    # Why customers are held
    # ------------------------------------------------------------------

    @api.model
    def _dso_hold_reasons(self, company, partner_ids, today):
        """Customers of ``company`` whose automatic emails are held on
        ``today``: {commercial partner id: translated reason}. Set-based:
        one query for the customers, one for the bank statements.

        :param partner_ids: ids of commercial partners (customers)
        """
        partner_ids = list(partner_ids)
        if not partner_ids:
            return {}
        reasons = {}
        bank_reason = self._dso_bank_hold_reason(company, today)
        if bank_reason:
            reasons = dict.fromkeys(partner_ids, bank_reason)
        if company.dso_hold_unmatched:
            for partner_id, reason in self._dso_unmatched_reasons(
                company, partner_ids
            ).items():
                reasons[partner_id] = (
                    f"{reasons[partner_id]}\n{reason}"
                    if partner_id in reasons
                    else reason
                )
        for partner_id, reason in self._dso_word_hold_reasons(
            company, partner_ids, today
        ).items():
            reasons[partner_id] = (
                f"{reasons[partner_id]}\n{reason}" if partner_id in reasons else reason
            )
        return reasons

    @api.model
    def _dso_last_bank_statement_date(self, company):
        """Date of the company's latest bank statement line (posted, in a
        bank journal), or None."""
        self.env["account.bank.statement.line"].flush_model()
        self.env["account.move"].flush_model(["state", "date", "company_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT MAX(m.date)
                  FROM account_bank_statement_line st
                  JOIN account_move m ON m.id = st.move_id
                  JOIN account_journal j ON j.id = m.journal_id
                 WHERE m.company_id = %(company)s
                   AND m.state = 'posted'
                   AND j.type = 'bank'
                """,
                company=company.id,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _dso_bank_hold_reason(self, company, today):
        """The company-wide reason: its bank statements are older than
        "dso_bank_statement_max_days" days (0: never held), or none was
        imported. False when the bank is recent enough."""
        max_days = company.dso_bank_statement_max_days
        if max_days <= 0:
            return False
        last = self._dso_last_bank_statement_date(company)
        if not last:
            return self.env._(
                "No bank statement imported yet: import and reconcile the bank "
                "statements first."
            )
        if last >= today - timedelta(days=max_days):
            return False
        return self.env._(
            "Bank statements are %(days)s days old (last on %(date)s): reconcile "
            "the bank first.",
            days=(today - last).days,
            date=format_date(self.env, last),
        )

    @api.model
    def _dso_unmatched_reasons(self, company, partner_ids):
        """Customers with an open receivable item of negative residual (an
        unmatched payment, an open credit note): {partner id: reason}. Items
        below "ignore transactions below" do not hold, as they are left out
        of collection."""
        Line = self.env["account.move.line"]
        Line.flush_model(
            [
                "partner_id",
                "company_id",
                "move_id",
                "parent_state",
                "reconciled",
                "amount_residual",
                "account_id",
            ]
        )
        self.env["account.move"].flush_model(["move_type"])
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       -SUM(aml.amount_residual)
                            FILTER (WHERE m.move_type = 'out_refund'),
                       -SUM(aml.amount_residual)
                            FILTER (WHERE m.move_type != 'out_refund')
                  FROM account_move_line aml
                  JOIN res_partner p ON p.id = aml.partner_id
                  JOIN account_move m ON m.id = aml.move_id
                 WHERE aml.company_id = %(company)s
                   AND %(open)s
                   AND aml.amount_residual < 0
                   AND -aml.amount_residual >= %(ignore_below)s
                   AND p.commercial_partner_id IN %(partners)s
                 GROUP BY p.commercial_partner_id
                """,
                company=company.id,
                open=Line._dso_open_sql(SQL("aml")),
                ignore_below=company.dso_ignore_below or 0.0,
                partners=tuple(partner_ids),
            )
        )
        currency = company.currency_id
        reasons = {}
        for partner_id, credit_notes, payments in self.env.cr.fetchall():
            if credit_notes and payments:
                reasons[partner_id] = self.env._(
                    "Unmatched payments of %(payments)s and open credit notes of "
                    "%(credit_notes)s to reconcile first.",
                    payments=formatLang(self.env, payments, currency_obj=currency),
                    credit_notes=formatLang(
                        self.env, credit_notes, currency_obj=currency
                    ),
                )
            elif credit_notes:
                reasons[partner_id] = self.env._(
                    "Open credit note of %(amount)s to reconcile first.",
                    amount=formatLang(self.env, credit_notes, currency_obj=currency),
                )
            else:
                reasons[partner_id] = self.env._(
                    "Unmatched payment of %(amount)s to reconcile first.",
                    amount=formatLang(self.env, payments, currency_obj=currency),
                )
        return reasons

    # ------------------------------------------------------------------
    # Holding automatic actions
    # ------------------------------------------------------------------

    @api.model
    def _dso_refresh_holds(self, company, today):
        """Before a run of the cron: write why each due automatic action of
        ``company`` is held, and clear the reason of those no longer held,
        so that the run's batches skip the held ones and send the others.
        Due actions waiting for confirmation get their reason too: the
        collector sees, before confirming, that the email would wait."""
        domain = [
            ("state", "in", ("todo", "to_confirm")) if term[0] == "state" else term
            for term in self._automatic_domain(company, today)
        ]
        candidates = self.env["dso.collection.action"].search(domain)
        self._dso_apply_holds(candidates, company, today)

    @api.model
    def _dso_skip_held(self, actions):
        """The automatic ``actions`` that may go now; the others are held:
        they stay to do, with the reason written, for a later run."""
        actions = actions.filtered(lambda action: action.state == "todo")
        ready = actions.browse()
        for company in actions.company_id:
            today = company._dso_local_now().date()
            ready |= self._dso_apply_holds(
                actions.filtered(lambda a, c=company: a.company_id == c),
                company,
                today,
            )
        return ready

    @api.model
    def _dso_apply_holds(self, actions, company, today):
        """Write the hold reasons of these actions of ``company`` (clearing
        those that no longer apply), in every installed language so that
        each user reads them in theirs; return the actions not held."""
        reasons = self._dso_hold_reasons(company, actions.partner_id.ids, today)
        action_reasons = self._dso_action_hold_reasons(actions, today)
        ready = actions.filtered(
            lambda action: (
                action.partner_id.id not in reasons and action.id not in action_reasons
            )
        )
        langs = [lang for lang, _name in self.env["res.lang"].get_installed()]
        translated = {
            lang: self.with_context(lang=lang)._dso_hold_reasons(
                company, list(reasons), today
            )
            for lang in langs
            if reasons
        }
        held_by_items = actions.filtered(lambda action: action.id in action_reasons)
        for lang in langs if action_reasons else ():
            texts = self.with_context(lang=lang)._dso_action_hold_reasons(
                held_by_items, today
            )
            translated.setdefault(lang, {})
            for action_id, text in texts.items():
                translated[lang][("action", action_id)] = text
        actions.flush_recordset(["dso_hold_reason"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id, dso_hold_reason
                  FROM dso_collection_action
                 WHERE id = ANY(%s)
                """,
                actions.ids,
            )
        )
        current = dict(self.env.cr.fetchall())
        by_reason = {}
        for action in actions:
            partner_id = action.partner_id.id
            reason = {}
            for lang, texts in translated.items():
                lines = [
                    texts[key]
                    for key in (partner_id, ("action", action.id))
                    if key in texts
                ]
                if lines:
                    reason[lang] = "\n".join(lines)
            if (current.get(action.id) or {}) != reason:
                key = json.dumps(reason, sort_keys=True) if reason else None
                by_reason.setdefault(key, []).append(action.id)
        # One update per distinct reason (a stale bank: one for all).
        for reason, ids in by_reason.items():
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE dso_collection_action
                       SET dso_hold_reason = %(reason)s::jsonb,
                           write_uid = %(uid)s, write_date = %(now)s
                     WHERE id = ANY(%(ids)s)
                    """,
                    reason=reason,
                    uid=self.env.uid,
                    now=self.env.cr.now(),
                    ids=ids,
                )
            )
        if by_reason:
            actions.invalidate_recordset(["dso_hold_reason", "write_uid", "write_date"])
        return ready

    @api.model
    def _release_holds(self, actions):
        """An action carried out (automatically, or sent by hand while held)
        is no longer held (``_carry_out``)."""
        actions.filtered("dso_hold_reason").write({"dso_hold_reason": False})
