"""Benchmark of the collection planner on a synthetic ledger.

Run by tools/bench.sh on a fresh database with dso_collection installed
(without demo data):

    python tools/bench.py --config FILE --database dso_bench_L --size L

It builds the dataset fast (customers and a few template invoices through the
ORM, then the open items multiplied in SQL from those templates), plans the
agenda twice with ``dso.collection.action._cron_plan()`` and prints, as the
last line on stdout, one JSON object with the measures. Progress goes to
stderr.
"""

import argparse
import json
import resource
import sys
import time
from contextlib import contextmanager

import psycopg2

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL

SIZES = {
    # customers, open items, scenarios (None: the three shipped ones)
    "S": {"customers": 1_000, "items": 10_000, "scenarios": None, "steps": 0},
    "L": {"customers": 10_000, "items": 100_000, "scenarios": 5, "steps": 6},
}
COLLECTORS = 5
# One open item in REFUND_EVERY is a credit note (a credit item, never leader).
REFUND_EVERY = 23
TEMPLATE_AMOUNT = 1000.0

# Numeric columns that are not amounts: copied from the template as they are.
NOT_AMOUNTS = {"quantity", "discount", "invoice_currency_rate"}

WORDS_1 = [
    "Atlantic", "Northern", "Blue", "Green", "Silver", "Golden", "Alpine",
    "Coastal", "Royal", "Urban", "Pacific", "Eastern", "Western", "Central",
    "Bright", "Swift", "Prime", "Summit", "Harbor", "Oak",
]  # fmt: skip
WORDS_2 = [
    "Logistics", "Foods", "Metals", "Textiles", "Pharma", "Builders",
    "Electric", "Plastics", "Paper", "Motors", "Optics", "Farms", "Systems",
    "Furniture", "Chemicals", "Packaging", "Software", "Media", "Tools",
    "Energy",
]  # fmt: skip
WORDS_3 = ["Ltd", "Inc.", "SA", "GmbH", "SARL", "BV", "LLC", "& Co"]


def progress(message, *args):
    print("==> " + message % args, file=sys.stderr, flush=True)


@contextmanager
def timed(label):
    """Print how long the block took."""
    start = time.perf_counter()
    yield
    progress("%s: %.1f s", label, time.perf_counter() - start)


# ----------------------------------------------------------------------
# Dataset
# ----------------------------------------------------------------------


def ensure_chart(env, company):
    if not company.chart_template:
        progress("Loading the generic chart of accounts in %s", company.name)
        env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )


def create_customers(env, company, count):
    vals_list = []
    for index in range(count):
        first = WORDS_1[index % len(WORDS_1)]
        second = WORDS_2[(index // len(WORDS_1)) % len(WORDS_2)]
        name = f"{first} {second} {WORDS_3[index % len(WORDS_3)]} {index + 1:05d}"
        vals_list.append(
            {
                "name": name,
                "is_company": True,
                "email": f"accounts{index + 1}@customer{index + 1}.example.com",
                "phone": f"+1 555 {index:07d}",
                "company_id": False,
            }
        )
    partners = (
        env["res.partner"]
        .with_company(company)
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(vals_list)
    )
    return partners


def create_collectors(env, company):
    group = env.ref("dso_collection.group_dso_collector")
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Bench Collector {index + 1}",
                    "login": f"bench_collector_{index + 1}",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [
                        Command.set([env.ref("base.group_user").id, group.id])
                    ],
                }
                for index in range(COLLECTORS)
            ]
        )
    )
    return users


def get_scenarios(env, spec):
    if spec["scenarios"] is None:
        return (
            env.ref("dso_collection.dso_collection_scenario_standard")
            + env.ref("dso_collection.dso_collection_scenario_risky")
            + env.ref("dso_collection.dso_collection_scenario_public")
        )
    step_models = [
        ("Reminder before due date", "email", "due", -5, True),
        ("First reminder", "email", "due", 3, True),
        ("Phone call", "call", "last_action", 5, False),
        ("Second reminder", "email", "last_action", 7, True),
        ("Formal notice", "registered_letter", "last_action", 10, False),
        ("Litigation hand-over", "litigation", "last_action", 15, False),
    ]
    return env["dso.collection.scenario"].create(
        [
            {
                "name": f"Bench scenario {number + 1}",
                "sequence": 100 + number,
                "step_ids": [
                    Command.create(
                        {
                            "sequence": (position + 1) * 10,
                            "name": name,
                            "action_type": action_type,
                            "trigger": trigger,
                            # Each scenario has its own rhythm.
                            "delay": delay + (number if delay > 0 else 0),
                            "automatic": automatic,
                            "to_confirm": automatic and position % 2 == 1,
                        }
                    )
                    for position, (name, action_type, trigger, delay, automatic) in (
                        enumerate(step_models[: spec["steps"]])
                    )
                ],
            }
            for number in range(spec["scenarios"])
        ]
    )


def assign_round_robin(partners, field, records):
    """One ORM write per value: partners k, k + n, k + 2n ... get records[k]."""
    for offset, record in enumerate(records):
        partners[offset :: len(records)].write({field: record.id})


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


def multiply_items(env, journal, templates, partners, count):
    """Create `count` posted invoices and credit notes in SQL, copies of the
    templates for the customers `partners`, with varied amounts and ages:
    due dates from 30 days ahead to 209 days overdue (a few due today)."""
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
    cr.execute(SQL("DROP TABLE dso_bench_item"))
    env.invalidate_all()
    return moves, lines


def vacuum(database, tables):
    """VACUUM ANALYZE the tables just filled: statistics, hint bits and
    visibility maps as a database in service has them, instead of the
    autovacuum catching up on them during the measures."""
    _dbname, params = odoo.sql_db.connection_info_for(database)
    connection = psycopg2.connect(**params)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)).code)
    finally:
        connection.close()


def count_open_items(env, company):
    env.cr.execute(
        SQL(
            """
            SELECT COUNT(*)
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE aml.company_id = %s
               AND acc.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND NOT aml.reconciled
               AND aml.amount_residual != 0
            """,
            company.id,
        )
    )
    return env.cr.fetchone()[0]


def build_dataset(env, size):
    spec = SIZES[size]
    company = env.ref("base.main_company")
    ensure_chart(env, company)
    with timed("customers (ORM create)"):
        partners = create_customers(env, company, spec["customers"])
    with timed("collectors, scenarios and assignments"):
        collectors = create_collectors(env, company)
        scenarios = get_scenarios(env, spec)
        partners = partners.with_company(company)
        assign_round_robin(partners, "dso_scenario_id", scenarios)
        assign_round_robin(partners, "dso_collector_id", collectors)
    with timed("template invoices (ORM)"):
        journal, templates = create_templates(env, company, partners[0])
    with timed("open items (SQL)"):
        moves, lines = multiply_items(
            env, journal, templates, partners, spec["items"] - len(templates)
        )
    progress("%s moves and %s journal items inserted", moves, lines)
    env.cr.commit()
    return company, partners, scenarios


# ----------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------


def plan(env):
    queries = odoo.sql_db.sql_counter
    start = time.perf_counter()
    env["dso.collection.action"]._cron_plan()
    env.cr.commit()
    return time.perf_counter() - start, odoo.sql_db.sql_counter - queries


WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


def send_1000(env, company, count=1000):
    """Queue ``count`` automatic emails: the cron prepares each one (template,
    hashtags, item table), posts it on the customer and queues its mail."""
    Action = env["dso.collection.action"]
    actions = Action.search(
        [("company_id", "=", company.id), ("state", "in", ("todo", "to_confirm"))],
        limit=count,
        order="id",
    )
    actions.write(
        {
            "action_type": "email",
            "automatic": True,
            "to_confirm": False,
            "state": "todo",
            "date": fields.Date.today(),
            "mail_template_id": env.ref(
                "dso_collection.mail_template_dso_first_reminder"
            ).id,
        }
    )
    # Automatic actions have no activity (only manual ones do): drop those of
    # the calls and letters turned into automatic emails above.
    actions.activity_ids.unlink()
    # Open the sending window whatever the day and hour of the run.
    company.write(
        {
            "dso_auto_hour_from": 0.0,
            "dso_auto_hour_to": 24.0,
            **{f"dso_auto_{day}": True for day in WEEKDAYS},
        }
    )
    env.cr.commit()
    env.invalidate_all()
    mails_before = env["mail.mail"].search_count([])
    start = time.perf_counter()
    Action._cron_send_automatic()
    elapsed = time.perf_counter() - start
    env.cr.commit()
    queued = env["mail.mail"].search_count([]) - mails_before
    return elapsed, queued


def count_open_actions(env):
    env.cr.execute(
        "SELECT COUNT(*) FROM dso_collection_action"
        " WHERE state IN ('todo', 'to_confirm')"
    )
    return env.cr.fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    args = parser.parse_args()

    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    registry = Registry(args.database)
    started = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company, _partners, _scenarios = build_dataset(env, args.size)
        items = count_open_items(env, company)
        customers = SIZES[args.size]["customers"]
    with timed("vacuum analyze"):
        vacuum(args.database, ["res_partner", "account_move", "account_move_line"])
    progress(
        "Dataset built in %.1f s: %s customers, %s open items",
        time.perf_counter() - started,
        customers,
        items,
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        progress("Planning the agenda (first run)")
        first_s, queries = plan(env)
        progress("First run: %.1f s, %s queries", first_s, queries)
        env.invalidate_all()
        progress("Planning the agenda again (nothing new)")
        second_s, second_queries = plan(env)
        progress("Second run: %.1f s, %s queries", second_s, second_queries)
        actions = count_open_actions(env)
        progress("Queuing 1 000 automatic emails")
        send_s, queued = send_1000(env, env["res.company"].browse(company.id))
        progress("%s emails queued in %.1f s", queued, send_s)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "size": args.size,
                "customers": customers,
                "items": items,
                "actions": actions,
                "first_s": round(first_s, 2),
                "second_s": round(second_s, 2),
                "queries": queries,
                "peak_rss_mb": round(peak_rss_mb, 1),
                "send_1000_s": round(send_s, 2),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
