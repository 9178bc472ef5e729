"""Specific actions: created by a collector (or by a status) on chosen
items, out of the collection scenario.

While open, a specific action excludes its items from the scenario (the
planner moves the leader on); it is deleted by the planner when all its
items are paid. This file holds how one is created from items, what its
follow-up is copied from, and the "Change status…" button of an action.
"""

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ...lib.constants import OPEN_STATES

# The content a specific action copies from an existing action ("copy the
# content of an existing action"), on top of its follow-up values.
COPIED_CONTENT = ("subject", "body_html", "sms_body")


class DsoCollectionAction(models.Model):
    _inherit = "dso.collection.action"

    @api.model
    def _dso_create_specific(self, lines, vals):
        """Create the specific actions of ``lines``: one per customer and
        company, listing its items.

        :param lines: ``account.move.line`` open receivable items.
        :param vals: values of the actions (``action_type``, ``date``,
            templates, ``automatic``, ``to_confirm``, ``user_id``, ``name``,
            content ...); ``partner_id``, ``company_id``, ``line_ids`` and
            ``is_specific`` are set here.
        :return: the actions created.
        """
        if not lines:
            raise UserError(
                self.env._(
                    "Select the items the specific action concerns: a specific "
                    "action is always attached to items."
                )
            )
        closed = lines.filtered(lambda line: not line._dso_is_open())
        if closed:
            raise UserError(
                self.env._(
                    "Item %(item)s is paid or not a customer item: a specific "
                    "action follows open items only. Remove it from the selection.",
                    item=closed[0].move_name or closed[0].name,
                )
            )
        vals_list = []
        groups = {}
        for line in lines:
            key = (line.partner_id.commercial_partner_id, line.company_id)
            groups[key] = groups.get(key, line.browse()) | line
        for (partner, company), items in groups.items():
            vals_list.append(
                self._dso_prepare_specific_vals(partner, company, items, vals)
            )
        return self.create(vals_list)

    @api.model
    def _dso_prepare_specific_vals(self, partner, company, items, vals):
        """Values of the specific action of ``partner`` in ``company`` on
        ``items`` (a hook for other modules)."""
        action_vals = {
            key: value
            for key, value in vals.items()
            if key in self._fields and key != "state"
        }
        # Like a scenario step: the company may require every automatic
        # action to be confirmed.
        needs_confirmation = self._dso_needs_confirmation(company, action_vals)
        action_vals.update(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "line_ids": [Command.set(items.ids)],
                "is_specific": True,
                "to_confirm": needs_confirmation,
                "state": "to_confirm" if needs_confirmation else "todo",
                "user_id": action_vals.get("user_id")
                or partner.with_company(company).dso_collector_id.id
                or self.env.user.id,
            }
        )
        return action_vals

    @api.model
    def _dso_copy_values(self, source):
        """Follow-up values (and, from an action, its content) copied from
        ``source``: a scenario step, an action or a mail template."""
        if not source:
            return {}
        if source._name == "mail.template":
            return {"action_type": "email", "mail_template_id": source.id}
        vals = source._dso_followup_values()
        if source._name == self._name:
            vals.update({fname: source[fname] for fname in COPIED_CONTENT})
        return vals

    @api.model
    def _dso_scenario_proposal(self, partners):
        """What following the scenario means for these customers, in one
        line: their next open scenario action."""
        action = self.search(
            [
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("is_specific", "=", False),
                ("state", "in", OPEN_STATES),
            ],
            order="date, id",
            limit=1,
        )
        if not action:
            return self.env._("The scenario proposes no action for now.")
        return self.env._(
            "The scenario proposes: %(step)s on %(date)s",
            step=action.name,
            date=format_date(self.env, action.date),
        )

    def _dso_open_items_for_status(self):
        """The items a "Change status…" from this action qualifies: its own
        open items, else its customer's open items."""
        self.ensure_one()
        items = self.line_ids.filtered(lambda line: line._dso_is_open())
        if not items:
            items = self.env["account.move.line"].search(
                [
                    *self.env["account.move.line"]._dso_open_domain(),
                    ("company_id", "=", self.company_id.id),
                    ("partner_id", "child_of", self.partner_id.id),
                ]
            )
        return items

    def action_dso_change_status(self):
        """The status wizard on this action's items."""
        self.ensure_one()
        if self.state not in OPEN_STATES and not self.line_ids:
            raise UserError(
                self.env._(
                    "Action %(action)s for %(customer)s has no items to qualify: "
                    "open the customer's items instead.",
                    action=self.name,
                    customer=self.partner_id.display_name,
                )
            )
        return self.env["dso.status.change.wizard"]._dso_open(
            self._dso_open_items_for_status(), origin_action=self
        )
