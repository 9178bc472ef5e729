"""Automatic sending: the sending window, the confirmation, the hourly batch."""

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ...lib.constants import EMAIL_ACTION_TYPES


class DsoCollectionSend(models.AbstractModel):
    _inherit = "dso.collection.send"

    @api.model
    def _confirm(self, actions):
        """Approve automatic actions waiting for confirmation. Those due go
        at once when the company's sending window allows it now; the others
        wait for the hourly cron, which sends them at the next allowed
        moment on or after their date (an explicit Send now sends at once)."""
        waiting = actions.filtered(lambda action: action.state == "to_confirm")
        waiting.write({"state": "todo"})
        for company in waiting.company_id:
            if not company._dso_can_send_now():
                continue
            today = company._dso_local_now().date()
            due = waiting.filtered(
                lambda action, c=company, d=today: (
                    action.company_id == c and action.date <= d
                )
            )
            sender = self._in_company_day(company)
            sender._send_automatic(due.with_env(sender.env))

    @api.model
    def _in_company_day(self, company):
        """This model in ``company`` and its timezone: the actions are done,
        and the next steps planned, on the company's day."""
        return self.with_company(company).with_context(tz=company._dso_timezone().zone)

    @api.model
    def _automatic_domain(self, company, today):
        """Due automatic actions of ``company`` that were never sent (the
        rows ``_lock_automatic_batch`` takes, but the one-email-a-day rule
        and the actions the reconciliation guard holds)."""
        return [
            ("company_id", "=", company.id),
            ("automatic", "=", True),
            ("state", "=", "todo"),
            ("date", "<=", today),
            ("action_type", "in", EMAIL_ACTION_TYPES),
            ("mail_id", "=", False),
            ("message_id", "=", False),
            ("send_error", "=", False),
        ]

    @api.model
    def _lock_automatic_batch(self, company, today, limit):
        """Due automatic actions of ``company``, locked for this transaction;
        rows another worker holds are skipped, so no email goes twice. A
        customer gets at most one automatic email a day: when the next step
        is already due too (a late customer catching up), it waits for the
        next day."""
        Action = self.env["dso.collection.action"]
        Action.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id
                  FROM dso_collection_action a
                 WHERE a.company_id = %(company)s
                   AND a.automatic
                   AND a.state = 'todo'
                   AND a.date <= %(today)s
                   AND a.action_type IN %(types)s
                   AND a.mail_id IS NULL
                   AND a.message_id IS NULL
                   AND a.send_error IS NULL
                   AND a.dso_hold_reason IS NULL
                   AND NOT EXISTS (
                        SELECT 1
                          FROM dso_collection_action sent
                         WHERE sent.partner_id = a.partner_id
                           AND sent.company_id = a.company_id
                           AND sent.automatic
                           AND sent.mail_id IS NOT NULL
                           AND sent.date_done = %(today)s)
                 ORDER BY a.date, a.id
                 LIMIT %(limit)s
                   FOR UPDATE OF a SKIP LOCKED
                """,
                company=company.id,
                today=today,
                types=EMAIL_ACTION_TYPES,
                limit=limit,
            )
        )
        return Action.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _send_automatic(self, actions):
        """Send these automatic actions in one batch. A customer without email
        gets an activity for its collector; an action whose message cannot
        be prepared records why and goes to its collector too."""
        # Replan first: an action the daily planning has not caught up with
        # yet (a reminder before the due date once past it) is not sent.
        actions._plan_customers()
        # The reconciliation guard: held customers' actions wait, with why.
        actions = self._dso_skip_held(actions.exists())
        ready = actions.browse()
        for action in actions.exists().filtered(lambda a: a.state == "todo"):
            if not self._email_recipients(action):
                self._fall_back_to_collector(action, self._no_recipient_message(action))
                continue
            try:
                self._check_content(action)
            except UserError as error:
                self._fall_back_to_collector(action, str(error))
                continue
            ready |= action
        if ready:
            # No "To do -> Done" tracking message on each automatic action:
            # the email is on the customer's chatter, a note on each invoice,
            # and the action keeps its mail, date and author of sending; a
            # thousand tracking messages a day would cost a quarter of the
            # batch and say nothing more.
            self._carry_out(ready.with_context(mail_notrack=True))
        return ready

    @api.model
    def _send_automatic_batch(self, company, today, done, total):
        """Lock and send the next batch of due automatic emails of
        ``company``; ``done`` of ``total`` were sent before. Return how many
        actions it took (0: none left)."""
        batch = self._lock_automatic_batch(company, today, limit=100)
        if batch:
            sender = self._in_company_day(company)
            sender._send_automatic(batch.with_env(sender.env))
            self.env["ir.cron"]._notify_progress(
                done=done + len(batch), remaining=max(total - done - len(batch), 0)
            )
        return len(batch)

    @api.model
    def _fall_back_to_collector(self, action, reason):
        """The cron could not send: the collector gets the action by hand."""
        action.ensure_one()
        action.write({"automatic": False, "send_error": reason})
        action.message_post(body=reason)
        action._dso_schedule_activities(force=True)

    @api.model
    def _cron_send_automatic(self, now=None):
        """Hourly: send the due automatic emails of every company whose
        allowed days and hours include now, batch by batch, reporting its
        progress to the scheduler."""
        Action = self.env["dso.collection.action"]
        Cron = self.env["ir.cron"]
        todo = {}
        # The active companies: a handful of rows.
        for company in self.env["res.company"].search([("active", "=", True)]):
            if company._dso_can_send_now(now):
                today = company._dso_local_now(now).date()
                todo[company] = today
                # Held actions get their reason and stay out of the batches.
                self._dso_run_batch(
                    lambda company=company, today=today: self._dso_refresh_holds(
                        company, today
                    )
                )
        total = sum(
            Action.search_count(
                [
                    *self._automatic_domain(company, today),
                    ("dso_hold_reason", "=", False),
                ]
            )
            for company, today in todo.items()
        )
        done = 0
        for company, today in todo.items():
            while True:
                # Each batch commits with its emails and their actions' done
                # state (the row locks released), and runs again if another
                # worker's commit got in its way (_dso_run_batch).
                sent = self._dso_run_batch(
                    lambda company=company, today=today, done=done: (
                        self._send_automatic_batch(company, today, done, total)
                    )
                )
                if not sent:
                    break
                done += sent
        # Whatever is left waits for tomorrow (one email a day) or for its
        # collector: nothing remains for this run.
        Cron._notify_progress(done=done, remaining=0)
        return True
