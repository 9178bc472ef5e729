#!/usr/bin/env bash
# Concurrency: two processes run the daily planning then the automatic
# sending at the same moment on one database of 1 100 customers (about
# 1 100 due automatic emails), as two cron workers would; checks that they
# shared the planning batches and that no email went twice or was left
# (tools/fault/concurrency_test.py). The last line is one JSON object of figures;
# the exit status 1 on any violation.
# Usage: tools/fault/concurrency_test.sh   (or: make concurrency-test)
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
prepare

DB="${DSO_CONCURRENCY_DB:-dso_concurrency}"
CONF="$(mktemp -t dso_concurrency_XXXX.conf)"
cleanup() {
    rm -f "$CONF"
    dropdb --if-exists "$DB" 2>/dev/null || true
}
trap cleanup EXIT
WITHOUT_DEMO=all write_odoo_config "$DB" "$CONF"

fresh_database "$DB" "$CONF"

cd "$REPO_ROOT/tools/fault"
# The fault scripts build their ledger with the benchmark's dataset code.
export PYTHONPATH="$REPO_ROOT/tools/bench${PYTHONPATH:+:$PYTHONPATH}"
python concurrency_test.py --config "$CONF" --database "$DB" "$@" ||
    die "concurrency test failed on $DB (see the figures and the log above)"
