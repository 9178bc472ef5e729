"""The collector's activity of a manual collection action, kept in sync.

A manual open action (a call, a letter, an email the collector sends) is an
activity of its collector, so that it shows in the activities menu and the
calendar. The sync goes both ways: finishing the activity marks the action
done (``mail_activity.py``); completing or cancelling the action closes the
activity; the activity follows the action's collector, date and type.

The activities are Odoo's automated activities (``activity_schedule``,
``activity_reschedule``, ``activity_feedback``, ``activity_unlink``): those
of the two types below are the action's own; an activity a collector adds
by hand is left alone.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import models

from .dso_collection_constants import OPEN_STATES
from .dso_lang_formats import LangFormats

CALL_ACTIVITY = "mail.mail_activity_data_call"
TODO_ACTIVITY = "mail.mail_activity_data_todo"
ACTIVITY_TYPES = (CALL_ACTIVITY, TODO_ACTIVITY)

# Changes of an action that its activity follows.
ACTIVITY_FIELDS = {"user_id", "date", "action_type", "automatic", "name"}


class DsoCollectionAction(models.Model):
    # One concern of the action model per file (see dso_collection_action.py).
    _inherit = "dso.collection.action"  # pylint: disable=consider-merging-classes-inherited

    def _dso_needs_activity(self):
        self.ensure_one()
        return bool(self.state in OPEN_STATES and not self.automatic and self.user_id)

    def _dso_activity_type_xmlid(self):
        self.ensure_one()
        return CALL_ACTIVITY if self.action_type == "call" else TODO_ACTIVITY

    def _dso_activity_note(self):
        """Numbers to call and open items, for the collector's activity;
        dates and amounts in the user's format."""
        self.ensure_one()
        formats = LangFormats.get(self.env)
        partner = self.partner_id
        lines = [
            self.env._("Phone: %(phone)s", phone=number)
            for number in (partner | partner.child_ids).mapped(
                lambda contact: contact.mobile or contact.phone
            )
            if number
        ]
        for item in self.line_ids:
            lines.append(
                self.env._(
                    "%(number)s, due on %(date)s: %(amount)s",
                    number=item.move_name,
                    date=formats.date(item.date_maturity or item.date),
                    amount=formats.amount(
                        item.amount_residual, item.company_currency_id
                    ),
                )
            )
        return Markup("<br/>").join(lines)

    def _dso_schedule_activities(self, force=False):
        """An activity of the collector for every manual open action (with
        ``force``, for every action: the cron hands it over to its collector).

        One ``activity_schedule`` per activity type, deadline, collector and
        summary: the planner creates thousands of actions at once, most of
        them the same step on the same day."""
        todo = self.filtered(
            lambda action: (
                (force or action._dso_needs_activity()) and not action.activity_ids
            )
        )
        groups = defaultdict(list)
        for action in todo:
            user = action.user_id or self.env.user
            key = (
                action._dso_activity_type_xmlid(),
                action.date,
                user.id,
                # For the collector: in the collector's language.
                user.lang or self.env.lang,
            )
            groups[key].append(action.id)
        # Quick update: no "assigned to you" email per planned action.
        Action = self.with_context(mail_activity_quick_update=True)
        for (xmlid, date, user_id, lang), action_ids in groups.items():
            actions = Action.browse(action_ids).with_context(lang=lang)
            for name, named in actions.grouped("name").items():
                activities = named.activity_schedule(
                    xmlid, date_deadline=date, summary=name, user_id=user_id
                )
                for action, activity in zip(named, activities, strict=True):
                    activity.note = action._dso_activity_note()

    def _dso_close_activities(self, feedback=None):
        """The action is done: its activity is done too, with the result."""
        self.with_context(dso_activity_sync=True).activity_feedback(
            ACTIVITY_TYPES,
            feedback=feedback or self.env._("Collection action done."),
        )

    def _dso_remove_activities(self):
        """The action is cancelled (or no longer manual): no activity."""
        self.activity_unlink(ACTIVITY_TYPES)

    def _dso_sync_activities(self, vals):
        """After a write: the activity follows the collector, the date, the
        type and the name of its action; an action that became automatic
        loses it, one that became manual gets one."""
        changed = ACTIVITY_FIELDS & set(vals)
        if not changed:
            return
        open_actions = self.filtered(lambda action: action.state in OPEN_STATES)
        if {"action_type", "automatic"} & changed:
            # The activity type may have changed: schedule the activity anew.
            open_actions._dso_remove_activities()
            open_actions._dso_schedule_activities()
            return
        if vals.get("user_id") or vals.get("date"):
            open_actions.with_context(
                mail_activity_quick_update=True
            ).activity_reschedule(
                ACTIVITY_TYPES,
                date_deadline=vals.get("date"),
                new_user_id=vals.get("user_id"),
            )
        if vals.get("name"):
            open_actions.activity_search(ACTIVITY_TYPES).write(
                {"summary": vals["name"]}
            )
        # An action that gets its first collector gets its activity.
        open_actions._dso_schedule_activities()
