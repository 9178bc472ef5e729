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

log "Creating a fresh database $DB with dso_collection installed (no demo data)"
dropdb --if-exists "$DB" || die "could not drop the old test database $DB"
odoo_bin -c "$CONF" -d "$DB" -i dso_collection --without-demo=all \
    --stop-after-init --log-level=warn ||
    die "dso_collection did not install on a fresh database (see the log above)"

log "Running the tests"
cd "$REPO_ROOT"
python -m pytest -p no:cacheprovider \
    --odoo-config="$CONF" --odoo-database="$DB" --odoo-http \
    --odoo-log-level=warn \
    dso_collection/tests "$@"
