#!/usr/bin/env bash
# Benchmark of the collection planner: builds a fresh database dso_bench_$SIZE
# with a synthetic ledger (S: 1 000 customers / 10 000 open items, L: 10 000 /
# 100 000), plans the agenda twice and prints one JSON line of measures.
# Usage: SIZE=S|L tools/bench/bench.sh   (or: make bench SIZE=L)
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
prepare

SIZE="${SIZE:-S}"
case "$SIZE" in
    S | L) ;;
    *) die "unknown SIZE=$SIZE: use SIZE=S (1 000 customers) or SIZE=L (10 000 customers)." ;;
esac
DB="dso_bench_$SIZE"
CONF="$(mktemp -t dso_bench_XXXX.conf)"
trap 'rm -f "$CONF"' EXIT
WITHOUT_DEMO=all write_odoo_config "$DB" "$CONF"

fresh_database "$DB" "$CONF"

python "$REPO_ROOT/tools/bench/bench.py" --config "$CONF" --database "$DB" --size "$SIZE" ||
    die "the benchmark failed on $DB (see the log above)"
