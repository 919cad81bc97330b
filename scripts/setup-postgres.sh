#!/usr/bin/env bash
# Installs (Debian, when missing) and starts a local PostgreSQL, then creates the role and
# database `streamhouse` (password `streamhouse`, CREATEDB so tests can make one database each).
# Idempotent; runs as root. The tests read STREAMHOUSE_TEST_POSTGRES_URL, defaulting to
# postgres://streamhouse:streamhouse@127.0.0.1:5432/streamhouse.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "setup-postgres: must run as root" >&2
    exit 1
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    echo "setup-postgres: installing postgresql with apt"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
fi

# The newest installed major version (e.g. 15 on Debian 12, 17 on Debian 13).
version="$(ls /usr/lib/postgresql | sort -n | tail -n 1)"
if [ -z "$version" ]; then
    echo "setup-postgres: no PostgreSQL version found under /usr/lib/postgresql" >&2
    exit 1
fi

if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
    echo "setup-postgres: creating cluster $version/main"
    pg_createcluster "$version" main
fi

if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
    echo "setup-postgres: starting cluster $version/main"
    pg_ctlcluster "$version" main start
fi

# Wait until the server accepts connections (bounded: 30 s).
for _ in $(seq 1 60); do
    if su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1; then
        break
    fi
    sleep 0.5
done

psql_admin() {
    su postgres -c "psql -v ON_ERROR_STOP=1 -qtA $*"
}

if [ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname = 'streamhouse'\"")" != "1" ]; then
    echo "setup-postgres: creating role streamhouse"
    psql_admin "-c \"CREATE ROLE streamhouse LOGIN PASSWORD 'streamhouse' CREATEDB\""
else
    psql_admin "-c \"ALTER ROLE streamhouse LOGIN PASSWORD 'streamhouse' CREATEDB\""
fi

if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname = 'streamhouse'\"")" != "1" ]; then
    echo "setup-postgres: creating database streamhouse"
    psql_admin "-c \"CREATE DATABASE streamhouse OWNER streamhouse\""
fi

if PGPASSWORD=streamhouse psql -h 127.0.0.1 -U streamhouse -d streamhouse -qtAc 'SELECT 1' >/dev/null; then
    echo "setup-postgres: ready at postgres://streamhouse:streamhouse@127.0.0.1:5432/streamhouse (PostgreSQL $version)"
else
    echo "setup-postgres: PostgreSQL $version is running but streamhouse cannot log in over TCP" >&2
    exit 1
fi
