"""Benchmark of the collection planner on a synthetic ledger.

Run by tools/bench/bench.sh on a fresh database with dso_collection installed
(without demo data):

    python tools/bench/bench.py --config FILE --database dso_bench_L --size L

It builds the dataset fast (tools/bench/bench_dataset.py: customers and a few
template invoices through the ORM, then tools/bench/bench_items.py: the open items
multiplied in SQL from those templates), plans the agenda twice with
``dso.collection.planner._cron_plan()``, then once more for tomorrow (the
daily run on a new day), computes the credit manager's dashboard (target:
2 s on L), times the screens users wait on as the web client asks for them
(tools/bench/bench_screens.py: the agenda, Customers to collect, Open items,
Customer answers, the KPI pivot, the dashboard) and the answer page of a
customer with 500 open items over HTTP (tools/bench/bench_answer_page.py),
simulates 30 days of collection, queues 1 000 automatic emails and prints,
as the last line on stdout, one JSON object with the measures.
Progress goes to stderr.
"""

import argparse
import datetime
import json
import resource
import time

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry

from bench_answer_page import measure_answer_page
from bench_dataset import (
    SIZES,
    build_dataset,
    count_open_items,
    progress,
    timed,
    vacuum,
)
from bench_screens import measure_screens


def plan(env, date=None):
    queries = odoo.sql_db.sql_counter
    start = time.perf_counter()
    env["dso.collection.planner"]._cron_plan(date=date)
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
    # Open the sending window whatever the day and hour of the run; measure
    # the preparation of 1 000 emails, not the reconciliation guard (the
    # ledger's open credit notes would hold their customers).
    company.write(
        {
            "dso_auto_hour_from": 0.0,
            "dso_auto_hour_to": 24.0,
            "dso_hold_unmatched": False,
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


def dashboard(env, company):
    """Compute the credit manager's dashboard (every KPI, the 12-month
    trend, the aged balance, the top customers) as a user of ``company``
    opening it, caches cold."""
    env.invalidate_all()
    env = env(context={"allowed_company_ids": [company.id]})
    start = time.perf_counter()
    data = env["dso.collection.dashboard"].get_dashboard_data()
    return time.perf_counter() - start, data


def screens(registry, company):
    """The screens users wait on, each on its own cursor, caches cold: the
    lists, the KPI pivot and the dashboard as the web client asks for them,
    then the answer page of a customer with 500 open items over HTTP.
    Returns ``(milliseconds, rows)`` by screen."""
    progress("Opening the screens as the web client does (median of 3, cold)")
    times, rows = measure_screens(registry, company.id)
    progress("Answer page of a customer with 500 open items over HTTP")
    times["answer_page"], rows["answer_page"] = measure_answer_page(
        registry, company.id
    )
    progress("Screens (ms): %s", times)
    return times, rows


def simulate(env, company, days=30):
    """Simulate ``days`` days of collection of every customer of ``company``."""
    env.invalidate_all()
    Simulation = env["dso.collection.simulation"].with_company(company)
    start = time.perf_counter()
    partner_ids = Simulation._customers_for(company)
    events = Simulation._simulate(company, partner_ids, fields.Date.today(), days)
    return time.perf_counter() - start, len(events)


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
        env.invalidate_all()
        progress("Planning the agenda for tomorrow (a new day)")
        tomorrow = fields.Date.today() + datetime.timedelta(days=1)
        next_day_s, next_day_queries = plan(env, tomorrow)
        progress("Next day: %.1f s, %s queries", next_day_s, next_day_queries)
        company = env["res.company"].browse(company.id)
        progress("Computing the dashboard KPIs")
        dashboard_s, data = dashboard(env, company)
        dashboard_again_s, _data = dashboard(env, company)
        progress(
            "Dashboard: %.2f s (again: %.2f s), DSO %.1f days",
            dashboard_s,
            dashboard_again_s,
            data["current"].get("dso") or 0.0,
        )
        env.cr.commit()
        screens_ms, screens_rows = screens(registry, company)
        env.invalidate_all()
        progress("Simulating 30 days of collection")
        simulate_s, events = simulate(env, company)
        progress("Simulation: %.1f s, %s actions predicted", simulate_s, events)
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
                "next_day_s": round(next_day_s, 2),
                "next_day_queries": next_day_queries,
                "peak_rss_mb": round(peak_rss_mb, 1),
                "send_1000_s": round(send_s, 2),
                "dashboard_s": round(dashboard_s, 2),
                "dashboard_again_s": round(dashboard_again_s, 2),
                "screens_ms": screens_ms,
                "screens_rows": screens_rows,
                "simulate_30_days_s": round(simulate_s, 2),
                "simulated_actions": events,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
