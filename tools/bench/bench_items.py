"""The open items of the benchmark ledger, multiplied in SQL.

Two template moves (an invoice and a credit note of TEMPLATE_AMOUNT, posted
through the ORM) are copied row by row into as many posted moves and journal
items as the benchmark needs, with varied customers, amounts and due dates:
the ORM would take hours for 100 000 invoices.
"""

from odoo import Command, fields
from odoo.tools import SQL

# One open item in REFUND_EVERY is a credit note (a credit item, never leader).
REFUND_EVERY = 23
TEMPLATE_AMOUNT = 1000.0

# Numeric columns that are not amounts: copied from the template as they are.
NOT_AMOUNTS = {"quantity", "discount", "invoice_currency_rate"}


def create_templates(env, company, partner):
    """A posted invoice and a posted credit note of TEMPLATE_AMOUNT, without
    taxes: the models every generated item is copied from."""
    sales = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    journal = env["account.journal"].create(
        {
            "name": "Benchmark sales",
            "code": "BNCH",
            "type": "sale",
            "company_id": company.id,
            "default_account_id": sales.default_account_id.id,
        }
    )
    today = fields.Date.context_today(env["account.move"])
    moves = (
        env["account.move"]
        .with_company(company)
        .create(
            [
                {
                    "move_type": move_type,
                    "journal_id": journal.id,
                    "partner_id": partner.id,
                    "invoice_date": today,
                    "invoice_date_due": today,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Consulting services",
                                "quantity": 1,
                                "price_unit": TEMPLATE_AMOUNT,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for move_type in ("out_invoice", "out_refund")
            ]
        )
    )
    moves.action_post()
    return journal, moves


def table_columns(cr, table):
    cr.execute(
        SQL(
            """
            SELECT column_name, data_type
              FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = %s
             ORDER BY ordinal_position
            """,
            table,
        )
    )
    return cr.fetchall()


def copy_select(cr, table, overrides, source_alias):
    """The column list and the SELECT list of an INSERT ... SELECT that copies
    every column of `table` from `source_alias`, scales the amounts by the
    ``ratio`` of the generated row and replaces the columns in `overrides`."""
    names, values = [], []
    for column, data_type in table_columns(cr, table):
        if column == "id":
            continue
        names.append(SQL.identifier(column))
        if column in overrides:
            values.append(overrides[column])
        elif data_type == "numeric" and column not in NOT_AMOUNTS:
            values.append(
                SQL(
                    "ROUND(%s * g.ratio, 2)",
                    SQL.identifier(source_alias, column),
                )
            )
        else:
            values.append(SQL.identifier(source_alias, column))
    return SQL(", ").join(names), SQL(", ").join(values)


def multiply_items(env, journal, templates, partners, count, trusted=False):
    """Create `count` posted invoices and credit notes in SQL, copies of the
    templates for the customers `partners`, with varied amounts and ages:
    due dates from 30 days ahead to 209 days overdue (a few due today).

    ``trusted`` (XL): the copies are inserted without PostgreSQL checking
    their foreign keys row by row (``session_replication_role = replica``,
    for these two inserts only): every key is a template's or one of
    `partners`, valid by construction, and the checks (some twenty per
    journal item) are most of the time of a million copies."""
    cr = env.cr
    env.flush_all()
    invoice, refund = templates
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
    first_move_id = cr.fetchone()[0] + 1
    cr.execute(SQL("DROP TABLE IF EXISTS dso_bench_item"))
    # One row per generated move: its id, template, customer, dates, amount.
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE dso_bench_item AS
            WITH customer AS (
                SELECT p.id, p.name, row_number() OVER (ORDER BY p.id) - 1 AS k
                  FROM res_partner p
                 WHERE p.id = ANY(%(partners)s)
            ), item AS (
                SELECT i,
                       %(first)s + i AS move_id,
                       CASE WHEN mod(i, %(refund_every)s) = %(refund_every)s - 1
                            THEN %(refund)s ELSE %(invoice)s END AS template_id,
                       -- due date: today + 30 days .. today - 209 days
                       (%(today)s::date + 30 - mod(i * 7919, 240)::int) AS due,
                       CASE WHEN mod(i, %(refund_every)s) = %(refund_every)s - 1
                            THEN 20 + mod(i * 31, 180)
                            ELSE 50 + mod(i * 104729, 9950) + mod(i * 13, 100) / 100.0
                       END AS amount
                  FROM generate_series(0::bigint, %(count)s - 1) AS i
            )
            SELECT item.i, item.move_id, item.template_id, item.due,
                   item.due - 30 AS invoice_date,
                   item.amount / %(template_amount)s AS ratio,
                   c.id AS partner_id, c.name AS partner_name,
                   CASE WHEN item.template_id = %(refund)s THEN 'R' ELSE '' END
                       || %(code)s || '/'
                       || EXTRACT(YEAR FROM item.due - 30)::text || '/' AS prefix
              FROM item
              JOIN customer c ON c.k = mod(item.i, %(customers)s)
            """,
            partners=partners.ids,
            first=first_move_id,
            refund_every=REFUND_EVERY,
            refund=refund.id,
            invoice=invoice.id,
            today=fields.Date.context_today(env["account.move"]),
            count=count,
            template_amount=TEMPLATE_AMOUNT,
            code=journal.code,
            customers=len(partners),
        )
    )
    cr.execute("CREATE INDEX ON dso_bench_item (template_id)")
    cr.execute("ANALYZE dso_bench_item")

    move_columns, move_values = copy_select(
        cr,
        "account_move",
        {
            "id": SQL("g.move_id"),
            "name": SQL("g.prefix || LPAD(g.i::text, 7, '0')"),
            "sequence_prefix": SQL("g.prefix"),
            "sequence_number": SQL("g.i"),
            "payment_reference": SQL("g.prefix || LPAD(g.i::text, 7, '0')"),
            "partner_id": SQL("g.partner_id"),
            "commercial_partner_id": SQL("g.partner_id"),
            "partner_shipping_id": SQL("g.partner_id"),
            "invoice_partner_display_name": SQL("g.partner_name"),
            "date": SQL("g.invoice_date"),
            "invoice_date": SQL("g.invoice_date"),
            "invoice_date_due": SQL("g.due"),
            "delivery_date": SQL("NULL"),
            "access_token": SQL("NULL"),
            "inalterable_hash": SQL("NULL"),
            "secure_sequence_number": SQL("NULL"),
            "message_main_attachment_id": SQL("NULL"),
            "create_date": SQL("now() at time zone 'UTC'"),
            "write_date": SQL("now() at time zone 'UTC'"),
        },
        "t",
    )
    if trusted:
        cr.execute("SET LOCAL session_replication_role = replica")
    move_columns = SQL("id, %s", move_columns)
    move_values = SQL("g.move_id, %s", move_values)
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (%s)
            SELECT %s
              FROM dso_bench_item g
              JOIN account_move t ON t.id = g.template_id
            """,
            move_columns,
            move_values,
        )
    )
    moves = cr.rowcount
    cr.execute(SQL("SELECT setval('account_move_id_seq', %s)", first_move_id + count))

    line_columns, line_values = copy_select(
        cr,
        "account_move_line",
        {
            "move_id": SQL("g.move_id"),
            "move_name": SQL("g.prefix || LPAD(g.i::text, 7, '0')"),
            "partner_id": SQL("g.partner_id"),
            "date": SQL("g.invoice_date"),
            "invoice_date": SQL("g.invoice_date"),
            "date_maturity": SQL(
                "CASE WHEN t.date_maturity IS NULL THEN NULL ELSE g.due END"
            ),
            "full_reconcile_id": SQL("NULL"),
            "matching_number": SQL("NULL"),
            "create_date": SQL("now() at time zone 'UTC'"),
            "write_date": SQL("now() at time zone 'UTC'"),
        },
        "t",
    )
    cr.execute(
        SQL(
            """
            INSERT INTO account_move_line (%s)
            SELECT %s
              FROM dso_bench_item g
              JOIN account_move_line t ON t.move_id = g.template_id
             ORDER BY g.move_id, t.id
            """,
            line_columns,
            line_values,
        )
    )
    lines = cr.rowcount
    if trusted:
        cr.execute("SET LOCAL session_replication_role = DEFAULT")
    cr.execute(SQL("DROP TABLE dso_bench_item"))
    env.invalidate_all()
    return moves, lines
