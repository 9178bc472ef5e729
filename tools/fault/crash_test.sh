#!/usr/bin/env bash
# Crash safety: kills the daily planning and the automatic sending (SIGKILL,
# separate processes, random moments) on a ledger of 1 100 customers with
# about 1 100 due automatic emails, reruns them and checks that no action is
# duplicated or lost and no email queued twice or lost (tools/fault/crash_test.py).
# The last line is one JSON object of figures; the exit status 1 on any
# violation. DSO_SEED=<n> replays the random moments of an earlier run.
# Usage: tools/fault/crash_test.sh   (or: make crash-test)
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
prepare

DB="${DSO_CRASH_DB:-dso_crash}"
CONF="$(mktemp -t dso_crash_XXXX.conf)"
cleanup() {
    rm -f "$CONF"
    dropdb --if-exists "$DB" 2>/dev/null || true
    dropdb --if-exists "${DB}_ref" 2>/dev/null || true
}
trap cleanup EXIT
WITHOUT_DEMO=all write_odoo_config "$DB" "$CONF"

fresh_database "$DB" "$CONF"

cd "$REPO_ROOT/tools/fault"
# The fault scripts build their ledger with the benchmark's dataset code.
export PYTHONPATH="$REPO_ROOT/tools/bench${PYTHONPATH:+:$PYTHONPATH}"
python crash_test.py --config "$CONF" --database "$DB" "$@" ||
    die "crash test failed on $DB (see the figures and the log above)"
