from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, fields
from odoo.tests import HttpCase, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase


class DsoCollectionCommon(AccountTestInvoicingCommon, MailCase):
    """Companies, a scenario, customers and helpers shared by the tests.

    ``MailCase`` brings Odoo's mail gateway mock and asserts
    (``mock_mail_gateway``, ``assertMailMail``, ...): see ``DsoCollectionSMSCommon``
    for the SMS ones.

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
        cls.scenario = cls._create_scenario(
            "Test scenario",
            [
                {
                    "name": "Pre-due reminder",
                    "action_type": "email",
                    "trigger": "due",
                    "delay": -5,
                    "automatic": True,
                },
                {
                    "name": "First reminder",
                    "action_type": "email",
                    "trigger": "due",
                    "delay": 5,
                    "automatic": True,
                    "to_confirm": True,
                },
                {
                    "name": "Phone call",
                    "action_type": "call",
                    "trigger": "last_action",
                    "delay": 7,
                },
                {
                    "name": "Formal notice",
                    "action_type": "registered_letter",
                    "trigger": "last_action",
                    "delay": 10,
                    "mail_template_id": cls.env.ref(
                        "dso_collection.mail_template_dso_formal_notice"
                    ).id,
                },
            ],
        )
        cls.step_pre, cls.step_first, cls.step_call, cls.step_notice = (
            cls.scenario._get_ordered_steps()
        )
        cls.collector = cls._create_collector("dso_collector", "Colette Collector")
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
    def _create_scenario(cls, name, steps, company=None):
        """A scenario whose steps (dicts of step values) follow in the order
        given: their sequence is their position, unless a step sets it."""
        vals = {
            "name": name,
            "step_ids": [
                Command.create({"sequence": sequence, **step})
                for sequence, step in enumerate(steps, start=1)
            ],
        }
        if company:
            vals["company_id"] = company.id
        return cls.env["dso.collection.scenario"].create(vals)

    @classmethod
    def _create_collector(
        cls,
        login,
        name=None,
        company=None,
        groups="dso_collection.group_dso_collector",
    ):
        """A user of one company (the main test company by default), a
        collector unless other groups are given."""
        company = company or cls.company
        return new_test_user(
            cls.env,
            login=login,
            name=name or login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    @classmethod
    def _create_invoice(
        cls,
        partner,
        *,
        amount,
        due_date=None,
        invoice_date=None,
        payment_term=None,
        currency=None,
        company=None,
        move_type="out_invoice",
    ):
        """A posted customer invoice (or credit note) without taxes: one due
        date (``due_date``, else the invoice date) or the instalments of
        ``payment_term``; ``invoice_date`` defaults to the due date."""
        company = company or cls.company
        due_date = fields.Date.to_date(due_date) if due_date else None
        invoice_date = fields.Date.to_date(invoice_date) if invoice_date else due_date
        vals = {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": invoice_date,
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
        if payment_term:
            vals["invoice_payment_term_id"] = payment_term.id
        else:
            vals["invoice_payment_term_id"] = False
            vals["invoice_date_due"] = due_date or invoice_date
        if currency:
            vals["currency_id"] = currency.id
        move = cls.env["account.move"].with_company(company).create(vals)
        move.action_post()
        return move

    @staticmethod
    def _receivable(move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    @classmethod
    def _create_item(cls, partner, amount, due=None, **kwargs):
        """The receivable line (one per instalment with a payment term) of a
        posted invoice made by ``_create_invoice`` from the same arguments;
        ``line.move_id`` is the invoice."""
        return cls._receivable(
            cls._create_invoice(partner, amount=amount, due_date=due, **kwargs)
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

    @classmethod
    def _create_contact(cls, parent, name):
        """A contact person of a customer company."""
        return cls.env["res.partner"].create(
            {"name": name, "parent_id": parent.id, "type": "invoice"}
        )

    def _specific_action(self, lines, date, name="Call about the items", **vals):
        """A specific action (out of scenario) on the given items."""
        return self.env["dso.collection.action"].create(
            {
                "name": name,
                "is_specific": True,
                "partner_id": lines.partner_id.commercial_partner_id.id,
                "company_id": lines.company_id.id,
                "action_type": "call",
                "date": fields.Date.to_date(date),
                "line_ids": [Command.set(lines.ids)],
                **vals,
            }
        )

    def _scenario_actions(self, partner=None, company=None):
        """Every scenario action of a customer, open or not, oldest first."""
        return self.env["dso.collection.action"].search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("company_id", "=", (company or self.company).id),
                ("is_specific", "=", False),
            ],
            order="id",
        )

    def _cycles(self, partner=None, company=None):
        """Every cycle of a customer, oldest first."""
        return self.env["dso.collection.cycle"].search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("company_id", "=", (company or self.company).id),
            ],
            order="id",
        )

    def _customer_view(self, partner=None, company=None):
        """The customer as the collection screens see it in a company, with the
        non-stored collection figures (leader, balance ...) computed afresh."""
        self.env.invalidate_all()
        return (partner or self.customer).with_company(company or self.company)

    def _agenda_snapshot(self, partners, company=None):
        """Everything planning decides for these customers, to compare runs."""
        company = company or self.company
        self.env.invalidate_all()
        actions = self.env["dso.collection.action"].search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
            order="id",
        )
        cycles = self.env["dso.collection.cycle"].search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
            order="id",
        )
        return {
            "actions": [
                (
                    action.id,
                    action.partner_id.id,
                    action.step_id.id,
                    action.cycle_id.id,
                    action.date,
                    action.state,
                    tuple(sorted(action.line_ids.ids)),
                )
                for action in actions
            ],
            "cycles": [(cycle.id, cycle.leader_line_id.id) for cycle in cycles],
        }

    def _count_queries(self, func):
        """Number of SQL queries `func` runs, cache cold and writes flushed."""
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    # Helpers of the automatic-sending tests -------------------------------

    def _run_automatic_cron(self, when):
        """Run the hourly sending of automatic actions at ``when`` (UTC), as
        the scheduled action does: as the superuser."""
        with freeze_time(when):
            self.env["dso.collection.action"].with_user(
                SUPERUSER_ID
            )._cron_send_automatic()
        self.env.invalidate_all()

    def _customer_mails(self, partner=None):
        """Emails queued on the customer's chatter (collection emails)."""
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", (partner or self.customer).id),
                ]
            )
        )


class DsoCollectionMultiCompanyCommon(DsoCollectionCommon):
    """A second company with its own scenario and collector, and a customer
    shared by both companies.

    The scenario of the second company:
      1. phone call 3 days after the due date
      2. letter 10 days after the previous action
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data_2 = cls.setup_other_company()
        cls.company_2 = cls.company_data_2["company"]
        cls.company_2.write(
            {
                "dso_minimum_amount": 0.0,
                "dso_ignore_below": 0.0,
                "dso_confirm_automatic": False,
            }
        )
        cls.scenario_2 = cls._create_scenario(
            "Company 2 scenario",
            [
                {
                    "name": "Call after due date",
                    "action_type": "call",
                    "trigger": "due",
                    "delay": 3,
                },
                {
                    "name": "Reminder letter",
                    "action_type": "letter",
                    "trigger": "last_action",
                    "delay": 10,
                    "mail_template_id": cls.env.ref(
                        "dso_collection.mail_template_dso_second_reminder"
                    ).id,
                },
            ],
            company=cls.company_2,
        )
        cls.step2_call, cls.step2_letter = cls.scenario_2._get_ordered_steps()
        cls.collector_2 = cls._create_collector(
            "dso_collector_2", "Carl Collector", company=cls.company_2
        )
        # A customer of both companies: its collection settings differ per company.
        cls.shared_customer = cls._create_customer("Shared Customer SA")
        cls.shared_customer.with_company(cls.company_2).write(
            {
                "dso_scenario_id": cls.scenario_2.id,
                "dso_collector_id": cls.collector_2.id,
            }
        )


class DsoCollectionHttpCommon(DsoCollectionCommon, HttpCase):
    """The shared fixtures, served to a real browser."""


class DsoCollectionSMSCommon(DsoCollectionCommon, SMSCase):
    """The shared fixtures with Odoo's SMS gateway mock and asserts
    (``mockSMSGateway``, ``assertSMSOutgoing``, ``_find_sms_sms`` ...)."""
