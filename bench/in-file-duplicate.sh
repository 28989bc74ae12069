#!/usr/bin/env bash
# Before/after bench of issue 15 item 5: `txetl run` of a file whose ids are unique but for one row repeating the
# first row's id. Before, that repeat made the direct COPY fail and the file be read again through staging; after,
# the direct path rejects it in one pass.
#
#   bash bench/in-file-duplicate.sh [--rows 200000] [--runs 3] [--before bf9b997] [--no-build]
#
# Builds the CLI of --before (from `git archive`, so no worktree is touched) and of the working tree, both Release
# and framework-dependent (JIT: the AOT publish costs minutes per build and the comparison is between two revisions
# of the same build kind) into artifacts/bench/dup/ (--no-build reuses them), starts a throwaway PostgreSQL cluster (default settings, fsync on), writes the file with
# `txetl sample --rows N --seed 7` plus the first row again, and in each run loads it with before then after into
# emptied tables (CHECKPOINT before each load). Prints each run's wall times, their ratio, and each load's peak RSS
# (GNU time); raw numbers go to bench/results/<time>-dup/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rows=200000 runs=3 before=bf9b997 build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --before) before="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "bench/in-file-duplicate.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "bench/in-file-duplicate.sh: needs GNU time (apt-get install time)" >&2; exit 1; }

work="$(mktemp -d /tmp/txetl-dup-bench-XXXXXX)"
results="$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-dup"
mkdir -p "$results"
bins="$root/artifacts/bench/dup"
if [ "$build" -eq 1 ] || [ ! -x "$bins/before/txetl" ] || [ ! -x "$bins/after/txetl" ]; then
  echo "building txetl at $before and at the working tree (Release, JIT)"
  mkdir -p "$work/before-src"
  git archive "$before" | tar -x -C "$work/before-src"
  dotnet publish "$work/before-src/src/TransactionEtl.Cli" -c Release -o "$bins/before" --nologo -v q >/dev/null
  dotnet publish src/TransactionEtl.Cli -c Release -o "$bins/after" --nologo -v q >/dev/null
fi

bench_cluster "$work"

file="$work/dup-$rows.csv"
"$bins/after/txetl" sample --rows "$rows" --seed 7 "$file" >/dev/null
sed -n 2p "$file" >>"$file"
expected="loaded_with_rejects $rows 1"

printf 'run\tversion\twall_s\trss_kb\tcpu_s\n' >"$results/raw.tsv"
printf '| run | before: wall s | after: wall s | before / after | before: peak RSS MB | after: peak RSS MB |\n|---:|---:|---:|---:|---:|---:|\n' >"$results/summary.md"
for run in $(seq 1 "$runs"); do
  declare -A wall=() rss=()
  for version in before after; do
    bench_load "$results/$run-$version" "$bins/$version/txetl" "$file" "$expected" "status rows_loaded rows_rejected"
    wall[$version]=$load_wall rss[$version]=$load_rss cpu=$load_cpu
    printf '%s\t%s\t%s\t%s\t%s\n' "$run" "$version" "${wall[$version]}" "${rss[$version]}" "$cpu" >>"$results/raw.tsv"
  done
  python3 -c "print(f'| $run | ${wall[before]} | ${wall[after]} | {${wall[before]}/${wall[after]}:.2f}x | {${rss[before]}/1024:.0f} | {${rss[after]}/1024:.0f} |')" >>"$results/summary.md"
done
cat "$results/summary.md"
echo "raw numbers: $results/raw.tsv"
