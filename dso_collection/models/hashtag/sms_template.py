from odoo import api, models


class SmsTemplate(models.Model):
    """Collection hashtags in SMS templates (``dso.hashtag.mixin``)."""

    _name = "sms.template"
    _inherit = ["dso.hashtag.mixin", "sms.template"]

    @api.model
    def _dso_hashtag_fields(self):
        return {"body": False}
