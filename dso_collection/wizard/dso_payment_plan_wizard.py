"""Agree a payment plan on chosen items: instalments computed (count, first
date, period) or typed (amounts and dates)."""

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

# The status wizard this file extends (its "Agree a payment plan" button)
# must be defined first: this package imports its files alphabetically.
from . import dso_status_change_wizard  # noqa: F401

PERIODS = [("week", "Weeks"), ("month", "Months")]


class DsoPaymentPlanWizard(models.TransientModel):
    _name = "dso.payment.plan.wizard"
    _description = "Agree a payment plan"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.Many2many(
        "account.move.line",
        string="Items",
        domain="[('partner_id', 'child_of', partner_id),"
        " ('company_id', '=', company_id), ('dso_is_open', '=', True),"
        " ('dso_payment_plan_ids', 'not any', [('state', '=', 'running')])]",
    )
    wizard_line_ids = fields.One2many(
        "dso.payment.plan.wizard.line", "wizard_id", string="Instalments"
    )
    amount_total = fields.Monetary(string="Amount due", compute="_compute_amount_total")
    installment_count = fields.Integer(string="Number of instalments", default=3)
    date_first = fields.Date(
        string="First instalment",
        default=lambda self: fields.Date.context_today(self) + relativedelta(months=1),
    )
    period = fields.Selection(PERIODS, string="Every", default="month", required=True)
    period_count = fields.Integer(string="Period", default=1)
    note = fields.Text()

    @api.depends("line_ids")
    def _compute_amount_total(self):
        for wizard in self:
            wizard.amount_total = sum(wizard.line_ids.mapped("amount_residual"))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if values.get("partner_id") and not values.get("line_ids"):
            company = self.env["res.company"].browse(
                values.get("company_id") or self.env.company.id
            )
            values["line_ids"] = [
                Command.set(
                    self._dso_default_items(
                        self.env["res.partner"].browse(values["partner_id"]), company
                    ).ids
                )
            ]
        return values

    @api.model
    def _dso_default_items(self, partner, company):
        """The customer's open items that no running plan pays yet."""
        Line = self.env["account.move.line"]
        return Line.search(
            [
                *Line._dso_open_domain(),
                ("company_id", "=", company.id),
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("dso_payment_plan_ids", "not any", [("state", "=", "running")]),
            ],
            order="date_maturity, id",
        )

    @api.model
    def _dso_schedule(self, total, count, date_first, period, period_count, currency):
        """``count`` instalments of ``total`` from ``date_first``, one every
        ``period_count`` weeks or months; the last takes the rounding rest.
        :return: [(date, amount)]"""
        if count < 1:
            raise UserError(self.env._("Set the number of instalments: at least one."))
        if not date_first:
            raise UserError(self.env._("Set the date of the first instalment."))
        step = max(period_count, 1)
        share = float_round(total / count, precision_rounding=currency.rounding)
        schedule = []
        for index in range(count):
            delta = (
                relativedelta(weeks=step * index)
                if period == "week"
                else relativedelta(months=step * index)
            )
            amount = share if index < count - 1 else total - share * (count - 1)
            schedule.append(
                (
                    date_first + delta,
                    float_round(amount, precision_rounding=currency.rounding),
                )
            )
        return schedule

    @api.onchange(
        "line_ids", "installment_count", "date_first", "period", "period_count"
    )
    def _onchange_schedule(self):
        if self.installment_count < 1 or not self.date_first:
            return
        self.wizard_line_ids = [Command.clear()] + [
            Command.create({"date": date, "amount": amount})
            for date, amount in self._dso_schedule(
                self.amount_total,
                self.installment_count,
                self.date_first,
                self.period,
                self.period_count,
                self.currency_id,
            )
        ]

    def action_compute(self):
        """Compute the instalments again (the button of the form)."""
        self.ensure_one()
        self._onchange_schedule()
        return self._dso_reopen()

    def _dso_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _dso_plan_vals(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self.partner_id.commercial_partner_id.with_company(
                self.company_id
            ).dso_collector_id.id
            or self.env.user.id,
            "line_ids": [Command.set(self.line_ids.ids)],
            "note": self.note,
            "installment_ids": [
                Command.create({"date": line.date, "amount": line.amount})
                for line in self.wizard_line_ids
            ],
        }

    def action_agree(self):
        """Create the plan and start it (its checks run first: nothing is
        left half-written)."""
        self.ensure_one()
        if not self.wizard_line_ids:
            self._onchange_schedule()
        plan = self.env["dso.payment.plan"].create(self._dso_plan_vals())
        plan.action_start()
        return {
            "type": "ir.actions.act_window",
            "res_model": "dso.payment.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }


class DsoPaymentPlanWizardLine(models.TransientModel):
    _name = "dso.payment.plan.wizard.line"
    _description = "Instalment of a payment plan to agree"
    _order = "date, id"

    wizard_id = fields.Many2one(
        "dso.payment.plan.wizard", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)


class DsoStatusChangeWizard(models.TransientModel):
    _inherit = "dso.status.change.wizard"

    def action_dso_payment_plan(self):
        """Agree a payment plan on the wizard's items instead of a status."""
        self.ensure_one()
        customers = self.line_ids.partner_id.commercial_partner_id
        if len(customers) != 1 or len(self.line_ids.company_id) != 1:
            raise UserError(
                self.env._(
                    "A payment plan is agreed with one customer in one company: "
                    "select the items of a single customer."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Agree a payment plan"),
            "res_model": "dso.payment.plan.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": customers.id,
                "default_company_id": self.line_ids.company_id.id,
                "default_line_ids": [Command.set(self.line_ids.ids)],
            },
        }
