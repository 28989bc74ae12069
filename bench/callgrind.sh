#!/usr/bin/env bash
# Instructions per row of the released txetl, counted by valgrind's callgrind: a measure that does not move with the
# machine's load (seconds do), for a noisy shared machine.
#
#   bash bench/callgrind.sh [--txetl PATH] [--rows 100000] [--small 1000] [--runs 1] [--commands run,validate] [--keep]
#
# Publishes the released Native AOT binary (scripts/publish-cli.sh) unless --txetl names one, writes two files with
# `txetl sample --seed 7` (--small rows and --rows rows, every row valid), and counts the instructions (callgrind's
# Ir, all threads of the txetl process) of `txetl validate` and of `txetl run` of each. The instructions per row are
#   (Ir(rows) - Ir(small)) / (rows - small)
# so the fixed cost of a process (start-up, contract, connection, migration check, ledger) cancels out; it is printed
# as its own figure: Ir(small) - small * per-row.
# `run` loads into a fresh TXETL_HOME: txetl starts its own PostgreSQL there (before the counted runs, not counted:
# callgrind follows only the process it starts, and the server is not its child once pg_ctl has detached it), and
# the tables are emptied before each counted load, so every load is a first load on the direct path.
# Needs valgrind (apt-get install valgrind); nothing else in the repo does. Raw callgrind.out files and a summary go to
# bench/results/<time>-callgrind/. A 100k-row run under valgrind takes ~1-3 minutes per command.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
txetl="" rows=100000 small=1000 runs=1 commands="run,validate" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --txetl) txetl="$2"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
    --small) small="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --commands) commands="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "bench/callgrind.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done
command -v valgrind >/dev/null || { echo "bench/callgrind.sh: needs valgrind (apt-get install -y valgrind)" >&2; exit 1; }
[ "$rows" -gt "$small" ] || { echo "bench/callgrind.sh: --rows must be larger than --small" >&2; exit 1; }
if [ -z "$txetl" ]; then
  echo "publishing txetl (Release, Native AOT)" >&2
  bash scripts/publish-cli.sh artifacts/bench/txetl >/dev/null
  txetl="$root/artifacts/bench/txetl/txetl"
fi
txetl="$(realpath "$txetl")"

work="$(mktemp -d /tmp/txetl-callgrind-XXXXXX)"
# Searchable by the OS user the local cluster runs as when txetl runs as root.
chmod 755 "$work"
results="$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-callgrind"
mkdir -p "$results"
home="$work/home"
# Valgrind 3.19 (Debian 12) gives up on the DWARF 5 of the txetl.dbg that the AOT publish puts next to the binary
# ("unhandled dwarf2 abbrev form code 0x25"); a copy without it is counted the same, only without symbol names.
mkdir -p "$work/bin"
cp "$txetl" "$work/bin/txetl"
txetl="$work/bin/txetl"
cleanup() {
  if [ -d "$home" ]; then TXETL_HOME="$home" "$txetl" db stop >/dev/null 2>&1 || true; fi
  if [ "$keep" -eq 0 ]; then rm -rf "$work"; else echo "kept: $work" >&2; fi
}
trap cleanup EXIT
"$txetl" sample --rows "$small" --seed 7 "$work/small.csv" >/dev/null
"$txetl" sample --rows "$rows" --seed 7 "$work/large.csv" >/dev/null

# The knobs that keep the count steady: one GC heap, no background GC thread racing the mutator. AOT has no JIT,
# so DOTNET_TieredCompilation / DOTNET_TieredPGO change nothing for the released binary (see docs/performance.md).
envs=(env TXETL_HOME="$home" DOTNET_gcServer=0 DOTNET_gcConcurrent=0 NO_COLOR=1)

# Counts one command; prints its Ir (all threads).
count() {
  local name="$1"; shift
  local out="$results/callgrind.out.$name"
  local status=0
  "${envs[@]}" valgrind --tool=callgrind --callgrind-out-file="$out" "$@" \
    >"$results/$name.stdout" 2>"$results/$name.stderr" || status=$?
  # valgrind exits with txetl's code: a failed load (e.g. a connection timeout under valgrind on a loaded machine)
  # counts a different amount of work, so it must not become a figure.
  [ "$status" -eq 0 ] || { echo "bench/callgrind.sh: $name exited $status (see $results/$name.stderr)" >&2; exit 1; }
  grep -q '^summary:' "$out" || { echo "bench/callgrind.sh: no callgrind summary for $name (see $results/$name.stderr)" >&2; exit 1; }
  awk '/^summary:/ {print $2}' "$out"
}

if [[ ",$commands," == *",run,"* ]]; then
  # Creates and starts the cluster and migrates: not counted.
  "${envs[@]}" "$txetl" db migrate >/dev/null
  url="$("${envs[@]}" "$txetl" db url)"
  empty_tables() { psql -qX -v ON_ERROR_STOP=1 "$url" -c "TRUNCATE txetl.transactions, txetl.rejected_rows, txetl.ingestion_files CASCADE" >/dev/null; }
fi

printf 'command\trun\tIr_small\tIr_rows\tper_row\tfixed\n' >"$results/raw.tsv"
IFS=',' read -r -a command_list <<<"$commands"
for cmd in "${command_list[@]}"; do
  for run in $(seq 1 "$runs"); do
    case "$cmd" in
      validate)
        ir_small=$(count "validate-small-$run" "$txetl" validate --quiet "$work/small.csv")
        ir_rows=$(count "validate-rows-$run" "$txetl" validate --quiet "$work/large.csv") ;;
      run)
        empty_tables
        ir_small=$(count "run-small-$run" "$txetl" run --quiet "$work/small.csv")
        empty_tables
        ir_rows=$(count "run-rows-$run" "$txetl" run --quiet "$work/large.csv") ;;
      *) echo "bench/callgrind.sh: unknown command '$cmd'" >&2; exit 1 ;;
    esac
    read -r per_row fixed < <(python3 -c "s,r,a,b=$small,$rows,$ir_small,$ir_rows; p=(b-a)/(r-s); print(f'{p:.0f} {a-s*p:.0f}')")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$cmd" "$run" "$ir_small" "$ir_rows" "$per_row" "$fixed" >>"$results/raw.tsv"
  done
done

{
  echo "txetl: $txetl ($("$txetl" --version 2>/dev/null | head -n 1)); rows $rows, small $small"
  echo
  echo "| command | run | Ir, $small rows | Ir, $rows rows | instructions per row | fixed instructions per process |"
  echo "|---|---:|---:|---:|---:|---:|"
  tail -n +2 "$results/raw.tsv" | awk -F'\t' '{printf "| txetl %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6}'
} | tee "$results/summary.md"
