"""Demo data generator of the collection agenda.

Loaded by demo/dso_collection_demo.xml once its customers exist, the way
Odoo's account module generates its demo invoices in Python: every date is
computed from today, so the agenda looks alive whenever the database is
created. Demo only: no business rule lives here, it calls the models' own
methods (posting, payment registration, planning).
"""

from datetime import timedelta
from typing import NamedTuple

from odoo import Command, api, fields, models

from ..models.dso_collection_constants import OPEN_STATES

MAIN_COMPANY = "base.main_company"
INTERNATIONAL_COMPANY = "dso_collection.demo_company_international"


class Document(NamedTuple):
    """A customer invoice or credit note of the demo."""

    key: str  # xml id: dso_collection.demo_invoice_<key>
    customer: str  # xml id of the customer (commercial partner)
    contact: str | None  # xml id of the invoiced contact, if not the customer
    overdue: int  # days past due today (negative: due in the future)
    amount: float  # untaxed amount
    label: str
    move_type: str = "out_invoice"


def _doc(key, overdue, amount, label, contact=None, move_type="out_invoice"):
    customer = "dso_collection.demo_partner_" + key.rsplit("_", 1)[0]
    contact = contact and "dso_collection.demo_partner_" + contact
    return Document(key, customer, contact, overdue, amount, label, move_type)


DOCUMENTS = {
    MAIN_COMPANY: [
        _doc("brightwave_1", 5, 1850.0, "Freight services - regional", "brightwave_ap"),
        _doc("brightwave_2", -10, 2400.0, "Warehousing - monthly fee", "brightwave_ap"),
        _doc("northwind_1", 20, 1275.0, "Cold-chain transport - week 1"),
        _doc("northwind_2", 0, 3200.0, "Cold-chain transport - week 4"),
        _doc("harbor_finch_1", 90, 2300.0, "Project management licences"),
        _doc("harbor_finch_2", 45, 5600.0, "Design review consulting"),
        _doc(
            "cedar_valley_1",
            150,
            8750.0,
            "Maintenance - 1st quarter",
            "cedar_valley_ap",
        ),
        _doc(
            "cedar_valley_2",
            90,
            12400.0,
            "Maintenance - 2nd quarter",
            "cedar_valley_ap",
        ),
        _doc("cedar_valley_3", -25, 4300.0, "On-site training", "cedar_valley_ap"),
        _doc("lakewood_1", 45, 7800.0, "Street lighting survey"),
        _doc("lakewood_2", 20, 2150.0, "Traffic data analysis"),
        _doc("summit_1", 150, 4150.0, "Seasonal stock replenishment"),
        _doc("summit_2", 5, 980.0, "Display fixtures"),
        _doc("pioneer_1", 90, 6450.0, "Laser cutting - order 4471"),
        _doc("pioneer_2", 20, 3300.0, "Laser cutting - order 4520"),
        _doc("greenleaf_1", 0, 760.0, "Delivery rounds - last month"),
        _doc("greenleaf_2", -10, 1120.0, "Delivery rounds - this month"),
        _doc("atlas_1", 5, 15000.0, "Structural study - milestone 2"),
        _doc(
            "atlas_2",
            12,
            1200.0,
            "Credit note: milestone 1 scope reduction",
            move_type="out_refund",
        ),
        _doc(
            "blue_harbor_1", 45, 6100.0, "Linen service - spring", "blue_harbor_finance"
        ),
        _doc(
            "blue_harbor_2", 20, 2890.0, "Linen service - summer", "blue_harbor_finance"
        ),
        _doc("metro_transit_1", 150, 18500.0, "Ticketing upgrade - phase 1"),
        _doc("metro_transit_2", 0, 5200.0, "Ticketing support"),
        _doc("quantum_1", 90, 890.0, "Paper stock"),
        _doc("quantum_2", -25, 1340.0, "Ink cartridges"),
        _doc("silverline_1", 45, 4200.0, "Cloud hosting - annual plan"),
        _doc("oakridge_1", 20, 980.0, "Sterilisation supplies"),
        _doc("oakridge_2", 5, 640.0, "Sterilisation supplies"),
        _doc("redwood_1", 150, 3750.0, "Hardwood panels - batch 1"),
        _doc("redwood_2", 90, 2100.0, "Hardwood panels - batch 2"),
        _doc("redwood_3", 45, 1450.0, "Upholstery fabric"),
    ],
    INTERNATIONAL_COMPANY: [
        _doc("van_dijk_1", 20, 8400.0, "Steel framing - phase 1", "van_dijk_ap"),
        _doc("van_dijk_2", -10, 2100.0, "Steel framing - phase 2", "van_dijk_ap"),
        _doc("lefevre_1", 90, 1200.0, "Packaging design"),
        _doc("lefevre_2", 45, 3150.0, "Packaging print run"),
        _doc("adler_1", 5, 950.0, "Bottling line maintenance"),
        _doc("adler_2", 0, 4800.0, "Bottling line upgrade"),
        _doc("westerhaven_1", 90, 11200.0, "Harbour lighting audit"),
        _doc("westerhaven_2", -25, 2600.0, "Harbour lighting - follow-up"),
    ],
}

# Scenarios of the customers of the second company (those of the main
# company are set in the XML file, which loads in the main company).
INTERNATIONAL_SCENARIOS = {
    "van_dijk": "standard",
    "lefevre": "risky",
    "adler": "standard",
    "westerhaven": "public",
}

# Partial payments: invoice key, amount, days ago.
PARTIAL_PAYMENTS = [
    ("northwind_1", 500.0, 6),
    ("summit_1", 1500.0, 30),
    ("blue_harbor_1", 2000.0, 10),
    ("lefevre_2", 1000.0, 7),
]

# A payment the customer sent without saying what it pays: an open credit.
UNMATCHED_PAYMENT = (
    "dso_collection.demo_partner_silverline",
    1000.0,
    3,
    "Wire transfer SLV-0420 (no invoice reference)",
)

# Statuses: invoice key, status, status date (days from today), comment.
STATUSES = [
    (
        "pioneer_1",
        "dso_collection.dso_item_status_dispute",
        -12,
        "Helen Park disputes the cut tolerances of 40 parts out of 300: "
        "the quality team inspects the returned samples.",
    ),
    (
        "silverline_1",
        "dso_collection.dso_item_status_promise",
        5,
        "Promised on the phone by the accounts payable team.",
    ),
]

# Customers whose scenario already ran for a while: the collector took them
# up `started` days ago and carried out up to `steps` actions, each on its
# date (or on the day the collector took the customer up, if later); the
# next step is on the agenda: late, today or to come.
HISTORY = {
    MAIN_COMPANY: {
        "northwind": (2, 15),
        "harbor_finch": (3, 12),
        "cedar_valley": (2, 30),
        "lakewood": (1, 20),
        "summit": (4, 25),
        "pioneer": (1, 12),
        "greenleaf": (1, 5),
        "blue_harbor": (2, 10),
        "metro_transit": (3, 60),
        "silverline": (1, 14),
        "oakridge": (1, 10),
        "redwood": (4, 30),
    },
    INTERNATIONAL_COMPANY: {
        "van_dijk": (2, 15),
        "lefevre": (3, 15),
        "westerhaven": (2, 30),
    },
}

NOTES = {
    "call": "Called the accounts payable team: the invoice is with the approver.",
    "email": "Reminder sent.",
    "interactive_email": "Interactive reminder sent.",
    "internal_email": "Sales team asked about the customer's situation.",
    "letter": "Reminder letter posted.",
    "registered_letter": "Formal notice sent by registered mail.",
    "sms": "SMS sent to the customer's accountant.",
    "litigation": "File handed over to the litigation department.",
}


class DsoCollectionDemo(models.AbstractModel):
    _name = "dso.collection.demo"
    _description = "Collection demo data"

    @api.model
    def _load_demo_data(self):
        """Documents, payments, statuses, a specific action, some history and
        the planned agenda of both demo companies."""
        if self.env.ref(
            "dso_collection.demo_invoice_brightwave_1", raise_if_not_found=False
        ):
            return  # Loaded already: demo data are reloaded on module update.
        # Quiet writes: no chatter message for each generated document.
        self.with_context(tracking_disable=True, mail_create_nolog=True)._demo_load(
            fields.Date.context_today(self)
        )

    @api.model
    def _demo_load(self, today):
        international = self.env.ref(INTERNATIONAL_COMPANY)
        for name, scenario in INTERNATIONAL_SCENARIOS.items():
            partner = self.env.ref("dso_collection.demo_partner_" + name)
            partner.with_company(international).dso_scenario_id = self.env.ref(
                "dso_collection.dso_collection_scenario_" + scenario
            )
        moves = {}
        for company_xmlid, documents in DOCUMENTS.items():
            company = self.env.ref(company_xmlid)
            moves.update(self._demo_create_documents(company, documents, today))
        # The main company charges late interest and recovery costs, so the
        # hashtags, letters and customer sheets show them.
        main = self.env.ref("base.main_company")
        main.write(
            {
                "dso_default_late_penalty": True,
                "dso_default_recovery_cost": True,
                "dso_penalty_rate_type": "fixed",
                "dso_penalty_fixed_rate": 10.0,
            }
        )
        customers = self.env["res.partner"].concat(
            *(
                move.commercial_partner_id
                for move in moves.values()
                if move.company_id == main
            )
        )
        customers.with_company(main).write(
            {"dso_late_penalty": True, "dso_recovery_cost": True}
        )
        self._demo_register_payments(moves, today)
        self._demo_set_statuses(moves, today)
        self._demo_create_specific_action(moves, today)
        for company_xmlid, history in HISTORY.items():
            self._demo_create_history(self.env.ref(company_xmlid), history, today)
        self._demo_plan(today)

    @api.model
    def _demo_create_documents(self, company, documents, today):
        """Posted invoices and credit notes, in date order (as an accountant
        would have entered them), with an xml id each."""
        Move = self.env["account.move"].with_company(company)
        taxes = company.account_sale_tax_id
        vals_list = []
        for doc in documents:
            due = today - timedelta(days=doc.overdue)
            invoice_date = due if doc.move_type == "out_refund" else due - timedelta(30)
            vals_list.append(
                {
                    "move_type": doc.move_type,
                    "partner_id": self.env.ref(doc.contact or doc.customer).id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_user_id": self.env.ref("base.user_admin").id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": doc.label,
                                "quantity": 1,
                                "price_unit": doc.amount,
                                "tax_ids": [Command.set(taxes.ids)],
                            }
                        )
                    ],
                }
            )
        moves = Move.create(vals_list)
        for move in moves.sorted(lambda move: (move.invoice_date, move.id)):
            move.action_post()
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": f"dso_collection.demo_invoice_{doc.key}",
                    "record": move,
                    "noupdate": True,
                }
                for doc, move in zip(documents, moves, strict=True)
            ]
        )
        return {doc.key: move for doc, move in zip(documents, moves, strict=True)}

    @api.model
    def _demo_register_payments(self, moves, today):
        for key, amount, days_ago in PARTIAL_PAYMENTS:
            move = moves[key]
            self.env["account.payment.register"].with_company(
                move.company_id
            ).with_context(active_model="account.move", active_ids=move.ids).create(
                {
                    "amount": amount,
                    "payment_date": today - timedelta(days=days_ago),
                }
            )._create_payments()
        partner_xmlid, amount, days_ago, memo = UNMATCHED_PAYMENT
        payment = (
            self.env["account.payment"]
            .with_company(self.env.ref(MAIN_COMPANY))
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.env.ref(partner_xmlid).id,
                    "amount": amount,
                    "date": today - timedelta(days=days_ago),
                    "memo": memo,
                }
            )
        )
        payment.action_post()

    @api.model
    def _demo_receivable_line(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    @api.model
    def _demo_set_statuses(self, moves, today):
        admin = self.env.ref("base.user_admin")
        for key, status_xmlid, days, comment in STATUSES:
            self._demo_receivable_line(moves[key]).write(
                {
                    "dso_status_id": self.env.ref(status_xmlid).id,
                    "dso_status_date": today + timedelta(days=days),
                    "dso_comment": comment,
                    "dso_resolution_user_id": admin.id,
                }
            )

    @api.model
    def _demo_create_specific_action(self, moves, today):
        """A call out of scenario about one old invoice: while it is open, the
        invoice is excluded from the scenario."""
        move = moves["quantum_1"]
        action = self.env["dso.collection.action"].create(
            {
                "name": "Call Olivia Grant: payment plan for the paper stock",
                "partner_id": move.partner_id.id,
                "company_id": move.company_id.id,
                "is_specific": True,
                "action_type": "call",
                "date": today + timedelta(days=1),
                "user_id": self.env.ref("dso_collection.demo_user_collector").id,
                "priority": "1",
                "line_ids": [Command.set(self._demo_receivable_line(move).ids)],
            }
        )
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": "dso_collection.demo_action_specific_quantum",
                    "record": action,
                    "noupdate": True,
                }
            ]
        )

    @api.model
    def _demo_create_history(self, company, history, today):
        """Carry out the first scenario actions of some customers in the past,
        so that the agenda shows customers at every stage of their scenario."""
        Action = self.env["dso.collection.action"]
        collector = self.env.ref("dso_collection.demo_user_collector")
        for name, (steps, started) in history.items():
            partner = self.env.ref("dso_collection.demo_partner_" + name)
            done_on = today - timedelta(days=started)
            for _step in range(steps):
                partner.with_company(company)._dso_plan(date=today)
                action = Action.search(
                    [
                        ("partner_id", "=", partner.id),
                        ("company_id", "=", company.id),
                        ("is_specific", "=", False),
                        ("state", "in", OPEN_STATES),
                    ],
                    limit=1,
                )
                if not action or action.date > today:
                    break
                done_on = max(done_on, action.date)
                action.write(
                    {
                        "state": "done",
                        "date_done": done_on,
                        "done_user_id": (action.user_id or collector).id,
                        "note": NOTES.get(action.action_type),
                    }
                )

    @api.model
    def _demo_plan(self, today):
        """The agenda of every company, as the daily cron plans it (it
        commits only as the scheduled action: demo data load inside the
        module installation)."""
        self.env["dso.collection.planner"]._cron_plan(date=today)
