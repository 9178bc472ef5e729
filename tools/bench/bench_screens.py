"""The screens users wait on, measured as the web client asks for them
(called by tools/bench/bench.py).

A list screen is opened the way the web client opens its menu: the menu's
window action (its domain, and its context's ``search_default_*`` filters
taken from the search view: filters of one group OR-ed, groups AND-ed),
``get_views`` for its list view, a ``specification`` of the list's fields
(``display_name`` of the many2one fields, the fields a widget depends on),
then ``web_search_read(domain, specification, offset=0, limit=80,
order=<the list's default order>, count_limit=10001)``, which also gives
the pager's count; the agenda's banner asks for the qualification rate
(``agenda_banner``). The KPI pivot grouped by collector (rows) and month
(columns) is loaded as its view asks for it: one ``dso_read_groups`` call
with the load's four groupings (the total, by collector, by month, by
both) and the pivot view's measures (it sent one ``read_group`` for each,
in two requests, before issue 23's second round); the dashboard calls
``get_dashboard_data()``.

Each screen runs as a real user (never the superuser): the agenda as the
first benchmark collector (its default filter is "My actions"), the others
as the administrator (uid 2), with the company and language the web client
sends. Each measure is taken with the caches cold (a new cursor, every
record cache invalidated), three times; the median is kept.
"""

import statistics
import time

from lxml import etree

from odoo import api, fields
from odoo.osv import expression
from odoo.tools.safe_eval import datetime, dateutil, safe_eval
from odoo.tools.safe_eval import time as safe_time

ADMIN_UID = 2
RUNS = 3
LIST_LIMIT = 80
COUNT_LIMIT = 10_001

# Fields a list widget reads besides its own (its JavaScript
# ``fieldDependencies``): they are in the request the web client sends.
WIDGET_DEPENDENCIES = {
    "list_activity": {
        "activity_exception_decoration": {},
        "activity_exception_icon": {},
        "activity_state": {},
        "activity_summary": {},
        "activity_type_icon": {},
        "activity_type_id": {"fields": {"display_name": {}}},
    },
}

# (key, window action, who opens it: "collector" or "admin").
LIST_SCREENS = (
    ("agenda", "dso_collection.dso_collection_action_action", "collector"),
    ("customers", "dso_collection.dso_collection_customer_action", "admin"),
    ("open_items", "dso_collection.account_move_line_action_dso_items", "admin"),
    ("answers", "dso_collection.dso_item_feedback_action", "admin"),
)
KPI_ACTION = "dso_collection.dso_collection_kpi_action"
KPI_GROUPBY = ("collector_id", "month:month")


# ----------------------------------------------------------------------
# Users, context, timing
# ----------------------------------------------------------------------


def screen_uid(env, who):
    """The user opening a screen: the first benchmark collector, or the
    administrator (uid 2) when there is none or ``who`` is "admin"."""
    if who == "collector":
        collector = env["res.users"].search(
            [("login", "=like", "bench_collector_%")], order="id", limit=1
        )
        if collector:
            return collector.id
    return ADMIN_UID


def user_context(env, uid, company):
    """The context the web client sends for ``uid`` in ``company``."""
    user = env["res.users"].browse(uid)
    return {
        "lang": user.lang or "en_US",
        "tz": user.tz or "UTC",
        "uid": uid,
        "allowed_company_ids": [company.id],
    }


def eval_context(env, uid):
    """What the web client evaluates action and filter expressions with."""
    user_env = env(user=uid)
    today = fields.Date.context_today(user_env["res.users"])
    return {
        "uid": uid,
        "context_today": lambda: today,
        "current_date": fields.Date.to_string(today),
        "datetime": datetime,
        "relativedelta": dateutil.relativedelta.relativedelta,
        "time": safe_time,
        "allowed_company_ids": user_env.companies.ids,
    }


def median_cold(registry, uid, context, call, runs=RUNS):
    """Median wall time in ms of ``call(env)`` over ``runs`` runs, each on a
    new cursor with the record caches cold, and the last result."""
    times, result = [], None
    for _run in range(runs):
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, context)
            env.invalidate_all()
            start = time.perf_counter()
            result = call(env)
            times.append((time.perf_counter() - start) * 1000)
            cr.rollback()
    return round(statistics.median(times), 1), result


# ----------------------------------------------------------------------
# What the web client asks
# ----------------------------------------------------------------------


def search_default_domain(search_arch, action_context, evaluation):
    """The domain of the search view's filters named ``search_default_*`` in
    the action context: filters of one group OR-ed, the groups AND-ed (a
    ``<separator/>``, a ``<field>`` or a ``<group>`` ends a group)."""
    wanted = {
        key[len("search_default_") :]
        for key, value in action_context.items()
        if key.startswith("search_default_") and value
    }
    groups, current = [], []
    found = set()

    def close():
        if current:
            groups.append(list(current))
            current.clear()

    def visit(node):
        for child in node:
            if child.tag == "filter":
                name = child.get("name")
                if name in wanted:
                    found.add(name)
                    if not child.get("domain"):
                        raise NotImplementedError(
                            f"search_default_{name}: only domain filters are measured"
                        )
                    current.append(safe_eval(child.get("domain"), evaluation))
            elif child.tag == "group":
                close()
                visit(child)
                close()
            elif child.tag in ("separator", "field"):
                close()

    visit(etree.fromstring(search_arch))
    close()
    missing = wanted - found
    if missing:
        raise ValueError(f"search defaults not in the search view: {sorted(missing)}")
    return expression.AND([expression.OR(group) for group in groups]) if groups else []


def list_specification(list_arch, model_fields):
    """The ``specification`` the list view sends for the fields of its arch."""
    specification = {}
    for node in etree.fromstring(list_arch).findall("field"):
        name = node.get("name")
        field_type = model_fields[name]["type"]
        always_invisible = node.get("invisible") in ("1", "True")
        if field_type in ("many2one", "reference"):
            specification[name] = (
                {"fields": {}} if always_invisible else {"fields": {"display_name": {}}}
            )
        elif field_type in ("many2many", "one2many") and node.get("widget") in (
            "many2many_tags",
            "many2many_avatar_user",
        ):
            specification[name] = {"fields": {"display_name": {}}}
        else:
            specification[name] = {}
        for dependency, spec in WIDGET_DEPENDENCIES.get(node.get("widget"), {}).items():
            specification.setdefault(dependency, spec)
    return specification


def list_request(env, uid, company, action_xmlid):
    """What the web client sends to fill the list of the window action
    ``action_xmlid``: model, domain, specification, order, context."""
    evaluation = eval_context(env, uid)
    action = env["ir.actions.act_window"]._for_xml_id(action_xmlid)
    action_context = safe_eval(action.get("context") or "{}", evaluation)
    context = {**user_context(env, uid, company), **action_context}
    model = env[action["res_model"]].with_user(uid).with_context(context)
    list_view = next(
        (view_id for view_id, view_type in action["views"] if view_type == "list"),
        False,
    )
    search_view = action.get("search_view_id") or False
    if isinstance(search_view, (list, tuple)):
        search_view = search_view[0]
    views = model.get_views(
        [[list_view, "list"], [search_view, "search"]],
        {"action_id": action["id"], "load_filters": True},
    )
    list_arch = views["views"]["list"]["arch"]
    model_fields = views["models"][model._name]["fields"]
    domains = [
        safe_eval(action.get("domain") or "[]", evaluation),
        search_default_domain(
            views["views"]["search"]["arch"], action_context, evaluation
        ),
    ]
    domain = expression.AND([domain for domain in domains if domain])
    if domain == expression.TRUE_DOMAIN:
        domain = []
    return {
        "model": model._name,
        "domain": domain,
        "specification": list_specification(list_arch, model_fields),
        "order": etree.fromstring(list_arch).get("default_order") or None,
        "context": {**context, "bin_size": True},
    }


def web_search_read(env, request):
    return (
        env[request["model"]]
        .with_context(request["context"])
        .web_search_read(
            request["domain"],
            request["specification"],
            offset=0,
            limit=LIST_LIMIT,
            order=request["order"],
            count_limit=COUNT_LIMIT,
        )
    )


def pivot_request(env, uid, company):
    """The KPI pivot grouped by collector and month: its measures (the pivot
    view's, with their aggregators) and the groupbys it reads."""
    context = user_context(env, uid, company)
    Kpi = env["dso.collection.kpi"].with_user(uid).with_context(context)
    views = Kpi.get_views([[False, "pivot"]])
    model_fields = views["models"][Kpi._name]["fields"]
    measures = [
        f"{node.get('name')}:{model_fields[node.get('name')]['aggregator']}"
        for node in etree.fromstring(views["views"]["pivot"]["arch"]).iter("field")
        if node.get("type") == "measure"
    ]
    # the pivot's load (static/src/kpi/kpi_pivot.js): the total, by row,
    # by column, by both, in one call
    rows, columns = KPI_GROUPBY
    groupbys = [[], [rows], [columns], [rows, columns]]
    return {"measures": measures, "groupbys": groupbys, "context": context}


def pivot_read_groups(env, request):
    """The pivot's load, as it sends it: one ``dso_read_groups`` call
    (lazy=False)."""
    Kpi = env["dso.collection.kpi"].with_context(request["context"])
    return Kpi.dso_read_groups([], request["measures"], request["groupbys"], lazy=False)


# ----------------------------------------------------------------------
# The measures
# ----------------------------------------------------------------------


def measure_screens(registry, company_id):
    """Median cold times (ms) and row counts of the list screens, the KPI
    pivot and the dashboard: ``(times, rows)``."""
    times, rows = {}, {}
    with registry.cursor() as cr:
        env = api.Environment(cr, ADMIN_UID, {})
        company = env["res.company"].browse(company_id)
        requests = {}
        for key, action_xmlid, who in LIST_SCREENS:
            uid = screen_uid(env, who)
            requests[key] = (uid, list_request(env, uid, company, action_xmlid))
        pivot = pivot_request(env, ADMIN_UID, company)
        admin_context = user_context(env, ADMIN_UID, company)
    for key, (uid, request) in requests.items():
        times[key], result = median_cold(
            registry,
            uid,
            request["context"],
            lambda env, request=request: web_search_read(env, request),
        )
        rows[key] = result["length"]
    times["kpi_pivot"], groups = median_cold(
        registry,
        ADMIN_UID,
        pivot["context"],
        lambda env: pivot_read_groups(env, pivot),
    )
    rows["kpi_pivot"] = len(groups[-1])
    # The banner above the agenda asks for the qualification rate.
    agenda_uid, agenda = requests["agenda"]
    times["agenda_banner"], _rates = median_cold(
        registry,
        agenda_uid,
        agenda["context"],
        lambda env: env["dso.item.status.report"].get_qualification_rate(),
    )
    times["dashboard"], _data = median_cold(
        registry,
        ADMIN_UID,
        admin_context,
        lambda env: env["dso.collection.dashboard"].get_dashboard_data(),
    )
    return times, rows
