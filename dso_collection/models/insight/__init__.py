"""Insight: what the payment history tells.

- ``res_partner.py``: the customer's payment behaviour (average delay,
  chance of paying late) and its explanation.
- ``dso_collection_step.py``, ``dso_collection_scenario.py``: how well each
  step and template makes customers pay (the scenario's Effectiveness page,
  from ``report/dso_collection_effectiveness.py``).

- ``dso_collection_action.py``: the expected cash impact of the open
  actions (the agenda by cash impact).

The predicted payment date of an item is on ``models/account_move_line.py``.
"""

from . import (
    dso_collection_action,
    dso_collection_scenario,
    dso_collection_step,
    res_partner,
)
