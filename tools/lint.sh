#!/usr/bin/env bash
# Lint as the OCA does: ruff (lint + format check) and pylint-odoo's checks.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
check_odoo
ensure_venv
export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
cd "$REPO_ROOT"
ruff check dso_collection dso_collection_sale tools
ruff format --check dso_collection dso_collection_sale tools
pylint --rcfile=.pylintrc dso_collection dso_collection_sale
