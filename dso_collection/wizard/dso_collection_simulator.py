from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..lib.constants import ACTION_TYPES

# Short labels: they are badges in the calendar; the note says the rest.
OUTCOMES = [
    ("sent", "Sent automatically"),
    ("done", "Done by collector"),
    ("held", "Held"),
    ("no_recipient", "No email address"),
    ("waiting", "To confirm"),
    ("planned", "After the period"),
]


class DsoCollectionSimulator(models.TransientModel):
    """The dunning simulator's screen: a company, a scenario or a customer,
    a number of days, and the forward calendar of what the planner and the
    automatic sender would do if nobody paid. Thin: the simulation is
    ``dso.collection.simulation._simulate``, which writes nothing; only
    these transient result lines are stored, to be shown."""

    _name = "dso.collection.simulator"
    _description = "Dunning simulator"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    scope = fields.Selection(
        [
            ("company", "All customers"),
            ("scenario", "A scenario"),
            ("partner", "A customer"),
        ],
        required=True,
        default="company",
    )
    scenario_id = fields.Many2one(
        "dso.collection.scenario",
        domain="[('company_id', 'in', (company_id, False))]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        domain="[('is_company', '=', True)]",
    )
    date_from = fields.Date(
        string="From", required=True, default=fields.Date.context_today
    )
    days = fields.Integer(
        string="Days to simulate", required=True, default=30, help="1 to 366."
    )
    assume_manual_done = fields.Boolean(
        string="Collectors do manual actions on their date",
        default=True,
        help="Calls, letters and other manual actions are assumed done on "
        "their date, so the scenario moves on; unchecked, they stay open.",
    )
    assume_confirmed = fields.Boolean(
        string="Collectors confirm automatic emails on their date",
        default=True,
        help="Automatic emails that wait for a confirmation are assumed "
        "confirmed on their date; unchecked, they wait.",
    )
    simulated = fields.Boolean(readonly=True)
    line_ids = fields.One2many(
        "dso.collection.simulator.line", "simulator_id", string="Calendar"
    )
    sent_count = fields.Integer(string="Automatic emails", compute="_compute_counts")
    done_count = fields.Integer(string="Manual actions", compute="_compute_counts")
    held_count = fields.Integer(string="Held", compute="_compute_counts")
    customer_count = fields.Integer(string="Customers", compute="_compute_counts")
    amount_sent = fields.Monetary(
        string="Amount claimed by automatic emails",
        currency_field="currency_id",
        compute="_compute_counts",
        help="Each customer counted once, with the largest amount an automatic "
        "email claims from them in the period.",
    )

    def _compute_display_name(self):
        for simulator in self:
            simulator.display_name = self.env._("Dunning simulation")

    @api.model
    def default_get(self, fields):
        # The web client reads a new record's name from its defaults: the
        # breadcrumb then names the simulation, not a "New" record.
        values = super().default_get(fields)
        if "display_name" in fields:
            values["display_name"] = self.env._("Dunning simulation")
        return values

    @api.depends("line_ids.outcome")
    def _compute_counts(self):
        for simulator in self:
            lines = simulator.line_ids
            outcomes = lines.mapped("outcome")
            sent = lines.filtered(lambda line: line.outcome == "sent")
            simulator.sent_count = len(sent)
            simulator.done_count = outcomes.count("done")
            simulator.held_count = outcomes.count("held")
            simulator.customer_count = len(lines.partner_id)
            # Two reminders to one customer claim the same invoices twice:
            # a customer counts once, at the most claimed from them.
            claimed = {}
            for line in sent:
                claimed[line.partner_id] = max(
                    claimed.get(line.partner_id, 0.0), line.amount
                )
            simulator.amount_sent = sum(claimed.values())

    def action_simulate(self):
        """Run the simulation and show its calendar."""
        self.ensure_one()
        if self.scope == "scenario" and not self.scenario_id:
            raise UserError(self.env._("Choose the scenario to simulate."))
        if self.scope == "partner" and not self.partner_id:
            raise UserError(self.env._("Choose the customer to simulate."))
        Simulation = self.env["dso.collection.simulation"].with_company(self.company_id)
        partner_ids = Simulation._customers_for(
            self.company_id,
            scenario=self.scenario_id if self.scope == "scenario" else None,
            partner=self.partner_id if self.scope == "partner" else None,
        )
        events = Simulation._simulate(
            self.company_id,
            partner_ids,
            self.date_from,
            self.days,
            assume_manual_done=self.assume_manual_done,
            assume_confirmed=self.assume_confirmed,
        )
        hour = Simulation._send_hour(self.company_id)
        self.write(
            {
                "simulated": True,
                "line_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "date": event.date,
                            "time": hour if event.outcome == "sent" else "",
                            "partner_id": event.partner_id,
                            "name": event.action.name,
                            "step_id": event.action.step_id or False,
                            "action_type": event.action.action_type,
                            "is_specific": event.action.is_specific,
                            "automatic": event.action.automatic,
                            "template": event.action.template,
                            "outcome": event.outcome,
                            "amount": event.amount,
                            "note": event.note,
                        }
                    )
                    for event in events
                ],
            }
        )
        # Nothing to open: the form reloads in place and shows the calendar
        # (no second breadcrumb).
        return False


class DsoCollectionSimulatorLine(models.TransientModel):
    _name = "dso.collection.simulator.line"
    _description = "Dunning simulator: one action"
    _order = "date, partner_id, id"

    simulator_id = fields.Many2one(
        "dso.collection.simulator", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="simulator_id.currency_id")
    date = fields.Date(required=True)
    time = fields.Char(string="From", help="When the automatic emails go out.")
    partner_id = fields.Many2one("res.partner", string="Customer")
    name = fields.Char(string="Action")
    step_id = fields.Many2one("dso.collection.step")
    action_type = fields.Selection(ACTION_TYPES, string="Channel")
    is_specific = fields.Boolean(string="Specific")
    automatic = fields.Boolean()
    template = fields.Char()
    outcome = fields.Selection(OUTCOMES)
    amount = fields.Monetary(currency_field="currency_id")
    note = fields.Char()
