"""Qualification: statuses on items, and specific actions on chosen items.

- ``account_move_line.py``: ``_dso_set_status``, the one path that
  qualifies items (history, chatter, owner, follow-up, replanning), the
  internal status email, the exclusion review and items ignored by hand.
- ``dso_collection_action.py``: specific actions, created by a collector or
  a status on chosen items, out of the scenario.

The statuses and their history are core models (``models/dso_item_status*``);
the "Change status…" wizard is ``wizard/dso_status_change_wizard.py``.
"""

from . import account_move_line, dso_collection_action
