from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class DsoCollectionCommon(AccountTestInvoicingCommon):
    """Companies, a scenario, customers and helpers shared by the tests.

    The scenario used by most tests:
      1. reminder 5 days before the due date (automatic email)
      2. first reminder 5 days after the due date (automatic email, to confirm)
      3. phone call 7 days after the previous action
      4. formal notice 10 days after the previous action
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accountant user of the invoicing fixtures configures collection.
        cls.env.user.groups_id |= cls.env.ref("dso_collection.group_dso_manager")
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "dso_minimum_amount": 0.0,
                "dso_ignore_below": 0.0,
                "dso_confirm_automatic": False,
            }
        )
        cls.scenario = cls.env["dso.collection.scenario"].create(
            {
                "name": "Test scenario",
                "step_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "name": "Pre-due reminder",
                            "action_type": "email",
                            "trigger": "due",
                            "delay": -5,
                            "automatic": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "name": "First reminder",
                            "action_type": "email",
                            "trigger": "due",
                            "delay": 5,
                            "automatic": True,
                            "to_confirm": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 3,
                            "name": "Phone call",
                            "action_type": "call",
                            "trigger": "last_action",
                            "delay": 7,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 4,
                            "name": "Formal notice",
                            "action_type": "registered_letter",
                            "trigger": "last_action",
                            "delay": 10,
                        }
                    ),
                ],
            }
        )
        cls.step_pre, cls.step_first, cls.step_call, cls.step_notice = (
            cls.scenario._get_ordered_steps()
        )
        cls.collector = new_test_user(
            cls.env,
            login="dso_collector",
            name="Colette Collector",
            groups="dso_collection.group_dso_collector",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer = cls._create_customer("Acme Corp")

    @classmethod
    def _create_customer(cls, name, company=None, **vals):
        company = company or cls.company
        partner = (
            cls.env["res.partner"]
            .with_company(company)
            .create({"name": name, "is_company": True, **vals})
        )
        partner.with_company(company).write(
            {"dso_scenario_id": cls.scenario.id, "dso_collector_id": cls.collector.id}
        )
        return partner

    @classmethod
    def _invoice(
        cls,
        partner,
        amount,
        due_date,
        invoice_date=None,
        move_type="out_invoice",
        company=None,
    ):
        """A posted customer invoice (or credit note) with one due date."""
        company = company or cls.company
        due_date = fields.Date.to_date(due_date)
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date or due_date,
                    "invoice_date_due": due_date,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Consulting",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    @staticmethod
    def _receivable(move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    @classmethod
    def _pay(cls, move, amount=None, date=None):
        """Register a customer payment on the invoice (partial if amount given)."""
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "amount": amount if amount is not None else move.amount_residual,
                    "payment_date": date or move.invoice_date,
                    "payment_difference_handling": "open",
                }
            )
        )
        return wizard._create_payments()

    def _plan(self, date, partners=None, company=None):
        partners = partners or self.customer
        partners.with_company(company or self.company)._dso_plan(
            date=fields.Date.to_date(date)
        )

    def _open_actions(self, partner=None, company=None):
        return self.env["dso.collection.action"].search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("company_id", "=", (company or self.company).id),
                ("state", "in", ("todo", "to_confirm")),
            ]
        )

    def _open_action(self, partner=None, company=None):
        actions = self._open_actions(partner, company).filtered(
            lambda action: not action.is_specific
        )
        self.assertLessEqual(len(actions), 1, "at most one open scenario action")
        return actions
