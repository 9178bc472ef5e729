"""The collection models.

Directly here, the core: one file per model's own life.

- ``dso_followup_mixin.py``: what is done to follow a customer up (type,
  templates, automatic, to confirm), shared by steps, statuses and actions;
  the "needs confirmation" rule.
- ``dso_collection_batch_mixin.py``: how the scheduled actions commit their
  work batch by batch (the planner and the send service inherit it).
- ``dso_collection_scenario.py``, ``dso_collection_step.py``,
  ``dso_collection_cycle.py``: scenarios, their steps, a scenario's run for
  one leader invoice.
- ``dso_collection_action.py``: the agenda's entries (defaults, buttons,
  activities, interactive link, the public cron names).
- ``dso_item_status.py``, ``dso_item_status_history.py``: statuses of items
  and what was set when, by whom.
- ``dso_reference_rate.py``, ``dso_legal_mentions.py``: the late-payment
  reference rates, and the legal mentions of penalties by country.
- ``account_move.py``, ``account_move_line.py``: invoices and their items
  (open, overdue, excluded, penalties, payment prediction).
- ``res_partner.py``, ``res_company.py``, ``res_config_settings.py``: the
  customer's collection settings, the company's, the Settings screen.
- ``mail_activity.py``: finishing an action's activity finishes the action.

The wings, one concern each (their ``__init__.py`` maps their files):

- ``planning/``: the set-based planner, its plan state, the simulator.
- ``sending/``: carrying actions out through their channels, automatic
  sending, delivery, the reconciliation guard.
- ``hashtag/``: #hashtags in templates and messages.
- ``interactive/``: the answer page: requests, customers' answers, the
  collector's decisions.
- ``qualification/``: qualifying items (statuses, history, review) and
  specific actions.
- ``commitment/``: what the customer says holds the dunning: promises of
  payment, payment plans, the holds on the customer's word.
- ``insight/``: payment prediction, the actions' expected cash impact and
  step effectiveness.
- ``risk/``: customer risk: credit limits in use, risk classes and their
  history, the risk agenda, the scenario assignment rules, the alerts.
"""

# The mixins first: the models below inherit them.
from . import dso_collection_batch_mixin, dso_followup_mixin

# isort: split
from . import (
    account_move,
    account_move_line,
    dso_collection_action,
    dso_collection_cycle,
    dso_collection_scenario,
    dso_collection_step,
    dso_item_status,
    dso_item_status_history,
    dso_legal_mentions,
    dso_reference_rate,
    mail_activity,
    res_company,
    res_config_settings,
    res_partner,
)

# isort: split
from . import hashtag, insight, interactive, planning, qualification, risk, sending

# isort: split
# Commitments extend the send service and the action of the wings above.
from . import commitment
