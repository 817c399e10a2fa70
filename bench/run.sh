#!/usr/bin/env bash
# Run every bench of bench/ on SQLite and on PostgreSQL, each bounded by `timeout`, and
# print their figures. Why one script: `make bench` must give comparable numbers on any
# machine with one command. Run from anywhere:  bash bench/run.sh
#
# Environment:
#   BENCH_ITEMS       implementation items in the bench databases (default 100000)
#   BENCH_PG_HOST / BENCH_PG_PORT / BENCH_PG_USER / BENCH_PG_DB
#                     PostgreSQL server and bench database (127.0.0.1 / 5432 / postgres /
#                     govhall_bench); the database is created when missing; PostgreSQL is
#                     skipped when the server does not answer.
#   BENCH_SKIP_PG=1   SQLite only.
#   BENCH_IMPORT_ITEMS items rows imported by bench_import.py (default 10000)
#   BENCH_PERSONS     persons in the bench databases for bench_identity.py (default 1000000)
set -uo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
export BENCH_ITEMS="${BENCH_ITEMS:-100000}"
SQLITE_URL="sqlite:///$PWD/var/bench.sqlite3"
PG_HOST="${BENCH_PG_HOST:-127.0.0.1}"
PG_PORT="${BENCH_PG_PORT:-5432}"
PG_USER="${BENCH_PG_USER:-postgres}"
PG_DB="${BENCH_PG_DB:-govhall_bench}"
PG_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"
# Generating 100,000 items takes a few minutes the first time; later runs reuse the data.
SEARCH_LIMIT=1800
THROUGHPUT_LIMIT=900
OTHER_LIMIT=900
# Generating 1,000,000 persons (encrypted, indexed) takes several minutes the first time.
IDENTITY_LIMIT=2400
# The import bench recreates its own database (var/bench-import.sqlite3, govhall_bench_import)
# and imports 10,000 items; on PostgreSQL that takes far longer than on SQLite.
IMPORT_LIMIT=3600
failures=0

run() {
    # run <seconds> <label> <command...>: bounded, and a failure does not stop the others.
    local limit="$1" label="$2"
    shift 2
    echo
    echo "=== $label"
    echo "\$ $*"
    local began=$SECONDS
    timeout --kill-after=30 "$limit" "$@"
    local status=$?
    if [ "$status" -ne 0 ]; then
        echo "!!! $label exited with status $status (124 = over the ${limit} s limit)"
        failures=$((failures + 1))
    fi
    echo "--- $label: $((SECONDS - began)) s"
}

postgres_ready() {
    [ "${BENCH_SKIP_PG:-0}" != "1" ] || return 1
    command -v pg_isready >/dev/null && pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || return 1
    if ! psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
        echo "creating PostgreSQL database $PG_DB"
        createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -E UTF8 -T template0 "$PG_DB" || return 1
    fi
}

mkdir -p var
echo "govhall benches on $(nproc) cores, $(uname -sr), $($PY -V 2>&1); BENCH_ITEMS=$BENCH_ITEMS"

run "$OTHER_LIMIT" "working-day engine" env PYTHONPATH=src "$PY" bench/bench_workdays.py
run "$OTHER_LIMIT" "upload scan" "$PY" bench/bench_uploads.py
# The rules engine alone touches no database: once here; its database part is in the loop.
run "$OTHER_LIMIT" "rules engine" "$PY" bench/bench_rules.py --only engine

databases=("sqlite|$SQLITE_URL")
if postgres_ready; then
    databases+=("postgresql|$PG_URL")
else
    echo "PostgreSQL at $PG_HOST:$PG_PORT not available: SQLite only"
fi

for entry in "${databases[@]}"; do
    name="${entry%%|*}"
    url="${entry#*|}"
    run "$SEARCH_LIMIT" "search latency ($name)" env DATABASE_URL="$url" "$PY" bench/bench_search.py
    run "$THROUGHPUT_LIMIT" "throughput ($name)" \
        env DATABASE_URL="$url" "$PY" bench/bench_throughput.py
    run "$OTHER_LIMIT" "case lifecycles ($name)" env DATABASE_URL="$url" "$PY" bench/bench_cases.py
    run "$IDENTITY_LIMIT" "identity ($name)" env DATABASE_URL="$url" "$PY" bench/bench_identity.py
    run "$IMPORT_LIMIT" "case queue at 1M cases ($name)" env DATABASE_URL="$url" "$PY" bench/bench_case_queue.py
    run "$OTHER_LIMIT" "licenses and signatures ($name)" \
        env DATABASE_URL="$url" "$PY" bench/bench_licenses.py
    run "$OTHER_LIMIT" "legacy license import ($name)" \
        env DATABASE_URL="$url" "$PY" bench/bench_license_import.py
    # Filling the library to 1,000,000 licenses takes 11 (SQLite) to 25 (PostgreSQL) minutes
    # the first time; later runs reuse the rows.
    run "$IMPORT_LIMIT" "wallet at 1M licenses, PDF, archive ($name)" \
        env DATABASE_URL="$url" "$PY" bench/bench_wallet.py
    # A fresh database of its own each run (var/bench-rules.sqlite3, govhall_bench_rules).
    run "$OTHER_LIMIT" "automatic review and instant approval ($name)" \
        env DATABASE_URL="$url" "$PY" bench/bench_rules.py --only database
    if [ -f bench/bench_oidc.py ]; then
        run "$OTHER_LIMIT" "OIDC code exchanges ($name)" \
            env DATABASE_URL="$url" "$PY" bench/bench_oidc.py
    fi
    if [ -f bench/bench_import.py ]; then
        run "$IMPORT_LIMIT" "import ($name)" env DATABASE_URL="$url" "$PY" bench/bench_import.py
    fi
done

echo
if [ "$failures" -ne 0 ]; then
    echo "$failures bench run(s) failed"
    exit 1
fi
echo "all benches ran"
