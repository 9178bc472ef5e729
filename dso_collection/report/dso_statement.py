"""The customer's statement of account: open items, not due and overdue by
age band, credits, total; in the customer's language."""

from odoo import models


class ReportDsoStatement(models.AbstractModel):
    _name = "report.dso_collection.report_dso_statement"
    _description = "Statement of account"
