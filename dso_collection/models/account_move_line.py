from odoo import api, fields, models
from odoo.tools import SQL


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dso_status_id = fields.Many2one(
        "dso.item.status",
        string="Collection status",
        index="btree_not_null",
        copy=False,
    )
    dso_status_date = fields.Date(string="Status date", copy=False)
    dso_comment = fields.Text(string="Collection comment", copy=False)
    dso_resolution_user_id = fields.Many2one(
        "res.users",
        string="Resolution owner",
        copy=False,
        help="Who must resolve the status (sales, manager, collector ...).",
    )
    dso_action_ids = fields.Many2many(
        "dso.collection.action",
        "dso_collection_action_line_rel",
        "line_id",
        "action_id",
        string="Collection actions",
        copy=False,
    )
    dso_excluded = fields.Boolean(
        string="Excluded from scenario",
        compute="_compute_dso_excluded",
        search="_search_dso_excluded",
        help="Excluded by its status or by an open specific action: never the "
        "leader invoice and not listed by scenario actions.",
    )
    dso_days_overdue = fields.Integer(
        string="Days overdue", compute="_compute_dso_days_overdue"
    )

    @api.model
    def _dso_excluded_sql(self, alias):
        """SQL expression: the item `alias` is excluded from the scenario,
        by an excluding status or by an open specific action (rule 5)."""
        return SQL(
            """(
                EXISTS (SELECT 1 FROM dso_item_status st
                         WHERE st.id = %(alias)s.dso_status_id
                           AND st.exclude_from_scenario)
                OR EXISTS (SELECT 1
                             FROM dso_collection_action_line_rel rel
                             JOIN dso_collection_action act ON act.id = rel.action_id
                            WHERE rel.line_id = %(alias)s.id
                              AND act.is_specific
                              AND act.state IN ('todo', 'to_confirm'))
            )""",
            alias=alias,
        )

    @api.depends(
        "dso_status_id.exclude_from_scenario",
        "dso_action_ids.state",
        "dso_action_ids.is_specific",
    )
    def _compute_dso_excluded(self):
        excluded_ids = set()
        if self.ids:
            self.flush_model(["dso_status_id"])
            self.env["dso.collection.action"].flush_model(["state", "is_specific"])
            self.env.cr.execute(
                SQL(
                    "SELECT aml.id FROM account_move_line aml"
                    " WHERE aml.id IN %s AND %s",
                    tuple(self.ids),
                    self._dso_excluded_sql(SQL("aml")),
                )
            )
            excluded_ids = {row[0] for row in self.env.cr.fetchall()}
        for line in self:
            line.dso_excluded = line.id in excluded_ids

    def _search_dso_excluded(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(
                self.env._("Excluded from scenario only supports = True / False.")
            )
        query = SQL(
            "(SELECT aml.id FROM account_move_line aml WHERE %s)",
            self._dso_excluded_sql(SQL("aml")),
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", query)]

    @api.depends("date_maturity", "amount_residual")
    @api.depends_context("tz")
    def _compute_dso_days_overdue(self):
        today = fields.Date.context_today(self)
        for line in self:
            due = line.date_maturity or line.date
            overdue = line.amount_residual > 0 and due and (today - due).days
            line.dso_days_overdue = max(overdue or 0, 0)
