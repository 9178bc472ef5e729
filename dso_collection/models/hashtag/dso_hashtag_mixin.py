"""Hashtags in the templates of collection actions (mail and SMS templates).

One mixin for both kinds of template: the help listing the hashtags, the
check that refuses unknown ones, and the shorthand: before Odoo renders a
field of a collection template, each ``#name`` typed in its text becomes the
expression of its field (``dso.hashtag._expand_qweb_source`` /
``_expand_inline_source``), so that Odoo's rendering is the only one.

A template model lists it before itself (``_inherit = ["dso.hashtag.mixin",
"mail.template"]``) so that its ``_render_template`` runs before Odoo's
(``mail.render.mixin``), which it then calls.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

COLLECTION_MODEL = "dso.collection.action"


class DsoHashtagMixin(models.AbstractModel):
    _name = "dso.hashtag.mixin"
    _description = "Collection hashtags in templates"

    dso_hashtag_help = fields.Text(
        string="Collection hashtags", compute="_compute_dso_hashtag_help"
    )

    def _compute_dso_hashtag_help(self):
        self.dso_hashtag_help = self.env["dso.hashtag"]._get_help()

    @api.model
    def _dso_hashtag_fields(self):
        """The template's fields where collectors write hashtags: {field
        name: whether it is HTML}."""
        return {}

    def _dso_unknown_hashtags(self):
        """The unknown hashtags of this collection template (none for the
        templates of other documents)."""
        self.ensure_one()
        if self.model != COLLECTION_MODEL:
            return []
        Hashtag = self.env["dso.hashtag"]
        unknown = []
        for field_name, is_html in self._dso_hashtag_fields().items():
            for name in Hashtag._find_unknown(self[field_name] or "", is_html):
                if name not in unknown:
                    unknown.append(name)
        return unknown

    @api.constrains(lambda self: [*self._dso_hashtag_fields(), "model_id"])
    def _check_dso_hashtags(self):
        for template in self:
            unknown = template._dso_unknown_hashtags()
            if unknown:
                raise ValidationError(
                    self.env["dso.hashtag"]._unknown_message(template.name, unknown)
                )
            broken = template._dso_syntax_error()
            if broken:
                raise ValidationError(
                    self.env["dso.hashtag"]._syntax_message(template.name, *broken)
                )

    def _dso_syntax_error(self):
        """``(piece, reason)`` of the first expression of this collection
        template that cannot be read, else None (templates of other
        documents are Odoo's)."""
        self.ensure_one()
        if self.model != COLLECTION_MODEL:
            return None
        Hashtag = self.env["dso.hashtag"]
        for field_name, is_html in self._dso_hashtag_fields().items():
            broken = Hashtag._find_syntax_error(self[field_name], is_html)
            if broken:
                return broken
        return None

    @api.model
    def _render_template(
        self,
        template_src,
        model,
        res_ids,
        engine="inline_template",
        add_context=None,
        options=None,
    ):
        """Collection templates: the ``#name`` of the source's text written
        as its field's expression, then Odoo's rendering."""
        if model == COLLECTION_MODEL and template_src:
            Hashtag = self.env["dso.hashtag"]
            if engine == "qweb":
                template_src = Hashtag._expand_qweb_source(template_src)
            elif engine == "inline_template":
                template_src = Hashtag._expand_inline_source(template_src)
        return super()._render_template(
            template_src,
            model,
            res_ids,
            engine=engine,
            add_context=add_context,
            options=options,
        )
