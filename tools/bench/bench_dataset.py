"""The synthetic ledger of the benchmark: customers, collectors, scenarios
and open items, built fast in a fresh database (see tools/bench/bench.py).

S and L create their customers through the ORM (their figures are compared
with earlier releases: the same dataset as then); XL copies them in SQL from
one customer created through the ORM, as the open items are copied
(tools/bench/bench_items.py): the ORM would take most of an hour for
100 000 customers and hold them all in memory."""

import sys
import time
from contextlib import contextmanager

import psycopg2

import odoo
from odoo import Command
from odoo.tools import SQL

from bench_items import create_templates, multiply_items, table_columns

SIZES = {
    # customers, open items, scenarios (None: the three shipped ones),
    # steps of each scenario; "sql": customers created in SQL
    "S": {"customers": 1_000, "items": 10_000, "scenarios": None, "steps": 0},
    "L": {"customers": 10_000, "items": 100_000, "scenarios": 5, "steps": 6},
    "XL": {
        "customers": 100_000,
        "items": 1_000_000,
        "scenarios": 5,
        "steps": 6,
        "sql": True,
    },
}
COLLECTORS = 5

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


def customer_vals(index):
    first = WORDS_1[index % len(WORDS_1)]
    second = WORDS_2[(index // len(WORDS_1)) % len(WORDS_2)]
    return {
        "name": f"{first} {second} {WORDS_3[index % len(WORDS_3)]} {index + 1:05d}",
        "is_company": True,
        "email": f"accounts{index + 1}@customer{index + 1}.example.com",
        "phone": f"+1 555 {index:07d}",
        "company_id": False,
    }


def create_customers(env, company, count):
    vals_list = [customer_vals(index) for index in range(count)]
    partners = (
        env["res.partner"]
        .with_company(company)
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(vals_list)
    )
    return partners


def create_customers_sql(env, company, count, assign):
    """The customers of ``create_customers``, the same values, in SQL: the
    first through the ORM, the others copies of its row (every column, the
    name, email and phone and the columns computed from them replaced).
    ``assign``: {company-dependent field: records}, given round robin as
    ``assign_round_robin`` does, in the same insert."""
    first = create_customers(env, company, 1)
    first.with_company(company).write(
        {field: records[0].id for field, records in assign.items()}
    )
    env.flush_all()
    cr = env.cr
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM res_partner")
    first_id = cr.fetchone()[0] + 1
    # Index i (1 .. count - 1) gets the id first_id + i - 1.
    new = {
        "id": SQL("%s + g.i - 1", first_id),
        "commercial_partner_id": SQL("%s + g.i - 1", first_id),
        "name": SQL("g.name"),
        "complete_name": SQL("g.name"),
        "commercial_company_name": SQL("g.name"),
        "email": SQL("g.email"),
        "email_normalized": SQL("g.email"),
        "phone": SQL("'+1 555 ' || g.digits"),
        "create_date": SQL("now() at time zone 'UTC'"),
        "write_date": SQL("now() at time zone 'UTC'"),
    }
    for field, records in assign.items():
        # A company-dependent field: a jsonb column, one key per company.
        new[field] = SQL(
            "jsonb_build_object(%s, (%s::int[])[mod(g.i, %s) + 1])",
            str(company.id),
            records.ids,
            len(records),
        )
    names, values = [], []
    for column, _data_type in table_columns(cr, "res_partner"):
        names.append(SQL.identifier(column))
        values.append(new.get(column, SQL.identifier("t", column)))
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (%(names)s)
            SELECT %(values)s
              FROM (SELECT i,
                           (%(words_1)s)[mod(i, %(n1)s) + 1] || ' '
                           || (%(words_2)s)[mod(i / %(n1)s, %(n2)s) + 1] || ' '
                           || (%(words_3)s)[mod(i, %(n3)s) + 1] || ' '
                           || LPAD((i + 1)::text,
                                   GREATEST(5, length((i + 1)::text)), '0') AS name,
                           'accounts' || (i + 1) || '@customer' || (i + 1)
                           || '.example.com' AS email,
                           LPAD(i::text, GREATEST(7, length(i::text)), '0') AS digits
                      FROM generate_series(1, %(last)s) AS i) AS g
              JOIN res_partner t ON t.id = %(template)s
             ORDER BY g.i
            """,
            names=SQL(", ").join(names),
            values=SQL(", ").join(values),
            words_1=WORDS_1,
            words_2=WORDS_2,
            words_3=WORDS_3,
            n1=len(WORDS_1),
            n2=len(WORDS_2),
            n3=len(WORDS_3),
            last=count - 1,
            template=first.id,
        )
    )
    cr.execute(SQL("SELECT setval('res_partner_id_seq', %s)", first_id + count - 2))
    env.invalidate_all()
    ids = first.ids + list(range(first_id, first_id + count - 1))
    return env["res.partner"].browse(ids)


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
    # Every sending step needs its template: the shipped ones.
    template = "dso_collection.mail_template_dso_"
    step_models = [
        ("Reminder before due date", "email", "due", -5, True, "friendly_reminder"),
        ("First reminder", "email", "due", 3, True, "first_reminder"),
        ("Phone call", "call", "last_action", 5, False, None),
        ("Second reminder", "email", "last_action", 7, True, "second_reminder"),
        (
            "Formal notice",
            "registered_letter",
            "last_action",
            10,
            False,
            "formal_notice",
        ),
        ("Litigation hand-over", "litigation", "last_action", 15, False, "litigation"),
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
                            "mail_template_id": env.ref(template + xmlid).id
                            if xmlid
                            else False,
                        }
                    )
                    for position, (
                        name,
                        action_type,
                        trigger,
                        delay,
                        automatic,
                        xmlid,
                    ) in enumerate(step_models[: spec["steps"]])
                ],
            }
            for number in range(spec["scenarios"])
        ]
    )


def assign_round_robin(partners, field, records):
    """One ORM write per value: partners k, k + n, k + 2n ... get records[k]."""
    for offset, record in enumerate(records):
        partners[offset :: len(records)].write({field: record.id})


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


def build_dataset(env, size, single_scenario=False):
    """The ledger of ``size``; with ``single_scenario``, every customer
    follows one scenario with the steps of L (tools/bench/bench_compare.py)."""
    spec = SIZES[size]
    if single_scenario:
        spec = dict(spec, scenarios=1, steps=SIZES["L"]["steps"])
    company = env.ref("base.main_company")
    ensure_chart(env, company)
    in_sql = spec.get("sql", False)
    if in_sql:
        with timed("collectors, scenarios, customers and assignments (SQL)"):
            collectors = create_collectors(env, company)
            scenarios = get_scenarios(env, spec)
            partners = create_customers_sql(
                env,
                company,
                spec["customers"],
                {"dso_scenario_id": scenarios, "dso_collector_id": collectors},
            ).with_company(company)
    else:
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
            env,
            journal,
            templates,
            partners,
            spec["items"] - len(templates),
            trusted=in_sql,
        )
    progress("%s moves and %s journal items inserted", moves, lines)
    env.cr.commit()
    return company, partners, scenarios
