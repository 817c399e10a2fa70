#!/usr/bin/env bash
# Start the task worker beside the web server; stop both together.
set -euo pipefail
host="$1"; port="$2"
bin=.venv/bin
"$bin/govhall" db_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
"$bin/granian" --interface wsgi --host "$host" --port "$port" --workers 1 --blocking-threads 8 govhall.wsgi:application
