#!/usr/bin/env bash
# Start the task worker and the outbox sweep beside the web server; stop all together.
set -euo pipefail
host="$1"; port="$2"
bin=.venv/bin
"$bin/govhall" db_worker &
worker=$!
"$bin/govhall" outbox-dispatch --loop &
dispatcher=$!
trap 'kill "$worker" "$dispatcher" 2>/dev/null || true' EXIT INT TERM
"$bin/granian" --interface wsgi --host "$host" --port "$port" --workers 1 --blocking-threads 8 govhall.wsgi:application
