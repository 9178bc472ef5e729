"""Shared by the fault scripts (tools/fault/crash_test.py and
tools/fault/concurrency_test.py): the ledger they run on and the
scheduled actions run in separate OS processes (their checks:
tools/fault/fault_checks.py).

As a script, it is the worker those scripts start:

    python tools/fault/fault_common.py --config FILE --database DB --job plan
    python tools/fault/fault_common.py --config F --database DB --job plan,send --wait

runs the daily planning and/or the automatic sending the way the scheduler
runs them (with a progress record: each batch is committed), prints
``READY`` once Odoo is loaded, waits for a line on stdin with ``--wait`` (so
that two workers start at the same moment), prints ``START`` and, at the end,
one JSON line ``{"planned": ..., "plan_s": ..., "send_s": ...}``.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import traceback

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

from bench_dataset import (
    assign_round_robin,
    create_collectors,
    create_customers,
    ensure_chart,
    timed,
    vacuum,
)
from bench_items import create_templates, multiply_items

TOOLS = os.path.dirname(os.path.abspath(__file__))
WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
# The scheduled actions a worker runs: job -> (cron xmlid, method).
JOBS = {
    "plan": ("dso_collection.ir_cron_dso_plan", "_cron_plan"),
    "send": ("dso_collection.ir_cron_dso_send_automatic", "_cron_send_automatic"),
}


def load(config, database):
    """Odoo configured for ``database``; its registry."""
    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    return Registry(database)


def release(database):
    """Close this process's connections to ``database`` (before a copy or a
    drop of it)."""
    odoo.sql_db.close_db(database)


# ----------------------------------------------------------------------
# The ledger
# ----------------------------------------------------------------------


def build_fault_dataset(env, customers, items_per_customer, batch_size):
    """``customers`` customers with ``items_per_customer`` open items each,
    all on one scenario whose first step is an automatic email not to
    confirm, three days after the due date (then a call): nearly every
    customer has an overdue item, so the first planning makes about one due
    automatic email per customer. The sending window is open all day, every
    day, and the reconciliation guard off (the ledger's credit notes would
    hold their customers), as in tools/bench/bench.py."""
    company = env.ref("base.main_company")
    ensure_chart(env, company)
    with timed("customers (ORM create)"):
        partners = create_customers(env, company, customers)
    scenario = env["dso.collection.scenario"].create(
        {
            "name": "Fault test scenario",
            "sequence": 1,
            "step_ids": [
                Command.create(
                    {
                        "sequence": 10,
                        "name": "First reminder",
                        "action_type": "email",
                        "trigger": "due",
                        "delay": 3,
                        "automatic": True,
                        "to_confirm": False,
                        "mail_template_id": env.ref(
                            "dso_collection.mail_template_dso_first_reminder"
                        ).id,
                    }
                ),
                Command.create(
                    {
                        "sequence": 20,
                        "name": "Phone call",
                        "action_type": "call",
                        "trigger": "last_action",
                        "delay": 5,
                        "automatic": False,
                    }
                ),
            ],
        }
    )
    partners = partners.with_company(company)
    assign_round_robin(partners, "dso_scenario_id", scenario)
    assign_round_robin(partners, "dso_collector_id", create_collectors(env, company))
    with timed("open items (SQL)"):
        journal, templates = create_templates(env, company, partners[0])
        multiply_items(
            env,
            journal,
            templates,
            partners,
            customers * items_per_customer - len(templates),
        )
    company.write(
        {
            "dso_auto_hour_from": 0.0,
            "dso_auto_hour_to": 24.0,
            "dso_hold_unmatched": False,
            "dso_confirm_automatic": False,
            **{f"dso_auto_{day}": True for day in WEEKDAYS},
        }
    )
    # sudo: a technical setting of this test database, written as superuser.
    env["ir.config_parameter"].sudo().set_param(
        "dso_collection.plan_batch_size", str(batch_size)
    )
    env.cr.commit()
    vacuum(env.cr.dbname, ["res_partner", "account_move", "account_move_line"])
    return company


def copy_database(source, target):
    """``createdb -T``: a copy of ``source`` (nobody may be connected to it)."""
    release(source)
    subprocess.run(["dropdb", "--if-exists", target], check=True)
    subprocess.run(["createdb", "-T", source, target], check=True)


def drop_database(database):
    release(database)
    subprocess.run(["dropdb", "--if-exists", database], check=True)


# ----------------------------------------------------------------------
# Workers: the scheduled actions in their own OS processes
# ----------------------------------------------------------------------


class Worker:
    """A worker process running ``jobs`` (``plan``, ``send``) on a database;
    in its own session, so that a SIGKILL reaches it alone."""

    def __init__(self, config, database, jobs, wait=False):
        command = [
            sys.executable,
            os.path.join(TOOLS, "fault_common.py"),
            "--config",
            config,
            "--database",
            database,
            "--job",
            ",".join(jobs),
        ]
        if wait:
            command.append("--wait")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.started = None

    def wait_for(self, word):
        """Read stdout up to the line ``word``; False if the process ended."""
        for line in self.process.stdout:
            if line.strip() == word:
                if word == "START":
                    self.started = time.perf_counter()
                return True
        return False

    def go(self):
        self.process.stdin.write("GO\n")
        self.process.stdin.flush()

    def result(self, timeout=600):
        """The JSON result of a worker that ran to its end."""
        try:
            out, _err = self.process.communicate(timeout=timeout)
        except BaseException:
            self.kill()  # never left behind, holding the database
            raise
        if self.process.returncode != 0:
            raise RuntimeError(f"worker exited with {self.process.returncode}")
        return json.loads(out.strip().splitlines()[-1])

    def kill(self):
        """SIGKILL; whether the process was still running."""
        running = self.process.poll() is None
        if running:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdout, self.process.stdin):
            if stream and not stream.closed:
                stream.close()
        return running


def run_as_cron(env, xmlid, method):
    """Call the scheduled action's ``<method>()`` on its model (the planner,
    the send service) as the scheduler does: as the scheduled action's
    user, with a progress record (so its batches are committed one by
    one)."""
    cron = env.ref(xmlid)
    cron, _progress = cron.with_user(cron.user_id)._add_progress()
    env.cr.commit()
    result = getattr(cron.env[cron.model_id.model], method)()
    env.cr.commit()
    return result


def worker_main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--job", required=True, help="plan, send or plan,send")
    parser.add_argument("--wait", action="store_true", help="wait for a stdin line")
    args = parser.parse_args()
    registry = load(args.config, args.database)
    print("READY", flush=True)
    if args.wait:
        sys.stdin.readline()
    print("START", flush=True)
    result = {"pid": os.getpid()}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for job in args.job.split(","):
            xmlid, method = JOBS[job]
            start = time.perf_counter()
            try:
                value = run_as_cron(env, xmlid, method)
            except Exception as error:
                # As the scheduler does: log, roll back, go on with the
                # next job; the caller sees the error in the result.
                traceback.print_exc()
                cr.rollback()
                result[f"{job}_error"] = f"{type(error).__name__}: {error}".strip()
            else:
                if job == "plan":
                    result["planned"] = value
            result[f"{job}_s"] = round(time.perf_counter() - start, 2)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    worker_main()
