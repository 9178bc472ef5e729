"""Values shared by the collection models, defined once.

Selections are translated where they are declared (``fields.Selection``);
these are their keys and labels, and the groups of keys the rules use.
"""

ACTION_TYPES = [
    ("call", "Phone call"),
    ("email", "Email"),
    ("interactive_email", "Interactive email"),
    ("internal_email", "Internal email"),
    ("letter", "Letter"),
    ("registered_letter", "Registered letter"),
    ("fax", "Fax"),
    ("sms", "SMS"),
    ("litigation", "Litigation"),
]

# Action types sent as an email: the only ones the cron may carry out by
# itself, without a collector.
EMAIL_ACTION_TYPES = ("email", "interactive_email", "internal_email")

# Action types that produce a printed letter (a PDF on the action). A fax is
# the letter's PDF, sent through the company's email-to-fax gateway or faxed
# by hand.
LETTER_ACTION_TYPES = ("letter", "registered_letter", "fax", "litigation")

# States of an action still to be carried out.
OPEN_STATES = ("todo", "to_confirm")

# The windows, in days after an action, over which the reminder
# effectiveness report measures what was paid.
EFFECTIVENESS_WINDOWS = (7, 15, 30)
