"""The holds on the customer's word: automatic sending never emails a
customer while what it said waits (a pending answer, a reply not handled,
an open promise, a running payment plan on the action's items). And the
thank-you to the customer who paid everything after a broken word.

The reasons are read again at every run of the sending (and for every day
of a simulation): a hold lifts by itself once its reason is gone."""

from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL, format_date
from odoo.tools.misc import formatLang

# A done collection action this recent makes a late customer worth a
# thank-you once it has paid everything.
THANK_LOOKBACK_DAYS = 90

REPLY_ACTIVITY_TYPE = "dso_collection.mail_activity_type_dso_customer_reply"


class DsoCollectionSend(models.AbstractModel):
    _inherit = "dso.collection.send"

    # ------------------------------------------------------------------
    # Holds on the customer's word
    # ------------------------------------------------------------------

    @api.model
    def _dso_word_hold_reasons(self, company, partner_ids, today):
        """Customers of ``company`` whose word holds their automatic emails
        on ``today``: {commercial partner id: translated reason}, one line
        per answer, reply or promise. Set-based: one query per kind of word
        for all the customers."""
        partner_ids = list(partner_ids)
        if not partner_ids:
            return {}
        lines = {}
        for partner_id, text in (
            *self._dso_feedback_hold_lines(company, partner_ids),
            *self._dso_reply_hold_lines(partner_ids),
            *self._dso_promise_hold_lines(company, partner_ids, today),
        ):
            lines.setdefault(partner_id, []).append(text)
        return {partner_id: "\n".join(texts) for partner_id, texts in lines.items()}

    @api.model
    def _dso_feedback_hold_lines(self, company, partner_ids):
        """(customer id, reason) of each answer of the answer page still
        waiting for the collector."""
        # sudo: the sending runs as the cron's user or a collector; answers
        # are read only to say why an email waits.
        answers = (
            self.env["dso.item.feedback"]
            .sudo()
            .search(
                [
                    ("state", "=", "pending"),
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partner_ids),
                ],
                order="create_date, id",
            )
        )
        result = []
        for answer in answers:
            invoice = answer.line_id.move_name or answer.line_id.name
            date = format_date(self.env, answer.date) if answer.date else False
            if answer.kind == "paid":
                if date and answer.reference:
                    text = self.env._(
                        "Said paid on %(date)s, ref %(reference)s: to validate.",
                        date=date,
                        reference=answer.reference,
                    )
                elif date:
                    text = self.env._(
                        "Said paid on %(date)s: to validate.",
                        date=date,
                    )
                else:
                    text = self.env._(
                        "Said invoice %(invoice)s paid: to validate.",
                        invoice=invoice,
                    )
            elif answer.kind == "promise":
                text = self.env._(
                    "Promised to pay on %(date)s: to validate.",
                    date=date or "-",
                )
            elif answer.kind == "dispute":
                text = self.env._(
                    "Disputes invoice %(invoice)s: to validate.",
                    invoice=invoice,
                )
            else:
                text = self.env._(
                    "Commented on invoice %(invoice)s: to validate.",
                    invoice=invoice,
                )
            result.append((answer.partner_id.id, text))
        return result

    @api.model
    def _dso_reply_hold_lines(self, partner_ids):
        """(customer id, reason) of each customer with a reply not handled
        yet: an open "Customer reply" activity on it or one of its
        contacts."""
        activity_type = self.env.ref(REPLY_ACTIVITY_TYPE, raise_if_not_found=False)
        if not activity_type:
            return []
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "activity_type_id", "active", "create_date"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id, MIN(a.create_date)
                  FROM mail_activity a
                  JOIN res_partner p ON p.id = a.res_id
                 WHERE a.res_model = 'res.partner'
                   AND a.activity_type_id = %(type)s
                   AND a.active
                   AND p.commercial_partner_id IN %(partners)s
                 GROUP BY p.commercial_partner_id
                """,
                type=activity_type.id,
                partners=tuple(partner_ids),
            )
        )
        return [
            (
                partner_id,
                self.env._(
                    "Replied on %(date)s: read and handle the reply.",
                    date=format_date(self.env, created.date()),
                ),
            )
            for partner_id, created in self.env.cr.fetchall()
        ]

    @api.model
    def _dso_promise_hold_lines(self, company, partner_ids, today):
        """(customer id, reason) of each open promise whose date plus the
        company's grace days has not passed on ``today``."""
        grace = company.dso_promise_grace_days or 0
        # sudo: promises are read only to say why an email waits.
        promises = (
            self.env["dso.payment.promise"]
            .sudo()
            .search(
                [
                    ("state", "=", "open"),
                    ("company_id", "=", company.id),
                    ("partner_id", "child_of", partner_ids),
                    ("date", ">=", today - timedelta(days=grace)),
                ],
                order="date, id",
            )
        )
        result = []
        for promise in promises:
            date = format_date(self.env, promise.date)
            if promise.amount:
                text = self.env._(
                    "Promised %(amount)s for %(date)s.",
                    amount=formatLang(
                        self.env, promise.amount, currency_obj=company.currency_id
                    ),
                    date=date,
                )
            else:
                text = self.env._("Promised to pay for %(date)s.", date=date)
            result.append((promise.partner_id.commercial_partner_id.id, text))
        return result

    @api.model
    def _dso_action_hold_reasons(self, actions, today):
        """Actions held for their own items: those listing items of a
        running payment plan, except the plan's own reminders (an action of
        an instalment). {action id: translated reason}."""
        actions = actions.filtered(lambda action: not action.installment_id)
        if not actions:
            return {}
        self.env["dso.collection.action"].flush_model(["line_ids"])
        self.env["dso.payment.plan"].flush_model(["state", "line_ids", "name"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (al.action_id) al.action_id, pl.id
                  FROM dso_collection_action_line_rel al
                  JOIN dso_payment_plan_line_rel pr ON pr.line_id = al.line_id
                  JOIN dso_payment_plan pl ON pl.id = pr.plan_id
                 WHERE al.action_id = ANY(%(actions)s)
                   AND pl.state = 'running'
                 ORDER BY al.action_id, pl.id
                """,
                actions=actions.ids,
            )
        )
        rows = self.env.cr.fetchall()
        # sudo: the plans are read only to name them in the reason.
        plans = self.env["dso.payment.plan"].sudo().browse({row[1] for row in rows})
        names = {plan.id: plan.display_name for plan in plans}
        return {
            action_id: self.env._(
                "Payment plan %(plan)s running on these items: its own reminders "
                "go instead.",
                plan=names[plan_id],
            )
            for action_id, plan_id in rows
        }

    # ------------------------------------------------------------------
    # Thank-you
    # ------------------------------------------------------------------

    @api.model
    def _dso_thank_customers(self, company, today):
        """Thank the customers who paid everything after a broken promise
        or plan, or after a collection action done in the last 90 days
        (when the company's option is on): customers with no open overdue
        receivable left, not thanked since that event. Set-based: one query
        per kind of event, one for what is still overdue."""
        if not company.dso_thank_you:
            return self.env["res.partner"]
        events = self._dso_thank_events(company, today)
        if not events:
            return self.env["res.partner"]
        Line = self.env["account.move.line"]
        Line.flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT p.commercial_partner_id
                  FROM account_move_line aml
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.company_id = %(company)s
                   AND %(overdue)s
                   AND p.commercial_partner_id IN %(partners)s
                """,
                company=company.id,
                overdue=Line._dso_overdue_sql(SQL("aml"), today),
                partners=tuple(events),
            )
        )
        still_late = {row[0] for row in self.env.cr.fetchall()}
        partners = (
            self.env["res.partner"]
            .with_company(company)
            .browse([pid for pid in events if pid not in still_late])
        )
        template = self.env.ref(
            "dso_collection.mail_template_dso_thank_you", raise_if_not_found=False
        )
        thanked = self.env["res.partner"]
        for partner in partners:
            last = partner.dso_thanked_date
            if last and last >= events[partner.id]:
                continue
            if not partner.email or not template:
                continue
            # sudo: the cron's thank-you email to the customer, from the
            # company's template.
            template.sudo().with_context(
                dso_company_name=company.name,
                dso_company_email=company.email_formatted,
            ).send_mail(partner.id, email_layout_xmlid="mail.mail_notification_light")
            partner.dso_thanked_date = today
            thanked |= partner
        return thanked

    @api.model
    def _dso_thank_events(self, company, today):
        """{commercial partner id: date of the latest event worth a
        thank-you}: a broken promise or plan, a collection action done in
        the last 90 days."""
        since = today - timedelta(days=THANK_LOOKBACK_DAYS)
        events = {}

        def add(partner_id, date):
            if partner_id and date and date > events.get(partner_id, date.min):
                events[partner_id] = date

        for model, date_field in (
            ("dso.payment.promise", "date_closed"),
            ("dso.payment.plan", "date_closed"),
        ):
            # sudo: the cron reads the company's broken commitments.
            groups = (
                self.env[model]
                .sudo()
                ._read_group(
                    [
                        ("company_id", "=", company.id),
                        ("state", "=", "broken"),
                        (date_field, ">=", since),
                    ],
                    ["partner_id"],
                    [f"{date_field}:max"],
                )
            )
            for partner, date in groups:
                add(partner.commercial_partner_id.id, date)
        groups = (
            self.env["dso.collection.action"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "done"),
                    ("date_done", ">=", since),
                    ("date_done", "<=", today),
                ],
                ["partner_id"],
                ["date_done:max"],
            )
        )
        for partner, date in groups:
            add(partner.commercial_partner_id.id, date)
        return events
