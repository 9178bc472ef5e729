"""Hashtags: the #placeholders of collection templates.

- ``dso_hashtag.py``: ``dso.hashtag``, the list of hashtags and how a
  message is expanded (one rendering engine, Odoo's).
- ``dso_hashtag_syntax.py``: a template's syntax checked when it is saved.
- ``dso_hashtag_values.py``: what each ``#name`` becomes.
- ``dso_hashtag_mixin.py``: ``dso.hashtag.mixin``, the hashtags in mail and
  SMS templates (help, insertion, checks).
- ``mail_template.py``, ``sms_template.py``: the two template models with
  the mixin.
- ``dso_collection_action.py``: the hashtags as fields of the action, what
  Odoo's rendering reads.
"""

# The mixin first: the template models inherit it.
from . import dso_hashtag_mixin

# isort: split
from . import (
    dso_collection_action,
    dso_hashtag,
    dso_hashtag_syntax,
    dso_hashtag_values,
    mail_template,
    sms_template,
)
