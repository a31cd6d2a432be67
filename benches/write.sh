#!/usr/bin/env bash
# Benchmark: 20 clerks saving corrections at once for 60 s on a district-sized register
# (`bangfu bench-writes`, hidden): each writer reads a household — one time in ten the same
# "hot" household everyone works on — changes its phone or its head's phone and saves with the
# version it read (a stale refusal is read again and retried: the intended answer, counted apart).
# Prints saves per second, p50/p95/p99 latency of a save (read + write, retries included) and the
# error count (must be 0), on SQLite (a file, as `bangfu serve` opens it) and on PostgreSQL.
# Usage: benches/write.sh [HOUSEHOLDS] [SECONDS] [WRITERS]   (default 10000 60 20)
# Needs psql and PostgreSQL at BANGFU_BENCH_POSTGRES_URL (default as in import.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
SECS="${2:-60}"
WRITERS="${3:-20}"
PG="${BANGFU_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_BASE="${PG%/*}"
WORK="$(mktemp -d /tmp/bangfu-bench.XXXXXX)"
db_pg="bangfu_bench_write_$$"
cleanup() { psql -q "$PG" -c "drop database if exists $db_pg with (force)" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

cargo build --release -q -p bangfu
BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/bangfu"
export BANGFU_LOG=error

echo "generating and importing $N households…"
"$BIN" generate --households "$N" --out "$WORK/reg" --seed 1 >/dev/null
SQLITE="$WORK/bangfu.db"
"$BIN" areas import data/divisions-yicheng.csv --database "$SQLITE" >/dev/null 2>&1
"$BIN" import --database "$SQLITE" "$WORK/reg" >/dev/null
psql -q "$PG" -c "create database $db_pg"
"$BIN" areas import data/divisions-yicheng.csv --database "$PG_BASE/$db_pg" >/dev/null 2>&1
"$BIN" import --database "$PG_BASE/$db_pg" "$WORK/reg" >/dev/null

status=0
run() { "$BIN" bench-writes --database "$1" --writers "$WRITERS" --seconds "$SECS" || status=1; }
sqlite_line=$(run "$SQLITE")
pg_line=$(run "$PG_BASE/$db_pg")

field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<"$1"; }
echo
echo "| backend | writers | seconds | saves | saves/s | p50 (ms) | p95 (ms) | p99 (ms) | stale, retried | errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for line in "$sqlite_line" "$pg_line"; do
  b=$(sed -n 's/^backend=\([^[:space:]]*\).*/\1/p' <<<"$line")
  echo "| $b | $(field "$line" writers) | $(field "$line" seconds) | $(field "$line" saves) | $(field "$line" per_second) | $(field "$line" p50_ms) | $(field "$line" p95_ms) | $(field "$line" p99_ms) | $(field "$line" stale_retried) | $(field "$line" errors) |"
done
exit "$status"
