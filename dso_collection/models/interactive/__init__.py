"""Interactive emails: the page where the customer (or a colleague) answers
per item, and what the collector does with the answers.

- ``dso_interactive_request.py``: ``dso.interactive.request``, one link
  (portal token, expiry, submissions) and its page.
- ``dso_item_feedback.py``: ``dso.item.feedback``, one answer on one item:
  recorded from the page, validated or rejected by the collector.
- ``res_partner.py``: the customer's side: its answers to validate, its
  replies by email.
"""

from . import dso_interactive_request, dso_item_feedback, res_partner
