"""Sending: carrying collection actions out through their channels.

- ``dso_collection_send.py``: ``dso.collection.send``, the send service:
  content (templates, hashtags), checks, the channel table, email and SMS.
- ``dso_collection_send_recipients.py``: who receives an action, per channel.
- ``dso_collection_send_letter.py``: letters, registered letters, the
  litigation file (PDF).
- ``dso_collection_send_fax.py``: the letter's PDF by email-to-fax.
- ``dso_collection_send_interactive.py``: the answer page link an
  interactive email carries.
- ``dso_collection_send_automatic.py``: the sending window, confirmation,
  the hourly batch (``_cron_send_automatic``).
- ``dso_collection_send_guard.py``: the reconciliation guard that holds
  automatic emails (unmatched payments, open credit notes, old statements).
- ``dso_collection_send_sanitize.py``: the emails' bodies sanitized once
  per shape of body rather than once per email.
- ``dso_collection_send_delivery.py``: what the mail server says back
  (failures, bounces) reopens the action.
- ``mail_mail.py``, ``mail_thread.py``: the mail queue's and the mail
  gateway's side of delivery; the mail queue renders a collection email's
  invoices and statement of account just before it goes.
"""

from . import (
    dso_collection_send,
    dso_collection_send_automatic,
    dso_collection_send_delivery,
    dso_collection_send_fax,
    dso_collection_send_guard,
    dso_collection_send_interactive,
    dso_collection_send_letter,
    dso_collection_send_recipients,
    dso_collection_send_sanitize,
    mail_mail,
    mail_thread,
)
