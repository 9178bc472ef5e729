"""The SQL floor of the side-by-side benchmark: one aggregate of the open
receivable items per customer, the least any planner has to read.

Run by tools/bench/bench_compare.sh:

    python tools/bench/bench_floor.py --config F --database D

The open items are those of the planner (a receivable account, a posted
entry, not reconciled, something left to pay) of the main company, grouped
by commercial partner: count, sum of the residual, earliest due date. The
query is run and fetched three times; the best time is printed in one JSON
line.
"""

import argparse
import time

import psycopg2

import odoo

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    _dbname, params = odoo.sql_db.connection_info_for(args.database)
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
