"""Crash safety of the daily planning and of the automatic sending.

Run by tools/fault/crash_test.sh on a fresh database with dso_collection installed:

    python tools/fault/crash_test.py --config FILE --database dso_h2_crash

It builds a ledger whose first planning makes about one due automatic email
per customer (tools/fault/fault_common.py), copies it (``createdb -T``) and plans
the copy once, cleanly: the reference agenda. On the test database it starts
the planner in a separate OS process and kills it (SIGKILL) inside its work,
at a number of customers planned drawn at random, several times (a kill
that comes after the end is drawn again), then runs it to its end: the open
actions must be those of the reference, none twice, none lost. Then the
same with the automatic sending, killed after a random number of emails
sent with emails left unsent: no customer or action with two emails, no
automatic action done without its email, no email without its done action,
no due email left unsent. The draws come from a seed printed first (set
DSO_SEED to replay a run). The last line on stdout is one JSON object of figures; the
exit status is 1 on any violation.
"""

import argparse
import json
import os
import random
import sys
import time

from odoo import SUPERUSER_ID, api

from bench_dataset import progress
from fault_checks import (
    EMAIL_VIOLATIONS,
    compare_agendas,
    count,
    due_automatic,
    email_checks,
    open_actions,
    snapshot,
    violations,
)
from fault_common import (
    Worker,
    build_fault_dataset,
    copy_database,
    drop_database,
    load,
    release,
)

# Customers the daily planning has planned (and recorded) so far.
PLANNED = "SELECT COUNT(*) FROM dso_collection_plan_state WHERE fingerprint IS NOT NULL"
# Emails the automatic sending commits at once (``_send_automatic_batch``),
# and a first guess of the time of one, before one is measured: on the low
# side, since a kill drawn too late finds the sending finished (1 000
# emails take 5 to 8 s since issue 23: 0.04 s an email let the first kill
# wait past the end), while one drawn early still lands inside the work.
SEND_BATCH = 100
SEND_S_PER_EMAIL = 0.004


def kill_inside_work(
    config, database, job, kills, left, batch, unit_s, rng, after_kill
):
    """Start ``job`` and kill it (SIGKILL) inside its work, ``kills`` times;
    then run it to its end. ``left()`` counts the units of work still to do
    (customers to plan, emails to send), committed ``batch`` by ``batch``.

    Each kill is drawn inside the remaining work: how many more units the
    job may commit first, at least one batch short of its end; the database
    is watched and, once it committed that many, the job is killed at a
    random moment of the next batch (``unit_s``: a first guess of the time
    of one unit, measured again at each kill). A kill
    that finds the work finished (nothing left undone) does not count: the
    draw is made again on what is left. When no more than one batch is
    left, no kill can land inside the work: the kills stop there, and the
    figures say how many there were. ``after_kill(elapsed)`` checks the
    database between two runs."""
    record = []
    attempts = 0
    while len(record) < kills and attempts < kills * 3:
        before = left()
        if before <= batch:
            progress("%s: %s left, one batch: no kill can land inside", job, before)
            break
        attempts += 1
        # Units it may commit before the kill: whole batches, leaving at
        # least one batch undone for this kill and for each kill still to
        # come.
        slots = (before - 1) // batch - (kills - len(record) - 1)
        target = rng.randrange(0, max(slots, 1)) * batch
        worker = Worker(config, database, [job])
        if not worker.wait_for("START"):
            raise RuntimeError(f"the {job} worker did not start")
        while worker.process.poll() is None and before - left() < target:
            time.sleep(0.02)
        reached = time.perf_counter()
        # Inside the next batch, not at its first instruction.
        time.sleep(rng.uniform(0.1, 0.9) * batch * unit_s)
        running = worker.kill()
        elapsed = time.perf_counter() - worker.started
        after = left()
        checks = after_kill(elapsed)
        interrupted = running and after > 0
        if before - after > 0:
            unit_s = (reached - worker.started) / (before - after)
        progress(
            "%s: kill %s after %.2f s, %s of %s committed, %s left undone (%s): %s",
            job,
            len(record) + 1,
            elapsed,
            before - after,
            before,
            after,
            "inside the work" if interrupted else "too late: drawn again",
            checks,
        )
        if not interrupted:
            continue
        record.append(
            {
                "delay_s": round(elapsed, 2),
                "interrupted": True,
                "committed": before - after,
                "left_undone": after,
                **checks,
            }
        )
    worker = Worker(config, database, [job])
    result = worker.result()
    progress("%s: run to its end: %s", job, result)
    return record, result


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--customers", type=int, default=1100)
    parser.add_argument("--items", type=int, default=4, help="per customer")
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=100)
    return parser.parse_args()


def reference_run(args, today):
    """Plan a copy of the test database cleanly: its agenda and due emails."""
    reference = args.database + "_ref"
    copy_database(args.database, reference)
    try:
        progress("Reference: planning %s cleanly", reference)
        run = Worker(args.config, reference, ["plan"]).result()
        agenda = snapshot(reference, open_actions)
        due = snapshot(reference, due_automatic, today)
    finally:
        drop_database(reference)
    progress(
        "Reference: %s open actions, %s due automatic emails, planned in %.1f s",
        len(agenda),
        len(due),
        run["plan_s"],
    )
    return run, agenda, due


def crash_planner(args, rng, plan_ref, ref_agenda):
    """Kill the planner at random moments, run it to its end, compare."""
    database = args.database

    def checks(_elapsed):
        figures = compare_agendas(ref_agenda, snapshot(database, open_actions))
        return {
            "actions": figures["actions"],
            "duplicates": figures["duplicates"],
            "customers_planned": snapshot(database, count, PLANNED),
        }

    def left():
        return args.customers - snapshot(database, count, PLANNED)

    kills, run = kill_inside_work(
        args.config,
        database,
        "plan",
        args.kills,
        left,
        args.batch_size,
        plan_ref["plan_s"] / args.customers,
        rng,
        checks,
    )
    agenda = compare_agendas(ref_agenda, snapshot(database, open_actions))
    progress("Agenda after the crashes: %s", agenda)
    return kills, run, agenda


def crash_sender(args, rng, today, expected):
    """Kill the automatic sending at random moments, run it to its end."""
    database = args.database

    def left():
        return len(snapshot(database, due_automatic, today))

    def checks(_elapsed):
        figures = snapshot(database, email_checks, today, expected)
        return {
            "emails": figures["emails"],
            **{key: figures[key] for key in EMAIL_VIOLATIONS[:5]},
        }

    kills, run = kill_inside_work(
        args.config,
        database,
        "send",
        args.kills,
        left,
        SEND_BATCH,
        SEND_S_PER_EMAIL,
        rng,
        checks,
    )
    emails = snapshot(database, email_checks, today, expected)
    progress("Emails after the crashes: %s", emails)
    return kills, run, emails


def main():
    args = parse_args()
    seed = int(os.environ.get("DSO_SEED") or random.SystemRandom().randrange(10**6))
    progress("Seed %s (replay with DSO_SEED=%s)", seed, seed)
    rng = random.Random(seed)
    started = time.perf_counter()

    registry = load(args.config, args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = build_fault_dataset(env, args.customers, args.items, args.batch_size)
        today = company._dso_local_now().date()
    build_s = time.perf_counter() - started
    release(args.database)
    plan_ref, ref_agenda, ref_due = reference_run(args, today)
    plan_kills, plan_run, agenda = crash_planner(args, rng, plan_ref, ref_agenda)
    expected = snapshot(args.database, due_automatic, today)
    send_kills, send_run, emails = crash_sender(args, rng, today, expected)
    release(args.database)

    failures = violations(agenda, ("duplicates", "lost", "extra"))
    for run in (plan_ref, plan_run, send_run):
        failures += [value for key, value in run.items() if key.endswith("_error")]
    failures += violations(emails, EMAIL_VIOLATIONS)
    for kill in plan_kills:
        failures += [f"plan kill: {key}" for key in violations(kill, ("duplicates",))]
    for kill in send_kills:
        failures += [
            f"send kill: {key}" for key in violations(kill, EMAIL_VIOLATIONS[:5])
        ]
    if not plan_kills or not send_kills:
        failures.append(
            f"kills inside the work: planner {len(plan_kills)}, sender "
            f"{len(send_kills)} (at least one each wanted)"
        )
    if len(expected) < 1000:
        failures.append(f"only {len(expected)} due automatic emails (1 000 wanted)")
    if expected != ref_due:
        failures.append("due automatic emails differ from the reference's")
    result = {
        "seed": seed,
        "customers": args.customers,
        "items": args.customers * args.items,
        "plan_kills": len(plan_kills),
        "plan_kill_delays_s": [k["delay_s"] for k in plan_kills],
        "customers_planned_at_kills": [k["customers_planned"] for k in plan_kills],
        "customers_left_at_kills": [k["left_undone"] for k in plan_kills],
        "send_kills": len(send_kills),
        "send_kill_delays_s": [k["delay_s"] for k in send_kills],
        "emails_at_kills": [k["emails"] for k in send_kills],
        "emails_left_unsent_at_kills": [k["left_undone"] for k in send_kills],
        **agenda,
        "due_automatic_emails": len(expected),
        **{key: value for key, value in emails.items() if key != "lost"},
        "lost_emails": emails["lost"],
        "build_s": round(build_s, 1),
        "plan_reference_s": plan_ref["plan_s"],
        "plan_rerun_s": plan_run["plan_s"],
        "plan_rerun_planned": plan_run.get("planned"),
        "send_rerun_s": send_run["send_s"],
        "total_s": round(time.perf_counter() - started, 1),
        "violations": failures,
    }
    print(json.dumps(result), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
