#!/usr/bin/env bash
# Start the local PostgreSQL cluster (Debian's) and make a throwaway test database.
# Prints the SQLAlchemy URL for it on stdout.
set -euo pipefail
cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [[ -z "$cluster" ]]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_createcluster "$version" main >/dev/null
  cluster="$version main"
fi
# shellcheck disable=SC2086
if ! pg_lsclusters --no-header | grep -q " online"; then pg_ctlcluster $cluster start; fi
port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
as_postgres() { if [[ $(id -u) -eq 0 ]]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
as_postgres "psql -q -p $port -tc \"SELECT 1 FROM pg_roles WHERE rolname='shelfmark'\" | grep -q 1 || psql -q -p $port -c \"CREATE ROLE shelfmark LOGIN PASSWORD 'shelfmark' CREATEDB\"" >&2
echo "postgresql+psycopg://shelfmark:shelfmark@127.0.0.1:$port/postgres"
