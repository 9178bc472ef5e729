"""The customer's commitments: its promises and payment plans, and how
often it keeps its promises."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# Over how many months the kept-promise rate is measured.
PROMISE_RATE_MONTHS = 12


class ResPartner(models.Model):
    _inherit = "res.partner"

    dso_promise_ids = fields.One2many(
        "dso.payment.promise", "partner_id", string="Promises of payment"
    )
    dso_plan_ids = fields.One2many(
        "dso.payment.plan", "partner_id", string="Payment plans"
    )
    dso_promise_kept_rate = fields.Float(
        string="Promises kept (%)",
        compute="_compute_dso_promise_stats",
        digits=(16, 0),
        help="Share of the customer's promises of payment closed in the last 12 "
        "months (current company) that were kept: kept / (kept + broken).",
    )
    dso_promise_closed_count = fields.Integer(
        string="Promises kept or broken",
        compute="_compute_dso_promise_stats",
        help="Promises of payment kept or broken in the last 12 months.",
    )
    dso_promise_kept_summary = fields.Char(
        string="Promises kept",
        compute="_compute_dso_promise_stats",
    )
    dso_promise_open_count = fields.Integer(
        string="Open promises", compute="_compute_dso_promise_stats"
    )

    @api.depends_context("company")
    def _compute_dso_promise_stats(self):
        company = self.env.company
        partners = self.commercial_partner_id
        stats = self._dso_promise_stats(company, partners.ids)
        open_counts = dict(
            self.env["dso.payment.promise"]._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "=", "open"),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            kept, broken = stats.get(commercial.id, (0, 0))
            rate = self._dso_promise_rate(kept, broken)
            partner.dso_promise_kept_rate = rate or 0.0
            partner.dso_promise_closed_count = kept + broken
            partner.dso_promise_kept_summary = self._dso_promise_summary(kept, broken)
            partner.dso_promise_open_count = open_counts.get(commercial, 0)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_dso_open_promises(self):
        """The customer's promises of payment (the smart button)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_collection.dso_payment_promise_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "search_default_filter_open": 1,
        }
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _dso_promise_stats(self, company, partner_ids, today=None):
        """Promises kept and broken in the last 12 months by these customers
        (commercial partner ids) in ``company``, in one query: {partner id:
        (kept, broken)}."""
        if not partner_ids:
            return {}
        today = today or fields.Date.context_today(self)
        groups = self.env["dso.payment.promise"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", list(partner_ids)),
                ("state", "in", ("kept", "broken")),
                ("date_closed", ">", today - relativedelta(months=PROMISE_RATE_MONTHS)),
            ],
            ["partner_id", "state"],
            ["__count"],
        )
        stats = {}
        for partner, state, count in groups:
            kept, broken = stats.get(partner.id, (0, 0))
            if state == "kept":
                kept += count
            else:
                broken += count
            stats[partner.id] = (kept, broken)
        return stats

    @api.model
    def _dso_promise_rate(self, kept, broken):
        """The kept-promise rate (%), ``None`` without a closed promise."""
        if not kept + broken:
            return None
        return 100.0 * kept / (kept + broken)

    @api.model
    def _dso_promise_summary(self, kept, broken):
        """e.g. "3 of 4 kept (75 %), last 12 months", or "No promise yet"."""
        if not kept + broken:
            return self.env._("No promise yet")
        return self.env._(
            "%(kept)s of %(total)s kept (%(rate)s %%), last 12 months",
            kept=kept,
            total=kept + broken,
            rate=round(self._dso_promise_rate(kept, broken)),
        )
