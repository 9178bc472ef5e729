"""Commitments: what the customer says holds the dunning.

- ``dso_payment_promise.py``: ``dso.payment.promise``, a promise of payment
  on items: kept or broken by the daily run, its follow-up when broken.
- ``dso_payment_plan.py``: ``dso.payment.plan``, instalments agreed on
  items: started, reminded, paid off or broken.
- ``dso_payment_plan_installment.py``: ``dso.payment.plan.installment``, one
  instalment of a plan (date, amount, paid or late).
- ``dso_collection_action.py``: the action's part: the instalment a reminder
  is for.
- ``dso_item_feedback.py``: the answer's part: the bank line or payment a
  customer who says it paid speaks of, reconciled in one click.
- ``dso_collection_send.py``: the holds on the customer's word (a pending
  answer, an unhandled reply, an open promise, a running plan), beside the
  reconciliation guard's.
- ``res_partner.py``: the customer's promises and plans, its kept-promise
  rate.
"""

from . import (
    dso_collection_action,
    dso_collection_send,
    dso_item_feedback,
    dso_payment_plan,
    dso_payment_plan_installment,
    dso_payment_promise,
    res_partner,
)
