#!/usr/bin/env bash
# Start the machine's PostgreSQL 15 cluster and make a role and database for the tests.
# Prints the DATABASE_URL to use on its last line (everything else goes to stderr).
#   eval "DATABASE_URL=$(scripts/ci-postgres.sh | tail -n 1)"
# The role may create databases: Django's test runner makes test_<name> and drops it.
set -euo pipefail
PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_PORT="${PG_PORT:-5432}"
DB_USER="${DB_USER:-tandem}"
DB_PASSWORD="${DB_PASSWORD:-tandem-tests-only}"
DB_NAME="${DB_NAME:-tandem_test}"

log() { echo "$@" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d "/etc/postgresql/$PG_VERSION/$PG_CLUSTER" ]; then
    log "ERROR: PostgreSQL $PG_VERSION (cluster $PG_CLUSTER) is not installed here."
    log "       On Debian: apt-get install -y postgresql-$PG_VERSION"
    exit 1
fi

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -n -u postgres -- "$@"
    fi
}

if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c && $4 == "online" {found = 1} END {exit !found}'; then
    log "==> Starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
    if [ "$(id -u)" -eq 0 ]; then
        pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
    else
        sudo -n pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
    fi
fi

for _ in $(seq 1 30); do
    if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then break; fi
    sleep 1
done
pg_isready -h 127.0.0.1 -p "$PG_PORT" >&2

log "==> Making role $DB_USER and database $DB_NAME"
as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -q -d postgres >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
        CREATE ROLE "$DB_USER" LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    ELSE
        ALTER ROLE "$DB_USER" LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    END IF;
END
\$\$;
SQL
if ! as_postgres psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" -d postgres | grep -q 1; then
    as_postgres createdb -p "$PG_PORT" -O "$DB_USER" "$DB_NAME"
fi

echo "postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME"
