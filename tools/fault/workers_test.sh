#!/usr/bin/env bash
# Multi-worker deployment: starts the demo command with two HTTP workers, a
# cron worker and the websocket (evented) server, checks the processes, the
# login page, JSON-RPC calls served by both workers, the demo's answer page
# and the websocket port (tools/fault/workers_test.py), then stops the server and
# drops its database. The last line is one JSON object of figures; the exit
# status 1 on any failed check.
# Usage: tools/fault/workers_test.sh   (or: make workers-test)
# DSO_WORKERS_DB (dso_workers), DSO_WORKERS_PORT (8169), DSO_GEVENT_PORT (8172).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
prepare

DB="${DSO_WORKERS_DB:-dso_workers}"
PORT="${DSO_WORKERS_PORT:-8169}"
GEVENT_PORT="${DSO_GEVENT_PORT:-8172}"
LOG="$(mktemp -t dso_workers_XXXX.log)"
SERVER=""

stop_server() {
    [ -n "$SERVER" ] || return 0
    # The whole process group: demo.sh, the master, its workers. SIGTERM
    # first (Odoo stops gracefully), SIGKILL after 30 s.
    kill -TERM -- "-$SERVER" 2>/dev/null || true
    for _ in $(seq 1 30); do
        kill -0 -- "-$SERVER" 2>/dev/null || break
        sleep 1
    done
    kill -KILL -- "-$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
}
cleanup() {
    stop_server
    dropdb --if-exists "$DB" 2>/dev/null || log "could not drop $DB"
    rm -f "$LOG"
}
trap cleanup EXIT

for port in "$PORT" "$GEVENT_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "port $port is in use: set DSO_WORKERS_PORT / DSO_GEVENT_PORT to free ports."
    fi
done
dropdb --if-exists "$DB" || die "could not drop the old database $DB"

log "Starting the demo with 2 workers on port $PORT (websocket: $GEVENT_PORT)"
DSO_DEMO_DB="$DB" DSO_DEMO_LANGS="" DSO_PORT="$PORT" setsid bash "$REPO_ROOT/tools/demo.sh" \
    --workers=2 --max-cron-threads=1 --gevent-port="$GEVENT_PORT" >"$LOG" 2>&1 &
SERVER=$!

status=0
python "$REPO_ROOT/tools/fault/workers_test.py" --log "$LOG" --database "$DB" \
    --port "$PORT" --gevent-port "$GEVENT_PORT" || status=$?
stop_server
if [ "$status" != 0 ]; then
    log "The server's log:"
    tail -n 60 "$LOG" >&2
    die "the multi-worker test failed (see the figures and the log above)"
fi
grep -q "Stopping gracefully" "$LOG" || log "warning: the server did not log its graceful stop"
log "Server stopped"
