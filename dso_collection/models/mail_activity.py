from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.constants import OPEN_STATES


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Finishing the activity of a collection action (the one the action
        scheduled, not one a collector added by hand) marks the action done,
        with the activity's feedback as its result."""
        actions = self.env["dso.collection.action"]
        if not self.env.context.get("dso_activity_sync"):
            actions = actions.browse(
                [
                    activity.res_id
                    for activity in self
                    if activity.res_model == actions._name and activity.automated
                ]
            ).exists()
            actions = actions.filtered(lambda action: action.state in OPEN_STATES)
        res = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if actions:
            actions.with_context(dso_activity_sync=True)._dso_complete_from_activity(
                feedback
            )
        return res

    @api.model
    def _dso_write_notes(self, notes):
        """Write ``{activity id: note}`` in one UPDATE, for the thousands of
        activities a planning creates (collectors' calls, reconciliation
        tasks). The notes are markup the collection builds from escaped
        values; the HTML sanitizer, which the ORM runs twice per note, took
        most of the time of creating them."""
        if not notes:
            return
        activities = self.browse(list(notes))
        activities.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE mail_activity a SET note = v.note
                  FROM unnest(%s::int[], %s::text[]) AS v(id, note)
                 WHERE a.id = v.id
                """,
                list(notes),
                [str(note) for note in notes.values()],
            )
        )
        activities.invalidate_recordset(["note"])

    @api.model
    def _dso_insert_activities(self, model, vals_list):
        """Create the activities ``vals_list`` of records of ``model`` in a
        few queries, for the thousands a first planning creates (collectors'
        calls, reconciliation tasks): the rows ``create`` would store, then
        what it does after them, without its per-record work (display names,
        access checks, ``message_subscribe`` per collector, the HTML
        sanitizer on each note), which cost seconds.

        Each values dict holds ``res_id``, ``res_name`` (the record's display
        name, as ``create`` computes it), ``activity_type_id``, ``user_id``,
        ``date_deadline``, ``summary``, ``note`` (markup the collection built
        from escaped values) and optionally ``automated``. As ``create`` in
        the quick update mode (``mail_activity_quick_update``): no "assigned
        to you" email; the collector follows the record (default subtypes,
        an existing subscription kept); a bus notification per collector for
        the activities due today or before. Other modules' overrides of
        ``create`` do not run: only for the collection's own activities.

        :return: the new activities, in the order of ``vals_list``
        """
        if not vals_list:
            return self.browse()
        self.flush_model()
        users = self.env["res.users"].sudo().browse({v["user_id"] for v in vals_list})
        users.fetch(["tz", "partner_id"])
        tz = {user.id: user.tz or None for user in users}
        columns = {
            "res_id": "int",
            "res_name": "varchar",
            "activity_type_id": "int",
            "user_id": "int",
            "user_tz": "varchar",
            "date_deadline": "date",
            "summary": "varchar",
            "note": "text",
            "automated": "bool",
        }
        rows = [
            {
                **vals,
                "user_tz": tz[vals["user_id"]],
                # A note built empty is stored empty, as ``_dso_write_notes``
                # writes it.
                "note": None
                if vals.get("note") is None or vals["note"] is False
                else str(vals["note"]),
                "summary": vals.get("summary") or None,
                # Not given: NULL, as create() leaves it.
                "automated": vals.get("automated"),
            }
            for vals in vals_list
        ]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_activity (%(columns)s, res_model_id, res_model,
                            active, create_uid, create_date, write_uid, write_date)
                SELECT %(columns)s, %(model_id)s, %(model)s,
                       TRUE, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(arrays)s) WITH ORDINALITY AS v(%(columns)s, n)
                 ORDER BY v.n
             RETURNING id
                """,
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                arrays=SQL(", ").join(
                    SQL("%s::%s[]", [row[name] for row in rows], SQL(kind))
                    for name, kind in columns.items()
                ),
                model_id=self.env["ir.model"]._get_id(model),
                model=model,
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        # Ids come from a sequence, in the order of the rows.
        activities = self.browse(sorted(row[0] for row in self.env.cr.fetchall()))
        # The fields computed from the new rows (the records' activity
        # fields, their state...) are recomputed or invalidated.
        activities.modified(
            ["res_model_id", "res_model", "res_id", *columns, "active"], create=True
        )
        self._dso_subscribe_users(
            model, [(vals["res_id"], vals["user_id"]) for vals in vals_list], users
        )
        # What the activity menu counts: as create() does.
        today = fields.Date.today()
        due = defaultdict(int)
        for vals in vals_list:
            if vals["date_deadline"] <= today:
                due[vals["user_id"]] += 1
        for user in users:
            if due[user.id]:
                user._bus_send(
                    "mail.activity/updated",
                    {"activity_created": True, "count_diff": due[user.id]},
                )
        self.env[model].browse(
            [vals["res_id"] for vals in vals_list]
        ).invalidate_recordset(
            ["activity_ids", "message_follower_ids", "message_partner_ids"]
        )
        return activities

    @api.model
    def _dso_subscribe_users(self, model, pairs, users):
        """The users of ``pairs`` ``(record id, user id)`` follow their
        records of ``model``, as ``message_subscribe`` subscribes an
        activity's user: their active partner, with the model's default
        subtypes (the external ones for a portal user's partner); a partner
        already following the record is left as it is. Two queries."""
        partners = {
            user.id: user.partner_id
            for user in users
            if user.partner_id and user.partner_id.active
        }
        pairs = sorted(
            {
                (res_id, partners[user_id].id)
                for res_id, user_id in pairs
                if user_id in partners
            }
        )
        if not pairs:
            return
        default, _internal, external = self.env[
            "mail.message.subtype"
        ].default_subtypes(model)
        subtypes = [
            (partner.id, subtype_id)
            for partner in set(partners.values())
            for subtype_id in (external if partner.partner_share else default).ids
        ]
        self.env["mail.followers"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH new AS (
                    INSERT INTO mail_followers (res_model, res_id, partner_id)
                    SELECT %(model)s, v.res_id, v.partner_id
                      FROM unnest(%(res_ids)s::int[], %(partner_ids)s::int[])
                           AS v(res_id, partner_id)
                        ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
                 RETURNING id, partner_id
                )
                INSERT INTO mail_followers_mail_message_subtype_rel
                            (mail_followers_id, mail_message_subtype_id)
                SELECT new.id, s.subtype_id
                  FROM new
                  JOIN unnest(%(s_partner_ids)s::int[], %(s_subtype_ids)s::int[])
                       AS s(partner_id, subtype_id)
                    ON s.partner_id = new.partner_id
                """,
                model=model,
                res_ids=[pair[0] for pair in pairs],
                partner_ids=[pair[1] for pair in pairs],
                s_partner_ids=[row[0] for row in subtypes],
                s_subtype_ids=[row[1] for row in subtypes],
            )
        )
        self.env["mail.followers"].invalidate_model()
