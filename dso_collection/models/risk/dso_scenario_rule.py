"""Assignment rules: which scenario and collector each customer gets.

The rules of a company are tried in order (``sequence``); the first a
customer meets gives its scenario and collector (``lib/risk.py``,
``assign``). The daily run applies them to every customer with a risk
row whose scenario was not chosen by hand; each move is kept in the
customer's risk history with the rule that made it. The preview of a rule
(its form, before it is saved) lists the customers it would move, computed
by the same function the daily run applies."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ...lib.risk import Rule, RuleCustomer, assign

PREVIEW_ID = -1  # the rule being edited, in the preview


class DsoScenarioRule(models.Model):
    _name = "dso.scenario.rule"
    _description = "Scenario assignment rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # Conditions: an empty one matches every customer.
    class_a = fields.Boolean(string="A")
    class_b = fields.Boolean(string="B")
    class_c = fields.Boolean(string="C")
    class_d = fields.Boolean(string="D")
    country_ids = fields.Many2many("res.country", string="Countries")
    category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer tags",
        help="The customer has one of these tags at least.",
    )
    public_sector = fields.Selection(
        [
            ("any", "Public and private"),
            ("public", "Public sector only"),
            ("private", "Private sector only"),
        ],
        string="Sector",
        required=True,
        default="any",
    )
    balance_min = fields.Monetary(
        string="Open balance from",
        currency_field="currency_id",
        help="0: no lower bound.",
    )
    balance_max = fields.Monetary(
        string="Open balance up to",
        currency_field="currency_id",
        help="0: no upper bound.",
    )
    # What it gives.
    scenario_id = fields.Many2one(
        "dso.collection.scenario",
        domain="[('company_id', 'in', (company_id, False))]",
        help="Empty: the rule leaves the customer's scenario as it is.",
    )
    collector_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Empty: the rule leaves the customer's collector as it is.",
    )
    # Its preview.
    preview_partner_ids = fields.Many2many(
        "res.partner",
        string="Customers it would move",
        compute="_compute_preview",
    )
    preview_count = fields.Integer(string="Customers moved", compute="_compute_preview")

    @api.constrains("name", "scenario_id", "collector_id", "balance_min", "balance_max")
    def _check_rule(self):
        for rule in self:
            if not rule.scenario_id and not rule.collector_id:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s gives neither a scenario nor a collector: "
                        "choose one at least.",
                        rule=rule.name,
                    )
                )
            if rule.balance_max and rule.balance_min > rule.balance_max:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the open balance from %(min)s is above "
                        "its upper bound %(max)s: correct the bounds.",
                        rule=rule.name,
                        min=rule.balance_min,
                        max=rule.balance_max,
                    )
                )
            if rule.scenario_id.company_id and rule.scenario_id.company_id != (
                rule.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: scenario %(scenario)s belongs to another "
                        "company: choose one of %(company)s.",
                        rule=rule.name,
                        scenario=rule.scenario_id.name,
                        company=rule.company_id.name,
                    )
                )

    @api.depends(
        "sequence",
        "active",
        "company_id",
        "class_a",
        "class_b",
        "class_c",
        "class_d",
        "country_ids",
        "category_ids",
        "public_sector",
        "balance_min",
        "balance_max",
        "scenario_id",
        "collector_id",
    )
    def _compute_preview(self):
        for rule in self:
            company = rule.company_id or self.env.company
            moved = []
            if rule.active and (rule.scenario_id or rule.collector_id):
                own_id = rule._origin.id or PREVIEW_ID
                changes = self._dso_assignments(company, preview=rule)
                moved = [
                    change.partner_id
                    for change in changes
                    if change.rule_id == own_id
                    and (
                        change.old_scenario_id != change.new_scenario_id
                        or change.old_collector_id != change.new_collector_id
                    )
                ]
            rule.preview_partner_ids = [fields.Command.set(moved)]
            rule.preview_count = len(moved)

    # ------------------------------------------------------------------
    # Applying the rules
    # ------------------------------------------------------------------

    def _dso_rule_values(self):
        """This rule as ``lib/risk.py`` reads it."""
        self.ensure_one()
        return Rule(
            id=self._origin.id or PREVIEW_ID,
            classes=frozenset(name for name in "ABCD" if self[f"class_{name.lower()}"]),
            country_ids=frozenset(self.country_ids._origin.ids),
            tag_ids=frozenset(self.category_ids._origin.ids),
            public_sector=self.public_sector or "any",
            balance_min=self.balance_min,
            balance_max=self.balance_max,
            scenario_id=self.scenario_id.id or None,
            collector_id=self.collector_id._origin.id or None,
        )

    @api.model
    def _dso_assignments(self, company, partner_ids=None, preview=None):
        """The customers the active rules of ``company`` move
        (``Assignment`` list); with ``preview``, a rule being edited, as if
        it were saved as it is on screen."""
        rules = self.sudo().search(
            [("company_id", "=", company.id), ("active", "=", True)]
        )
        values = [
            (rule.sequence, rule.id, rule._dso_rule_values())
            for rule in rules
            if not preview or rule.id != preview._origin.id
        ]
        if preview:
            values.append(
                (
                    preview.sequence,
                    preview._origin.id or 2**31,
                    preview._dso_rule_values(),
                )
            )
        values.sort(key=lambda value: value[:2])
        # Without a rule, only the customers a rule had moved can change
        # (back to the defaults): the others are not read.
        if not values and not self.env["dso.customer.risk"].sudo().search(
            [("company_id", "=", company.id), ("scenario_rule_id", "!=", False)],
            limit=1,
        ):
            return []
        return assign(
            [value[2] for value in values],
            self._dso_rule_customers(
                company, partner_ids, only_moved_by_rules=not values
            ),
        )

    @api.model
    def _dso_rule_customers(self, company, partner_ids=None, only_moved_by_rules=False):
        """The customers of ``company`` the rules may move (``RuleCustomer``
        list): those with a risk row (``only_moved_by_rules``: those a rule
        gave their scenario). One query."""
        for model in ("account.move.line", "res.partner", "dso.customer.risk"):
            self.env[model].flush_model()
        partner_filter = (
            SQL("AND r.partner_id IN %s", tuple(partner_ids) or (0,))
            if partner_ids is not None
            else SQL()
        )
        if only_moved_by_rules:
            partner_filter = SQL(
                "%s AND r.scenario_rule_id IS NOT NULL", partner_filter
            )
        planner = self.env["dso.collection.planner"]
        self.env.cr.execute(
            SQL(
                """
                WITH item(id, partner_id, due, date, residual, excluded, overdue,
                          has_due) AS (%(open_items)s),
                open AS (
                    SELECT partner_id, SUM(residual) AS balance
                      FROM item GROUP BY partner_id
                )
                SELECT r.partner_id, r.risk_class, p.country_id,
                       ARRAY(SELECT rel.category_id
                               FROM res_partner_res_partner_category_rel rel
                              WHERE rel.partner_id = p.id),
                       COALESCE(p.dso_public_sector, FALSE),
                       COALESCE(open.balance, 0)::float8,
                       COALESCE(r.scenario_manual, FALSE),
                       (p.dso_scenario_id ->> %(key)s)::int,
                       (p.dso_collector_id ->> %(key)s)::int,
                       r.scenario_rule_id
                  FROM dso_customer_risk r
                  JOIN res_partner p ON p.id = r.partner_id
                  LEFT JOIN open ON open.partner_id = r.partner_id
                 WHERE r.company_id = %(company)s %(partner_filter)s
                 ORDER BY r.partner_id
                """,
                open_items=planner._open_items_query(
                    company, partner_ids, fields.Date.context_today(self)
                ),
                key=str(company.id),
                company=company.id,
                partner_filter=partner_filter,
            )
        )
        return [
            RuleCustomer(
                id=row[0],
                risk_class=row[1],
                country_id=row[2],
                tag_ids=frozenset(row[3]),
                public_sector=row[4],
                balance=row[5],
                manual=row[6],
                scenario_id=row[7],
                collector_id=row[8],
                rule_id=row[9],
            )
            for row in self.env.cr.fetchall()
        ]

    @api.model
    def _dso_apply_rules(self, company, date, partner_ids=None):
        """Apply the active rules of ``company`` to its customers (or only
        ``partner_ids``): write the scenario and collector each rule gives
        (the company's values of the fields), remember the rule on the
        customer's risk and keep each move in its history. A fixed number
        of queries.

        :return: the ``Assignment`` list applied
        """
        self = self.sudo()  # noqa: PLW0642
        changes = self._dso_assignments(company, partner_ids)
        if not changes:
            return changes
        key = str(company.id)

        def company_value(column, value_column):
            # The company's value set, or removed (the default applies).
            return SQL(
                """CASE WHEN v.%(value)s IS NULL
                        THEN COALESCE(p.%(column)s, '{}'::jsonb) - %(key)s
                        ELSE COALESCE(p.%(column)s, '{}'::jsonb)
                             || jsonb_build_object(%(key)s, v.%(value)s)
                   END""",
                column=SQL.identifier(column),
                value=SQL.identifier(value_column),
                key=key,
            )

        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET dso_scenario_id = %(scenario)s,
                       dso_collector_id = %(collector)s
                  FROM unnest(%(ids)s::int[], %(scenarios)s::int[],
                              %(collectors)s::int[]) AS v(id, scenario, collector)
                 WHERE p.id = v.id
                """,
                scenario=company_value("dso_scenario_id", "scenario"),
                collector=company_value("dso_collector_id", "collector"),
                ids=[change.partner_id for change in changes],
                scenarios=[change.new_scenario_id for change in changes],
                collectors=[change.new_collector_id for change in changes],
            )
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE dso_customer_risk r
                   SET scenario_rule_id = v.rule_id,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM unnest(%(ids)s::int[], %(rules)s::int[]) AS v(id, rule_id)
                 WHERE r.partner_id = v.id AND r.company_id = %(company)s
                """,
                ids=[change.partner_id for change in changes],
                rules=[change.rule_id for change in changes],
                uid=self.env.uid,
                now=self.env.cr.now(),
                company=company.id,
            )
        )
        moves = [
            change
            for change in changes
            if change.old_scenario_id != change.new_scenario_id
            or change.old_collector_id != change.new_collector_id
        ]
        self.env["dso.customer.risk"]._dso_insert_rows(
            "dso_risk_history",
            {
                "partner_id": "int",
                "company_id": "int",
                "date": "date",
                "kind": "varchar",
                "rule_id": "int",
                "old_scenario_id": "int",
                "new_scenario_id": "int",
                "old_collector_id": "int",
                "new_collector_id": "int",
            },
            [
                {
                    "partner_id": change.partner_id,
                    "company_id": company.id,
                    "date": date,
                    "kind": "scenario",
                    "rule_id": change.rule_id,
                    "old_scenario_id": change.old_scenario_id,
                    "new_scenario_id": change.new_scenario_id,
                    "old_collector_id": change.old_collector_id,
                    "new_collector_id": change.new_collector_id,
                }
                for change in moves
            ],
        )
        self.env["res.partner"].invalidate_model(
            ["dso_scenario_id", "dso_collector_id"]
        )
        self.env["dso.customer.risk"].invalidate_model(["scenario_rule_id"])
        return changes

    def action_apply_now(self):
        """Button: apply the company's rules now and replan the customers
        they move; say how many moved."""
        company = self.company_id[:1] or self.env.company
        today = fields.Date.context_today(self)
        changes = self._dso_apply_rules(company, today)
        moved = self.env["res.partner"].browse(change.partner_id for change in changes)
        if moved:
            moved.with_company(company)._dso_plan()
        return self.env["res.partner"]._dso_notification(
            self.env._("Rules applied"),
            self.env._(
                "%(count)s customers moved by the rules of %(company)s.",
                count=len(
                    {
                        change.partner_id
                        for change in changes
                        if change.old_scenario_id != change.new_scenario_id
                        or change.old_collector_id != change.new_collector_id
                    }
                ),
                company=company.name,
            ),
        )
