#!/usr/bin/env bash
# Peak RSS of the released txetl at growing file sizes (issue 19, "memory stays flat from 100k to 10M rows").
#
#   bash bench/flat-memory.sh [--sizes 100000,1000000,10000000] TXETL
#
# TXETL is the AOT binary of scripts/publish-cli.sh. For every size: `TXETL sample --rows N --seed 7` into a temporary
# directory (the 10M file is ~830 MB; deleted after its size is measured), then under /usr/bin/time -v `TXETL run` into
# a throwaway cluster (bench/lib.sh: emptied tables, CHECKPOINT, fresh TXETL_HOME), `TXETL validate` (in-file
# duplicate check on, the default) and `TXETL validate --no-duplicate-check`. Prints peak RSS, wall and client CPU.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes=100000,1000000,10000000
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "bench/flat-memory.sh: name one txetl executable (see --help)" >&2; exit 1; }
txetl="$1"

work="$(mktemp -d /tmp/txetl-flatmem-XXXXXX)"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_cluster "$work"

timed() { # timed OUT CMD...: runs CMD under GNU time; prints "rss_mb wall_s cpu_s"
  local out="$1"; shift
  /usr/bin/time -v -o "$out.time" "$@" >"$out.stdout" 2>"$out.stderr" || true
  awk -F': ' '/Maximum resident set size/ {rss = $2} /Elapsed \(wall clock\)/ {n = split($2, t, ":"); w = t[n] + (n > 1 ? t[n-1] * 60 : 0)}
    /User time|System time/ {c += $2} END {printf "%.0f %.2f %.2f\n", rss / 1024, w, c}' "$out.time"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| rows | file MB | command | peak RSS MB | wall s | client CPU s |"
echo "|---:|---:|---|---:|---:|---:|"
for rows in ${sizes//,/ }; do
  file="$work/tx-$rows.csv"
  "$txetl" sample --rows "$rows" --seed 7 "$file" >/dev/null
  mb=$(( $(stat -c %s "$file") / 1000000 ))
  export TXETL_HOME="$work/home-$rows"
  mkdir -p "$TXETL_HOME"
  bench_load "$work/run-$rows" "$txetl" "$file" "loaded $rows" "status rows_loaded"
  echo "| $rows | $mb | \`txetl run\` | $(( load_rss / 1024 )) | $load_wall | $load_cpu |"
  read -r rss wall cpu < <(timed "$work/validate-$rows" "$txetl" validate "$file")
  grep -q "would load $(python3 -c "print(f'{$rows:,}')") row" "$work/validate-$rows.stdout" || { echo "bench: validate $file did not pass every row (see $work)" >&2; exit 1; }
  echo "| $rows | $mb | \`txetl validate\` | $rss | $wall | $cpu |"
  read -r rss wall cpu < <(timed "$work/validate-nd-$rows" "$txetl" validate --no-duplicate-check "$file")
  echo "| $rows | $mb | \`txetl validate --no-duplicate-check\` | $rss | $wall | $cpu |"
  rm -f "$file"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
