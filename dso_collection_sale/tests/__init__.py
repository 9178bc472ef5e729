from . import test_credit_to_invoice
