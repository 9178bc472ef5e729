"""Risk: who may not pay, and what the credit manager does about it.

- ``dso_risk_score_mixin.py``: what a risk score is made of (the inputs of
  ``lib/risk.py``) and the sentence that explains it.
- ``dso_customer_risk.py``: ``dso.customer.risk``, a customer's class,
  score, orders to invoice, credit review date and scenario provenance in
  a company; the daily refresh, set-based, and the alerts.
- ``dso_risk_history.py``: ``dso.risk.history``, each change of class and
  each move by an assignment rule.
- ``dso_risk_review.py``: ``dso.risk.review``, the risk agenda: reviews
  due, customers over their limit or whose class worsened; "Review done".
- ``dso_scenario_rule.py``: ``dso.scenario.rule``, the assignment rules of
  scenarios and collectors, their preview and how they are applied.
- ``res_partner.py``: the credit limit in use and the risk on the customer
  sheet; a limit or a scenario changed by hand.
- ``res_company.py``, ``res_config_settings.py``: the weights, the classes'
  thresholds, the review delays, the credit manager.
"""

from . import (
    dso_risk_score_mixin,
    res_company,
    res_config_settings,
)

# isort: split
from . import (
    dso_customer_risk,
    dso_risk_history,
    dso_risk_review,
    dso_scenario_rule,
    res_partner,
)
