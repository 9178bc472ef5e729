# Shared by tools/*.sh: finds Odoo, builds the virtualenv, starts PostgreSQL.
# Source it; every function fails fast with a message a person can act on.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_PATH="${ODOO_PATH:-/opt/odoo}"
PYTHON="${PYTHON:-python3.11}"
VENV_RECIPE=1
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

die() {
    printf 'dso_collection: %s\n' "$*" >&2
    exit 1
}

log() {
    printf '==> %s\n' "$*" >&2
}

check_odoo() {
    if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -d "$ODOO_PATH/odoo" ] || [ ! -d "$ODOO_PATH/addons" ]; then
        die "Odoo 18.0 was not found at ODOO_PATH=$ODOO_PATH (expected odoo-bin, odoo/ and addons/ there).
Put an Odoo 18.0 Community tree there, or point ODOO_PATH at one: ODOO_PATH=/path/to/odoo $0"
    fi
    if ! grep -q "^version_info = (18, 0" "$ODOO_PATH/odoo/release.py" 2>/dev/null; then
        die "The Odoo at ODOO_PATH=$ODOO_PATH is not 18.0 (see $ODOO_PATH/odoo/release.py)."
    fi
}

# The virtualenv lives outside the checkout, keyed by the requirements it was
# built from, so a fresh clone (CI) reuses it and a change of pins rebuilds it.
venv_dir() {
    local key
    # Bump VENV_RECIPE when ensure_venv changes how it installs.
    key=$( (echo "$VENV_RECIPE"; cat "$ODOO_PATH/requirements.txt" "$REPO_ROOT/requirements.txt") | sha1sum | cut -c1-12)
    echo "${DSO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/dso_collection/venv-$key}"
}

ensure_venv() {
    check_odoo
    VENV="$(venv_dir)"
    if [ -x "$VENV/bin/python" ] && [ -f "$VENV/.complete" ]; then
        export PATH="$VENV/bin:$PATH"
        return
    fi
    log "Building the virtualenv in $VENV (first run only)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" || die "could not create a virtualenv with $PYTHON"
    local odoo_reqs="$VENV/odoo-requirements.txt"
    # Odoo's pins, with the two that do not work on Python 3.11 here:
    # cbor2 5.4.2 does not build (5.6.2 does); python-ldap needs LDAP headers
    # and only serves auth_ldap, which we do not use.
    grep -vE '^(cbor2|python-ldap)' "$ODOO_PATH/requirements.txt" >"$odoo_reqs"
    echo 'cbor2==5.6.2' >>"$odoo_reqs"
    "$VENV/bin/pip" install -q --upgrade 'pip<25' 'setuptools<70' wheel || die "pip could not be upgraded in $VENV"
    "$VENV/bin/pip" install -q -r "$odoo_reqs" || die "Odoo's requirements did not install (see pip's output above)"
    "$VENV/bin/pip" install -q -r "$REPO_ROOT/requirements.txt" || die "dso_collection's requirements did not install"
    touch "$VENV/.complete"
    export PATH="$VENV/bin:$PATH"
}

# PostgreSQL: use a running server if there is one, else start the local
# cluster, and make sure the current user has a superuser role.
ensure_postgres() {
    if ! pg_isready -q 2>/dev/null; then
        command -v pg_lsclusters >/dev/null 2>&1 || die "PostgreSQL is not running and pg_lsclusters is missing: install PostgreSQL 15 (apt-get install postgresql) or start your server."
        local version
        version=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1}')
        [ -n "$version" ] || die "PostgreSQL is not running and no cluster exists: create one with pg_createcluster 15 main."
        log "Starting PostgreSQL $version/main"
        pg_ctlcluster "$version" main start 2>/dev/null || sudo_pg pg_ctlcluster "$version" main start ||
            die "PostgreSQL $version/main could not be started: see /var/log/postgresql/postgresql-$version-main.log"
        for _ in $(seq 1 30); do
            pg_isready -q && break
            sleep 1
        done
        pg_isready -q || die "PostgreSQL did not accept connections within 30 s."
    fi
    local me
    me=$(id -un)
    if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        log "Creating the PostgreSQL role $me"
        sudo_pg createuser -s "$me" || die "could not create the PostgreSQL role $me (run: sudo -u postgres createuser -s $me)"
    fi
}

sudo_pg() {
    if [ "$(id -u)" = 0 ]; then
        su postgres -c "$(printf '%q ' "$@")"
    else
        sudo -n -u postgres "$@"
    fi
}

# Odoo's command line with our addon path.
odoo_bin() {
    python "$ODOO_PATH/odoo-bin" --addons-path="$ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$REPO_ROOT" "$@"
}

# Debian packages the product needs at run time: PostgreSQL, Chromium for the
# browser tests, wkhtmltopdf for PDF reports. Installed when missing (as root).
ensure_system_packages() {
    local missing=()
    command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 ||
        command -v google-chrome >/dev/null 2>&1 || missing+=(chromium)
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    [ "${#missing[@]}" -eq 0 ] && return
    if [ "$(id -u)" != 0 ]; then
        die "missing system packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}) and run again."
    fi
    log "Installing ${missing[*]} from Debian's packages"
    apt-get update -q >/dev/null || die "apt-get update failed: cannot install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null ||
        die "apt-get could not install ${missing[*]}"
}

# An Odoo configuration file for this checkout (addons path, database access).
write_odoo_config() {
    local db="$1" file="$2"
    # DSO_PORT: HTTP port of the server (8069); set another one to run two at once.
    cat >"$file" <<CONF
[options]
addons_path = $ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$REPO_ROOT
db_name = $db
dbfilter = ^$db\$
admin_passwd = admin
data_dir = ${XDG_DATA_HOME:-$HOME/.local/share}/dso_collection
without_demo = ${WITHOUT_DEMO:-False}
http_port = ${DSO_PORT:-8069}
CONF
}

# A fresh database: drop $1 if it exists, then install dso_collection in it
# without demo data, with the configuration file $2.
fresh_database() {
    local db="$1" conf="$2" start=$SECONDS
    log "Creating a fresh database $db with dso_collection installed (no demo data)"
    dropdb --if-exists "$db" || die "could not drop the old database $db (is it still open in a server or a psql session?)"
    odoo_bin -c "$conf" -d "$db" -i dso_collection --without-demo=all \
        --stop-after-init --log-level=warn ||
        die "dso_collection did not install on a fresh database $db (see the log above)"
    log "Installed in $((SECONDS - start)) s"
}

# Whether the database $1 exists (its name is passed to psql as a variable,
# never pasted into the SQL).
database_exists() {
    echo "SELECT 1 FROM pg_database WHERE datname = :'db'" |
        psql -d postgres -Atq -v db="$1" | grep -q 1
}

prepare() {
    check_odoo
    # Odoo is not pip-installed: pytest-odoo and our scripts import it from here.
    export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
    ensure_system_packages
    ensure_postgres
    ensure_venv
}
