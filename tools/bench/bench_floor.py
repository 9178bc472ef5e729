"""The SQL floors of the side-by-side benchmark: what any planner has to
read, and what it has to write.

Run by tools/bench/bench_compare.sh:

    python tools/bench/bench_floor.py --config F --database D
    python tools/bench/bench_floor.py --write --config F --database D

The read floor: one aggregate of the open receivable items per customer. The
open items are those of the planner (a receivable account, a posted entry,
not reconciled, something left to pay) of the main company, grouped by
commercial partner: count, sum of the residual, earliest due date. The query
is run and fetched three times; the best time is printed in one JSON line.

The write floor (``--write``, on a database no planner has run on): a script
of set-based statements, in one transaction, that from the same open items
(kept in a temporary table) writes the rows a first
planning writes (dso_collection_planner_write.py), into the same tables with
their constraints, indexes and foreign keys: for each customer whose
balance reaches the company's minimum, a cycle led by its oldest debit item
and an action of the first step of its scenario (the reminder before the
due date skipped when the leader is overdue), named with the step's name in
every language (jsonb) and listing every open item of the customer
(dso_collection_action_line_rel); for each customer with open items, its
planning state row (dso_collection_plan_state). Each run is rolled back,
then the tables are vacuumed: three runs, the best time and the rows written
are printed in one JSON line. Not written: the collectors' activities of
manual actions and the reconciliation tasks (mail.activity rows and their
followers, which the planner inserts set-based too).
"""

import argparse
import time
from datetime import UTC, date, datetime

import psycopg2
import psycopg2.sql

import odoo
from odoo import SUPERUSER_ID

from bench_compare import emit
from bench_dataset import progress

RUNS = 3
COMPANY = """
    SELECT res_id FROM ir_model_data
     WHERE module = 'base' AND name = 'main_company'
"""
FLOOR = """
    SELECT p.commercial_partner_id,
           COUNT(*),
           SUM(aml.amount_residual),
           MIN(COALESCE(aml.date_maturity, aml.date))
      FROM account_move_line aml
      JOIN res_partner p ON p.id = aml.partner_id
     WHERE aml.company_id = %(company)s
       AND aml.parent_state = 'posted'
       AND NOT aml.reconciled
       AND aml.amount_residual != 0
       AND aml.account_id IN (
           SELECT acc.id
             FROM account_account acc
            WHERE acc.account_type = 'asset_receivable')
     GROUP BY p.commercial_partner_id
"""
# The rows of a first planning, from the open items of FLOOR and the same
# aggregate per customer: a script of set-based statements in one
# transaction. The items and the customers' plans go to temporary tables
# first, analysed, so that PostgreSQL plans the inserts with true row counts
# (one statement of data-modifying CTEs was planned with guesses: a nested
# loop over two CTEs, quadratic in the customers).
WRITE_FLOOR = (
    """
    CREATE TEMP TABLE floor_item ON COMMIT DROP AS
    SELECT aml.id,
           p.commercial_partner_id AS partner_id,
           aml.amount_residual AS residual,
           COALESCE(aml.date_maturity, aml.date) AS due,
           aml.date,
           aml.date_maturity IS NOT NULL AS has_due
      FROM account_move_line aml
      JOIN res_partner p ON p.id = aml.partner_id
     WHERE aml.company_id = %(company)s
       AND aml.parent_state = 'posted'
       AND NOT aml.reconciled
       AND aml.amount_residual != 0
       AND aml.account_id IN (
           SELECT acc.id
             FROM account_account acc
            WHERE acc.account_type = 'asset_receivable')
    """,
    "ANALYZE floor_item",
    # Per customer: count, balance, earliest due date and the leader (the
    # oldest open debit item with a due date), in one pass.
    """
    CREATE TEMP TABLE floor_customer ON COMMIT DROP AS
    SELECT DISTINCT ON (partner_id) partner_id,
           CASE WHEN residual > 0 AND has_due THEN id END AS leader_id,
           CASE WHEN residual > 0 AND has_due THEN due END AS leader_due,
           COUNT(*) OVER customer AS items,
           SUM(residual) OVER customer AS balance,
           MIN(due) OVER customer AS due
      FROM floor_item
    WINDOW customer AS (PARTITION BY partner_id)
     ORDER BY partner_id, (residual > 0 AND has_due) DESC, due, date, id
    """,
    # The first step of each scenario, and its first step on or after the
    # due date (the reminder before the due date skipped once overdue).
    """
    CREATE TEMP TABLE floor_plan ON COMMIT DROP AS
    WITH first_step AS (
        SELECT DISTINCT ON (scenario_id) scenario_id, id
          FROM dso_collection_step
         ORDER BY scenario_id, sequence, id
    ), first_step_due AS (
        SELECT DISTINCT ON (scenario_id) scenario_id, id
          FROM dso_collection_step
         WHERE COALESCE(delay, 0) >= 0
         ORDER BY scenario_id, sequence, id
    )
    SELECT c.partner_id, c.balance, c.leader_id, c.leader_due,
           CASE WHEN c.leader_due < %(today)s THEN d.id ELSE f.id END
               AS step_id,
           COALESCE((p.dso_collector_id ->> %(company_key)s)::int,
                    co.dso_default_collector_id) AS user_id
      FROM floor_customer c
      JOIN res_partner p ON p.id = c.partner_id
      JOIN res_company co ON co.id = %(company)s
      JOIN first_step f
        ON f.scenario_id = (p.dso_scenario_id ->> %(company_key)s)::int
      LEFT JOIN first_step_due d ON d.scenario_id = f.scenario_id
     WHERE c.leader_id IS NOT NULL
       AND c.balance >= COALESCE(co.dso_minimum_amount, 0)
    """,
    "DELETE FROM floor_plan WHERE step_id IS NULL",
    "ANALYZE floor_plan",
    """
    INSERT INTO dso_collection_cycle
           (partner_id, company_id, scenario_id, leader_line_id, date_start,
            create_uid, create_date, write_uid, write_date)
    SELECT plan.partner_id, %(company)s, s.scenario_id, plan.leader_id,
           %(today)s, %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM floor_plan plan
      JOIN dso_collection_step s ON s.id = plan.step_id
     ORDER BY plan.partner_id
    """,
    """
    INSERT INTO dso_collection_action
           (name, partner_id, company_id, step_id, cycle_id, scenario_id,
            date, state, user_id, action_type, mail_template_id,
            sms_template_id, automatic, to_confirm, attach_invoices,
            attach_statement, is_specific, priority, dso_cash_impact,
            create_uid, create_date, write_uid, write_date)
    SELECT s.name, plan.partner_id, %(company)s, s.id, cy.id, s.scenario_id,
           plan.leader_due + COALESCE(s.delay, 0),
           CASE WHEN needs.confirm THEN 'to_confirm' ELSE 'todo' END,
           plan.user_id, s.action_type, s.mail_template_id, s.sms_template_id,
           COALESCE(s.automatic, FALSE), needs.confirm,
           COALESCE(s.attach_invoices, FALSE),
           COALESCE(s.attach_statement, FALSE), FALSE, '0',
           ROUND(plan.balance * 0.5, 2),
           %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM floor_plan plan
      JOIN dso_collection_cycle cy
        ON cy.partner_id = plan.partner_id AND cy.company_id = %(company)s
      JOIN dso_collection_step s ON s.id = plan.step_id
      JOIN res_company co ON co.id = %(company)s
     CROSS JOIN LATERAL (
         SELECT COALESCE(s.automatic, FALSE)
                AND (COALESCE(s.to_confirm, FALSE)
                     OR COALESCE(co.dso_confirm_automatic, FALSE)) AS confirm
     ) needs
     ORDER BY plan.partner_id
    """,
    """
    INSERT INTO dso_collection_action_line_rel (line_id, action_id)
    SELECT item.id, a.id
      FROM floor_item item
      JOIN dso_collection_action a
        ON a.partner_id = item.partner_id AND a.company_id = %(company)s
     ORDER BY item.id
    """,
    """
    INSERT INTO dso_collection_plan_state
           (partner_id, company_id, fingerprint, plan_date, planned_at)
    SELECT partner_id, %(company)s,
           md5(concat_ws('|', %(today)s, partner_id, items, balance, due)),
           %(today)s, %(now)s
      FROM floor_customer
     ORDER BY partner_id
    """,
)
WRITTEN = (
    "dso_collection_cycle",
    "dso_collection_action",
    "dso_collection_action_line_rel",
    "dso_collection_plan_state",
)


def count_rows(cursor):
    """{table: rows} of the tables a planning writes."""
    counts = {}
    for table in WRITTEN:
        cursor.execute(
            psycopg2.sql.SQL("SELECT COUNT(*) FROM {}").format(
                psycopg2.sql.Identifier(table)
            )
        )
        counts[table] = cursor.fetchone()[0]
    return counts


def write_floor(params):
    """The write floor: RUNS runs of WRITE_FLOOR, each rolled back and its
    dead rows vacuumed away; the best time and the rows written."""
    connection = psycopg2.connect(**params)
    try:
        with connection.cursor() as cursor:
            cursor.execute(COMPANY)
            company = cursor.fetchone()[0]
            before = count_rows(cursor)
            if any(before.values()):
                raise SystemExit(
                    "dso_collection: the write floor needs a database no planner"
                    f" has run on; rows found: {before}"
                )
            connection.rollback()
            times = []
            for _run in range(RUNS):
                # The planner's settings for its queries (_without_jit).
                cursor.execute("SET LOCAL jit = off")
                values = {
                    "company": company,
                    "company_key": str(company),
                    "today": date.today(),
                    "now": datetime.now(UTC).replace(tzinfo=None),
                    "uid": SUPERUSER_ID,
                }
                start = time.perf_counter()
                for statement in WRITE_FLOOR:
                    cursor.execute(statement, values)
                times.append(time.perf_counter() - start)
                rows = count_rows(cursor)
                connection.rollback()
                connection.autocommit = True
                for table in WRITTEN:
                    cursor.execute(
                        psycopg2.sql.SQL("VACUUM ANALYZE {}").format(
                            psycopg2.sql.Identifier(table)
                        )
                    )
                connection.autocommit = False
    finally:
        connection.close()
    progress(
        "SQL write floor: %.3f s (best of %s: %s), rows: %s",
        min(times),
        RUNS,
        ", ".join(f"{t:.3f}" for t in times),
        ", ".join(f"{table} {count}" for table, count in rows.items()),
    )
    emit({"s": round(min(times), 4), "rows": rows})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True)
    parser.add_argument(
        "--write",
        action="store_true",
        help="the write floor (rolled back) instead of the read floor",
    )
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    _dbname, params = odoo.sql_db.connection_info_for(args.database)
    if args.write:
        write_floor(params)
        return
    connection = psycopg2.connect(**params)
    try:
        with connection.cursor() as cursor:
            cursor.execute(COMPANY)
            company = cursor.fetchone()[0]
            times = []
            for _run in range(RUNS):
                start = time.perf_counter()
                cursor.execute(FLOOR, {"company": company})
                rows = cursor.fetchall()
                times.append(time.perf_counter() - start)
    finally:
        connection.close()
    progress(
        "SQL floor: %.3f s (best of %s: %s), %s customers, %s open items",
        min(times),
        RUNS,
        ", ".join(f"{t:.3f}" for t in times),
        len(rows),
        sum(row[1] for row in rows),
    )
    emit(
        {
            "s": round(min(times), 4),
            "customers": len(rows),
            "items": sum(row[1] for row in rows),
        }
    )


if __name__ == "__main__":
    main()
