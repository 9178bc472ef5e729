"""Demo of interactive emails: Redwood Furniture Co. received one yesterday
(its link opens the answer page), answered on one invoice (waiting in
Collection > Customer answers), and its managing director has a portal
login (redwood / redwood) to find the same page under /my."""

from datetime import timedelta

from odoo import Command, api, models

INTERACTIVE_CUSTOMER = "dso_collection.demo_partner_redwood"
PORTAL_CONTACT = "dso_collection.demo_partner_redwood_owner"
INTERACTIVE_TEMPLATE = "dso_collection.mail_template_dso_interactive_reminder"


class DsoCollectionDemo(models.AbstractModel):
    _inherit = "dso.collection.demo"

    @api.model
    def _demo_interactive(self, today):
        partner = self.env.ref(INTERACTIVE_CUSTOMER)
        company = self.env.ref("base.main_company")
        partner.with_company(company).dso_interactive_email = True
        lines = self.env["account.move.line"].search(
            [
                *self.env["account.move.line"]._dso_open_domain(),
                ("partner_id", "child_of", partner.id),
                ("company_id", "=", company.id),
            ],
            order="date_maturity, id",
        )
        template = self.env.ref(INTERACTIVE_TEMPLATE, raise_if_not_found=False)
        action = self.env["dso.collection.action"].create(
            {
                "name": "Interactive reminder: Redwood Furniture Co.",
                "partner_id": partner.id,
                "company_id": company.id,
                "is_specific": True,
                "action_type": "interactive_email",
                "date": today - timedelta(days=1),
                "user_id": self.env.ref("base.user_admin").id,
                "mail_template_id": template.id if template else False,
                "line_ids": [Command.set(lines.ids)],
            }
        )
        self.env["dso.collection.send"]._send_now(action)
        # The demo database has no mail server: the email is shown as
        # delivered, so that the mail queue does not report it failed.
        # sudo: only administrators write mails (demo data load as root).
        action.mail_id.sudo().write({"state": "sent"})
        request = action._dso_interactive_request()
        request._dso_submit(
            [
                {
                    "line_id": lines[-1:].id,
                    "kind": "promise",
                    "date": today + timedelta(days=10),
                    "comment": "Our payment run of next week includes it.",
                }
            ],
            author=self.env.ref(PORTAL_CONTACT),
        )
        self._demo_portal_user()
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": "dso_collection.demo_interactive_request_redwood",
                    "record": request,
                    "noupdate": True,
                }
            ]
        )

    @api.model
    def _demo_portal_user(self):
        contact = self.env.ref(PORTAL_CONTACT)
        self.env["res.users"].with_context(no_reset_password=True).create(
            {
                "login": "redwood",
                "password": "redwood",
                "partner_id": contact.id,
                "company_id": self.env.ref("base.main_company").id,
                "company_ids": [Command.set(self.env.ref("base.main_company").ids)],
                "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
