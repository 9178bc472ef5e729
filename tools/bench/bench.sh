#!/usr/bin/env bash
# Benchmark of the collection planner: builds a fresh database dso_bench_$SIZE
# with a synthetic ledger (S: 1 000 customers / 10 000 open items, L: 10 000 /
# 100 000, XL: 100 000 / 1 000 000), plans the agenda twice and prints one
# JSON line of measures, the last line on stdout. It keeps that line in
# ${XDG_CACHE_HOME:-~/.cache}/dso_collection/bench_$SIZE.json and prints on
# stderr how the times grew from the size below (bench_growth.py).
# Usage: SIZE=S|L|XL tools/bench/bench.sh   (or: make bench SIZE=XL)
# BENCH_DB=name runs it on another database than dso_bench_$SIZE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
prepare

SIZE="${SIZE:-S}"
case "$SIZE" in
    S | L | XL) ;;
    *) die "unknown SIZE=$SIZE: use SIZE=S (1 000 customers), SIZE=L (10 000 customers) or SIZE=XL (100 000 customers)." ;;
esac
DB="${BENCH_DB:-dso_bench_$SIZE}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/dso_collection"
CONF="$(mktemp -t dso_bench_XXXX.conf)"
OUT="$(mktemp -t dso_bench_XXXX.out)"
trap 'rm -f "$CONF" "$OUT"' EXIT
WITHOUT_DEMO=all write_odoo_config "$DB" "$CONF"

fresh_database "$DB" "$CONF"

set -o pipefail
python "$REPO_ROOT/tools/bench/bench.py" --config "$CONF" --database "$DB" --size "$SIZE" |
    tee "$OUT" || die "the benchmark failed on $DB (see the log above)"
mkdir -p "$CACHE" || die "could not create $CACHE to keep the result in"
tail -n 1 "$OUT" >"$CACHE/bench_$SIZE.json" || die "could not write $CACHE/bench_$SIZE.json"
# The growth table goes to stderr: the JSON line stays the last on stdout.
python "$REPO_ROOT/tools/bench/bench_growth.py" --size "$SIZE" --cache "$CACHE" >&2 ||
    die "the growth table could not be printed (the result is kept in $CACHE/bench_$SIZE.json)"
