#!/usr/bin/env bash
# `txetl run --parallel N` against the single-stream load (issue 18 items 3 and 5): wall, client CPU and peak RSS per
# N, and whether N > 1 stored exactly what N = 1 did.
#
#   bash bench/parallel.sh [--rows 1000000[,10000000]] [--workers 1,2,4] [--runs 1] [--fault-rate 0.01] [BIN]
#
# BIN is the released txetl (default artifacts/txetl-aot/txetl, from `bash scripts/publish-cli.sh`). Per row count
# it writes `txetl sample --rows N --seed 7 --fault-rate F` (a share F of the rows broken, so there are rejects),
# starts a throwaway PostgreSQL cluster (bench/lib.sh: default settings, fsync on) and, in each run, loads the file
# with each --parallel value in turn into emptied tables under GNU time. N > 1 is given --chunk-bytes of the file's
# size divided by N (one chunk per worker; the default would round up to 64 MiB, which leaves a 100 MB file two
# chunks). After every load it takes an MD5 of the stored rows in key order (every column but file_id and loaded_at)
# and of the rejects in line order (`COPY (SELECT ... ORDER BY ...) TO STDOUT | md5sum`), and prints them with
# "same" when they equal N = 1's of the same run. Raw output goes to bench/results/<time>-parallel/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows_list=1000000 workers_list=1,2,4 runs=1 fault=0.01
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows_list="$2"; shift 2 ;;
    --workers) workers_list="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --fault-rate) fault="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "bench/parallel.sh: unknown option '$1' (see --help)" >&2; exit 1 ;;
    *) break ;;
  esac
done
txetl="${1:-$root/artifacts/txetl-aot/txetl}"
[ -x "$txetl" ] || { echo "bench/parallel.sh: no txetl at $txetl (bash scripts/publish-cli.sh)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/parallel.sh: needs GNU time (apt-get install time)" >&2; exit 1; }
IFS=, read -r -a row_counts <<<"$rows_list"
IFS=, read -r -a workers <<<"$workers_list"

work="$(mktemp -d /tmp/txetl-parallel-bench-XXXXXX)"
results="$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-parallel"
mkdir -p "$results"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_cluster "$work"
export TXETL_HOME="$work/home"

rows_md5() { sql -c "COPY (SELECT (to_jsonb(t) - 'file_id' - 'loaded_at')::text FROM txetl.transactions t ORDER BY t.transaction_id) TO STDOUT" | md5sum | cut -c1-32; }
rejects_md5() { sql -c "COPY (SELECT line, raw_record, errors FROM txetl.rejected_rows ORDER BY line) TO STDOUT" | md5sum | cut -c1-32; }

table="$results/table.md"
{
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
  echo
  echo "| rows | run | --parallel | --chunk-bytes | loaded / rejected | wall s | client CPU s | peak RSS MB | wall / N=1 | rows md5 | rejects md5 | = N=1 |"
  echo "|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|---|"
} | tee "$table"
for rows in "${row_counts[@]}"; do
  file="$work/tx-$rows.csv"
  "$txetl" sample --rows "$rows" --seed 7 --fault-rate "$fault" "$file" >/dev/null
  size=$(stat -c %s "$file")
  expected=$(python3 -c "print('loaded_with_rejects' if float('$fault') > 0 else 'loaded')")
  for run in $(seq 1 "$runs"); do
    base_wall="" base_rows="" base_rejects=""
    for n in "${workers[@]}"; do
      opts=(--parallel "$n")
      chunk="-"
      if [ "$n" -gt 1 ]; then chunk=$(( (size + n - 1) / n )); opts+=(--chunk-bytes "$chunk"); fi
      out="$results/$rows-r$run-p$n"
      bench_load "$out" "$txetl" "$file" "$expected" "status" "${opts[@]}"
      counts=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))[0]; print(s["rows_loaded"], "/", s["rows_rejected"])' "$out.json")
      r=$(rows_md5) j=$(rejects_md5)
      if [ "$n" -eq "${workers[0]}" ]; then base_wall=$load_wall base_rows=$r base_rejects=$j; fi
      same=$([ "$r" = "$base_rows" ] && [ "$j" = "$base_rejects" ] && echo same || echo DIFFERENT)
      ratio=$(python3 -c "print(f'{$load_wall / $base_wall:.2f}')")
      echo "| $rows | $run | $n | $chunk | $counts | $load_wall | $load_cpu | $((load_rss / 1024)) | $ratio | $r | $j | $same |" | tee -a "$table"
    done
  done
  rm -f "$file"
done
echo "raw output: $results" >&2
