from odoo import models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_dso_change_status(self):
        """The status wizard on this invoice's open receivable items."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line._dso_is_open())
        if not lines:
            raise UserError(
                self.env._(
                    "%(invoice)s has no open receivable item to qualify: it is "
                    "paid, not posted, or not a customer invoice.",
                    invoice=self.display_name,
                )
            )
        return self.env["dso.status.change.wizard"]._dso_open(lines)
