#!/usr/bin/env bash
# Side-by-side benchmark: our planner, the OCA peer account_credit_control
# 18.0 and the SQL floors (read and write), on one ledger (S: 1 000
# customers / 10 000 open items, L: 10 000 / 100 000), each measured in its
# own process. The last line on stdout is one JSON object (see "## Benchmark"
# in the README).
# Usage: SIZE=S|L tools/bench/bench_compare.sh   (or: make bench-compare SIZE=L)
# BENCH_DB=name runs it on the databases name and name_peer instead of
# dso_cmp_$SIZE and dso_cmp_${SIZE}_peer.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
prepare

SIZE="${SIZE:-S}"
case "$SIZE" in
    S | L) ;;
    *) die "unknown SIZE=$SIZE: use SIZE=S (1 000 customers) or SIZE=L (10 000 customers)." ;;
esac
DB="${BENCH_DB:-dso_cmp_$SIZE}"
PEER_DB="${DB}_peer"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/dso_collection"
PEER_DIR="$CACHE/bench-peer"
PEER_ADDONS="$PEER_DIR/odoo/addons"
PEER_SPEC="odoo-addon-account-credit-control>=18.0,<18.1"
WORK="$(mktemp -d -t dso_cmp_XXXX)"
# The peer's clone never outlives the run, even a failed one.
trap 'rm -rf "$WORK"; dropdb --if-exists "$PEER_DB" 2>/dev/null || true' EXIT
CONF="$WORK/odoo.conf"
PEER_CONF="$WORK/peer.conf"
PARTS="$WORK/parts"
mkdir -p "$PARTS"
cd "$REPO_ROOT/tools/bench"

# The peer: the PyPI wheel, without its dependencies (Odoo's own modules),
# unpacked into a folder of the benchmark outside the repository.
if [ ! -f "$PEER_ADDONS/account_credit_control/__manifest__.py" ]; then
    log "Downloading $PEER_SPEC into $PEER_DIR"
    rm -rf "$PEER_DIR"
    mkdir -p "$PEER_DIR/wheel"
    pip download -q --no-deps --dest "$PEER_DIR/wheel" "$PEER_SPEC" >&2 ||
        die "could not download $PEER_SPEC from PyPI (network?): the peer of the benchmark is missing."
    python -m zipfile -e "$PEER_DIR"/wheel/*.whl "$PEER_DIR" ||
        die "could not unpack the wheel of account_credit_control into $PEER_DIR"
fi
[ -f "$PEER_ADDONS/account_credit_control/__manifest__.py" ] ||
    die "account_credit_control is not in $PEER_ADDONS: remove $PEER_DIR and run again."

WITHOUT_DEMO=all write_odoo_config "$DB" "$CONF"
# The peer's configuration: the same, with its folder in the addons path.
sed -e "s|^addons_path = .*|&,$PEER_ADDONS|" -e "s|^db_name = .*|db_name = $PEER_DB|" \
    -e "s|^dbfilter = .*|dbfilter = ^$PEER_DB\$|" "$CONF" >"$PEER_CONF"

# 1. The ledger, every customer on one scenario with the six steps of L.
fresh_database "$DB" "$CONF"
python bench_compare.py build --config "$CONF" --database "$DB" --size "$SIZE" \
    >"$PARTS/dataset.json" || die "the dataset could not be built in $DB (see the log above)"

# The peer's clone, taken before our planner writes anything.
log "Cloning $DB into $PEER_DB and installing account_credit_control there"
dropdb --if-exists "$PEER_DB" || die "could not drop the old database $PEER_DB"
createdb -T "$DB" "$PEER_DB" || die "could not clone $DB into $PEER_DB (is $DB still open?)"
python "$ODOO_PATH/odoo-bin" -c "$PEER_CONF" -d "$PEER_DB" -i account_credit_control \
    --without-demo=all --stop-after-init --log-level=warn ||
    die "account_credit_control did not install on $PEER_DB (see the log above)"

# 2. Ours, 3. the peer, 4. the read floor, 5. the write floor (on the peer's
# clone, where no planner ran; rolled back): one process each.
python bench_compare.py ours --config "$CONF" --database "$DB" >"$PARTS/ours.json" ||
    die "our planner failed on $DB (see the log above)"
python bench_peer.py --config "$PEER_CONF" --database "$PEER_DB" >"$PARTS/peer.json" ||
    die "the peer's credit control run failed on $PEER_DB (see the log above)"
python bench_floor.py --config "$CONF" --database "$DB" >"$PARTS/floor.json" ||
    die "the SQL floor failed on $DB (see the log above)"
python bench_floor.py --write --config "$PEER_CONF" --database "$PEER_DB" >"$PARTS/write_floor.json" ||
    die "the SQL write floor failed on $PEER_DB (see the log above)"

dropdb --if-exists "$PEER_DB" || die "could not drop $PEER_DB: drop it by hand (dropdb $PEER_DB)"
python bench_compare.py report --size "$SIZE" --parts "$PARTS" \
    --keep "$CACHE/bench-compare-$SIZE.json" || die "the report could not be written"
