#!/usr/bin/env bash
# What a row of txetl.transactions costs the server, against leaner layouts (issue 19, storage width; docs only):
# WAL bytes (pg_current_wal_lsn before and after), heap and primary-key index bytes per row.
#
#   PGHOST=... PGPORT=... PGUSER=postgres PGDATABASE=... bash bench/wal-width.sh [DIR]
#
# Needs a superuser connection to a disposable database where `txetl run` has loaded rows into txetl.transactions
# (e.g. `txetl sample --rows 100000 --seed 7`), and DIR (default /tmp) writable by the server: each variant's rows
# are written there with a server-side COPY ... TO (binary) and loaded into a fresh table in schema v with COPY
# FROM, after a CHECKPOINT, so every variant pays the same full-page images. Drops and recreates schema v.
set -euo pipefail
dir="${1:-/tmp}"
q() { psql -qXtA -v ON_ERROR_STOP=1 -c "$1"; }
cols="transaction_id, occurred_at, account_id, merchant, category, currency, country, region, price_includes_tax"
lean_num="net_amount numeric NOT NULL, tax_amount numeric NOT NULL, gross_amount numeric NOT NULL, tax_rate numeric NOT NULL"
base_cols="transaction_id text COLLATE \"C\" PRIMARY KEY, occurred_at timestamptz NOT NULL, account_id text NOT NULL, merchant text, category text NOT NULL, currency char(3) NOT NULL, country char(2) NOT NULL, region text, price_includes_tax boolean NOT NULL"
declare -A ddl sel
ddl[a_as_is]="CREATE TABLE v.a_as_is (LIKE txetl.transactions INCLUDING ALL)"
sel[a_as_is]="SELECT * FROM txetl.transactions"
ddl[b_exact_scale]="CREATE TABLE v.b_exact_scale ($base_cols, $lean_num, tax_rule_id text NOT NULL, file_id bigint NOT NULL, source_line bigint NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now(), CHECK (gross_amount = net_amount + tax_amount))"
# numeric without typmod keeps the scale it is given: round each amount to its currency's minor unit (what the loader computed).
exact="round(net_amount, m), round(tax_amount, m), round(gross_amount, m), tax_rate"
minor="(CASE currency WHEN 'JPY' THEN 0 WHEN 'KWD' THEN 3 WHEN 'BHD' THEN 3 ELSE 2 END)"
sel[b_exact_scale]="SELECT $cols, $exact, tax_rule_id, file_id, source_line, loaded_at FROM (SELECT *, $minor AS m FROM txetl.transactions) t"
ddl[c_no_lineage_cols]="CREATE TABLE v.c_no_lineage_cols ($base_cols, net_amount numeric(20,4) NOT NULL, tax_amount numeric(20,4) NOT NULL, gross_amount numeric(20,4) NOT NULL, tax_rate numeric(9,6) NOT NULL, tax_rule_id text NOT NULL, file_id bigint NOT NULL, CHECK (gross_amount = net_amount + tax_amount))"
sel[c_no_lineage_cols]="SELECT $cols, net_amount, tax_amount, gross_amount, tax_rate, tax_rule_id, file_id FROM txetl.transactions"
ddl[d_exact_no_lineage]="CREATE TABLE v.d_exact_no_lineage ($base_cols, $lean_num, tax_rule_id text NOT NULL, file_id bigint NOT NULL, CHECK (gross_amount = net_amount + tax_amount))"
sel[d_exact_no_lineage]="SELECT $cols, $exact, tax_rule_id, file_id FROM (SELECT *, $minor AS m FROM txetl.transactions) t"
ddl[e_minor_units_bigint]="CREATE TABLE v.e_minor_units_bigint ($base_cols, net_minor bigint NOT NULL, tax_minor bigint NOT NULL, gross_minor bigint NOT NULL, tax_rate numeric(9,6) NOT NULL, tax_rule_id text NOT NULL, file_id bigint NOT NULL, source_line bigint NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now(), CHECK (gross_minor = net_minor + tax_minor))"
sel[e_minor_units_bigint]="SELECT $cols, (net_amount*10^m)::bigint, (tax_amount*10^m)::bigint, (gross_amount*10^m)::bigint, tax_rate, tax_rule_id, file_id, source_line, loaded_at FROM (SELECT *, $minor AS m FROM txetl.transactions) t"
ddl[f_psql_plain_10col]="CREATE TABLE v.f_psql_plain_10col (transaction_id text COLLATE \"C\" PRIMARY KEY, occurred_at timestamptz NOT NULL, account_id text NOT NULL, merchant text, category text NOT NULL, amount numeric(20,4) NOT NULL, currency char(3) NOT NULL, country char(2) NOT NULL, region text, price_includes_tax boolean)"
sel[f_psql_plain_10col]="SELECT transaction_id, occurred_at, account_id, merchant, category, CASE WHEN price_includes_tax THEN gross_amount ELSE net_amount END, currency, country, region, price_includes_tax FROM txetl.transactions"
q "DROP SCHEMA IF EXISTS v CASCADE; CREATE SCHEMA v"
n=$(q "SELECT count(*) FROM txetl.transactions")
printf '| variant | WAL bytes per row | heap bytes per row | PK index bytes per row |\n|---|---:|---:|---:|\n'
for v in a_as_is b_exact_scale c_no_lineage_cols d_exact_no_lineage e_minor_units_bigint f_psql_plain_10col; do
  q "${ddl[$v]}"
  q "COPY (${sel[$v]}) TO '$dir/txetl-wal-$v.bin' (FORMAT binary)"
  q "CHECKPOINT"
  l0=$(q "SELECT pg_current_wal_lsn()")
  q "COPY v.$v FROM '$dir/txetl-wal-$v.bin' (FORMAT binary)"
  l1=$(q "SELECT pg_current_wal_lsn()")
  rm -f "$dir/txetl-wal-$v.bin" 2>/dev/null || true
  q "SELECT '| $v | ' || round(pg_wal_lsn_diff('$l1','$l0')/$n,1) || ' | ' || round(pg_relation_size('v.$v')::numeric/$n,1) || ' | ' || round(pg_indexes_size('v.$v')::numeric/$n,1) || ' |'"
done
