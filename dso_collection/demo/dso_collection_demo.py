"""Demo data generator of the collection agenda.

Loaded by demo/dso_collection_demo.xml once its customers exist, the way
Odoo's account module generates its demo invoices in Python: every date is
computed from today, so the agenda looks alive whenever the database is
created. Demo only: no business rule lives here, it calls the models' own
methods (posting, payment registration, planning).
"""

from datetime import timedelta

from odoo import Command, api, fields, models

from ..lib.constants import OPEN_STATES
from .dso_collection_demo_data import (
    DOCUMENTS,
    HISTORY,
    INTERNATIONAL_COMPANY,
    INTERNATIONAL_LANGS,
    INTERNATIONAL_SCENARIOS,
    MAIN_COMPANY,
    NOTES,
    PARTIAL_PAYMENTS,
    STATUSES,
    UNMATCHED_PAYMENT,
)


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
        self._demo_set_languages()
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
        # A year of paid invoices and reminders for the KPIs, the prediction
        # and the effectiveness (dso_collection_demo_insight.py), then a
        # customer's answers to validate (dso_collection_demo_interactive.py),
        # then promises, a paid claim and a payment plan
        # (dso_collection_demo_commitment.py).
        self._demo_insight(today)
        self._demo_interactive(today)
        self._demo_commitment(today)
        # Last, the customers' risk with all of the above
        # (dso_collection_demo_risk.py).
        self._demo_risk(today)

    @api.model
    def _demo_set_languages(self):
        """Activate the international customers' languages (this module's
        translations of them load at the end of its installation; the demo
        command loads every module's) and set them on the customers."""
        Lang = self.env["res.lang"]
        for code in sorted(set(INTERNATIONAL_LANGS.values())):
            Lang._activate_lang(code)
        for name, code in INTERNATIONAL_LANGS.items():
            self.env.ref("dso_collection.demo_partner_" + name).lang = code

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
