#!/usr/bin/env bash
# Create (or refresh) the virtual environment from requirements.lock.
# Usage: scripts/venv.sh [.venv]
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv}"

pick_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "$venv is not Python 3.11: recreating it"
    rm -rf "$venv"
fi

if [ ! -x "$venv/bin/python" ]; then
    python="$(pick_python)" || {
        echo "Tandem needs Python 3.11 (python3.11 or a python3 that is 3.11); none was found." >&2
        exit 1
    }
    echo "Creating $venv with $python"
    "$python" -m venv "$venv"
fi

echo "Installing requirements.lock into $venv"
"$venv/bin/python" -m pip install --quiet -r requirements.lock
# The project itself, editable, so .venv/bin/tandem is the same entry point as manage.py.
"$venv/bin/python" -m pip install --quiet --no-deps -e .
echo "$venv is ready: $("$venv/bin/python" --version), $("$venv/bin/python" -m pip list --format=freeze 2>/dev/null | wc -l) packages"
