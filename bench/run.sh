#!/usr/bin/env sh
# Switchboard vs SimPy on the four reference models, side by side.
# Usage: bench/run.sh [REQUESTS] [REPEATS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "simpy==4.1.1"
fi
cd "$here"
exec "$venv/bin/python" compare.py "$@"
