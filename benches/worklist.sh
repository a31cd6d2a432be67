#!/usr/bin/env bash
# Benchmark: the 待办 counts of a whole register (`bangfu worklist`: six worklist rules, each a
# correlated subquery per household, grouped by township) against the raw grouped scan of the same
# households (`select … count(*) … group by township` in sqlite3 / psql), in one run.
# The register gets plans for 8 in 9 households, a measure each (1 in 10 still open) and a visit
# each within the last 45 days, so the subqueries have rows to look at.
# Prints the median of 3 runs of each and the ratio bangfu ÷ raw. Usage: benches/worklist.sh [HOUSEHOLDS]
# Needs sqlite3 and psql, and PostgreSQL at BANGFU_BENCH_POSTGRES_URL (default as in import.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200000}"
PG="${BANGFU_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_BASE="${PG%/*}"
WORK="$(mktemp -d /tmp/bangfu-bench.XXXXXX)"
db_pg="bangfu_bench_wl_$$"
cleanup() { psql -q "$PG" -c "drop database if exists $db_pg with (force)" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

cargo build --release -q -p bangfu
BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/bangfu"
export BANGFU_LOG=error
Y=$(date +%Y)

now() { date +%s.%N; }
median3() { # command… → median seconds of 3 runs
  local ts=()
  for _ in 1 2 3; do local t0; t0=$(now); "$@" >/dev/null; ts+=("$(python3 -c "print($(now) - $t0)")"); done
  python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "${ts[@]}"
}
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

echo "generating and importing $N households…"
"$BIN" generate --households "$N" --out "$WORK/reg" --seed 1 >/dev/null
SQLITE="$WORK/bangfu.db"
"$BIN" areas import data/divisions-yicheng.csv --database "$SQLITE" >/dev/null 2>&1
"$BIN" import --database "$SQLITE" "$WORK/reg" >/dev/null
psql -q "$PG" -c "create database $db_pg"
"$BIN" areas import data/divisions-yicheng.csv --database "$PG_BASE/$db_pg" >/dev/null 2>&1
"$BIN" import --database "$PG_BASE/$db_pg" "$WORK/reg" >/dev/null

# Work to look at: plans, measures, visits.
sqlite3 "$SQLITE" <<SQL
begin;
insert into plans (household_id, year, written_on, written_with, created_at, updated_at)
  select household_id, $Y, '$Y-01-15', '户主', datetime('now'), datetime('now') from households where household_id % 9 <> 0;
insert into measures (plan_id, household_id, kind, content, responsible, due_on, status, status_on, created_at, updated_at)
  select plan_id, household_id, 'industry', '产业帮扶', '帮扶责任人', '$Y-06-30',
         case when plan_id % 10 = 0 then 'in_progress' else 'done' end, '$Y-01-15', datetime('now'), datetime('now') from plans;
insert into visits (household_id, visited_on, visitors, found, recorded_by, created_at)
  select household_id, date('now', '-' || (household_id % 45) || ' days'), '李干事', '正常', 'bench', datetime('now') from households;
commit;
analyze;
SQL
psql -q "$PG_BASE/$db_pg" <<SQL
begin;
insert into plans (household_id, year, written_on, written_with, created_at, updated_at)
  select household_id, $Y, '$Y-01-15', '户主', now(), now() from households where household_id % 9 <> 0;
insert into measures (plan_id, household_id, kind, content, responsible, due_on, status, status_on, created_at, updated_at)
  select plan_id, household_id, 'industry', '产业帮扶', '帮扶责任人', '$Y-06-30',
         case when plan_id % 10 = 0 then 'in_progress' else 'done' end, '$Y-01-15', now(), now() from plans;
insert into visits (household_id, visited_on, visitors, found, recorded_by, created_at)
  select household_id, current_date - (household_id % 45)::int, '李干事', '正常', 'bench', now() from households;
commit;
analyze;
SQL

RAW="select substr(area_code, 1, 9), count(*), sum(case when status in ('poor', 'returned') then 1 else 0 end), \
sum(case when monitoring_type is not null then 1 else 0 end) from households \
where area_code between '411702000000' and '411702999999' group by substr(area_code, 1, 9);"

raw_sqlite=$(median3 sqlite3 "$SQLITE" "$RAW")
ours_sqlite=$(median3 "$BIN" worklist --database "$SQLITE")
raw_pg=$(median3 psql -q -A -t "$PG_BASE/$db_pg" -c "$RAW")
ours_pg=$(median3 "$BIN" worklist --database "$PG_BASE/$db_pg")

echo
"$BIN" worklist --database "$SQLITE" | tail -n 1
echo
echo "| backend | raw grouped scan (s) | bangfu worklist (s) | ratio |"
echo "| --- | --- | --- | --- |"
echo "| SQLite | $raw_sqlite | $ours_sqlite | $(ratio "$ours_sqlite" "$raw_sqlite")× |"
echo "| PostgreSQL | $raw_pg | $ours_pg | $(ratio "$ours_pg" "$raw_pg")× |"
