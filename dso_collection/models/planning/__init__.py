"""Planning: the collectors' agenda, planned set-based.

- ``dso_collection_planner.py``: ``dso.collection.planner``, its entry
  points (``_plan`` for a few customers, ``_cron_plan`` the daily scheduled
  action) and one batch from reading to writing.
- ``dso_collection_planner_read.py``: everything a batch needs, read at once
  and turned into the plain values of ``lib/planner_decision.py``.
- ``dso_collection_planner_write.py``: the new cycles and scenario actions
  of a batch, inserted in bulk.
- ``dso_collection_planner_claim.py``: which customers the daily planning
  plans (those with news) and which worker plans them.
- ``dso_collection_plan_state.py``: ``dso.collection.plan.state``, what was
  planned for each customer, to skip customers without news.
- ``dso_collection_simulation.py``: ``dso.collection.simulation``, the
  dunning simulator (reads like the planner, replays ``lib/simulation.py``).
"""

from . import (
    dso_collection_plan_state,
    dso_collection_planner,
    dso_collection_planner_claim,
    dso_collection_planner_read,
    dso_collection_planner_write,
    dso_collection_simulation,
)
