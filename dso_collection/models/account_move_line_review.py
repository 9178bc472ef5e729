"""Exclusion review (items excluded by their status come back to the scenario
or to someone's attention on their review date) and items ignored by hand."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    dso_ignored = fields.Boolean(
        string="Ignored",
        copy=False,
        help="Ignored by hand in the collection: never the leader invoice, never "
        "listed by scenario actions (it stays in the customer's balance).",
    )
    dso_ignored_reason = fields.Char(string="Why ignored", copy=False)
    dso_ignored_user_id = fields.Many2one("res.users", string="Ignored by", copy=False)
    dso_ignored_date = fields.Date(string="Ignored on", copy=False)

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
    # Exclusion review
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
