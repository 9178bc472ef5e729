"""Demo of the collection insight: a year of paid invoices for a few
customers of the main company, each with its own way of paying (on time,
after the first reminder, after the interactive email, after the formal
notice ...) and the reminders that were sent before each payment.

The dashboard then shows a 12-month DSO trend, the effectiveness of each
step and template ranks them (the interactive email gets paid fastest),
and the predicted payment dates explain each customer's habit."""

from datetime import timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from odoo import Command, api, models

MAIN_COMPANY = "base.main_company"
TEMPLATES = {
    "first": "dso_collection.mail_template_dso_first_reminder",
    "second": "dso_collection.mail_template_dso_second_reminder",
    "notice": "dso_collection.mail_template_dso_formal_notice",
    "interactive": "dso_collection.mail_template_dso_interactive_reminder",
}


class Habit(NamedTuple):
    """How a customer pays: days late, the reminders sent (template, days
    after the due date), its monthly amount."""

    days_late: int
    reminders: tuple
    amount: float


HABITS = {
    "brightwave": Habit(2, (), 2100.0),
    "northwind": Habit(9, (("first", 5),), 2900.0),
    "lakewood": Habit(12, (("interactive", 7),), 4200.0),
    "summit": Habit(24, (("first", 5), ("second", 15)), 1600.0),
    "pioneer": Habit(38, (("first", 5), ("second", 15), ("notice", 30)), 3800.0),
}
MONTHS = 12


class DsoCollectionDemo(models.AbstractModel):
    _inherit = "dso.collection.demo"

    @api.model
    def _demo_insight(self, today):
        company = self.env.ref(MAIN_COMPANY)
        Move = self.env["account.move"].with_company(company)
        standard = self.env.ref("dso_collection.dso_collection_scenario_standard")
        step_by_template = {step.mail_template_id: step for step in standard.step_ids}
        documents = []
        for months_ago in range(MONTHS + 1, 1, -1):
            invoice_date = (today - relativedelta(months=months_ago)).replace(day=10)
            for name, habit in HABITS.items():
                due = invoice_date + timedelta(days=30)
                paid_on = due + timedelta(days=habit.days_late + months_ago % 3)
                if paid_on >= today:
                    continue
                documents.append((name, habit, invoice_date, due, paid_on, months_ago))
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.env.ref(
                        "dso_collection.demo_partner_" + name
                    ).id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Monthly services",
                                "quantity": 1,
                                "price_unit": habit.amount * (1 + months_ago % 4 / 10),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for name, habit, invoice_date, due, _paid, months_ago in documents
            ]
        )
        moves.action_post()
        actions = []
        for move, (_name, habit, _date, due, _paid, _ago) in zip(
            moves, documents, strict=True
        ):
            line = self._demo_receivable_line(move)
            for key, days in habit.reminders:
                template = self.env.ref(TEMPLATES[key])
                step = step_by_template.get(template)
                done_on = due + timedelta(days=days)
                actions.append(
                    {
                        "name": step.name if step else template.name,
                        "partner_id": move.commercial_partner_id.id,
                        "company_id": company.id,
                        "step_id": step.id if step else False,
                        "is_specific": not step,
                        "action_type": "interactive_email"
                        if key == "interactive"
                        else "email",
                        "mail_template_id": template.id,
                        "automatic": True,
                        "date": done_on,
                        "state": "done",
                        "date_done": done_on,
                        "line_ids": [Command.set(line.ids)],
                    }
                )
        # Past actions: nothing to plan (dso_planning), no activity.
        self.env["dso.collection.action"].with_context(dso_planning=True).create(
            actions
        )
        for move, (_name, _habit, _date, _due, paid_on, _ago) in zip(
            moves, documents, strict=True
        ):
            self.env["account.payment.register"].with_company(company).with_context(
                active_model="account.move", active_ids=move.ids
            ).create({"payment_date": paid_on})._create_payments()
