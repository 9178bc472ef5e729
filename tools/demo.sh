#!/usr/bin/env bash
# Starts the product on a demo database: creates (or updates) dso_demo with
# demo data, plans the agenda, and serves it on http://localhost:8069
# (login admin, password admin). Ctrl-C stops the server.
# Extra arguments go to the Odoo server, e.g. several workers:
#   tools/demo.sh --workers=2 --max-cron-threads=1 --gevent-port=8072
#   (or: make demo ARGS="--workers=2")
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
prepare

DB="${DSO_DEMO_DB:-dso_demo}"
# Languages installed with every module's translations when the database is
# created: those of the demo's international customers (empty: none; their
# customers then still get this module's translations).
LANGS="${DSO_DEMO_LANGS-fr_FR,de_DE,nl_NL}"
# English first: Odoo makes the first language loaded the default one.
PORT="${DSO_PORT:-8069}"
CONF="$(mktemp -t dso_demo_XXXX.conf)"
trap 'rm -f "$CONF"' EXIT
write_odoo_config "$DB" "$CONF"

if database_exists "$DB"; then
    log "Updating dso_collection in $DB"
    odoo_bin -c "$CONF" -d "$DB" -u dso_collection --stop-after-init --log-level=warn ||
        die "dso_collection did not update in $DB (see the log above)"
else
    log "Creating $DB with demo data"
    odoo_bin -c "$CONF" -d "$DB" -i dso_collection ${LANGS:+--load-language="en_US,$LANGS"} \
        --stop-after-init --log-level=warn ||
        die "dso_collection did not install in $DB (see the log above)"
fi
log "Planning the agenda (and marking the actions the reconciliation guard holds)"
echo 'env["dso.collection.planner"]._cron_plan()
for company in env["res.company"].search([]):
    env["dso.collection.send"]._dso_refresh_holds(company, company._dso_local_now().date())
env.cr.commit()' |
    odoo_bin shell -c "$CONF" -d "$DB" --log-level=warn --no-http >/dev/null ||
    die "planning the agenda of $DB failed (see the log above)"

# The answer page of the demo interactive email (Redwood Furniture Co.).
LINK="$(echo 'r = env.ref("dso_collection.demo_interactive_request_redwood", raise_if_not_found=False)
print("DSO_LINK " + (r.get_portal_url() if r else ""))' |
    odoo_bin shell -c "$CONF" -d "$DB" --log-level=warn --no-http 2>/dev/null |
    sed -n 's/^DSO_LINK //p')"
log "Serving $DB on http://localhost:$PORT (login admin / password admin)"
log "Credit manager's dashboard (Collection > Dashboard): http://localhost:$PORT/odoo/action-dso_collection.dso_collection_dashboard_action"
if [ -n "$LINK" ]; then
    log "Customer answer page of the demo interactive email: http://localhost:$PORT$LINK"
    log "Portal login of that customer: redwood / redwood (page /my/collection)"
fi
odoo_bin -c "$CONF" -d "$DB" --http-port="$PORT" --log-level=info "$@"
