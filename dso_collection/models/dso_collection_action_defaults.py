"""What a collection action cannot do without, and the name it gets when
nobody gave it one.

Missing values are reported as errors a person can act on (the field and how
to fill it) before anything is written, never as the database's NOT NULL
error; an action created without a name is named from its type and items.
"""

from odoo import api, models
from odoo.exceptions import ValidationError


class DsoCollectionAction(models.Model):
    # One concern of the action model per file (see dso_collection_action.py).
    _inherit = "dso.collection.action"  # pylint: disable=consider-merging-classes-inherited

    def _dso_required_fixes(self):
        """Fields an action cannot do without, and how a person fixes each."""
        return {
            "partner_id": self.env._("choose the customer it concerns"),
            "action_type": self.env._("choose its type (call, email, letter ...)"),
            "date": self.env._("set the day it is due"),
            "company_id": self.env._("choose its company"),
        }

    @api.model
    def _dso_prepare_create_vals(self, vals):
        """The values of a new action, checked and named: defaults are
        applied early only when a required value is missing (the planner
        gives them all)."""
        if any(not vals.get(fname) for fname in self._dso_required_fixes()):
            vals = self._add_missing_default_values(vals)
            self._dso_check_required(vals)
        if not vals.get("name"):
            vals = {**vals, "name": self._dso_default_name(vals)}
        return vals

    def _dso_check_required(self, vals):
        """A clear error instead of the database's NOT NULL one: for a new
        action (``self`` empty) ``vals`` are its values, defaults included;
        for an existing one, the values written."""
        for fname, fix in self._dso_required_fixes().items():
            if (fname in vals or not self) and not vals.get(fname):
                label = self._fields[fname]._description_string(self.env)
                if self:
                    message = self.env._(
                        "Action %(action)s for %(customer)s needs a value in "
                        "“%(field)s”: %(fix)s.",
                        action=self.name,
                        customer=self.partner_id.display_name,
                        field=label,
                        fix=fix,
                    )
                else:
                    message = self.env._(
                        "The new collection action %(action)s needs a value in "
                        "“%(field)s”: %(fix)s.",
                        action=vals.get("name") or "",
                        field=label,
                        fix=fix,
                    )
                raise ValidationError(message)

    @api.model
    def _dso_default_name(self, vals):
        """Name of a new action created without one: its type and items."""
        draft = self.new(
            {key: vals[key] for key in ("action_type", "line_ids") if key in vals}
        )
        return draft._dso_name_from_items()

    def _dso_name_from_items(self):
        """e.g. "Phone call: INV/2026/00012, INV/2026/00015"."""
        self.ensure_one()
        label = dict(self._fields["action_type"]._description_selection(self.env))
        action_type = label.get(self.action_type) or self.env._("Collection action")
        numbers = sorted(self.line_ids.mapped("move_name"))
        if not numbers:
            return action_type
        shown = ", ".join(numbers[:5])
        if len(numbers) > 5:
            shown = self.env._(
                "%(items)s and %(count)s more", items=shown, count=len(numbers) - 5
            )
        return self.env._("%(type)s: %(items)s", type=action_type, items=shown)
