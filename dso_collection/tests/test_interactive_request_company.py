from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DsoCollectionMultiCompanyCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestInteractiveRequestCompany(DsoCollectionMultiCompanyCommon):
    """A request created through the API takes its company from its items,
    and refuses items of several companies with a clear message."""

    def test_items_of_several_companies_are_refused(self):
        line = self._create_item(self.shared_customer, 100, "2026-02-01")
        line_2 = self._create_item(
            self.shared_customer, 200, "2026-02-01", company=self.company_2
        )
        Request = self.env["dso.interactive.request"].sudo()
        with self.assertRaisesRegex(ValidationError, "one request per company"):
            Request.create(
                {
                    "partner_id": self.shared_customer.id,
                    "line_ids": [Command.set((line | line_2).ids)],
                }
            )
        request = Request.create(
            {
                "partner_id": self.shared_customer.id,
                "line_ids": [Command.set(line_2.ids)],
            }
        )
        self.assertEqual(request.company_id, self.company_2)
        with self.assertRaisesRegex(ValidationError, "one request per company"):
            request.line_ids = [Command.link(line.id)]
