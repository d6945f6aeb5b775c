#!/bin/sh
# The container's start: wait for the database, bring its schema to the newest migration, then serve
# (or run the command given, e.g. `worker`).
# The database URL and every other setting come from config.yaml and FUNDOCR_<SECTION>__<KEY>.
set -eu
cd "$(dirname "$0")/.."
python docker/wait_for_db.py --timeout "${DB_WAIT_SECONDS:-60}"
alembic upgrade head
exec python server.py "$@"
