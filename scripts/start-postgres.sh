#!/usr/bin/env bash
# Start the local PostgreSQL cluster (Debian's) and make sure the test role exists.
# Prints exactly one line on stdout: the SQLAlchemy URL. Everything the PostgreSQL
# tools say (e.g. pg_ctlcluster's "Removed stale pid file." after an unclean stop)
# goes to stderr, so a caller can use $(bash scripts/start-postgres.sh) safely.
set -euo pipefail
exec 3>&1 1>&2
cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [[ -z "$cluster" ]]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_createcluster "$version" main 3>&-
  cluster="$version main"
fi
# shellcheck disable=SC2086
if ! pg_lsclusters --no-header | grep -q " online"; then pg_ctlcluster $cluster start 3>&-; fi
port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
as_postgres() { if [[ $(id -u) -eq 0 ]]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
as_postgres "psql -q -p $port -tc \"SELECT 1 FROM pg_roles WHERE rolname='shelfmark'\" | grep -q 1 || psql -q -p $port -c \"CREATE ROLE shelfmark LOGIN PASSWORD 'shelfmark' CREATEDB\""
echo "postgresql+psycopg://shelfmark:shelfmark@127.0.0.1:$port/postgres" >&3
