#!/usr/bin/env bash
# The whole suite on SQLite and on PostgreSQL 15 side by side (what `make test` does under CI=true).
# Usage: scripts/test-both.sh [pytest arguments...]
#
# A run on SQLite keeps about one core busy (pytest and SQLite are one process) and a run on
# PostgreSQL about one more (pytest, and the server in its own processes), so on two cores the
# pair takes little more than the longer of the two instead of their sum. SQLite's output is
# shown as it runs, PostgreSQL's (kept in var/test-postgres.out) when it has finished; each
# suite's own log is var/test-<database>.log as before. Either failing fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."

# Before the two start, so that they do not both run apt-get or start the server.
scripts/ensure-chromium.sh || exit 1
scripts/ci-postgres.sh >/dev/null || {
    echo "ERROR: could not start PostgreSQL for the tests" >&2
    exit 1
}

mkdir -p var
scripts/test.sh postgres "$@" >var/test-postgres.out 2>&1 &
postgres=$!
status=0
scripts/test.sh sqlite "$@" || status=1
wait "$postgres" || status=1
echo
cat var/test-postgres.out
exit "$status"
