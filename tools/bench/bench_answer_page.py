"""The answer page of an interactive email with 500 open items, timed over
real HTTP (called by tools/bench/bench.py).

One benchmark customer gets 500 open items (copies in SQL of its own open
invoices, as tools/bench/bench_items.py multiplies the ledger's), and an
interactive request for its next action, sent. Odoo is served in this
process (werkzeug on a free local port, ``odoo.http.root``, the database of
the configuration) and the page is fetched with its access token: one
warm-up request (asset bundles, the invoices' portal tokens), then five
timed ones; each must answer 200 with one card per item. The copies and
the request are deleted afterwards, so the measures that follow (the
simulation, the 1 000 emails) see the ledger as it was.
"""

import statistics
import threading
import time
import urllib.request

from werkzeug.serving import make_server

import odoo
from odoo import api, fields
from odoo.tools import SQL

from bench_items import copy_select

ITEMS = 500
RUNS = 5
# One card per item on the page (views/portal_templates.xml).
ITEM_MARKER = b"data-move-name="


def page_lines(request):
    return request._dso_portal_lines()


def pick_action(env, company):
    """The customer's next action the request is made for: the last open
    action of the company (its customer is one of the benchmark's)."""
    return env["dso.collection.action"].search(
        [("company_id", "=", company.id), ("state", "in", ("todo", "to_confirm"))],
        order="id desc",
        limit=1,
    )


def add_open_items(env, partner, count):
    """Copy in SQL the open invoices of ``partner`` until it has ``count``
    more open items: returns the ids of the moves created."""
    cr = env.cr
    env.flush_all()
    cr.execute(
        SQL(
            """
            SELECT DISTINCT aml.move_id
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
             WHERE aml.partner_id = %s
               AND m.move_type = 'out_invoice'
               AND aml.parent_state = 'posted'
               AND aml.display_type = 'payment_term'
               AND NOT aml.reconciled
               AND aml.amount_residual > 0
             ORDER BY aml.move_id
            """,
            partner.id,
        )
    )
    templates = [row[0] for row in cr.fetchall()]
    if not templates or count <= 0:
        return []
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
    first_move_id = cr.fetchone()[0] + 1
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE dso_bench_page_item AS
            WITH template AS (
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS k
                  FROM unnest(%(templates)s::int[]) AS id
            ), item AS (
                SELECT i,
                       %(first)s + i AS move_id,
                       (%(today)s::date + 30 - mod(i * 7919, 240)::int) AS due
                  FROM generate_series(0::bigint, %(count)s - 1) AS i
            )
            SELECT item.i, item.move_id, template.id AS template_id, item.due,
                   item.due - 30 AS invoice_date, 1.0 AS ratio,
                   %(prefix)s AS prefix
              FROM item
              JOIN template ON template.k = mod(item.i, %(templates_count)s)
            """,
            templates=templates,
            first=first_move_id,
            today=fields.Date.context_today(env["account.move"]),
            count=count,
            prefix=f"PAGE{first_move_id}/",
            templates_count=len(templates),
        )
    )
    name = SQL("g.prefix || LPAD(g.i::text, 7, '0')")
    now = SQL("now() at time zone 'UTC'")
    move_columns, move_values = copy_select(
        cr,
        "account_move",
        {
            "name": name,
            "sequence_prefix": SQL("g.prefix"),
            "sequence_number": SQL("g.i"),
            "payment_reference": name,
            "date": SQL("g.invoice_date"),
            "invoice_date": SQL("g.invoice_date"),
            "invoice_date_due": SQL("g.due"),
            "access_token": SQL("NULL"),
            "inalterable_hash": SQL("NULL"),
            "secure_sequence_number": SQL("NULL"),
            "message_main_attachment_id": SQL("NULL"),
            "create_date": now,
            "write_date": now,
        },
        "t",
    )
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (id, %s)
            SELECT g.move_id, %s
              FROM dso_bench_page_item g
              JOIN account_move t ON t.id = g.template_id
            """,
            move_columns,
            move_values,
        )
    )
    cr.execute(SQL("SELECT setval('account_move_id_seq', %s)", first_move_id + count))
    line_columns, line_values = copy_select(
        cr,
        "account_move_line",
        {
            "move_id": SQL("g.move_id"),
            "move_name": name,
            "date": SQL("g.invoice_date"),
            "invoice_date": SQL("g.invoice_date"),
            "date_maturity": SQL(
                "CASE WHEN t.date_maturity IS NULL THEN NULL ELSE g.due END"
            ),
            "full_reconcile_id": SQL("NULL"),
            "matching_number": SQL("NULL"),
            "create_date": now,
            "write_date": now,
        },
        "t",
    )
    cr.execute(
        SQL(
            """
            INSERT INTO account_move_line (%s)
            SELECT %s
              FROM dso_bench_page_item g
              JOIN account_move_line t ON t.move_id = g.template_id
             ORDER BY g.move_id, t.id
            """,
            line_columns,
            line_values,
        )
    )
    cr.execute("DROP TABLE dso_bench_page_item")
    env.invalidate_all()
    return list(range(first_move_id, first_move_id + count))


def remove_moves(env, move_ids):
    """Delete the moves ``add_open_items`` created, and their items."""
    env.flush_all()
    env.cr.execute(
        SQL("DELETE FROM account_move_line WHERE move_id = ANY(%s)", move_ids)
    )
    env.cr.execute(SQL("DELETE FROM account_move WHERE id = ANY(%s)", move_ids))
    env.invalidate_all()


def prepare_page(env, company, items=ITEMS):
    """A sent request whose page lists ``items`` open items: ``(request,
    created move ids)``."""
    action = pick_action(env, company)
    Request = env["dso.interactive.request"].sudo()
    request = Request.create(Request._dso_prepare_vals(action, "customer"))
    request._dso_mark_sent()
    missing = items - len(page_lines(request))
    move_ids = add_open_items(env, request.partner_id, missing)
    request.invalidate_recordset()
    shown = len(page_lines(request))
    if shown != items:
        raise RuntimeError(
            f"the answer page of {request.partner_id.display_name} lists {shown} "
            f"items, not {items}: the customer has no open invoice to copy"
        )
    return request, move_ids


class Server:
    """Odoo's WSGI application served by werkzeug in a thread of this
    process, on a free local port."""

    def __enter__(self):
        self.server = make_server("127.0.0.1", 0, odoo.http.root, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_port}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join()
        self.server.server_close()


def fetch(url):
    """GET ``url``: (ms, status, body)."""
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
        status = response.status
    return (time.perf_counter() - start) * 1000, status, body


def measure_answer_page(registry, company_id, items=ITEMS, runs=RUNS):
    """Median time (ms) of the answer page of a customer with ``items`` open
    items over HTTP, after one warm-up request: ``(ms, items shown)``."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        request, move_ids = prepare_page(env, env["res.company"].browse(company_id))
        path = request.get_portal_url()
        request_id = request.id
        cr.commit()
    try:
        with Server() as base_url:
            url = base_url + path
            times = []
            for run in range(runs + 1):
                elapsed, status, body = fetch(url)
                shown = body.count(ITEM_MARKER)
                if status != 200 or shown != items:
                    raise RuntimeError(
                        f"{url} answered {status} with {shown} items, not 200 "
                        f"with {items}"
                    )
                if run:
                    times.append(elapsed)
    finally:
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["dso.interactive.request"].browse(request_id).unlink()
            remove_moves(env, move_ids)
            cr.commit()
    return round(statistics.median(times), 1), shown
