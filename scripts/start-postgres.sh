#!/usr/bin/env bash
# Start the local PostgreSQL cluster (Debian's), creating it on a fresh machine, make sure
# the test role exists, and prove the server answers as the tests will reach it: over TCP on
# 127.0.0.1 with the role's password.
# Prints exactly one line on stdout: the SQLAlchemy URL. Everything the PostgreSQL
# tools say (e.g. pg_ctlcluster's "Removed stale pid file." after an unclean stop)
# goes to stderr, so a caller can use $(bash scripts/start-postgres.sh) safely.
set -euo pipefail
exec 3>&1 1>&2

fail() {
  echo "start-postgres: $*" >&2
  exit 1
}
command -v pg_lsclusters >/dev/null || fail "PostgreSQL is not installed (bash scripts/system-packages.sh --tests)"

# Something else (another cluster outside this system's view, e.g. the host's when this runs
# in a chroot) may listen on the port Debian would give a cluster: pick a free one.
port_in_use() { (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port=$1
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [[ -z "$cluster" ]]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_createcluster --port "$(free_port 5432)" "$version" main 3>&-
  cluster="$version main"
fi
# shellcheck disable=SC2086  # "$version $name" are two words
state=$(pg_lsclusters --no-header | awk 'NR==1 {print $4}')
if [[ $state != online* ]]; then
  port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
  if port_in_use "$port"; then
    moved=$(free_port "$port")
    echo "start-postgres: port $port is taken by another server; moving cluster $cluster to $moved"
    pg_conftool $cluster set port "$moved" 3>&-
  fi
  pg_ctlcluster $cluster start 3>&- || fail "cluster $cluster does not start (see: pg_lsclusters; /var/log/postgresql/)"
fi
port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
# From /, which the postgres user can enter (psql complains about a cwd it cannot).
as_postgres() { (cd / && if [[ $(id -u) -eq 0 ]]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi); }
as_postgres "psql -q -p $port -tc \"SELECT 1 FROM pg_roles WHERE rolname='shelfmark'\" | grep -q 1 || psql -q -p $port -c \"CREATE ROLE shelfmark LOGIN PASSWORD 'shelfmark' CREATEDB\""
answer=$(PGPASSWORD=shelfmark PGCONNECT_TIMEOUT=10 psql -h 127.0.0.1 -p "$port" -U shelfmark -d postgres -tAc "SELECT 1" 2>&1) ||
  fail "PostgreSQL does not answer on 127.0.0.1:$port as role shelfmark: $answer"
[[ $answer == 1 ]] || fail "PostgreSQL answered '$answer' to SELECT 1 on 127.0.0.1:$port"
echo "postgresql+psycopg://shelfmark:shelfmark@127.0.0.1:$port/postgres" >&3
