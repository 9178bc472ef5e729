"""The checks of the fault scripts (tools/fault/crash_test.py,
tools/fault/concurrency_test.py): the agenda and the emails as they are in the
database, read in plain SQL."""

from datetime import timedelta

import odoo
from odoo.tools import SQL

EMAIL_TYPES = ("email", "interactive_email", "internal_email")


def open_actions(cr):
    """The open scenario actions as a set of (customer, step, date, items)."""
    cr.execute(
        SQL(
            """
            SELECT a.partner_id, a.step_id, a.date::text,
                   COALESCE(array_agg(r.line_id ORDER BY r.line_id)
                            FILTER (WHERE r.line_id IS NOT NULL), '{}')
              FROM dso_collection_action a
              LEFT JOIN dso_collection_action_line_rel r ON r.action_id = a.id
             WHERE a.state IN %s AND NOT a.is_specific
             GROUP BY a.id
            """,
            ("todo", "to_confirm"),
        )
    )
    return [(row[0], row[1], row[2], tuple(row[3])) for row in cr.fetchall()]


def compare_agendas(reference, actual):
    """Duplicates (a customer with two open scenario actions, or a row twice)
    and differences with the reference agenda, both ways."""
    customers = [row[0] for row in actual]
    duplicates = len(customers) - len(set(customers))
    expected, got = set(reference), set(actual)
    return {
        "actions": len(actual),
        "reference_actions": len(reference),
        "duplicates": duplicates,
        "lost": len(expected - got),
        "extra": len(got - expected),
    }


def due_automatic(cr, today):
    """Due automatic emails not sent yet, as (customer, step, date)."""
    cr.execute(
        SQL(
            """
            SELECT a.partner_id, a.step_id, a.date::text
              FROM dso_collection_action a
             WHERE a.automatic AND a.state = 'todo' AND a.date <= %s
               AND a.action_type IN %s AND a.mail_id IS NULL
               AND a.message_id IS NULL AND a.send_error IS NULL
            """,
            today,
            EMAIL_TYPES,
        )
    )
    return set(cr.fetchall())


def email_checks(cr, today, expected):
    """What the automatic sending left: ``expected`` is the set of
    (customer, step, date) of the due automatic emails before sending, or
    None when unknown."""
    figures = {}
    # Emails per customer: queued mails (mail.mail) and chatter messages.
    cr.execute(
        SQL(
            """
            SELECT COUNT(*), COUNT(*) FILTER (WHERE n > 1) FROM (
                SELECT m.res_id, COUNT(*) AS n
                  FROM mail_mail mm
                  JOIN mail_message m ON m.id = mm.mail_message_id
                 WHERE m.model = 'res.partner'
                 GROUP BY m.res_id) per_customer
            """
        )
    )
    figures["customers_emailed"], figures["customers_two_mails"] = cr.fetchone()
    figures["emails"] = count(
        cr,
        "SELECT COUNT(*) FROM mail_mail mm JOIN mail_message m"
        " ON m.id = mm.mail_message_id WHERE m.model = 'res.partner'",
    )
    cr.execute(
        SQL(
            """
            SELECT COUNT(*) FROM (
                SELECT m.res_id
                  FROM mail_message m
                  JOIN dso_collection_action a ON a.message_id = m.id
                 GROUP BY m.res_id HAVING COUNT(*) > 1) twice
            """
        )
    )
    figures["customers_two_messages"] = cr.fetchone()[0]
    # An action with two emails: another mail to its customer than its own.
    cr.execute(
        SQL(
            """
            SELECT COUNT(DISTINCT a.id)
              FROM dso_collection_action a
              JOIN mail_message m ON m.model = 'res.partner'
                                 AND m.res_id = a.partner_id
              JOIN mail_mail mm ON mm.mail_message_id = m.id
             WHERE a.automatic AND a.mail_id IS NOT NULL AND mm.id != a.mail_id
            """
        )
    )
    figures["actions_two_emails"] = cr.fetchone()[0]
    # Done without its email; an email without its done action.
    cr.execute(
        SQL(
            """
            SELECT COUNT(*)
              FROM dso_collection_action a
              LEFT JOIN mail_mail mm ON mm.id = a.mail_id
             WHERE a.automatic AND a.state = 'done' AND a.action_type IN %s
               AND (mm.id IS NULL OR a.message_id IS NULL)
            """,
            EMAIL_TYPES,
        )
    )
    figures["done_without_email"] = cr.fetchone()[0]
    cr.execute(
        SQL(
            """
            SELECT COUNT(*)
              FROM mail_mail mm
              JOIN mail_message m ON m.id = mm.mail_message_id
             WHERE m.model = 'res.partner'
               AND NOT EXISTS (SELECT 1 FROM dso_collection_action a
                                WHERE a.mail_id = mm.id AND a.state = 'done')
            """
        )
    )
    figures["email_without_done_action"] = cr.fetchone()[0]
    cr.execute(
        SQL(
            """
            SELECT a.partner_id, a.step_id, a.date::text
              FROM dso_collection_action a
             WHERE a.automatic AND a.state = 'done' AND a.mail_id IS NOT NULL
            """
        )
    )
    sent = set(cr.fetchall())
    left = due_automatic(cr, today)
    figures["due_left_unsent"] = len(left)
    if expected is not None:
        figures["expected_emails"] = len(expected)
        figures["lost"] = len(expected - sent)
        figures["unexpected"] = len(sent - expected)
    figures["send_errors"] = count(
        cr, "SELECT COUNT(*) FROM dso_collection_action WHERE send_error IS NOT NULL"
    )
    return figures


def customers_with_open_items(cr, today, overdue_days=None):
    """Customers with open receivable items; with ``overdue_days``, only
    those with a debit item due at least that many days before ``today``."""
    overdue = SQL()
    if overdue_days is not None:
        overdue = SQL(
            "AND aml.balance > 0 AND COALESCE(aml.date_maturity, aml.date) <= %s",
            today - timedelta(days=overdue_days),
        )
    cr.execute(
        SQL(
            """
            SELECT COUNT(DISTINCT p.commercial_partner_id)
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
              JOIN res_partner p ON p.id = aml.partner_id
             WHERE acc.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND NOT aml.reconciled
               AND aml.amount_residual != 0
               %s
            """,
            overdue,
        )
    )
    return cr.fetchone()[0]


def snapshot(database, function, *args):
    """``function(cr, *args)`` on a cursor of ``database`` (no registry)."""
    with odoo.sql_db.db_connect(database).cursor() as cr:
        return function(cr, *args)


def count(cr, query):
    cr.execute(query)
    return cr.fetchone()[0]


EMAIL_VIOLATIONS = (
    "customers_two_mails",
    "customers_two_messages",
    "actions_two_emails",
    "done_without_email",
    "email_without_done_action",
    "due_left_unsent",
    "lost",
    "unexpected",
    "send_errors",
)


def violations(figures, keys):
    """The keys of ``figures`` among ``keys`` that are not zero."""
    return [key for key in keys if figures.get(key)]
