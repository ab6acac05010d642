#!/usr/bin/env bash
# Run the whole test suite on one database.
# Usage: scripts/test.sh sqlite|postgres [pytest arguments...]
# With CI=true a missing PostgreSQL or Chromium fails the run instead of skipping.
set -uo pipefail
cd "$(dirname "$0")/.."

database="${1:?usage: scripts/test.sh sqlite|postgres [pytest args]}"
shift
CI="${CI:-false}"
export CI

# Browser tests need Debian's chromium; install it when missing (as root) or fail under CI.
scripts/ensure-chromium.sh || exit 1

case "$database" in
    sqlite)
        unset DATABASE_URL
        label="SQLite"
        ;;
    postgres)
        url="$(scripts/ci-postgres.sh | tail -n 1)" || {
            echo "ERROR: could not start PostgreSQL for the tests" >&2
            exit 1
        }
        export DATABASE_URL="$url"
        label="PostgreSQL 15"
        ;;
    *)
        echo "unknown database: $database (sqlite or postgres)" >&2
        exit 2
        ;;
esac

mkdir -p var
log="var/test-$database.log"
echo
echo "======== Test suite on $label ========"
# Each database its own temporary folder, so that two runs side by side (test-both.sh) never
# share or clean up each other's files.
.venv/bin/pytest --basetemp "var/tmp-$database" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

summary="$(grep -E '(passed|failed|error|skipped|deselected|no tests ran).* in [0-9.]+s' "$log" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')"
if [ "$status" -eq 5 ]; then
    echo "ERROR: pytest collected no tests on $label: that is a failure." >&2
    status=1
fi
echo "======== $label: ${summary:-no summary} (exit $status) ========"
exit "$status"
