from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        """The answer links of merged customers stop working before their
        requests move to the customer they are merged into: an old link
        must not open another customer's invoices."""
        self.env["dso.interactive.request"]._dso_cancel_for_partners(src_partners)
        return super()._update_foreign_keys(src_partners, dst_partner)
