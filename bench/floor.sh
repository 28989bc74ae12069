#!/usr/bin/env bash
# Issue 19's acceptance measure: `txetl run` against the server's floor for the same rows, interleaved.
#
#   bash bench/floor.sh [--rows 1000000] [--runs 5] BIN
#
# BIN is a txetl executable (the AOT binary of scripts/publish-cli.sh: the released build) or a txetl.dll (run with
# `dotnet`). Makes the file once with `BIN sample --rows N --seed 7` (every row valid) and starts a throwaway
# PostgreSQL cluster (bench/lib.sh: default settings, fsync on). Loads the file once with `txetl run` and exports the
# loaded rows of txetl.transactions (all columns, table order) with `psql \copy ... TO (FORMAT binary)`: the rows
# pre-encoded, so loading them costs the server what our table costs and the client nothing (the floor). Then, for
# every run, in an order that turns from run to run, each after emptying every table and a CHECKPOINT: (a) `txetl run`
# of the CSV with a fresh TXETL_HOME, under /usr/bin/time -v; (b) `psql \copy txetl.transactions FROM ... (FORMAT
# binary)` of the pre-encoded rows, the first load's ledger row put back so that file_id names a ledger row; (c) `psql
# \copy` of the CSV into bench/run.sh's plain 10-column typed table with the same primary key. Prints the medians
# (wall, client CPU = user + system, peak RSS, WAL bytes per row, table + index bytes per row) and the medians of the
# per-run wall ratios txetl/floor and txetl/psql: the three loads of one run share the machine's load, so the ratio is
# the fair figure on a busy machine. A load's wall is its process's, start to exit; checks of its output run after the
# clock stops (raw.tsv also keeps GNU time's elapsed, to 10 ms, as a cross-check). Raw numbers go to
# bench/results/<UTC time>-floor/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows=1000000
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "bench/floor.sh: unknown option '$1' (see --help)" >&2; exit 1 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "bench/floor.sh: name one txetl build (see --help)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/floor.sh: needs GNU time (apt-get install time)" >&2; exit 1; }
bin="$1"
txetl=("$bin")
case "$bin" in *.dll) txetl=(dotnet "$bin") ;; esac

results="$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-floor"
mkdir -p "$results"
work="$(mktemp -d /tmp/txetl-floor-XXXXXX)"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_cluster "$work"

file="$work/tx-$rows.csv"
"${txetl[@]}" sample --rows "$rows" --seed 7 "$file" >/dev/null
{
  echo "bench/floor.sh --rows $rows --runs $runs $bin"
  echo "binary sha256: $(sha256sum "$bin" | cut -d' ' -f1)"
  echo "PostgreSQL: $(sql -tAc 'SHOW server_version')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$results/meta.txt"

# run_txetl OUT: `txetl run` of the file with a fresh TXETL_HOME into the emptied tables (the timed part only).
run_txetl() {
  local home
  home="$(mktemp -d "$work/home-XXXXXX")"
  TXETL_HOME="$home" /usr/bin/time -v -o "$1.time" "${txetl[@]}" run --database-url "$url" --json "$file" \
    >"$1.json" 2>"$1.stderr" || true
}

# check_txetl OUT: the load of run_txetl OUT must have loaded every row. Not timed: with python3's start it took
# 0.33-0.46 s here, which sessions 11-14 counted into txetl's wall (see docs/performance.md, session 15).
check_txetl() {
  local got
  got=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))[0]; print(s["status"], s["rows_loaded"])' "$1.json")
  [ "$got" = "loaded $rows" ] || { echo "txetl run: $got (expected loaded $rows; see $1.*)" >&2; exit 1; }
}

# The first load migrates the database and gives the rows the floor copies back.
run_txetl "$work/first"
check_txetl "$work/first"
floor="$work/floor.bin"
sql -c "\\copy (SELECT * FROM txetl.transactions ORDER BY source_line) TO '$floor' WITH (FORMAT binary)"
# transactions.file_id has no foreign key (0003_transactions.sql), but a loaded row names its ledger row: keep it.
sql -c "SET client_min_messages = warning; DROP TABLE IF EXISTS public.floor_ledger;
  CREATE TABLE public.floor_ledger AS SELECT * FROM txetl.ingestion_files"
PGOPTIONS="-c client_min_messages=warning" create_plain_table psql_tx
echo "pre-encoded rows: $(stat -c %s "$floor") bytes (binary COPY); CSV: $(stat -c %s "$file") bytes" |
  tee -a "$results/meta.txt"

# empty_all [ledger]: every table this script loads is empty and checkpointed before each timed load; with `ledger`,
# the first load's ledger row is put back first (outside the timed copy), for the floor's rows to name.
empty_all() {
  # CASCADE: the history and chunk tables reference the ledger (their notices are not news).
  sql -c "SET client_min_messages = warning;
    TRUNCATE txetl.transactions, txetl.rejected_rows, txetl.ingestion_files, public.psql_tx CASCADE"
  if [ "${1:-}" = ledger ]; then
    sql -c "INSERT INTO txetl.ingestion_files OVERRIDING SYSTEM VALUE SELECT * FROM public.floor_ledger"
  fi
  sql -c "CHECKPOINT"
}

# server_cpu: CPU seconds (user + system) used so far by the cluster: the postmaster, its live children, and its
# exited children (the backends of finished loads, reaped into the postmaster's cutime and cstime).
server_cpu() {
  python3 - "$(head -n 1 "$work/cluster/data/postmaster.pid")" <<'PY'
import os, sys
pm = sys.argv[1]
def fields(pid):  # the fields after the command name: [0] state, [1] ppid, [11..14] utime stime cutime cstime
    return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
ticks = sum(int(x) for x in fields(pm)[11:15])
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        f = fields(pid)
    except OSError:
        continue
    if f[1] == pm:
        ticks += int(f[11]) + int(f[12])
print(f"{ticks / os.sysconf('SC_CLK_TCK'):.2f}")
PY
}

# settle: waits (up to 5 s) until no other client backend is connected, so that the load's backend has exited and
# server_cpu counts all of its CPU.
settle() {
  local _
  for _ in $(seq 1 50); do
    [ "$(sql -tAc "SELECT count(*) FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")" -eq 0 ] && return
    sleep 0.1
  done
  echo "bench/floor.sh: a client backend is still connected after 5 s" >&2
}

# step RUN NAME TABLE LOAD: runs `LOAD OUT` (a function that runs only its load's process, under GNU time, to
# OUT.time), and `check_NAME OUT` after the clock stops when that function exists; appends wall, client CPU, peak RSS,
# the WAL written and the loaded table's size (heap + indexes) to raw.tsv, after checking that TABLE holds every row.
step() {
  local run="$1" name="$2" table="$3" load="$4" out="$results/$1-$2" start end lsn0 lsn1 n cpu rss srv0 srv1 elapsed
  lsn0=$(sql -tAc "SELECT pg_current_wal_lsn()")
  srv0=$(server_cpu)
  start=$(date +%s.%N)
  "$load" "$out"
  end=$(date +%s.%N)
  if declare -F "check_$name" >/dev/null; then "check_$name" "$out"; fi
  settle
  srv1=$(server_cpu)
  lsn1=$(sql -tAc "SELECT pg_current_wal_lsn()")
  n=$(sql -tAc "SELECT count(*) FROM $table")
  [ "$n" -eq "$rows" ] || { echo "$name: $table holds $n of $rows rows (see $out.*)" >&2; exit 1; }
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$out.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out.time")
  # GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): M:SS.CC"
  elapsed=$(awk '/Elapsed/ {n = split($NF, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s}' \
    "$out.time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$name" "$(python3 -c "print(f'{$end-$start:.3f}')")" "$cpu" "$rss" \
    "$(sql -tAc "SELECT pg_wal_lsn_diff('$lsn1', '$lsn0')::bigint")" \
    "$(sql -tAc "SELECT pg_total_relation_size('$table')")" "$(python3 -c "print(f'{$srv1-$srv0:.2f}')")" \
    "$elapsed" >>"$raw"
}

floor_copy() {
  /usr/bin/time -v -o "$1.time" psql -qX -v ON_ERROR_STOP=1 -d bench \
    -c "\\copy txetl.transactions FROM '$floor' WITH (FORMAT binary)" >"$1.out" 2>&1
}
psql_copy() {
  /usr/bin/time -v -o "$1.time" psql -qX -v ON_ERROR_STOP=1 -d bench \
    -c "\\copy public.psql_tx FROM '$file' WITH (FORMAT csv, HEADER true)" >"$1.out" 2>&1
}

raw="$results/raw.tsv"
printf 'run\tload\twall_s\tcpu_s\trss_kb\twal_bytes\ttable_bytes\tserver_cpu_s\ttime_elapsed_s\n' >"$raw"
# load RUN NAME: one timed load of NAME into its emptied table.
load() {
  case "$2" in
    txetl) empty_all; step "$1" txetl txetl.transactions run_txetl ;;
    floor) empty_all ledger; step "$1" floor txetl.transactions floor_copy ;;
    psql) empty_all; step "$1" psql public.psql_tx psql_copy ;;
  esac
}
# The order turns with each run (txetl first, then the floor first, then psql first), so that no load always
# follows the same one.
order=(txetl floor psql)
for run in $(seq 1 "$runs"); do
  first=$(( (run - 1) % 3 ))
  for i in 0 1 2; do load "$run" "${order[$(( (first + i) % 3 ))]}"; done
  echo "run $run done" >&2
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/meta.txt"

python3 - "$raw" "$rows" <<'EOF' | tee "$results/summary.md"
import statistics, sys
lines = [l.split('\t') for l in open(sys.argv[1]).read().split('\n')[1:] if l]
rows = int(sys.argv[2])
by = {}
for run, load, wall, cpu, rss, wal, size, srv, _elapsed in lines:
    by.setdefault(load, {})[run] = dict(wall=float(wall), cpu=float(cpu), rss=int(rss), wal=int(wal), size=int(size),
                                        srv=float(srv))
med = lambda load, key: statistics.median(r[key] for r in by[load].values())
names = {"txetl": "(a) `txetl run` of the CSV", "floor": "(b) floor: binary `\\copy` of the same rows, txetl.transactions",
         "psql": "(c) `psql \\copy` of the CSV, plain 10-column table"}
print(f"{rows:,} rows, {len(by['txetl'])} runs interleaved; load average now: {open('/proc/loadavg').read().split()[0]}")
print()
print("| load | wall s (median) | runs (s) | client CPU s (median) | server CPU s (median) | client peak RSS MB (median) "
      "| WAL bytes per row | table + index bytes per row |")
print("|---|---:|---|---:|---:|---:|---:|---:|")
for load in ("txetl", "floor", "psql"):
    walls = ", ".join(f"{r['wall']:.2f}" for r in by[load].values())
    print(f"| {names[load]} | {med(load, 'wall'):.2f} | {walls} | {med(load, 'cpu'):.2f} | {med(load, 'srv'):.2f} | "
          f"{med(load, 'rss') / 1024:.0f} | "
          f"{med(load, 'wal') / rows:.1f} | {med(load, 'size') / rows:.1f} |")
print()
# floor / psql: what the width of txetl.transactions costs the server against the plain table, with no client work.
for load, other in (("txetl", "floor"), ("txetl", "psql"), ("floor", "psql")):
    ratios = [by[load][run]["wall"] / by[other][run]["wall"] for run in by[load]]
    print(f"{load} / {other} wall, median of per-run ratios: **{statistics.median(ratios):.3f}x** "
          f"({', '.join(f'{x:.3f}' for x in ratios)})")
cpus = [r["cpu"] for r in by["txetl"].values()]
print(f"txetl client CPU (user + system), median: **{statistics.median(cpus):.2f} s** ({', '.join(f'{c:.2f}' for c in cpus)}); "
      f"peak RSS median {med('txetl', 'rss') / 1024:.0f} MB, max {max(r['rss'] for r in by['txetl'].values()) / 1024:.0f} MB")
EOF
echo "raw numbers: $raw"
