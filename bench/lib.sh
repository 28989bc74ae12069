# Shared by the bench scripts that load files with `txetl run` into a throwaway cluster and time each load
# (bench/compressed-rss.sh, bench/in-file-duplicate.sh). Source it after `set -euo pipefail`.

# bench_cluster WORK: starts a PostgreSQL cluster under WORK (as the postgres user when root; fsync on, default
# settings otherwise) with an empty database `bench`; stops it and removes WORK on exit. Sets $url and defines sql().
bench_cluster() {
  local work="$1" pg_bin port cluster="$1/cluster"
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$pg_bin" ] || { echo "bench: no PostgreSQL server binaries under /usr/lib/postgresql" >&2; exit 1; }
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  bench_as_pg=()
  mkdir -p "$cluster"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$work" "$cluster"; bench_as_pg=(runuser -u postgres --); fi
  "${bench_as_pg[@]}" "$pg_bin/initdb" -D "$cluster/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${bench_as_pg[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -w -l "$cluster/log" \
    -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=on -c max_wal_size=4GB" start >/dev/null
  # shellcheck disable=SC2064 # the paths are fixed now, on purpose
  trap "${bench_as_pg[*]} '$pg_bin/pg_ctl' -D '$cluster/data' -m fast stop >/dev/null 2>&1 || true; rm -rf '$work'" EXIT
  export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
  psql -qX -d postgres -c "CREATE DATABASE bench" >/dev/null
  url="postgres://postgres@127.0.0.1:$port/bench"
}

sql() { psql -qX -v ON_ERROR_STOP=1 -d bench "$@"; }

# create_plain_table NAME: the comparison table of bench/run.sh and bench/floor.sh (psql \copy of the CSV): the
# CSV's own columns, typed as txetl stores them, with the same primary key.
create_plain_table() {
  sql -c "DROP TABLE IF EXISTS public.$1; CREATE TABLE public.$1 (
    transaction_id text COLLATE \"C\" PRIMARY KEY, occurred_at timestamptz NOT NULL, account_id text NOT NULL,
    merchant text, category text NOT NULL, amount numeric(20,4) NOT NULL, currency char(3) NOT NULL,
    country char(2) NOT NULL, region text, price_includes_tax boolean)"
}

# bench_load OUT TXETL FILE EXPECTED FIELDS [OPTION...]: empties the tables, checkpoints, and runs `TXETL run --json
# [OPTION...] FILE` under GNU time (OUT.time, OUT.json, OUT.stderr). FIELDS names the summary fields printed
# space-separated (e.g. "status rows_loaded"); the load must print EXPECTED for them. Sets $load_wall (s), $load_rss
# (KB), $load_cpu (s).
bench_load() {
  local out="$1" txetl="$2" file="$3" expected="$4" fields="$5" start end got
  shift 5
  if sql -tAc "SELECT to_regclass('txetl.transactions')" | grep -q transactions; then
    # CASCADE: the history table of corrections (issue 17) references the ledger.
    sql -c "TRUNCATE txetl.transactions, txetl.rejected_rows, txetl.ingestion_files CASCADE"
  fi
  sql -c "CHECKPOINT"
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$out.time" "$txetl" run --database-url "$url" --json "$@" "$file" >"$out.json" 2>"$out.stderr" || true
  end=$(date +%s.%N)
  got=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))[0]; print(*(s[f] for f in sys.argv[2].split()))' "$out.json" "$fields")
  [ "$got" = "$expected" ] || { echo "bench: $file: $got (expected $expected; see $out.*)" >&2; exit 1; }
  load_wall=$(python3 -c "print(f'{$end-$start:.2f}')")
  load_rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out.time")
  load_cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$out.time")
}
