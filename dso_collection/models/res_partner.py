from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..lib.constants import OPEN_STATES
from ..lib.planner_decision import find_leader


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_scenario_id = fields.Many2one(
        "dso.collection.scenario",
        string="Collection scenario",
        company_dependent=True,
        domain="[('company_id', 'in', (current_company_id, False))]",
        help="Dunning steps followed for this customer in the current company; "
        "empty customers follow the company's default scenario.",
    )
    dso_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        domain="[('share', '=', False)]",
    )
    dso_late_penalty = fields.Boolean(
        string="Late-payment penalties", company_dependent=True
    )
    dso_recovery_cost = fields.Boolean(string="Recovery costs", company_dependent=True)
    dso_interactive_email = fields.Boolean(
        string="Interactive emails",
        company_dependent=True,
        help="Interactive emails carry a link to a page where the customer "
        "answers on each invoice; off, they are sent as plain emails.",
    )
    # Odoo 18 has no fax field on partners: the collection fax number.
    dso_fax = fields.Char(
        string="Fax",
        help="Fax number of collection faxes; read in the customer's country "
        "unless it starts with + and the country code.",
    )
    dso_leader_line_id = fields.Many2one(
        "account.move.line",
        string="Leader invoice",
        compute="_compute_dso_collection",
        help="Open invoice with the oldest due date that is not excluded: the "
        "scenario steps are timed from it.",
    )
    dso_action_ids = fields.One2many(
        "dso.collection.action", "partner_id", string="Collection actions"
    )
    dso_next_action_id = fields.Many2one(
        "dso.collection.action",
        string="Next action",
        compute="_compute_dso_collection",
    )
    dso_next_action_date = fields.Date(
        string="Next action on", compute="_compute_dso_next_action_date"
    )
    dso_open_line_ids = fields.Many2many(
        "account.move.line",
        string="Open items",
        compute="_compute_dso_collection",
    )
    dso_currency_id = fields.Many2one(
        "res.currency", string="Collection currency", compute="_compute_dso_collection"
    )
    dso_balance = fields.Monetary(
        string="Open balance",
        compute="_compute_dso_collection",
        currency_field="dso_currency_id",
    )
    dso_overdue_amount = fields.Monetary(
        string="Overdue amount",
        compute="_compute_dso_collection",
        currency_field="dso_currency_id",
    )
    dso_penalty_amount = fields.Monetary(
        string="Late interest",
        compute="_compute_dso_penalties",
        currency_field="dso_currency_id",
        help="Late-payment interest of the overdue items as of today.",
    )
    dso_recovery_cost_amount = fields.Monetary(
        string="Recovery costs due",
        compute="_compute_dso_penalties",
        currency_field="dso_currency_id",
        help="Recovery costs of the late invoices.",
    )
    dso_to_collect = fields.Boolean(
        string="To collect",
        compute="_compute_dso_collection",
        search="_search_dso_to_collect",
        help="Has open receivable items in the current company.",
    )

    @api.depends_context("company", "tz")
    def _compute_dso_collection(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        customers = self.filtered("id").commercial_partner_id
        planner = self.env["dso.collection.planner"]
        items_by_partner = planner._read_open_items(company, customers.ids, today)
        next_actions = {}
        if customers:
            for action in self.env["dso.collection.action"].search(
                [
                    ("partner_id", "in", customers.ids),
                    ("company_id", "=", company.id),
                    ("state", "in", OPEN_STATES),
                ],
                order="date desc, id desc",
            ):
                next_actions[action.partner_id.id] = action
        Line = self.env["account.move.line"]
        for partner in self:
            items = items_by_partner.get(partner.commercial_partner_id.id, [])
            leader = find_leader(items)
            partner.dso_currency_id = company.currency_id
            partner.dso_leader_line_id = Line.browse(leader.id if leader else [])
            partner.dso_next_action_id = next_actions.get(
                partner.commercial_partner_id.id
            )
            partner.dso_open_line_ids = Line.browse([item.id for item in items])
            partner.dso_balance = sum(item.residual for item in items)
            partner.dso_overdue_amount = sum(
                item.residual for item in items if item.overdue
            )
            partner.dso_to_collect = bool(items)

    @api.depends_context("company")
    def _compute_dso_next_action_date(self):
        for partner in self:
            partner.dso_next_action_date = partner.dso_next_action_id.date

    @api.depends_context("company", "tz")
    def _compute_dso_penalties(self):
        """Totals in the company currency of the items' penalties."""
        company = self.env.company
        today = fields.Date.context_today(self)
        for partner in self:
            interest = cost = 0.0
            for line in partner.dso_open_line_ids:
                interest += line.currency_id._convert(
                    line.dso_penalty_amount, company.currency_id, company, today
                )
                cost += line.currency_id._convert(
                    line.dso_recovery_cost_amount, company.currency_id, company, today
                )
            partner.dso_penalty_amount = interest
            partner.dso_recovery_cost_amount = cost

    def _search_dso_to_collect(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(
                self.env._("To collect only supports = True / False.")
            )
        query = SQL(
            "(SELECT p.commercial_partner_id %s)",
            self.env["dso.collection.planner"]._open_receivables_sql(self.env.company),
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", query)]

    def _dso_plan(self, date=None):
        """Plan the collection agenda of these customers in the current company.

        Applies the scenario rules (readme/USAGE.md, "Glossary and scenario
        rules") to the commercial partners
        of ``self``; idempotent, safe to call at any time.
        """
        self.env["dso.collection.planner"]._plan(
            self.env.company,
            self.commercial_partner_id.ids,
            date or fields.Date.context_today(self),
        )
        return True

    def action_dso_plan(self):
        """Button: plan the customer's agenda now, and say what comes next."""
        self._dso_plan()
        return self._dso_notification(
            self.env._("Planned"), self._dso_next_action_message()
        )

    def _dso_assign_collection(self, scenario=None, collector=None):
        """Give these customers ``scenario`` and/or ``collector`` in the
        current company (the fields are company-dependent), then replan
        them. Checked first: the scenario and the collector must belong to
        the company."""
        company = self.env.company
        scenario = scenario or self.env["dso.collection.scenario"]
        collector = collector or self.env["res.users"]
        if scenario.company_id and scenario.company_id != company:
            raise UserError(
                self.env._(
                    "Scenario %(scenario)s belongs to %(other)s: choose a scenario "
                    "of %(company)s or one shared by all companies.",
                    scenario=scenario.name,
                    other=scenario.company_id.name,
                    company=company.name,
                )
            )
        if collector and (collector.share or company not in collector.company_ids):
            raise UserError(
                self.env._(
                    "%(user)s cannot collect for %(company)s: choose an internal user "
                    "allowed in that company.",
                    user=collector.name,
                    company=company.name,
                )
            )
        vals = {}
        if scenario:
            vals["dso_scenario_id"] = scenario.id
        if collector:
            vals["dso_collector_id"] = collector.id
        if not vals:
            raise UserError(
                self.env._("Choose a scenario, a collector or both to assign.")
            )
        customers = self.commercial_partner_id.with_company(company)
        customers.write(vals)
        customers._dso_plan()
        return customers

    def _dso_next_action_message(self, limit=5):
        """What comes next for these customers in the current company: one
        sentence each, e.g. "Next for Acme: First reminder (Email) on
        03/12/2026" or "Nothing more planned for Acme"."""
        customers = self.commercial_partner_id
        actions = self.env["dso.collection.action"].search(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "in", OPEN_STATES),
            ],
            order="date, id",
        )
        next_by_customer = {}
        for action in actions:
            next_by_customer.setdefault(action.partner_id, action)
        types = dict(actions._fields["action_type"]._description_selection(self.env))
        sentences = []
        for customer in customers[:limit]:
            action = next_by_customer.get(customer)
            if action:
                # The type once: not after a name that already says it.
                sentences.append(
                    self.env._(
                        "Next for %(customer)s: %(action)s (%(type)s) on %(date)s",
                        customer=customer.display_name,
                        action=action.name,
                        type=types[action.action_type],
                        date=format_date(self.env, action.date),
                    )
                    if types[action.action_type] not in (action.name or "")
                    else self.env._(
                        "Next for %(customer)s: %(action)s on %(date)s",
                        customer=customer.display_name,
                        action=action.name,
                        date=format_date(self.env, action.date),
                    )
                )
            else:
                sentences.append(
                    self.env._(
                        "Nothing more planned for %(customer)s",
                        customer=customer.display_name,
                    )
                )
        if len(customers) > limit:
            sentences.append(
                self.env._(
                    "... and %(count)s more customers: see the agenda.",
                    count=len(customers) - limit,
                )
            )
        return "\n".join(sentences)

    @api.model
    def _dso_notification(self, title, message):
        """A notification, then the screen reloaded (a button's answer)."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": "success",
                "sticky": False,
                # One line per customer.
                "className": "text-prewrap",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_dso_open_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_collection.dso_collection_action_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_is_specific": True,
            "search_default_filter_open": 1,
        }
        return action

    def action_dso_new_specific_action(self):
        """The creation form of a specific action (out of the collection
        scenario) for this customer, its open items to pick."""
        self.ensure_one()
        customer = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New action (out of collection scenario)"),
            "res_model": "dso.collection.action",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_partner_id": customer.id,
                "default_is_specific": True,
                "default_company_id": self.env.company.id,
            },
        }

    def action_dso_change_status(self):
        """The status wizard on this customer's open items, to pick from."""
        self.ensure_one()
        return self.env["dso.status.change.wizard"]._dso_open(
            self.commercial_partner_id.dso_open_line_ids
        )

    def _dso_collection_contacts(self):
        """Who receives collection emails: the invoicing contacts with an
        email, else the customer itself, else its other contacts."""
        self.ensure_one()
        customer = self.commercial_partner_id
        contacts = customer.child_ids.filtered(
            lambda contact: contact.type == "invoice" and contact.email
        )
        if not contacts and customer.email:
            contacts = customer
        if not contacts:
            contacts = customer.child_ids.filtered("email")
        return contacts

    def _dso_sms_number(self, raise_exception=True):
        """The customer's mobile (else phone) in E.164, from the customer or
        its contacts, read with the contact's (else the customer's, else the
        company's) country by Odoo's ``_phone_format``. Without a valid
        number: a UserError saying why, or False (``raise_exception=False``)."""
        self.ensure_one()
        customer = self.commercial_partner_id
        contacts = customer | customer.child_ids.sorted(
            lambda contact: contact.type != "invoice"
        )
        number, tried = self._dso_first_valid_number(
            ("mobile", "phone"),
            contacts,
            lambda contact, number, country: contact._phone_format(
                number=number, country=country, force_format="E164"
            ),
        )
        if number:
            return number
        if not raise_exception:
            return False
        if tried:
            raise UserError(
                self.env._(
                    "No valid mobile number for %(customer)s (%(numbers)s): correct "
                    "the number or the country of the customer, then send the SMS "
                    "again.",
                    customer=customer.display_name,
                    numbers=", ".join(tried),
                )
            )
        raise UserError(
            self.env._(
                "%(customer)s has no mobile or phone number: add one to the customer, "
                "then send the SMS again.",
                customer=customer.display_name,
            )
        )

    def _dso_first_valid_number(self, field_names, contacts, normalize):
        """The first number of these ``contacts`` of the customer that
        ``normalize(contact, number, country)`` accepts, field by field
        (``field_names`` in order), each read in the contact's country,
        else the customer's, else the company's. The one rule of the SMS
        and fax channels.

        :return: ``(normalized number or False, [the numbers tried])``
        """
        self.ensure_one()
        customer = self.commercial_partner_id
        tried = []
        for field in field_names:
            for contact in contacts:
                number = contact[field]
                if not number:
                    continue
                tried.append(number)
                country = (
                    contact.country_id
                    or customer.country_id
                    or self.env.company.country_id
                )
                normalized = normalize(contact, number, country)
                if normalized:
                    return normalized, tried
        return False, tried
