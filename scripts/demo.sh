#!/usr/bin/env bash
# Serve the demo partnership on http://127.0.0.1:8000 with the task worker beside it.
# Called by `make demo` (which has built .venv first). Ctrl-C stops both processes.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
HOST="${DEMO_HOST:-127.0.0.1}"
PORT="${DEMO_PORT:-8000}"
mkdir -p var

# A random secret key, made once and kept in var/ (git-ignored).
if [ ! -s var/demo-secret-key ]; then
    (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >var/demo-secret-key)
fi
SECRET_KEY="$(cat var/demo-secret-key)"
export SECRET_KEY
# Production-like: DEBUG off, static files from whitenoise; plain http on loopback.
export DEBUG=false HTTPS=false
export ALLOWED_HOSTS="127.0.0.1,localhost"
export SITE_URL="http://$HOST:$PORT"
export PYTHONUNBUFFERED=1

if "$BIN/python" - "$HOST" "$PORT" <<'PY'; then
import socket, sys
with socket.socket() as s:
    sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)
PY
    echo "Something is already listening on $HOST:$PORT. Stop it (or set DEMO_PORT) and run make demo again." >&2
    exit 1
fi

echo "==> Migrating the database (var/tandem.sqlite3)"
"$BIN/python" manage.py migrate --noinput -v 0

# collectstatic only when a static source is newer than the last collection.
manifest=var/static/staticfiles.json
if [ ! -f "$manifest" ] || [ .venv/.tandem-installed -nt "$manifest" ] ||
    [ -n "$(find src -path '*/static/*' -newer "$manifest" -print -quit)" ]; then
    echo "==> Collecting static files"
    "$BIN/python" manage.py collectstatic --noinput -v 0
fi

echo "==> Loading the demo partnership"
"$BIN/python" manage.py load_demo | tee var/demo-logins.txt
# The weekly digest to action leads queues its next run itself; start the chain (once).
"$BIN/python" manage.py send_action_digests --enqueue >/dev/null

pids=()
stop() {
    trap - INT TERM EXIT
    if [ "${#pids[@]}" -gt 0 ]; then
        echo
        echo "==> Stopping the web server and the task worker"
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap stop INT TERM EXIT

echo "==> Starting the task worker and the web server"
"$BIN/python" manage.py db_worker --no-reload --interval 2 &
pids+=($!)
"$BIN/gunicorn" tandem.wsgi:application \
    --bind "$HOST:$PORT" --workers 2 --timeout 60 \
    --graceful-timeout 5 --log-level warning &
pids+=($!)

for _ in $(seq 1 60); do
    if "$BIN/python" -c "import urllib.request,sys; urllib.request.urlopen('http://$HOST:$PORT/healthz', timeout=2)" 2>/dev/null; then
        break
    fi
    sleep 0.5
done

cat <<MSG

  Tandem demo is serving on http://$HOST:$PORT
  (started in ${SECONDS}s; Ctrl-C stops the web server and the task worker)

MSG
if [ -s var/demo-logins.txt ]; then
    echo "  Demo sign-ins (from manage.py load_demo):"
    sed -n "/Demo sign-in accounts (/,\$p" var/demo-logins.txt | sed "s/^/    /"
    echo
fi

# Stop both when either stops.
wait -n "${pids[@]}" || true
