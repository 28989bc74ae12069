#!/usr/bin/env bash
# Issue 17's acceptance: a 1M-row .csv.gz loads with peak RSS within 10 MB of the same rows as plain .csv.
#
#   bash bench/compressed-rss.sh [--rows 1000000] [--runs 3] [--bin DIR] [--no-build]
#
# Builds the CLI of the working tree (Release, framework-dependent) into artifacts/bench/compress/ unless --bin
# names a directory holding a txetl to use (--no-build reuses the last build), starts a throwaway PostgreSQL cluster,
# writes `txetl sample --rows N --seed 7` as plain CSV and with --format gz (the same rows), and in each run loads the
# plain file then the gzip file into emptied tables (CHECKPOINT before each load), under GNU time. Prints each load's
# peak RSS, the difference and the wall times; raw numbers go to bench/results/<time>-compress/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rows=1000000 runs=3 bin="" build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --bin) bin="$2"; build=0; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench/compressed-rss.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "bench/compressed-rss.sh: needs GNU time (apt-get install time)" >&2; exit 1; }

bin="${bin:-$root/artifacts/bench/compress}"
if [ "$build" -eq 1 ] || [ ! -x "$bin/txetl" ]; then
  echo "building txetl (Release, JIT) into $bin"
  dotnet publish src/TransactionEtl.Cli -c Release -o "$bin" --nologo -v q >/dev/null
fi
txetl="$bin/txetl"

work="$(mktemp -d /tmp/txetl-compress-bench-XXXXXX)"
results="$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-compress"
mkdir -p "$results"
bench_cluster "$work"

"$txetl" sample --rows "$rows" --seed 7 "$work/t.csv" >/dev/null
"$txetl" sample --rows "$rows" --seed 7 --format gz "$work/t.csv.gz" >/dev/null
echo "files: $(stat -c %s "$work/t.csv") bytes plain, $(stat -c %s "$work/t.csv.gz") bytes gzip"
expected="loaded $rows"

printf 'run\tformat\twall_s\trss_kb\tcpu_s\n' >"$results/raw.tsv"
printf '| run | csv: peak RSS MB | csv.gz: peak RSS MB | difference MB | csv: wall s | csv.gz: wall s |\n|---:|---:|---:|---:|---:|---:|\n' >"$results/summary.md"
for run in $(seq 1 "$runs"); do
  declare -A wall=() rss=()
  for format in csv csv.gz; do
    bench_load "$results/$run-$format" "$txetl" "$work/t.$format" "$expected" "status rows_loaded"
    wall[$format]=$load_wall rss[$format]=$load_rss cpu=$load_cpu
    printf '%s\t%s\t%s\t%s\t%s\n' "$run" "$format" "${wall[$format]}" "${rss[$format]}" "$cpu" >>"$results/raw.tsv"
  done
  python3 -c "print(f'| $run | {${rss[csv]}/1024:.1f} | {${rss[csv.gz]}/1024:.1f} | {(${rss[csv.gz]}-${rss[csv]})/1024:+.1f} | ${wall[csv]} | ${wall[csv.gz]} |')" >>"$results/summary.md"
done
cat "$results/summary.md"
echo "raw numbers: $results/raw.tsv"
