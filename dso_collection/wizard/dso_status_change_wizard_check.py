"""The checks of the "Change status…" wizard, done before it writes
anything."""

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class DsoStatusChangeWizard(models.TransientModel):
    _inherit = "dso.status.change.wizard"  # pylint: disable=consider-merging-classes-inherited

    def _dso_check_apply(self, lines):
        """Refused before anything is written: an item of a company the
        user does not work in, a specific action dated before today."""
        # sudo: only the companies of the items are read, to name them in
        # the refusal; the items themselves are written as the user.
        foreign = lines.sudo().filtered(
            lambda line: line.company_id not in self.env.user.company_ids
        )
        if foreign:
            raise UserError(
                self.env._(
                    "Item %(item)s belongs to %(company)s, a company you do not "
                    "work in: remove it from the selection.",
                    item=foreign[0].move_name,
                    company=foreign[0].company_id.name,
                )
            )
        today = fields.Date.context_today(self)
        if (
            self.next_action == "specific"
            and self.action_date
            and self.action_date < today
        ):
            raise UserError(
                self.env._(
                    "The next action on %(items)s is dated %(date)s, before today: "
                    "choose today or a later date.",
                    items=", ".join(lines.mapped("move_name")),
                    date=format_date(self.env, self.action_date),
                )
            )
