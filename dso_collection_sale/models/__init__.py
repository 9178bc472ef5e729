"""The bridge's models.

- ``dso_customer_risk.py``: the orders to invoice of the customers' risk
  (``dso.customer.risk._dso_credit_to_invoice``) read from the confirmed
  sale orders, the way ``sale`` computes ``res.partner.credit_to_invoice``.
"""

from . import dso_customer_risk
