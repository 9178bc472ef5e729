"""Reports: the SQL-view reports (read-only models whose rows a query
computes, ``_auto = False``), the dashboard, and the letters.

- ``dso_report_mixin.py``: what the SQL-view reports share (the union of the
  companies' queries, ratios from the group's sums).
- ``dso_collection_kpi.py``: collection KPIs per company, customer and
  month; ``dso_collection_dashboard.py``: the dashboard reads them.
- ``dso_item_status_report.py``: the qualification of overdue items.
- ``dso_dispute_report.py``: open and resolved disputes.
- ``dso_collection_effectiveness.py``: what customers paid after each
  reminder.
- ``dso_collection_customer.py``: Customers to collect.
- ``dso_collection_letter.py``, ``dso_collection_letter_handover.py``: the
  letters and the litigation hand-over (QWeb PDF reports).
- ``dso_statement.py``: the customer's statement of account (QWeb PDF:
  open items, not due and overdue by age band, credits, total).

Each ``*_views.xml`` beside its model holds its views and menu action.
"""

# The mixin first: the reports inherit it.
from . import dso_report_mixin

# isort: split
from . import (
    dso_collection_customer,
    dso_collection_dashboard,
    dso_collection_effectiveness,
    dso_collection_kpi,
    dso_collection_letter,
    dso_collection_letter_handover,
    dso_dispute_report,
    dso_item_status_report,
    dso_statement,
)
