"""A payment plan: instalments agreed with the customer on chosen items.
While it runs, its items leave the scenario and each instalment is reminded
on its own date; a missed instalment breaks it, the last payment ends it."""

from datetime import timedelta

from markupsafe import Markup
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero, format_amount, format_date

from odoo.addons.payment import utils as payment_utils

from ...lib.constants import OPEN_STATES

PLAN_STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("done", "Paid off"),
    ("broken", "Broken"),
    ("cancel", "Cancelled"),
]

PLAN_SCENARIO = "dso_collection.dso_collection_scenario_payment_plan"


class DsoPaymentPlan(models.Model):
    _name = "dso.payment.plan"
    _description = "Payment plan"
    _inherit = ["mail.thread"]
    _order = "id desc"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    name = fields.Char(required=True, default="/", copy=False)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", index=True)
    line_ids = fields.Many2many(
        "account.move.line",
        "dso_payment_plan_line_rel",
        "plan_id",
        "line_id",
        string="Items",
    )
    installment_ids = fields.One2many(
        "dso.payment.plan.installment", "plan_id", string="Instalments"
    )
    state = fields.Selection(
        PLAN_STATES, required=True, default="draft", index=True, tracking=True
    )
    amount_total = fields.Monetary(
        string="Amount agreed",
        readonly=True,
        help="The items' open amount when the plan started.",
    )
    amount_residual = fields.Monetary(
        string="Still due",
        compute="_compute_amount_residual",
        help="What the plan's items still owe.",
    )
    date_start = fields.Date(string="Started on", readonly=True)
    date_closed = fields.Date(string="Ended on", readonly=True)
    note = fields.Text()
    reminder_ids = fields.One2many(
        "dso.collection.action", "plan_id", string="Reminders", readonly=True
    )

    @api.depends("line_ids.amount_residual")
    def _compute_amount_residual(self):
        for plan in self:
            plan.amount_residual = sum(plan.line_ids.mapped("amount_residual"))

    # ------------------------------------------------------------------
    # Starting and cancelling
    # ------------------------------------------------------------------

    @api.model
    def _dso_plan_scenario(self, company):
        """The scenario whose steps remind each instalment: the company's,
        else the shipped one."""
        return company.dso_plan_scenario_id or self.env.ref(
            PLAN_SCENARIO, raise_if_not_found=False
        )

    @api.model
    def _dso_install_plan_scenario(self):
        """At install: the companies without a plan scenario get the
        shipped one."""
        scenario = self.env.ref(PLAN_SCENARIO, raise_if_not_found=False)
        if scenario:
            # sudo: run once at install, for every company whatever the
            # installing user's allowed companies.
            self.env["res.company"].sudo().search(
                [("dso_plan_scenario_id", "=", False)]
            ).write({"dso_plan_scenario_id": scenario.id})

    def _dso_start_errors(self, today):
        """Why this draft plan cannot start (translated), else None."""
        self.ensure_one()
        return next(
            (
                error
                for errors in (
                    self._dso_plan_errors(),
                    self._dso_item_errors(),
                    self._dso_installment_errors(today),
                )
                for error in errors
            ),
            None,
        )

    def _dso_plan_errors(self):
        if self.state != "draft":
            yield self.env._(
                "Payment plan %(plan)s is not a draft: only a draft plan starts.",
                plan=self.display_name,
            )
        if not self.line_ids:
            yield self.env._(
                "Payment plan %(plan)s of %(customer)s has no items: choose the "
                "invoices it pays.",
                plan=self.display_name,
                customer=self.partner_id.display_name,
            )
        if not self.installment_ids:
            yield self.env._(
                "Payment plan %(plan)s of %(customer)s has no instalment: add at "
                "least one (date and amount).",
                plan=self.display_name,
                customer=self.partner_id.display_name,
            )

    def _dso_item_errors(self):
        """The items: open, of this customer and company, in no other
        running plan."""
        customer = self.partner_id.commercial_partner_id
        for line in self.line_ids:
            label = line.move_name or line.name
            if not line._dso_is_open():
                yield self.env._(
                    "Item %(item)s of payment plan %(plan)s is paid or not a "
                    "customer item: remove it from the plan.",
                    item=label,
                    plan=self.display_name,
                )
            if (
                line.partner_id.commercial_partner_id != customer
                or line.company_id != self.company_id
            ):
                yield self.env._(
                    "Item %(item)s of payment plan %(plan)s belongs to another "
                    "customer or company: remove it from the plan.",
                    item=label,
                    plan=self.display_name,
                )
        running = self.search(
            [
                ("id", "!=", self.id),
                ("state", "=", "running"),
                ("line_ids", "in", self.line_ids.ids),
            ],
            limit=1,
        )
        if running:
            common = self.line_ids & running.line_ids
            yield self.env._(
                "Item %(item)s is already in the running payment plan %(other)s: "
                "remove it from plan %(plan)s, or cancel plan %(other)s first.",
                item=common[0].move_name or common[0].name,
                other=running.display_name,
                plan=self.display_name,
            )

    def _dso_installment_errors(self, today):
        """The instalments: positive, from today on, one a day, adding up to
        what the items owe (within the currency's rounding)."""
        rounding = self.currency_id.rounding
        previous = None
        for installment in self.installment_ids.sorted(lambda i: (i.date, i.id)):
            day = format_date(self.env, installment.date)
            if float_compare(installment.amount, 0.0, precision_rounding=rounding) <= 0:
                yield self.env._(
                    "The instalment of %(date)s of payment plan %(plan)s has no "
                    "positive amount: type the amount due on that date.",
                    date=day,
                    plan=self.display_name,
                )
            if installment.date < today:
                yield self.env._(
                    "The instalment of %(date)s of payment plan %(plan)s is in the "
                    "past: move it to today or later.",
                    date=day,
                    plan=self.display_name,
                )
            if previous and installment.date <= previous:
                yield self.env._(
                    "Payment plan %(plan)s has two instalments on %(date)s: give "
                    "each instalment its own date.",
                    date=day,
                    plan=self.display_name,
                )
            previous = installment.date
        due = sum(self.line_ids.mapped("amount_residual"))
        planned = sum(self.installment_ids.mapped("amount"))
        if self.installment_ids and not float_is_zero(
            due - planned, precision_rounding=rounding
        ):
            yield self.env._(
                "The instalments of payment plan %(plan)s add up to %(planned)s "
                "but its items still owe %(due)s: change the amounts so that they "
                "add up to what is due.",
                plan=self.display_name,
                planned=self._dso_amount_text(planned),
                due=self._dso_amount_text(due),
            )

    def _dso_amount_text(self, amount):
        return format_amount(self.env, amount, self.currency_id)

    def action_start(self):
        """Check the plan, run it: its items leave the scenario and each
        instalment gets its reminders."""
        today = fields.Date.context_today(self)
        for plan in self:
            error = plan._dso_start_errors(today)
            if error:
                raise UserError(error)
        for plan in self:
            name = plan.name
            if not name or name == "/":
                name = self.env["ir.sequence"].next_by_code("dso.payment.plan") or "/"
            plan.write(
                {
                    "state": "running",
                    "name": name,
                    "amount_total": sum(plan.line_ids.mapped("amount_residual")),
                    "date_start": today,
                    "date_closed": False,
                    "user_id": plan.user_id.id
                    or plan.partner_id.with_company(plan.company_id).dso_collector_id.id
                    or self.env.user.id,
                }
            )
            plan.installment_ids.write({"state": "open", "amount_paid": 0.0})
            plan._dso_create_reminders(today)
            plan.message_post(body=plan._dso_schedule_note())
        self._dso_replan_customers(today)
        return True

    def action_cancel(self):
        """Cancel a draft or running plan: its items go back to the
        scenario."""
        for plan in self:
            if plan.state not in ("draft", "running"):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s is already closed: only a draft or "
                        "running plan can be cancelled.",
                        plan=plan.display_name,
                    )
                )
        running = self.filtered(lambda plan: plan.state == "running")
        self.write({"state": "cancel", "date_closed": fields.Date.context_today(self)})
        running._dso_cancel_reminders()
        for plan in running:
            plan.message_post(
                body=self.env._(
                    "Payment plan cancelled: its items are back in the scenario."
                )
            )
        running._dso_replan_customers(fields.Date.context_today(self))
        return True

    def _dso_schedule_note(self):
        """The chatter note of a started plan: its schedule."""
        self.ensure_one()
        rows = Markup("").join(
            Markup("<li>%s: %s</li>")
            % (format_date(self.env, inst.date), self._dso_amount_text(inst.amount))
            for inst in self.installment_ids
        )
        return Markup("%s<ul>%s</ul>") % (
            self.env._(
                "Payment plan started on %(count)s items for %(amount)s:",
                count=len(self.line_ids),
                amount=self._dso_amount_text(self.amount_total),
            ),
            rows,
        )

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------

    def _dso_reminder_vals(self, installment, step, today):
        """Values of the reminder of ``installment`` by ``step`` (a hook)."""
        Action = self.env["dso.collection.action"]
        date = max(installment.date + timedelta(days=step.delay), today)
        vals = {
            **step._dso_followup_values(),
            "name": step.name,
            "date": date,
            "installment_id": installment.id,
            "user_id": self.user_id.id,
        }
        return Action._dso_prepare_specific_vals(
            self.partner_id.commercial_partner_id, self.company_id, self.line_ids, vals
        )

    def _dso_create_reminders(self, today):
        """One specific action per instalment and step of the company's plan
        scenario, on the instalment's date plus the step's delay."""
        self.ensure_one()
        scenario = self._dso_plan_scenario(self.company_id)
        steps = scenario._get_ordered_steps() if scenario else []
        vals_list = [
            self._dso_reminder_vals(installment, step, today)
            for installment in self.installment_ids
            for step in steps
        ]
        if not vals_list:
            return self.env["dso.collection.action"]
        # The plan runs before its reminders exist: creating them replans
        # the customer, whose items the plan now excludes.
        self.flush_recordset(["state"])
        return self.env["dso.collection.action"].create(vals_list)

    def _dso_cancel_reminders(self, installments=None):
        """Cancel the open reminders of these plans (of ``installments``
        only when given)."""
        domain = [("state", "in", OPEN_STATES)]
        if installments is not None:
            domain.append(("installment_id", "in", installments.ids))
        else:
            domain.append(("plan_id", "in", self.ids))
        reminders = self.env["dso.collection.action"].search(domain)
        reminders.write({"state": "cancel"})
        return reminders

    def _dso_replan_customers(self, today):
        """Plan the customers of these plans again: their items left or came
        back to the scenario."""
        # The planner reads the plans' state in SQL.
        self.env["dso.payment.plan"].flush_model()
        planner = self.env["dso.collection.planner"]
        for company in self.company_id:
            plans = self.filtered(lambda plan, c=company: plan.company_id == c)
            planner._plan(company, plans.partner_id.commercial_partner_id.ids, today)

    # ------------------------------------------------------------------
    # The daily run
    # ------------------------------------------------------------------

    def _dso_residuals(self):
        """{plan id: what its items still owe}, in one query."""
        if not self:
            return {}
        self.env["account.move.line"].flush_model(["amount_residual"])
        self.env.cr.execute(
            SQL(
                """
                SELECT rel.plan_id, COALESCE(SUM(aml.amount_residual), 0)
                  FROM dso_payment_plan_line_rel rel
                  JOIN account_move_line aml ON aml.id = rel.line_id
                 WHERE rel.plan_id IN %s
              GROUP BY rel.plan_id
                """,
                tuple(self.ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _dso_check_plans(self, today=None):
        """Instalments paid or late, plans paid off or broken, company by
        company. Payments count for the instalments in date order.

        :return: the plans that ended (done or broken) in this run.
        """
        ended = self.browse()
        for company in self.env["res.company"].search([("active", "=", True)]):
            day = today or fields.Date.context_today(self.with_company(company))
            plans = self.search(
                [("company_id", "=", company.id), ("state", "=", "running")]
            )
            if plans:
                ended |= plans._dso_check_company_plans(company, day)
        return ended

    def _dso_check_company_plans(self, company, today):
        residuals = self._dso_residuals()
        grace = timedelta(days=company.dso_plan_grace_days)
        done, broken = self.browse(), {}
        paid_installments = self.env["dso.payment.plan.installment"]
        for plan in self:
            residual = residuals.get(plan.id, 0.0)
            newly_paid, missed = plan._dso_update_installments(
                plan.amount_total - residual, today, grace
            )
            paid_installments |= newly_paid
            if (
                float_compare(
                    residual, 0.0, precision_rounding=plan.currency_id.rounding
                )
                <= 0
            ):
                done |= plan
            elif missed:
                broken[plan] = missed
        if paid_installments:
            self._dso_cancel_reminders(paid_installments)
        if done:
            done.write({"state": "done", "date_closed": today})
            done._dso_cancel_reminders()
            for plan in done:
                plan.message_post(body=self.env._("Payment plan paid off."))
        if broken:
            self._dso_break(broken, today)
        ended = done | self.browse([plan.id for plan in broken])
        ended._dso_replan_customers(today)
        return ended

    def _dso_update_installments(self, paid, today, grace):
        """Spread ``paid`` (what the customer paid since the start) over the
        instalments in date order: each paid, late or open.

        :return: (the instalments paid just now, the first one missed past
            the grace days or None)
        """
        self.ensure_one()
        rounding = self.currency_id.rounding
        newly_paid = self.env["dso.payment.plan.installment"]
        missed = None
        for installment in self.installment_ids.sorted(lambda i: (i.date, i.id)):
            covered = max(min(installment.amount, paid), 0.0)
            paid -= covered
            if (
                float_compare(covered, installment.amount, precision_rounding=rounding)
                >= 0
            ):
                state = "paid"
            elif installment.date < today:
                state = "late"
                if missed is None and installment.date + grace < today:
                    missed = installment
            else:
                state = "open"
            if state == "paid" and installment.state != "paid":
                newly_paid |= installment
            if installment.state != state or float_compare(
                installment.amount_paid, covered, precision_rounding=rounding
            ):
                installment.write({"state": state, "amount_paid": covered})
        return newly_paid, missed

    def _dso_break(self, missed, today):
        """Break these plans: {plan: the instalment missed}. History on each
        item, a call for the collector, reminders cancelled."""
        plans = self.browse([plan.id for plan in missed])
        plans.write({"state": "broken", "date_closed": today})
        plans._dso_cancel_reminders()
        history_vals = []
        Action = self.env["dso.collection.action"]
        for plan, installment in missed.items():
            comment = self.env._(
                "Payment plan %(plan)s broken: the instalment of %(date)s "
                "(%(amount)s) was not paid.",
                plan=plan.name,
                date=format_date(self.env, installment.date),
                amount=self._dso_amount_text(installment.amount),
            )
            items = plan.line_ids.filtered(lambda line: line._dso_is_open())
            history_vals += [
                {
                    "line_id": line.id,
                    "status_id": line.dso_status_id.id,
                    "previous_status_id": line.dso_status_id.id,
                    "status_date": today,
                    "comment": comment,
                    "source": "system",
                }
                for line in items
            ]
            if items:
                Action._dso_create_specific(
                    items,
                    plan._dso_broken_followup_vals(today),
                )
            plan.message_post(body=comment)
        if history_vals:
            # sudo: history rows are read-only for users; the daily run
            # writes these for the plans it broke, on their own items.
            self.env["dso.item.status.history"].sudo().create(history_vals)

    def _dso_broken_followup_vals(self, today):
        """The collector's call when this plan breaks (a hook)."""
        self.ensure_one()
        return {
            "name": self.env._("Broken payment plan: call"),
            "action_type": "call",
            "date": today,
            "automatic": False,
            "to_confirm": False,
            "user_id": self.user_id.id,
        }

    # ------------------------------------------------------------------
    # The customer's page
    # ------------------------------------------------------------------

    @api.model
    def _dso_portal_plans(self, partner, company):
        """The running plans of ``partner`` in ``company`` as the answer page
        and /my/collection show them: [{"plan", "installments": [{"record",
        "due", "pay_url"}]}]. Called in sudo by the page (the visitor may be
        public): only this customer's plans are read."""
        plans = self.search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("state", "=", "running"),
            ],
            order="date_start, id",
        )
        result = []
        for plan in plans:
            can_pay = plan._dso_can_pay()
            installments = []
            for installment in plan.installment_ids:
                due = installment.amount - installment.amount_paid
                installments.append(
                    {
                        "record": installment,
                        "due": due,
                        "pay_url": plan._dso_pay_url(due)
                        if can_pay and installment.state != "paid" and due > 0
                        else False,
                    }
                )
            result.append({"plan": plan, "installments": installments})
        return result

    def _dso_can_pay(self):
        """Whether a payment provider takes this customer's payments."""
        self.ensure_one()
        if "payment.provider" not in self.env:
            return False
        # sudo: providers are configuration the visitor cannot read; only
        # whether one is usable is asked.
        return bool(
            self.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                self.company_id.id,
                self.partner_id.id,
                self.amount_residual,
                currency_id=self.currency_id.id,
            )
        )

    def _dso_pay_url(self, amount):
        """Odoo's payment page for ``amount`` of this plan: on the invoice of
        its oldest open item (the payment lands on it) when in the company's
        currency, else on the customer."""
        self.ensure_one()
        open_items = self.line_ids.filtered(lambda line: line._dso_is_open()).sorted(
            lambda line: (line.date_maturity or line.date, line.id)
        )
        invoice = open_items[:1].move_id
        params = {"amount": amount, "reference": self.name}
        if invoice and invoice.currency_id == self.currency_id:
            partner = invoice.partner_id
            params["invoice_id"] = invoice.id
        else:
            partner = self.partner_id
        params.update(
            {
                "currency_id": self.currency_id.id,
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "access_token": payment_utils.generate_access_token(
                    partner.id, amount, self.currency_id.id
                ),
            }
        )
        return f"/payment/pay?{url_encode(params)}"
