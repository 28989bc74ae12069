#!/usr/bin/env bash
# Load benchmark: psql \copy vs pgloader vs `txetl run`, same file, same PostgreSQL (fsync on).
#
#   bash bench/run.sh [--sizes 100000,1000000,5000000] [--runs 3] [--tools psql,pgloader,txetl,txetl-jit] [--keep-cluster]
#
# From a clean clone: builds the CLI in Release as Native AOT (the released binary; `txetl-jit`, not in the
# default list, adds the JIT build that `dotnet run` uses), installs pgloader and GNU time with apt-get when missing,
# generates each size once with `txetl sample` (seed 7, no faults: every tool loads every row), starts a
# throwaway PostgreSQL cluster with default settings and fsync on, and for every size runs each tool
# --runs times into a freshly emptied table that has the same typed columns and primary key. Each run also
# times `txetl run` of a header-only file (process start-up, connection, migration check, ledger). Prints a
# Markdown table (medians; the ratio is the median of the per-run ratios, since the tools of one run share
# the machine's load) and writes raw numbers to bench/results/<timestamp>/. --tools leaves out a tool
# (pgloader takes ~2 minutes per million rows).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

sizes="100000,1000000,5000000"
runs=3
tools="psql,pgloader,txetl"
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --tools) tools="$2"; shift 2 ;;
    --keep-cluster) keep=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done

use() { [[ ",$tools," == *",$1,"* ]]; }
need_apt=()
if use pgloader; then command -v pgloader >/dev/null || need_apt+=(pgloader); fi
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} (apt-get)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -n "$pg_bin" ] || { echo "bench/run.sh: no PostgreSQL server binaries under /usr/lib/postgresql" >&2; exit 1; }

# The released txetl is a Native AOT binary (no JIT at start-up or while the hot loop warms up); `txetl-jit`
# measures the framework-dependent build that `dotnet run` uses, for comparison.
echo "building txetl (Release, Native AOT)"
bash scripts/publish-cli.sh artifacts/bench/txetl >/dev/null
txetl="$root/artifacts/bench/txetl/txetl"
if use txetl-jit; then
  echo "building txetl (Release, JIT)"
  dotnet publish src/TransactionEtl.Cli -c Release -o artifacts/bench/txetl-jit --nologo -v q >/dev/null
fi

data="$root/bench/data"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="$root/bench/results/$stamp"
mkdir -p "$data" "$results"

# --- throwaway cluster, default settings, fsync on ----------------------------------------------
cluster="$(mktemp -d /tmp/txetl-bench-XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$cluster"
  as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$pg_bin/initdb" -D "$cluster/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# max_wal_size: the default 1GB forces checkpoints in the middle of multi-GB loads for every tool alike;
# a larger value keeps the comparison about loading, not checkpoint timing. Everything else is default.
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -w -l "$cluster/log" \
  -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=on -c max_wal_size=4GB" start >/dev/null
stop_cluster() {
  if [ "$keep" -eq 0 ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
  else
    echo "cluster kept: $cluster (port $port)"
  fi
}
trap stop_cluster EXIT

export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
psql -qX -d postgres -c "CREATE DATABASE bench" >/dev/null
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh" # sql(), create_plain_table()
url="postgres://postgres@127.0.0.1:$port/bench"

# Runs "$@" under GNU time; prints "wall_seconds max_rss_kb cpu_seconds" (cpu: the client's user + system).
measure() {
  local out="$1"; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$out.time" "$@" >"$out.stdout" 2>"$out.stderr"
  end=$(date +%s.%N)
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out.time")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$out.time")
  echo "$(python3 -c "print(f'{$end-$start:.3f}')") $rss $cpu"
}

raw="$results/raw.tsv"
printf 'size\trun\ttool\twall_s\trss_kb\treported_s\tcpu_s\n' >"$raw"
header_only="$data/header-only.csv"
head -n 1 "$root/samples/transactions.csv" >"$header_only"

IFS=',' read -r -a size_list <<<"$sizes"
for size in "${size_list[@]}"; do
  file="$data/tx-$size.csv"
  if [ ! -s "$file" ]; then
    echo "generating $size rows"
    "$txetl" sample --rows "$size" --seed 7 "$file" >/dev/null
  fi
  for run in $(seq 1 "$runs"); do
    tag="$results/$size-$run"

    if use psql; then
    create_plain_table psql_tx; sql -c "CHECKPOINT"
    read -r wall rss cpu < <(measure "$tag-psql" psql -qX -v ON_ERROR_STOP=1 -d bench \
      -c "\\copy public.psql_tx FROM '$file' WITH (FORMAT csv, HEADER true)")
    n=$(sql -tAc "SELECT count(*) FROM public.psql_tx")
    [ "$n" -eq "$size" ] || { echo "psql loaded $n of $size rows" >&2; exit 1; }
    printf '%s\t%s\tpsql \\copy\t%s\t%s\t\t%s\n' "$size" "$run" "$wall" "$rss" "$cpu" >>"$raw"
    fi

    if use pgloader; then
    create_plain_table pgl_tx; sql -c "CHECKPOINT"
    cat >"$tag.pgload" <<EOF
LOAD CSV FROM '$file'
  HAVING FIELDS (transaction_id, occurred_at, account_id, merchant, category, amount, currency, country, region, price_includes_tax [null if blanks])
  INTO postgresql://postgres@127.0.0.1:$port/bench
  TARGET TABLE public.pgl_tx
  TARGET COLUMNS (transaction_id, occurred_at, account_id, merchant, category, amount, currency, country, region, price_includes_tax)
  WITH skip header = 1, fields optionally enclosed by '"', fields escaped by double-quote, fields terminated by ','
  SET work_mem to '64MB';
EOF
    read -r wall rss cpu < <(measure "$tag-pgloader" pgloader --no-ssl-cert-verification "$tag.pgload")
    # pgloader's own figure: the last column of its "Total import time" line, e.g. "1m2.345s" or "39.123s".
    reported=$(grep -E 'Total import time' "$tag-pgloader.stdout" "$tag-pgloader.stderr" | tail -n 1 | awk '{print $NF}' |
      python3 -c 'import re,sys; t=sys.stdin.read().strip(); m=re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?([\d.]+)s",t); print("" if not m else round(int(m[1] or 0)*3600+int(m[2] or 0)*60+float(m[3]),3))')
    n=$(sql -tAc "SELECT count(*) FROM public.pgl_tx")
    [ "$n" -eq "$size" ] || { echo "pgloader loaded $n of $size rows (see $tag-pgloader.*)" >&2; exit 1; }
    printf '%s\t%s\tpgloader\t%s\t%s\t%s\t%s\n' "$size" "$run" "$wall" "$rss" "$reported" "$cpu" >>"$raw"
    fi

    for variant in txetl txetl-jit; do
      use "$variant" || continue
      bin="$root/artifacts/bench/$variant/txetl"
      label="txetl run"
      [ "$variant" = txetl ] || label="txetl run (JIT)"
      # Every run starts from empty tables (migrated by the first run).
      if sql -tAc "SELECT to_regclass('txetl.transactions')" | grep -q transactions; then
        sql -c "TRUNCATE txetl.transactions, txetl.rejected_rows, txetl.ingestion_files CASCADE"
      fi
      sql -c "CHECKPOINT"
      read -r wall rss cpu < <(measure "$tag-$variant" "$bin" run --database-url "$url" --json "$file")
      loaded=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))[0]; print(s["status"], s["rows_loaded"])' "$tag-$variant.stdout")
      [ "$loaded" = "loaded $size" ] || { echo "$label: $loaded (expected loaded $size; see $tag-$variant.*)" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\t%s\t\t%s\n' "$size" "$run" "$label" "$wall" "$rss" "$cpu" >>"$raw"
      sql -c "TRUNCATE txetl.transactions, txetl.rejected_rows, txetl.ingestion_files CASCADE"
      read -r wall rss cpu < <(measure "$tag-${variant}0" "$bin" run --database-url "$url" --json "$header_only")
      printf '%s\t%s\t%s, header only\t%s\t%s\t\t%s\n' "$size" "$run" "$label" "$wall" "$rss" "$cpu" >>"$raw"
    done
    echo "size $size run $run done"
  done
done

python3 "$root/bench/summarize.py" "$raw" | tee "$results/summary.md"
echo "raw numbers: $raw"
