#!/usr/bin/env bash
# Peak RSS of the released txetl at growing file sizes (issue 19, "memory stays flat from 100k to 10M rows").
#
#   bash bench/flat-memory.sh [--sizes 100000,1000000,10000000] [--fault-rate R] [--validate-only] TXETL...
#
# TXETL is the AOT binary of scripts/publish-cli.sh. For every size: `TXETL sample --rows N --seed 7` into a temporary
# directory (the 10M file is ~830 MB; deleted after its size is measured), then under /usr/bin/time -v `TXETL run` into
# a throwaway cluster (bench/lib.sh: emptied tables, CHECKPOINT, fresh TXETL_HOME), `TXETL validate --json` (in-file
# duplicate check on, the default) and `TXETL validate --no-duplicate-check`. Prints peak RSS, wall and client CPU,
# the peak size of validate's temp files (its own TMPDIR, polled every 0.2 s) and the md5 of its JSON without
# `duration_ms` and `file` (counts, reasons, the first rejected rows: the same md5 for two binaries means the same result).
# --fault-rate R: `sample --fault-rate R` (bad cells and ids repeated in the file), so validate rejects rows; with it
# the check that validate passes every row is skipped. --validate-only: no `txetl run`, no cluster. With several
# TXETL, each size's validate runs go binary after binary over the same file (interleaved; the first one samples).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes=100000,1000000,10000000
fault_rate=""
validate_only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --fault-rate) fault_rate="$2"; shift 2 ;;
    --validate-only) validate_only=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "bench/flat-memory.sh: name a txetl executable (see --help)" >&2; exit 1; }
txetls=("$@")
txetl="$1"

work="$(mktemp -d /tmp/txetl-flatmem-XXXXXX)"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
# shellcheck disable=SC2064 # the path is fixed now, on purpose
if [ -z "$validate_only" ]; then bench_cluster "$work"; else trap "rm -rf '$work'" EXIT; fi

timed() { # timed OUT CMD...: runs CMD under GNU time with TMPDIR=OUT.tmp; prints "rss_mb wall_s cpu_s temp_mb"
  local out="$1" pid peak=0 now; shift
  mkdir -p "$out.tmp"
  TMPDIR="$out.tmp" /usr/bin/time -v -o "$out.time" "$@" >"$out.stdout" 2>"$out.stderr" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    now=$(du -sb "$out.tmp" 2>/dev/null | cut -f1); [ "${now:-0}" -gt "$peak" ] && peak=$now
    sleep 0.2
  done
  wait "$pid" || true
  awk -F': ' -v tmp="$peak" '/Maximum resident set size/ {rss = $2} /Elapsed \(wall clock\)/ {n = split($2, t, ":"); w = t[n] + (n > 1 ? t[n-1] * 60 : 0)}
    /User time|System time/ {c += $2} END {printf "%.1f %.2f %.2f %.0f\n", rss / 1024, w, c, tmp / 1000000}' "$out.time"
}

json_md5() { # json_md5 FILE: md5 of validate's JSON without duration_ms and file (the temp dir's path)
  python3 -c 'import json, sys
def strip(v):
    if isinstance(v, dict): return {k: strip(x) for k, x in v.items() if k not in ("duration_ms", "file")}
    if isinstance(v, list): return [strip(x) for x in v]
    return v
print(json.dumps(strip(json.load(open(sys.argv[1]))), sort_keys=True))' "$1" | md5sum | cut -c1-32
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| rows | file MB | binary | command | peak RSS MiB | wall s | client CPU s | temp MB | JSON md5 |"
echo "|---:|---:|---|---|---:|---:|---:|---:|---|"
for rows in ${sizes//,/ }; do
  file="$work/tx-$rows.csv"
  "$txetl" sample --rows "$rows" --seed 7 ${fault_rate:+--fault-rate "$fault_rate"} "$file" >/dev/null
  mb=$(( $(stat -c %s "$file") / 1000000 ))
  if [ -z "$validate_only" ]; then
    export TXETL_HOME="$work/home-$rows"
    mkdir -p "$TXETL_HOME"
    bench_load "$work/run-$rows" "$txetl" "$file" "loaded $rows" "status rows_loaded"
    echo "| $rows | $mb | $txetl | \`txetl run\` | $(( load_rss / 1024 )) | $load_wall | $load_cpu | | |"
  fi
  n=0
  for bin in "${txetls[@]}"; do
    n=$((n + 1))
    read -r rss wall cpu tmp < <(timed "$work/validate-$rows-$n" "$bin" validate --json "$file")
    if [ -z "$fault_rate" ]; then
      python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); s=s[0] if isinstance(s,list) else s; sys.exit(s["rows_rejected"] != 0)' "$work/validate-$rows-$n.stdout" \
        || { echo "bench: validate $file did not pass every row (see $work)" >&2; exit 1; }
    fi
    echo "| $rows | $mb | $bin | \`txetl validate --json\` | $rss | $wall | $cpu | $tmp | $(json_md5 "$work/validate-$rows-$n.stdout") |"
    read -r rss wall cpu tmp < <(timed "$work/validate-nd-$rows-$n" "$bin" validate --no-duplicate-check "$file")
    echo "| $rows | $mb | $bin | \`txetl validate --no-duplicate-check\` | $rss | $wall | $cpu | | |"
  done
  rm -f "$file"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
