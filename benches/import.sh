#!/usr/bin/env bash
# Benchmark: `bangfu import` of a synthetic register against the raw loaders, in one run.
#   SQLite:     sqlite3's `.import` of the same CSVs into plain tables (no checks, no indexes)
#   PostgreSQL: psql's `\copy` (COPY FROM STDIN) of the same CSVs into plain text tables
# Prints the seconds of each and the ratio bangfu ÷ raw. Usage: benches/import.sh [HOUSEHOLDS]
# Needs sqlite3 and psql (apt-get install sqlite3 postgresql-client) and PostgreSQL at
# BANGFU_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200000}"
PG="${BANGFU_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_BASE="${PG%/*}"
WORK="$(mktemp -d /tmp/bangfu-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

cargo build --release -q -p bangfu
BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/bangfu"
export BANGFU_LOG=error

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

echo "generating $N households…"
"$BIN" generate --households "$N" --out "$WORK/reg" --seed 1 >/dev/null
rows_h=$(($(wc -l < "$WORK/reg/households.csv") - 1)); rows_m=$(($(wc -l < "$WORK/reg/members.csv") - 1))
size=$(du -sh "$WORK/reg" | cut -f1)
echo "register: $rows_h households, $rows_m members, $size of CSV"

# --- SQLite ---------------------------------------------------------------------------
# incomes.csv (earlier income years) is loaded by both sides, so the ratio compares the same work.
printf '.mode csv\n.import %s households\n.import %s members\n.import %s incomes\n' "$WORK/reg/households.csv" "$WORK/reg/members.csv" "$WORK/reg/incomes.csv" > "$WORK/raw.sql"
t0=$(now); sqlite3 "$WORK/raw.db" < "$WORK/raw.sql"; t1=$(now)
raw_sqlite=$(secs "$t0" "$t1")
"$BIN" areas import data/divisions-yicheng.csv --database "$WORK/bangfu.db" >/dev/null 2>&1
t0=$(now); "$BIN" import --database "$WORK/bangfu.db" "$WORK/reg" >/dev/null; t1=$(now)
ours_sqlite=$(secs "$t0" "$t1")

# --- PostgreSQL -----------------------------------------------------------------------
db_raw="bangfu_bench_raw_$$"; db_ours="bangfu_bench_ours_$$"
psql -q "$PG" -c "create database $db_raw" -c "create database $db_ours"
cleanup_pg() { psql -q "$PG" -c "drop database if exists $db_raw with (force)" -c "drop database if exists $db_ours with (force)" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup_pg EXIT
cols() { head -n1 "$1" | python3 -c 'import sys; h=sys.stdin.readline().strip().lstrip("\ufeff").split(","); print(", ".join(f"c{i} text" for i in range(len(h))))'; }
psql -q "$PG_BASE/$db_raw" -c "create table households ($(cols "$WORK/reg/households.csv"))" -c "create table members ($(cols "$WORK/reg/members.csv"))" -c "create table incomes ($(cols "$WORK/reg/incomes.csv"))"
t0=$(now)
psql -q "$PG_BASE/$db_raw" -c "\\copy households from '$WORK/reg/households.csv' with (format csv, header true)" \
                          -c "\\copy members from '$WORK/reg/members.csv' with (format csv, header true)" \
                          -c "\\copy incomes from '$WORK/reg/incomes.csv' with (format csv, header true)"
t1=$(now)
raw_pg=$(secs "$t0" "$t1")
export BANGFU_KEY_FILE="$WORK/pg.key" # a PostgreSQL register names its data key file
"$BIN" areas import data/divisions-yicheng.csv --database "$PG_BASE/$db_ours" >/dev/null 2>&1
t0=$(now); "$BIN" import --database "$PG_BASE/$db_ours" "$WORK/reg" >/dev/null; t1=$(now)
ours_pg=$(secs "$t0" "$t1")

echo
echo "| backend | raw load (s) | bangfu import (s) | ratio |"
echo "| --- | --- | --- | --- |"
echo "| SQLite (sqlite3 .import) | $raw_sqlite | $ours_sqlite | $(ratio "$ours_sqlite" "$raw_sqlite")× |"
echo "| PostgreSQL (COPY) | $raw_pg | $ours_pg | $(ratio "$ours_pg" "$raw_pg")× |"
