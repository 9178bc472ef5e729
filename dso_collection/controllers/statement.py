"""The customer's statement of account, downloaded from the answer page and
/my/collection."""

from odoo.addons.portal.controllers.portal import CustomerPortal


class DsoStatementPortal(CustomerPortal):
    pass
