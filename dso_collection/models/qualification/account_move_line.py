"""Qualifying items, the qualification wing's part of ``account.move.line``.

Sections, top to bottom: the one path that sets a collection status on items
(``_dso_set_status``: validation, history, the invoice's chatter, the
resolution owner, replanning); what follows a qualification (the follow-up
specific action a status creates by itself, the internal status email to
colleagues, the "Change status…" button); the exclusion review (excluded
items come back to the scenario, or to someone's attention, on their review
date) and items ignored by hand.
"""

from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import format_date

from ...lib.constants import OPEN_STATES

# The item fields a qualification writes: a change of one of them outside
# ``_dso_set_status`` (the open items list) is recorded in the history too.
STATUS_FIELDS = (
    "dso_status_id",
    "dso_status_date",
    "dso_comment",
    "dso_resolution_user_id",
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dso_review_date = fields.Date(
        string="Review date",
        copy=False,
        index="btree_not_null",
        help="Set when the item gets a status that excludes it from the "
        "scenario: on this date it comes back to the scenario, or its owner "
        "gets a review activity, as the status says.",
    )
    dso_review_notified = fields.Boolean(
        string="Review activity scheduled",
        copy=False,
        help="The review activity of the current review date was scheduled.",
    )
    dso_status_history_ids = fields.One2many(
        "dso.item.status.history", "line_id", string="Status history"
    )
    dso_ignored = fields.Boolean(
        string="Ignored",
        copy=False,
        help="Ignored by hand in the collection: never the leader invoice, never "
        "listed by scenario actions (it stays in the customer's balance).",
    )
    dso_ignored_reason = fields.Char(string="Why ignored", copy=False)
    dso_ignored_user_id = fields.Many2one("res.users", string="Ignored by", copy=False)
    dso_ignored_date = fields.Date(string="Ignored on", copy=False)

    def write(self, vals):
        """A status set without its date is dated today, whatever sets it (a
        list edited on several items at once sends the status alone). A
        status, comment or owner edited directly (the open items list,
        several items at once) is recorded like a qualification."""
        if vals.get("dso_status_id") and "dso_status_date" not in vals:
            vals = {**vals, "dso_status_date": fields.Date.context_today(self)}
        if self.env.context.get("dso_status_api"):
            return super().write(vals)
        if "dso_review_date" in vals:
            # A review date moved by hand is reviewed again on its new date.
            vals = {**vals, "dso_review_notified": False}
        if not set(STATUS_FIELDS) & set(vals):
            return super().write(vals)
        before = {line: line._dso_status_snapshot() for line in self}
        res = super().write(vals)
        changed = self.filtered(
            lambda line: line._dso_status_snapshot() != before[line]
        )
        if changed:
            for line in changed.filtered(
                lambda line: line.dso_status_id != before[line][0]
            ):
                line.with_context(dso_status_api=True).write(
                    {
                        "dso_review_date": line._dso_new_review_date(),
                        "dso_review_notified": False,
                    }
                )
            source = self.env.context.get("dso_status_source", "collector")
            changed._dso_record_status_changes(before, source)
            # A promise status given (or re-dated) in the list: its promise.
            self.env["dso.payment.promise"]._dso_promise_edited_items(
                changed, before, source
            )
            changed._dso_replan_later()
        return res

    # ------------------------------------------------------------------
    # The API
    # ------------------------------------------------------------------

    def _dso_set_status(
        self,
        status,
        date=None,
        comment=None,
        resolution_user=None,
        source="collector",
        create_followup=True,
        promise_amount=0.0,
    ):
        """Qualify these items: the one path that sets a collection status
        (the status wizard, the portal validation, the exclusion review).

        :param status: a ``dso.item.status`` record (or id); ``False`` (or an
            empty record) clears the status; ``None`` keeps each item's
            status and changes only the other values given.
        :param date: status date, today by default.
        :param comment: new comment; ``None`` keeps each item's comment.
        :param resolution_user: ``res.users`` record (or id) owning the
            resolution, who gets an activity on the invoice when newly
            assigned; ``False`` removes the owner; ``None`` keeps it.
        :param source: ``collector``, ``customer``, ``colleague`` or
            ``system``.
        :param create_followup: create the follow-up specific action of a
            status that creates it by itself (``create_followup``, a
            dispute); ``False`` for a caller that plans the next action
            itself (the status wizard, a validated customer answer).
        :param promise_amount: the amount promised when ``status`` is a
            promise (0: the items' whole open amount).
        :return: the ``dso.item.status.history`` rows written, one per item.
        """
        History = self.env["dso.item.status.history"]
        if not self:
            return History
        if isinstance(status, int) and not isinstance(status, bool):
            status = self.env["dso.item.status"].browse(status)
        if isinstance(resolution_user, int) and not isinstance(resolution_user, bool):
            resolution_user = self.env["res.users"].browse(resolution_user)
        self._dso_check_status_change(status, resolution_user, source)

        today = fields.Date.context_today(self)
        vals = {}
        if status is not None:
            vals["dso_status_id"] = status.id if status else False
            vals["dso_status_date"] = (
                fields.Date.to_date(date) or today if status else False
            )
            vals["dso_review_date"] = self._dso_review_date_for(status or None)
            vals["dso_review_notified"] = False
        elif date:
            vals["dso_status_date"] = fields.Date.to_date(date)
        if comment is not None:
            vals["dso_comment"] = comment or False
        if resolution_user is not None:
            vals["dso_resolution_user_id"] = (
                resolution_user.id if resolution_user else False
            )

        before = {line: line._dso_status_snapshot() for line in self}
        if vals:
            self.with_context(dso_status_api=True).write(vals)
        history = self._dso_record_status_changes(before, source, every_line=True)
        if status and status.is_promise and date:
            self.env["dso.payment.promise"]._dso_promise_items(
                self, status, date, amount=promise_amount, source=source
            )
        self._dso_replan()
        if create_followup and status and status.create_followup and status.action_type:
            self._dso_create_status_followup(status, date)
        return history

    def _dso_check_status_change(self, status, resolution_user, source):
        """Validate before the first write: nothing half-qualified."""
        sources = dict(self.env["dso.item.status.history"]._fields["source"].selection)
        if source not in sources:
            raise UserError(
                self.env._(
                    "Unknown qualification source “%(origin)s”: use one of "
                    "%(sources)s.",
                    origin=source,
                    sources=", ".join(sources),
                )
            )
        if status is not None and status and status._name != "dso.item.status":
            raise UserError(
                self.env._("Choose a collection status to qualify the items.")
            )
        if status:
            status = status.exists()
            if not status:
                raise UserError(
                    self.env._("The collection status chosen no longer exists.")
                )
        if not self.env.su:
            # Reading the items checks the record rules: an item of a company
            # the user may not access raises an AccessError here.
            self.check_access("write")
        allowed = self.env.user.company_ids
        for line in self:
            if not line._dso_is_open():
                raise UserError(
                    self.env._(
                        "Item %(item)s of %(customer)s is not an open receivable "
                        "item (paid, cancelled, or not a customer item): only "
                        "open items can be qualified.",
                        item=line.move_name or line.name,
                        customer=line.partner_id.display_name,
                    )
                )
            if not self.env.su and line.company_id not in allowed:
                raise UserError(
                    self.env._(
                        "Item %(item)s belongs to company %(company)s, which you "
                        "cannot access: ask a collector of that company.",
                        item=line.move_name,
                        company=line.company_id.name,
                    )
                )
            if status and status.company_id and status.company_id != line.company_id:
                raise UserError(
                    self.env._(
                        "Status “%(status)s” belongs to company %(company)s and "
                        "cannot be set on item %(item)s of company %(item_company)s: "
                        "choose a shared status or one of that company.",
                        status=status.name,
                        company=status.company_id.name,
                        item=line.move_name,
                        item_company=line.company_id.name,
                    )
                )
            if resolution_user and (
                not resolution_user._is_internal()
                or line.company_id not in resolution_user.company_ids
            ):
                raise UserError(
                    self.env._(
                        "%(user)s cannot own the resolution of item %(item)s: "
                        "choose an internal user of company %(company)s.",
                        user=resolution_user.name,
                        item=line.move_name,
                        company=line.company_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------------

    def _dso_status_snapshot(self):
        self.ensure_one()
        return (
            self.dso_status_id,
            self.dso_status_date,
            self.dso_comment or False,
            self.dso_resolution_user_id,
        )

    @api.model
    def _dso_review_date_for(self, status):
        """Review date of an item getting ``status``: ``review_days`` ahead
        for a status that excludes from the scenario, else none."""
        if status and status.exclude_from_scenario and status.review_days > 0:
            today = fields.Date.context_today(self)
            return today + timedelta(days=status.review_days)
        return False

    def _dso_new_review_date(self):
        self.ensure_one()
        return self._dso_review_date_for(self.dso_status_id)

    def _prepare_status_history_vals(self, previous_status, source):
        """Values of the history row of this item's new qualification (a
        hook for other modules)."""
        self.ensure_one()
        return {
            "line_id": self.id,
            "status_id": self.dso_status_id.id,
            "previous_status_id": previous_status.id,
            "status_date": self.dso_status_date,
            "comment": self.dso_comment,
            "resolution_user_id": self.dso_resolution_user_id.id,
            "source": source,
            "user_id": self.env.uid,
        }

    def _dso_record_status_changes(self, before, source, every_line=False):
        """History rows, one chatter note per invoice and an activity for
        each newly assigned owner, after a qualification.

        :param before: snapshot (``_dso_status_snapshot``) of each item
            before the change.
        :param every_line: one row per item even when nothing changed on it
            (an explicit qualification); else only the changed items.
        """
        lines = (
            self
            if every_line
            else self.filtered(lambda line: line._dso_status_snapshot() != before[line])
        )
        vals_list = [
            line._prepare_status_history_vals(before[line][0], source) for line in lines
        ]
        # History rows are written only here, after the item itself was
        # written with the user's rights: the model is read-only for users.
        history = (
            self.env["dso.item.status.history"].sudo().create(vals_list).sudo(False)
        )
        by_move = defaultdict(self.browse)
        for line in lines:
            by_move[line.move_id] |= line
        for move, move_lines in by_move.items():
            move_lines._dso_post_status_note(move, before, source)
        new_owners = lines.filtered(
            lambda line: (
                line.dso_resolution_user_id
                and line.dso_resolution_user_id != before[line][3]
            )
        )
        new_owners._dso_notify_owners()
        return history

    def _dso_post_status_note(self, move, before, source):
        """One note on the invoice's chatter for its qualified items."""
        source_label = dict(
            self.env["dso.item.status.history"]
            ._fields["source"]
            ._description_selection(self.env)
        )[source]
        no_status = self.env._("no status")
        rows = []
        for line in self:
            text = self.env._(
                "%(item)s: %(old)s → %(new)s",
                item=line.name or line.move_name,
                old=before[line][0].name or no_status,
                new=line.dso_status_id.name or no_status,
            )
            details = []
            if line.dso_status_date:
                details.append(
                    self.env._(
                        "date %(date)s",
                        date=format_date(self.env, line.dso_status_date),
                    )
                )
            if line.dso_resolution_user_id:
                details.append(
                    self.env._("owner %(user)s", user=line.dso_resolution_user_id.name)
                )
            if line.dso_comment:
                details.append(line.dso_comment)
            if details:
                text = f"{text} ({'; '.join(details)})"
            rows.append(Markup("<li>%s</li>") % text)
        header = self.env._(
            "Collection status changed by %(user)s (source: %(origin)s):",
            user=self.env.user.name,
            origin=source_label,
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (header, Markup().join(rows))
        # The note is the invoice's record of the qualification: a collector
        # may qualify an item without posting rights on the invoice.
        move.sudo().message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )

    def _dso_notify_owners(self):
        """An activity on the invoice for each newly assigned owner."""
        for line in self:
            # Scheduled on the owner's behalf: the collector assigning the
            # resolution may not create activities on invoices of others.
            line.move_id.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=line.dso_resolution_user_id.id,
                summary=self.env._(
                    "Resolve: %(status)s on %(item)s",
                    status=line.dso_status_id.name or self.env._("collection item"),
                    item=line.move_name,
                ),
                note=line.dso_comment or "",
            )

    # ------------------------------------------------------------------
    # Replanning
    # ------------------------------------------------------------------

    def _dso_replan(self):
        """Replan the customers of these items now, company by company."""
        if self.env.context.get("dso_planning"):
            return
        planner = self.env["dso.collection.planner"]
        today = fields.Date.context_today(self)
        for company in self.company_id:
            lines = self.filtered(lambda line, c=company: line.company_id == c)
            planner._plan(company, lines.partner_id.commercial_partner_id.ids, today)

    def _dso_replan_later(self):
        """Replan the customers of these items when the transaction ends: a
        direct write may come from the middle of sending an action (a
        litigation hand-over sets its items' status), which must not see its
        own action replanned away.

        Only for a person at work in the web client (the open items list):
        code that writes a status directly (a test, an import, a hand-over)
        plans when it sees fit, and the daily planning catches up anyway.
        """
        if self.env.context.get("dso_planning") or not request:
            return
        pending = self.env.cr.precommit.data.setdefault("dso_replan_lines", set())
        if not pending:
            env = self.env

            def replan():
                ids = env.cr.precommit.data.pop("dso_replan_lines", set())
                env["account.move.line"].browse(ids).exists()._dso_replan()

            self.env.cr.precommit.add(replan)
        pending.update(self.ids)

    # ------------------------------------------------------------------
    # What follows a qualification: the follow-up specific action a status
    # creates by itself (a dispute)
    # ------------------------------------------------------------------

    def _dso_create_status_followup(self, status, date=None):
        """The follow-up specific action of ``status`` on these items, but
        for the items an open specific action already follows."""
        followed = self.filtered(
            lambda line: any(
                action.is_specific and action.state in OPEN_STATES
                for action in line.dso_action_ids
            )
        )
        lines = self - followed
        if not lines:
            return self.env["dso.collection.action"]
        vals = status._dso_followup_action_vals(lines, date)
        vals.pop("explanation")
        return self.env["dso.collection.action"]._dso_create_specific(lines, vals)

    # ------------------------------------------------------------------
    # The internal status email
    # ------------------------------------------------------------------

    def _dso_send_internal_status_email(self, users, note=None):
        """Email ``users`` (colleagues: salesperson, manager, resolution
        owner) these items with their statuses and comments; one message on
        each customer's chatter.

        :return: the ``mail.mail`` records queued.
        """
        partners = users.partner_id.filtered("email")
        if not partners:
            raise UserError(
                self.env._(
                    "None of the colleagues chosen has an email address: choose "
                    "a colleague with one, or send no email."
                )
            )
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        vals_list = []
        requests = self.env["dso.interactive.request"]
        for customer in self.partner_id.commercial_partner_id:
            items = self.filtered(
                lambda line, c=customer: line.partner_id.commercial_partner_id == c
            )
            request = items._dso_colleague_request(customer, users)
            requests |= request
            body = items._dso_internal_status_body(note, request)
            vals_list.append(
                {
                    "model": "res.partner",
                    "res_id": customer.id,
                    "message_type": "comment",
                    "subtype_id": subtype_id,
                    "subject": self.env._(
                        "Collection: status of %(customer)s's items",
                        customer=customer.display_name,
                    ),
                    "body_html": body,
                    "body": body,
                    "author_id": self.env.user.partner_id.id,
                    "email_from": self.env.user.email_formatted
                    or self.env.company.email_formatted,
                    "recipient_ids": [Command.set(partners.ids)],
                    "auto_delete": False,
                    "state": "outgoing",
                }
            )
        # sudo: a collector may not create mails on customers he does not
        # own; these are internal notes on the items he just qualified, to
        # colleagues he chose, built above from escaped values.
        mails = self.env["mail.mail"].sudo().create(vals_list)
        requests._dso_mark_sent()
        return mails

    def _dso_colleague_request(self, customer, users):
        """The page where the colleagues answer on these items of
        ``customer`` (an internal interactive email)."""
        # sudo: collectors only read requests; this one is for the items
        # they just qualified, to the colleagues they chose.
        return (
            self.env["dso.interactive.request"]
            .sudo()
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": self.company_id[:1].id,
                    "line_ids": [Command.set(self.ids)],
                    "audience": "colleague",
                    "user_id": users[:1].id,
                    "collector_id": (customer.dso_collector_id or self.env.user).id,
                }
            )
        )

    def _dso_internal_status_body(self, note=None, request=None):
        """The items, their statuses and comments, as an HTML table."""
        headers = (
            self.env._("Item"),
            self.env._("Due date"),
            self.env._("Amount due"),
            self.env._("Status"),
            self.env._("Status date"),
            self.env._("Comment"),
            self.env._("Owner"),
        )
        rows = []
        for line in self:
            cells = (
                line.move_name or line.name or "",
                fields.Date.to_string(line.date_maturity or line.date) or "",
                f"{line.amount_residual:.2f} {line.company_currency_id.name}",
                line.dso_status_id.name or "",
                fields.Date.to_string(line.dso_status_date) or "",
                line.dso_comment or "",
                line.dso_resolution_user_id.name or "",
            )
            rows.append(
                Markup("<tr>%s</tr>")
                % Markup().join(Markup("<td>%s</td>") % cell for cell in cells)
            )
        head = Markup().join(Markup("<th>%s</th>") % header for header in headers)
        body = Markup("<table border='1' cellpadding='4'><tr>%s</tr>%s</table>") % (
            head,
            Markup().join(rows),
        )
        intro = self.env._(
            "%(user)s updated the collection status of these items:",
            user=self.env.user.name,
        )
        parts = [Markup("<p>%s</p>") % intro]
        if note:
            parts.append(Markup("<p>%s</p>") % note)
        parts.append(body)
        if request:
            request._portal_ensure_token()
            parts.append(
                Markup('<p><a href="%s">%s</a></p>')
                % (
                    request._dso_absolute_url(),
                    self.env._("Answer on each item (log in with your account)"),
                )
            )
        return Markup().join(parts)

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------

    def action_dso_change_status(self):
        """The status wizard on the selected items (the open items list)."""
        return self.env["dso.status.change.wizard"]._dso_open(self)

    @api.model
    def _dso_status_colleagues(self, lines):
        """The colleagues a status email goes to by default: the items'
        resolution owners and the customers' salespersons."""
        return (
            lines.dso_resolution_user_id
            | lines.partner_id.commercial_partner_id.user_id
        ).filtered(lambda user: not user.share)

    # ------------------------------------------------------------------
    # Ignoring one transaction by hand
    # ------------------------------------------------------------------

    def _dso_ignore(self, reason):
        """Ignore these items in the collection, saying why."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Say why item %(item)s is ignored in the collection: the "
                    "reason is required.",
                    item=self[:1].move_name or "",
                )
            )
        self._dso_check_status_change(None, None, "collector")
        self.write(
            {
                "dso_ignored": True,
                "dso_ignored_reason": reason,
                "dso_ignored_user_id": self.env.uid,
                "dso_ignored_date": fields.Date.context_today(self),
            }
        )
        self._dso_replan()
        return True

    def _dso_unignore(self):
        """Bring these ignored items back into the collection."""
        self._dso_check_status_change(None, None, "collector")
        self.write(
            {
                "dso_ignored": False,
                "dso_ignored_reason": False,
                "dso_ignored_user_id": False,
                "dso_ignored_date": False,
            }
        )
        self._dso_replan()
        return True

    def action_dso_ignore(self):
        """Open the reason prompt of the selected items (list button)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ignore in the collection"),
            "res_model": "account.move.line",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "dso_collection.account_move_line_view_form_dso_ignore"
                    ).id,
                    "form",
                )
            ],
            "res_id": self[:1].id,
            "target": "new",
            "context": {"dso_ignore_line_ids": self.ids},
        }

    def action_dso_confirm_ignore(self):
        """The prompt's button: ignore the items with the reason typed."""
        self.ensure_one()
        lines = self.browse(self.env.context.get("dso_ignore_line_ids") or self.ids)
        lines._dso_ignore(self.dso_ignored_reason)
        return {"type": "ir.actions.act_window_close"}

    def action_dso_unignore(self):
        self._dso_unignore()
        return True

    def action_dso_status_history(self):
        """The status history of the selected items."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_collection.dso_item_status_history_action"
        )
        action["domain"] = [("line_id", "in", self.ids)]
        return action

    # ------------------------------------------------------------------
    # Exclusion review: items excluded by their status come back to the
    # scenario, or to someone's attention, on their review date
    # ------------------------------------------------------------------

    @api.model
    def _dso_review_domain(self, today):
        """Items whose exclusion is due for review on ``today``."""
        return [
            *self._dso_open_domain(),
            ("dso_review_date", "<=", today),
            ("dso_status_id.exclude_from_scenario", "=", True),
            ("dso_review_notified", "=", False),
        ]

    @api.model
    def _cron_dso_review_exclusions(self, today=None):
        """Daily scheduled action: on their review date, items come back to
        the scenario (their status says so) or their owner gets one review
        activity."""
        today = today or fields.Date.context_today(self)
        lines = self.search(self._dso_review_domain(today), order="company_id, id")
        reenter = lines.filtered("dso_status_id.reenter_on_review")
        for company in reenter.company_id:
            company_lines = reenter.filtered(
                lambda line, c=company: line.company_id == c
            ).with_company(company)
            company_lines._dso_set_status(
                False,
                comment=self.env._(
                    "Review date reached: back in the collection scenario."
                ),
                source="system",
            )
        (lines - reenter)._dso_schedule_review_activities()
        # The items of one day's reviews: a few, done in one transaction.
        self.env["ir.cron"]._notify_progress(done=len(lines), remaining=0)
        return True

    def _dso_review_user(self):
        """Who reviews this item: its resolution owner, else the customer's
        collector, else the company's default collector."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        return (
            self.dso_resolution_user_id
            or partner.dso_collector_id
            or self.company_id.dso_default_collector_id
        )

    def _dso_schedule_review_activities(self):
        """One review activity per item on its invoice, once per review date."""
        for line in self:
            user = line._dso_review_user()
            if not user:
                # Nobody to tell: the item stays in "Exclusions to review".
                continue
            line.move_id.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=line.dso_review_date,
                user_id=user.id,
                summary=self.env._(
                    "Review the exclusion of %(item)s (%(status)s)",
                    item=line.move_name,
                    status=line.dso_status_id.name,
                ),
                note=line.dso_comment or "",
            )
        self.with_context(dso_status_api=True).write({"dso_review_notified": True})
