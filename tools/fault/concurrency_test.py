"""Two cron workers planning and sending at once on one database.

Run by tools/fault/concurrency_test.sh on a fresh database with dso_collection
installed:

    python tools/fault/concurrency_test.py --config FILE --database dso_h2_conc

It builds a ledger whose first planning makes about one due automatic email
per customer (tools/fault/fault_common.py, planning batches of 100 customers),
starts two OS processes that load Odoo, wait for each other and then, at the
same moment, each run the daily planning then the automatic sending as the
scheduler runs them. It checks that the planning batches were shared (both
workers planned customers, and together exactly the customers to plan, none
twice) and that every due automatic email went once: no customer or action
with two emails, none done without its email, none left unsent. The last
line on stdout is one JSON object of figures; the exit status is 1 on any
violation.
"""

import argparse
import json
import sys
import time

from odoo import SUPERUSER_ID, api

from bench_dataset import progress
from fault_checks import (
    EMAIL_VIOLATIONS,
    customers_with_open_items,
    email_checks,
    snapshot,
    violations,
)
from fault_common import Worker, build_fault_dataset, load, release


def reconcile_tasks(cr):
    """Customers with a "Reconcile" task, and those with two (the daily
    planning run by both workers at once must make one)."""
    cr.execute(
        """
        SELECT COUNT(*), COUNT(*) FILTER (WHERE tasks > 1)
          FROM (SELECT m.res_id, COUNT(*) AS tasks
                  FROM mail_activity m
                  JOIN ir_model_data d
                    ON d.model = 'mail.activity.type' AND d.res_id = m.activity_type_id
                 WHERE m.res_model = 'res.partner'
                   AND d.module = 'dso_collection'
                   AND d.name = 'mail_activity_type_dso_reconcile'
                 GROUP BY m.res_id) AS task
        """
    )
    customers, doubled = cr.fetchone()
    return {"customers_reconcile_task": customers, "customers_two_tasks": doubled}


def risk_refreshes(cr):
    """Customers whose risk the daily run refreshed, and those it refreshed
    twice (a class written twice the same day, two open reviews or two risk
    alerts for the same user): both workers run it, one must."""
    cr.execute(
        """
        SELECT (SELECT COUNT(*) FROM dso_customer_risk),
               (SELECT COUNT(*) FROM (
                    SELECT partner_id FROM dso_risk_history
                     WHERE kind = 'class'
                     GROUP BY partner_id, company_id, date HAVING COUNT(*) > 1) AS h),
               (SELECT COUNT(*) FROM (
                    SELECT partner_id FROM dso_risk_review WHERE state = 'open'
                     GROUP BY partner_id, company_id HAVING COUNT(*) > 1) AS r),
               (SELECT COUNT(*) FROM (
                    SELECT m.res_id
                      FROM mail_activity m
                      JOIN ir_model_data d
                        ON d.model = 'mail.activity.type'
                       AND d.res_id = m.activity_type_id
                     WHERE m.res_model = 'res.partner'
                       AND d.module = 'dso_collection'
                       AND d.name = 'mail_activity_type_dso_risk_alert'
                     GROUP BY m.res_id, m.user_id HAVING COUNT(*) > 1) AS a)
        """
    )
    customers, classes, reviews, alerts = cr.fetchone()
    return {
        "customers_risk_refreshed": customers,
        "customers_two_class_changes": classes,
        "customers_two_open_reviews": reviews,
        "customers_two_risk_alerts": alerts,
    }


def done_once_failures(tasks, risk):
    """What ``reconcile_tasks`` and ``risk_refreshes`` found done twice (or
    not done), one sentence each."""
    failures = [
        f"{risk[key]} {key.replace('_', ' ')}"
        for key in (
            "customers_two_class_changes",
            "customers_two_open_reviews",
            "customers_two_risk_alerts",
        )
        if risk[key]
    ]
    if tasks["customers_two_tasks"]:
        failures.append(
            f"{tasks['customers_two_tasks']} customers with two reconciliation tasks"
        )
    if not risk["customers_risk_refreshed"]:
        failures.append("the customers' risk was not refreshed")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--customers", type=int, default=1100)
    parser.add_argument("--items", type=int, default=4, help="per customer")
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args()
    started = time.perf_counter()

    database = args.database
    registry = load(args.config, database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = build_fault_dataset(env, args.customers, args.items, args.batch_size)
        today = company._dso_local_now().date()
    release(database)
    build_s = time.perf_counter() - started
    to_plan = snapshot(database, customers_with_open_items, today)
    # The first step is an email 3 days after the leader's due date.
    to_email = snapshot(database, customers_with_open_items, today, 3)
    progress("%s customers to plan, %s to email", to_plan, to_email)

    workers = [Worker(args.config, database, ["plan", "send"], wait=True) for _ in "ab"]
    try:
        for worker in workers:
            if not worker.wait_for("READY"):
                raise RuntimeError("a worker did not load Odoo")
        progress("Both workers loaded: go")
        run_start = time.perf_counter()
        for worker in workers:
            worker.go()
        results = [worker.result() for worker in workers]
        run_s = time.perf_counter() - run_start
    finally:
        # Never leave a worker behind (it would keep the database open).
        for worker in workers:
            worker.kill()
    for result in results:
        progress("Worker %s", result)

    emails = snapshot(database, email_checks, today, None)
    progress("Emails: %s", emails)
    planned = [result.get("planned", 0) for result in results]
    failures = violations(emails, EMAIL_VIOLATIONS)
    for name, result in zip("ab", results, strict=True):
        failures += [
            f"worker {name} {key}: {value}"
            for key, value in result.items()
            if key.endswith("_error")
        ]
    if min(planned) == 0:
        failures.append(f"planning batches not shared: planned {planned}")
    if sum(planned) != to_plan:
        failures.append(f"planned {sum(planned)} customers in all, {to_plan} to plan")
    if emails["emails"] != to_email:
        failures.append(f"{emails['emails']} emails sent, {to_email} due")
    if to_email < 1000:
        failures.append(f"only {to_email} due automatic emails (1 000 wanted)")
    tasks = snapshot(database, reconcile_tasks)
    risk = snapshot(database, risk_refreshes)
    failures += done_once_failures(tasks, risk)
    result = {
        "customers": args.customers,
        "items": args.customers * args.items,
        "plan_batch_size": args.batch_size,
        "customers_to_plan": to_plan,
        "planned_by_worker": planned,
        "planned_total": sum(planned),
        "due_automatic_emails": to_email,
        **emails,
        **risk,
        "plan_s_by_worker": [result["plan_s"] for result in results],
        "send_s_by_worker": [result["send_s"] for result in results],
        **tasks,
        "errors": [
            value for r in results for key, value in r.items() if key.endswith("_error")
        ],
        "build_s": round(build_s, 1),
        "run_s": round(run_s, 1),
        "total_s": round(time.perf_counter() - started, 1),
        "violations": failures,
    }
    print(json.dumps(result), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
