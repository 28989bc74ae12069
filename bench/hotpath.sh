#!/usr/bin/env bash
# Client CPU of `txetl run` for two or more builds, interleaved, on one file (issue 19, "work on spans").
#
#   bash bench/hotpath.sh [--rows 1000000] [--runs 5] BIN [BIN...]
#
# BIN is a txetl executable (the AOT binary of scripts/publish-cli.sh) or a txetl.dll (a `dotnet publish` JIT
# build, run with `dotnet`). Makes the file once with the first BIN's `txetl sample --rows N --seed 7` (every row
# valid), starts a throwaway PostgreSQL cluster (default settings, fsync on, as bench/run.sh), and for every run
# loads the file with each BIN in turn into emptied tables with a fresh TXETL_HOME, under /usr/bin/time -v.
# Prints per BIN the median client CPU (user + system), wall and peak RSS, and the median of the per-run CPU
# ratios to the first BIN: builds of one run share the machine's load, so the ratio is the fair figure on a busy
# machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows=1000000
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "bench/hotpath.sh: name at least one txetl build (see --help)" >&2; exit 1; }
bins=("$@")
cmd_of() { case "$1" in *.dll) echo "dotnet $1" ;; *) echo "$1" ;; esac; }

work="$(mktemp -d /tmp/txetl-hotpath-XXXXXX)"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_cluster "$work"

file="$work/tx-$rows.csv"
# shellcheck disable=SC2046
$(cmd_of "${bins[0]}") sample --rows "$rows" --seed 7 "$file" >/dev/null
raw="$work/raw.tsv"
for run in $(seq 1 "$runs"); do
  for b in "${!bins[@]}"; do
    if psql -qX -d bench -tAc "SELECT to_regclass('txetl.transactions')" | grep -q transactions; then
      psql -qX -d bench -c "TRUNCATE txetl.transactions, txetl.rejected_rows, txetl.ingestion_files CASCADE" >/dev/null
    fi
    psql -qX -d bench -c "CHECKPOINT" >/dev/null
    home="$(mktemp -d "$work/home-XXXXXX")"
    start=$(date +%s.%N)
    # shellcheck disable=SC2046
    TXETL_HOME="$home" /usr/bin/time -v -o "$work/time" $(cmd_of "${bins[$b]}") run --database-url "$url" --json "$file" >"$work/out" 2>"$work/err"
    end=$(date +%s.%N)
    status=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))[0]; print(s["status"], s["rows_loaded"])' "$work/out")
    [ "$status" = "loaded $rows" ] || { echo "build $b: $status (expected loaded $rows)" >&2; cat "$work/err" >&2; exit 1; }
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$work/time")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
    printf '%s\t%s\t%s\t%s\t%s\n' "$run" "$b" "$cpu" "$(python3 -c "print(f'{$end-$start:.2f}')")" "$rss" >>"$raw"
    printf 'run %s build %s: cpu %s s\n' "$run" "$b" "$cpu" >&2
  done
done
python3 - "$raw" "${bins[@]}" <<'EOF'
import statistics, sys
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
bins = sys.argv[2:]
print(f"load average now: {open('/proc/loadavg').read().split()[0]}")
print("| build | client CPU s (median) | runs | wall s (median) | peak RSS MB | CPU / first build (median of per-run ratios) |")
print("|---|---:|---|---:|---:|---:|")
for b, name in enumerate(bins):
    mine = [r for r in rows if int(r[1]) == b]
    cpu = [float(r[2]) for r in mine]
    ratios = [float(r[2]) / float(f[2]) for r in mine for f in rows if int(f[1]) == 0 and f[0] == r[0]]
    print(f"| {name} | {statistics.median(cpu):.2f} | {', '.join(f'{c:.2f}' for c in cpu)} | "
          f"{statistics.median(float(r[3]) for r in mine):.2f} | {statistics.median(int(r[4]) for r in mine) / 1024:.0f} | "
          f"{statistics.median(ratios):.3f} |")
EOF
