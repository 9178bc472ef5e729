"""The OCA peer of the side-by-side benchmark: ``account_credit_control``.

Run by tools/bench/bench_compare.sh on a clone of the benchmark database where
``account_credit_control`` 18.0 was just installed:

    python tools/bench/bench_peer.py --config F --database D

It configures the closest equivalent of our scenario: ONE
``credit.control.policy`` on the company's receivable accounts, set as the
company's policy (the module's "all customers"), with one level per step of
the benchmark scenario (same delay; from the due date for the steps counted
from the due date, from the previous reminder for the others; channel email,
phone or letter as the step's type; the module's email template), then times
one credit control run for today (``credit.control.run`` created and its
``generate_credit_lines``) and prints one JSON line: seconds, queries, the
credit control lines produced and the peak memory of the process.
"""

import argparse
import time
from collections import Counter

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry

from bench_compare import emit, peak_rss_mb
from bench_dataset import progress

SCENARIO = "Bench scenario 1"
# Our step types and the peer's channels (email, letter, phone).
CHANNELS = {
    "email": "email",
    "sms": "phone",
    "call": "phone",
    "letter": "letter",
    "registered_letter": "letter",
    "fax": "letter",
    "litigation": "letter",
}
# Our triggers and the peer's computation modes.
MODES = {"due": "net_days", "last_action": "previous_date"}


def configure(env):
    """The peer's policy mirroring the steps of the benchmark scenario."""
    company = env.ref("base.main_company")
    scenario = env["dso.collection.scenario"].search([("name", "=", SCENARIO)])
    if not scenario:
        raise SystemExit(
            f"dso_collection: no scenario {SCENARIO!r} in the database: build it"
            " with tools/bench/bench_compare.py build"
        )
    steps = scenario.step_ids.sorted("sequence")
    accounts = env["account.account"].search(
        [
            ("account_type", "=", "asset_receivable"),
            ("company_ids", "in", company.ids),
        ]
    )
    template = env.ref("account_credit_control.email_template_credit_control_base")
    policy = env["credit.control.policy"].create(
        {
            "name": f"Benchmark policy (mirrors {SCENARIO})",
            "company_id": company.id,
            "account_ids": [Command.set(accounts.ids)],
            "level_ids": [
                Command.create(
                    {
                        "name": step.name,
                        "level": level,
                        # The first level cannot count from a previous one.
                        "computation_mode": MODES.get(step.trigger, "previous_date")
                        if level > 1
                        else "net_days",
                        "delay_days": step.delay,
                        "channel": CHANNELS.get(step.action_type, "letter"),
                        "email_template_id": template.id,
                        "custom_text": step.name,
                        "custom_mail_text": f"<p>{step.name}</p>",
                        "mail_show_invoice_detail": True,
                    }
                )
                for level, step in enumerate(steps, start=1)
            ],
        }
    )
    company.credit_policy_id = policy
    env.cr.commit()
    progress(
        "Peer policy: %s",
        ", ".join(
            f"{lvl.level} {lvl.computation_mode} {lvl.delay_days:+d} d {lvl.channel}"
            for lvl in policy.level_ids
        ),
    )
    return company, policy


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company, policy = configure(env)
        env.invalidate_all()
        progress("Peer: credit control run for today")
        queries = odoo.sql_db.sql_counter
        start = time.perf_counter()
        run = (
            env["credit.control.run"]
            .with_company(company)
            .create(
                {
                    "date": fields.Date.context_today(policy),
                    "company_id": company.id,
                    "policy_ids": [Command.set(policy.ids)],
                }
            )
        )
        run.generate_credit_lines()
        env.cr.commit()
        elapsed = time.perf_counter() - start
        queries = odoo.sql_db.sql_counter - queries
        # Before counting the lines below (it reads them all).
        rss = peak_rss_mb()
        lines = run.line_ids
        result = {
            "s": round(elapsed, 3),
            "queries": queries,
            "lines": len(lines),
            "lines_by_level": {
                str(level): count
                for level, count in sorted(
                    Counter(line.policy_level_id.level for line in lines).items()
                )
            },
            "lines_by_channel": dict(Counter(lines.mapped("channel"))),
            "customers": len(lines.partner_id),
        }
    progress(
        "Peer: %.2f s, %s queries, %s credit control lines (%s customers)",
        elapsed,
        queries,
        result["lines"],
        result["customers"],
    )
    emit(dict(result, peak_rss_mb=rss))


if __name__ == "__main__":
    main()
