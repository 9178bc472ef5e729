from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SmsTemplate(models.Model):
    _inherit = "sms.template"

    dso_hashtag_help = fields.Text(
        string="Collection hashtags", compute="_compute_dso_hashtag_help"
    )

    def _compute_dso_hashtag_help(self):
        self.dso_hashtag_help = self.env["dso.hashtag"]._get_help()

    @api.constrains("body", "model_id")
    def _check_dso_hashtags(self):
        Hashtag = self.env["dso.hashtag"]
        for template in self.filtered(lambda t: t.model == "dso.collection.action"):
            unknown = Hashtag._find_unknown(template.body or "")
            if unknown:
                raise ValidationError(Hashtag._unknown_message(template.name, unknown))
