#!/usr/bin/env bash
# Everything `make lint` checks. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
paths=(src tests)
[ -d bench ] && paths+=(bench)

echo "==> ruff check ${paths[*]}"
"$BIN/ruff" check "${paths[@]}"
echo "==> ruff format --check ${paths[*]}"
"$BIN/ruff" format --check "${paths[@]}"

echo "==> Migrations match the models"
DEBUG=true DATABASE_URL="sqlite:///:memory:" "$BIN/python" manage.py makemigrations --check --dry-run

echo "==> manage.py check --deploy with production settings"
secret="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
env DEBUG=false HTTPS=true SECRET_KEY="$secret" ALLOWED_HOSTS=tandem.example.org \
    DATABASE_URL="sqlite:///:memory:" \
    "$BIN/python" manage.py check --deploy --fail-level WARNING
echo "lint: all checks passed"
