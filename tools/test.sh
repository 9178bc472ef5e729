#!/usr/bin/env bash
# Runs the whole test suite: fresh database, install dso_collection, every
# test through pytest-odoo with a real HTTP server and headless Chromium.
# Usage: tools/test.sh [pytest arguments, e.g. -k planner]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
prepare

DB="${DSO_TEST_DB:-dso_test}"
CONF="$(mktemp -t dso_test_XXXX.conf)"
trap 'rm -f "$CONF"' EXIT
WITHOUT_DEMO=all write_odoo_config "$DB" "$CONF"

fresh_database "$DB" "$CONF"

log "Running the tests"
cd "$REPO_ROOT"
python -m pytest -p no:cacheprovider \
    --odoo-config="$CONF" --odoo-database="$DB" --odoo-http \
    --odoo-log-level=warn \
    dso_collection/tests "$@"

# The whole suite (no pytest argument, as in CI) also runs the fault
# scripts: crash safety, concurrency, multi-worker; each bounded in time.
if [ "$#" -eq 0 ]; then
    for script in crash_test:600 concurrency_test:420 workers_test:480; do
        log "Running tools/fault/${script%%:*}.sh (at most ${script##*:} s)"
        timeout --kill-after=30 "${script##*:}" bash "$REPO_ROOT/tools/fault/${script%%:*}.sh" ||
            die "tools/fault/${script%%:*}.sh failed or ran out of time (see its output above)"
    done
fi
