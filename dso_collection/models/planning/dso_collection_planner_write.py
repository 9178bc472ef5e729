"""Writing side of the planner: the new cycles and scenario actions of a
batch, inserted in bulk.

The planner creates up to one cycle and one action per customer of a batch,
thousands at a time, every values given: through the ORM, default values,
the many2many and the mail thread's bookkeeping cost ten times what the
rows themselves cost. They are inserted with one parameterised INSERT per
table; then what the ORM would have done after ``create`` is done here too
(the expected cash impact, the collector's activities of manual actions).
An addon adding a required column to actions extends
``_prepare_action_vals`` and ``_action_insert_columns``.
"""

import json
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from ...lib.constants import OPEN_STATES
from ..dso_collection_action import ACTIVITY_TYPES

# Columns of a planned action and their PostgreSQL array types.
ACTION_COLUMNS = {
    "name": "jsonb",  # the step's name in every language
    "partner_id": "int",
    "company_id": "int",
    "step_id": "int",
    "cycle_id": "int",
    "scenario_id": "int",
    "date": "date",
    "state": "varchar",
    "user_id": "int",
    "action_type": "varchar",
    "mail_template_id": "int",
    "sms_template_id": "int",
    "automatic": "bool",
    "to_confirm": "bool",
    "attach_invoices": "bool",
    "attach_statement": "bool",
    "is_specific": "bool",
    "priority": "varchar",
    "dso_cash_impact": "numeric",
}
# How the values of an array column are sent: one text literal per column
# ('{1,2,NULL}'), which PostgreSQL reads in one pass; psycopg2 sends a list
# as ARRAY[1, 2, NULL], an expression PostgreSQL parses element by element
# (0.3 to 0.5 s more for the 100 000 items of a first planning at L).
ARRAY_SPECIAL = str.maketrans({"\\": "\\\\", '"': '\\"'})


def array_literal(values):
    """``values`` as a PostgreSQL array literal, to send as one parameter
    cast to its array type (``%s::int[]``): None is NULL, booleans t/f,
    numbers as they are, anything else (dates, text, JSON) quoted."""
    parts = []
    append = parts.append
    for value in values:
        # by exact type first: most values are ids (a first planning at L
        # sends 240 000 of them)
        kind = type(value)
        if kind is int or kind is float:
            append(str(value))
        elif value is None:
            append("NULL")
        elif kind is bool:
            append("t" if value else "f")
        else:
            # anything else quoted, numbers included (PostgreSQL reads
            # "1.50" into a numeric[] as it reads 1.50)
            append(f'"{str(value).translate(ARRAY_SPECIAL)}"')
    return "{" + ",".join(parts) + "}"


CYCLE_COLUMNS = {
    "partner_id": "int",
    "company_id": "int",
    "scenario_id": "int",
    "leader_line_id": "int",
    "date_start": "date",
}


class DsoCollectionPlanner(models.AbstractModel):
    _inherit = "dso.collection.planner"

    @api.model
    def _step_action_vals(self, step, company, name=None):
        """What the scenario actions of ``step`` share: computed once per
        step and batch. ``name``: the step's name in every language (JSON,
        from ``_step_names``)."""
        followup = step._dso_followup_values()
        needs_confirmation = step._dso_needs_confirmation(company, followup)
        return {
            **followup,
            "name": name or self._step_names([step.id])[step.id],
            "company_id": company.id,
            "step_id": step.id,
            "scenario_id": step.scenario_id.id,
            "state": "to_confirm" if needs_confirmation else "todo",
            "to_confirm": needs_confirmation,
            "is_specific": False,
            "priority": "0",
        }

    @api.model
    def _prepare_action_vals(self, partner, company, step_vals, cycle_id, decision):
        """Values of the scenario action ``decision`` plans, from its step's
        ``_step_action_vals``: every column of ``_action_insert_columns``,
        and ``line_ids``."""
        return {
            **step_vals,
            "partner_id": partner.id,
            "cycle_id": cycle_id,
            "date": decision.date,
            "user_id": (
                partner.dso_collector_id or company.dso_default_collector_id
            ).id,
            "line_ids": list(decision.line_ids),
        }

    @api.model
    def _step_names(self, step_ids):
        """The names of the steps ``step_ids`` in every language, as JSON,
        in one query: {step id: name}. A planned action is named after its
        step, and each reader reads it in their own language."""
        self.env["dso.collection.step"].flush_model(["name"])
        self.env.cr.execute(
            SQL(
                "SELECT id, name FROM dso_collection_step WHERE id = ANY(%s)",
                list(step_ids),
            )
        )
        return {step_id: json.dumps(name) for step_id, name in self.env.cr.fetchall()}

    @api.model
    def _complete_action_names(self, company):
        """Give the open planned actions of ``company`` the translations of
        their step's name they lack (a language installed, or this module's
        translations loaded, after they were planned); the languages an
        action has, a collector's renaming included, are kept."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE dso_collection_action a
                   SET name = s.name || a.name
                  FROM dso_collection_step s
                 WHERE s.id = a.step_id
                   AND a.company_id = %(company)s
                   AND a.state IN %(open)s
                   AND NOT a.is_specific
                   AND s.name || a.name <> a.name
                """,
                company=company.id,
                open=OPEN_STATES,
            )
        )
        if self.env.cr.rowcount:
            self.env["dso.collection.action"].invalidate_model(["name"])

    @api.model
    def _action_insert_columns(self):
        return ACTION_COLUMNS

    @api.model
    def _insert_rows(self, table, columns, vals_list):
        """Insert ``vals_list`` into ``table`` (``columns``: name -> array
        type) in one query, with the ORM's log columns. At most one row per
        customer: return the new ids by customer id."""
        if not vals_list:
            return {}
        names = list(columns)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %(table)s (%(columns)s,
                            create_uid, create_date, write_uid, write_date)
                SELECT %(columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(arrays)s) AS v(%(columns)s)
             RETURNING partner_id, id
                """,
                table=SQL.identifier(table),
                columns=SQL(", ").join(SQL.identifier(name) for name in names),
                arrays=SQL(", ").join(
                    SQL(
                        "%s::%s[]",
                        array_literal(
                            bool(vals[name])
                            if columns[name] == "bool"
                            else vals[name]
                            if columns[name] == "numeric"
                            else vals[name] or None
                            for vals in vals_list
                        ),
                        SQL(columns[name]),
                    )
                    for name in names
                ),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _create_cycles(self, vals_list):
        """New cycles (``CYCLE_COLUMNS`` values); their ids by customer."""
        return self._insert_rows("dso_collection_cycle", CYCLE_COLUMNS, vals_list)

    @api.model
    def _create_actions(self, vals_list):
        """New scenario actions (``_prepare_action_vals``), with their items
        and collectors' activities (the batch refreshes their expected cash
        impact)."""
        Action = self.env["dso.collection.action"]
        ids = self._insert_rows(
            "dso_collection_action", self._action_insert_columns(), vals_list
        )
        # In item order: the foreign key checks and the index follow it.
        pairs = sorted(
            (line_id, ids[vals["partner_id"]])
            for vals in vals_list
            for line_id in vals["line_ids"]
        )
        if pairs:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO dso_collection_action_line_rel (line_id, action_id)
                    SELECT * FROM unnest(%s::int[], %s::int[])
                    """,
                    array_literal(pair[0] for pair in pairs),
                    array_literal(pair[1] for pair in pairs),
                )
            )
        # What create() adds to the rows (see dso_collection_action*.py): the
        # activities of the manual actions (the automatic ones have none).
        self._create_action_activities(
            Action.browse(
                sorted(
                    ids[vals["partner_id"]]
                    for vals in vals_list
                    if not vals["automatic"] and vals["user_id"]
                )
            )
        )
        return Action.browse(sorted(ids.values()))

    @api.model
    def _create_action_activities(self, actions):
        """The collectors' activities of new manual ``actions``: what the
        action's ``_dso_schedule_activities`` schedules (its type, the
        action's name and notes in the collector's language, deadline,
        collector, automated), inserted with their followers in a few
        queries (``mail.activity._dso_insert_activities``) instead of an
        ``activity_schedule`` per collector, date and step."""
        if not actions:
            return
        type_ids = {}
        for xmlid in ACTIVITY_TYPES:
            type_ids[xmlid] = self.env["ir.model.data"]._xmlid_to_res_id(
                xmlid, raise_if_not_found=False
            )
        if not all(type_ids.values()):
            # A type deleted: activity_schedule falls back on a default.
            actions._dso_schedule_activities()
            return
        by_lang = defaultdict(list)
        for action in actions:
            by_lang[action.user_id.lang or self.env.lang].append(action.id)
        vals_list = []
        for lang, action_ids in by_lang.items():
            # For the collector: in the collector's language.
            for action in actions.browse(action_ids).with_context(lang=lang):
                vals_list.append(
                    {
                        "res_id": action.id,
                        # As create() names it, as superuser.
                        "res_name": action.sudo().display_name,
                        "activity_type_id": type_ids[action._dso_activity_type_xmlid()],
                        "user_id": action.user_id.id,
                        "date_deadline": action.date,
                        "summary": action.name,
                        "note": action._dso_activity_note(),
                        "automated": True,
                    }
                )
        self.env["mail.activity"]._dso_insert_activities(actions._name, vals_list)

    @api.model
    def _delete_closed_specific_actions(self, company, partner_ids, date):
        """Rule 7: a specific action whose items are all closed on its date
        disappears."""
        # The query reads the actions' items: a new action's must be written.
        self.env["dso.collection.action"].flush_model(["line_ids", "state", "date"])
        self.env["account.move.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id
                  FROM dso_collection_action a
                 WHERE a.company_id = %(company)s
                   AND a.partner_id IN %(partners)s
                   AND a.is_specific
                   AND a.state IN %(open_states)s
                   AND a.date <= %(date)s
                   AND NOT EXISTS (
                        SELECT 1
                          FROM dso_collection_action_line_rel rel
                          JOIN account_move_line aml ON aml.id = rel.line_id
                         WHERE rel.action_id = a.id
                           AND %(open_item)s)
                """,
                company=company.id,
                partners=tuple(partner_ids),
                open_states=OPEN_STATES,
                date=date,
                open_item=self.env["account.move.line"]._dso_open_sql(SQL("aml")),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["dso.collection.action"].browse(ids).unlink()
