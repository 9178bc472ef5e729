from odoo import api, models


class MailTemplate(models.Model):
    """Collection hashtags in email and letter templates (``dso.hashtag.mixin``)."""

    _name = "mail.template"
    _inherit = ["dso.hashtag.mixin", "mail.template"]

    @api.model
    def _dso_hashtag_fields(self):
        return {"subject": False, "body_html": True}
