#!/usr/bin/env bash
# Runs the whole test suite: fresh database, install dso_collection, every
# test through pytest-odoo with a real HTTP server and headless Chromium.
# Usage: tools/test.sh [pytest arguments, e.g. -k planner]
# The tests of the Sales bridge (dso_collection_sale) run in a database of
# their own, with sale installed: with the whole suite, or alone when the
# arguments point into it (tools/test.sh dso_collection_sale/tests/...).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
prepare

DB="${DSO_TEST_DB:-dso_test}"
CONF="$(mktemp -t dso_test_XXXX.conf)"
SALE_CONF="$(mktemp -t dso_test_sale_XXXX.conf)"
trap 'rm -f "$CONF" "$SALE_CONF"' EXIT
WITHOUT_DEMO=all write_odoo_config "$DB" "$CONF"

# Arguments pointing into the bridge are for its stage only.
SALE_ONLY=0
for arg in "$@"; do
    case "$arg" in
    dso_collection_sale | dso_collection_sale/* | */dso_collection_sale | */dso_collection_sale/*)
        SALE_ONLY=1
        ;;
    esac
done

cd "$REPO_ROOT"
if [ "$SALE_ONLY" -eq 0 ]; then
    fresh_database "$DB" "$CONF"

    log "Running the tests"
    python -m pytest -p no:cacheprovider \
        --odoo-config="$CONF" --odoo-database="$DB" --odoo-http \
        --odoo-log-level=warn \
        dso_collection/tests "$@"
fi

# The Sales bridge: a fresh database with sale and dso_collection_sale (as
# fresh_database does for dso_collection), then its tests.
if [ "$#" -eq 0 ] || [ "$SALE_ONLY" -eq 1 ]; then
    SALE_DB="${DB}_sale"
    WITHOUT_DEMO=all write_odoo_config "$SALE_DB" "$SALE_CONF"
    start=$SECONDS
    log "Creating a fresh database $SALE_DB with sale and dso_collection_sale installed (no demo data)"
    dropdb --if-exists "$SALE_DB" ||
        die "could not drop the old database $SALE_DB (is it still open in a server or a psql session?)"
    odoo_bin -c "$SALE_CONF" -d "$SALE_DB" -i dso_collection_sale,sale --without-demo=all \
        --stop-after-init --log-level=warn ||
        die "dso_collection_sale did not install with sale on a fresh database $SALE_DB (see the log above)"
    log "Installed in $((SECONDS - start)) s"

    log "Running the tests of dso_collection_sale"
    sale_args=(dso_collection_sale/tests)
    [ "$SALE_ONLY" -eq 0 ] || sale_args=("$@")
    python -m pytest -p no:cacheprovider \
        --odoo-config="$SALE_CONF" --odoo-database="$SALE_DB" \
        --odoo-log-level=warn \
        "${sale_args[@]}" ||
        die "the tests of dso_collection_sale failed (see pytest's output above)"
fi

# The whole suite (no pytest argument, as in CI) also runs the fault
# scripts: crash safety, concurrency, multi-worker; each bounded in time.
if [ "$#" -eq 0 ]; then
    for script in crash_test:600 concurrency_test:420 workers_test:480; do
        log "Running tools/fault/${script%%:*}.sh (at most ${script##*:} s)"
        timeout --kill-after=30 "${script##*:}" bash "$REPO_ROOT/tools/fault/${script%%:*}.sh" ||
            die "tools/fault/${script%%:*}.sh failed or ran out of time (see its output above)"
    done
fi
