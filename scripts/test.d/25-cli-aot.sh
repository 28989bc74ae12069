#!/usr/bin/env bash
# The shipped txetl is Native AOT (issue 4: start-up and CPU). This stage publishes it the one way it is
# built and runs real commands on the binary, so that a command that needs reflection, or JSON without a
# source-generated context, fails here and not on a user's machine. The database commands use a fresh
# TXETL_HOME: the binary starts its own local PostgreSQL (as root through runuser) and stops it again.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# Fewer checks than this ran (ok + FAIL lines): the script stopped early or lost checks. A bit below
# today's count (15); raise it when checks are added.
min_tests=14
out_dir="artifacts/txetl-aot"
bin="$PWD/$out_dir/txetl"

if ! bash scripts/publish-cli.sh "$out_dir" >/dev/null; then
  echo "STAGE cli-aot: 0 passed, 1 failed"
  exit 1
fi

scratch="$(mktemp -d)"
# The cluster runs as the postgres OS user when we are root: it must be able to traverse to TXETL_HOME.
chmod 755 "$scratch"
export TXETL_HOME="$scratch/home"
unset TXETL_DATABASE_URL
cleanup() {
  if [ -d "$TXETL_HOME/pgdata" ]; then "$bin" db stop >/dev/null 2>&1; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

passed=0 failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
# run ARGS...: runs the binary from the repository root; sets $rc, $stdout, $stderr.
run() {
  "$bin" "$@" >"$scratch/stdout" 2>"$scratch/stderr" </dev/null
  rc=$?
  stdout="$(cat "$scratch/stdout")"
  stderr="$(cat "$scratch/stderr")"
}
# json EXPR: evaluates a JavaScript expression over the parsed $stdout (bound to `j`), prints the result.
json() { node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(eval(process.argv[1]))' "$1" <<<"$stdout"; }
# expect NAME EXPECTED ACTUAL
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: expected '$2', got '$3' (exit $rc, stderr: ${stderr:0:300})"; fi; }

if [ -x "$bin" ] && [ "$(head -c 4 "$bin" | tail -c 3)" = "ELF" ]; then ok "published a native executable ($(du -h "$bin" | cut -f1))"; else fail "no native $bin"; fi

run --version
version="$(sed -n 's/<Version>\(.*\)<\/Version>/\1/p' src/TransactionEtl.Cli/TransactionEtl.Cli.csproj | tr -d ' ')"
expect "--version prints the assembly version $version" "0:$version" "$rc:${stdout%%+*}"

run --help
missing=""
for command in db validate run report rejects watch lambda sample; do
  grep -Eq "^  $command( |$)" <<<"$stdout" || missing="$missing $command"
done
expect "--help lists every command" "0:" "$rc:$missing"

# samples/transactions.csv would load with 8 rejected rows: within the contract's threshold, so exit 0.
run validate samples/transactions.csv --json
expect "validate samples/transactions.csv: exit 0, loaded_with_rejects, 292 valid, 8 rejected" \
  "0:loaded_with_rejects 292 8" "$rc:$(json 'j.status + " " + j.rows_loaded + " " + j.rows_rejected')"

run sample --rows 1000 --seed 7 "$scratch/sample.csv"
expect "sample --rows 1000 --seed 7 writes a header and 1000 rows" "0:1001" "$rc:$(wc -l <"$scratch/sample.csv" 2>/dev/null || echo missing)"
run sample --rows 1000 --seed 7 "$scratch/again.csv"
if cmp -s "$scratch/sample.csv" "$scratch/again.csv"; then ok "sample: the same seed writes the same file"; else fail "sample: the same seed wrote different files"; fi

run run samples/transactions.csv --json
expect "run (fresh TXETL_HOME): loaded_with_rejects, 292 loaded, 8 rejected" \
  "0:loaded_with_rejects 292 8" "$rc:$(json 'j[0].status + " " + j[0].rows_loaded + " " + j[0].rows_rejected')"
file_id="$(json 'j[0].file_id' 2>/dev/null)"

run run samples/transactions.csv --json
expect "run again: already_loaded" "0:already_loaded" "$rc:$(json 'j[0].status')"

run report --json
expect "report --json: the file is in the ledger as loaded_with_rejects" \
  "0:$file_id loaded_with_rejects 292" \
  "$rc:$(FILE_ID="$file_id" json 'const e = j.find(e => String(e.file_id) === process.env.FILE_ID) ?? {}; [e.file_id, e.status, e.rows_loaded].join(" ")' 2>/dev/null)"

run rejects "$file_id"
reasons="$(grep -c 'constraint-error\|type-error\|primary-key' <<<"$stdout")"
expect "rejects $file_id: the header line names 8 rejected rows, each reason shown" "0:yes:8" \
  "$rc:$(grep -q "8 rejected row(s)" <<<"$stdout" && echo yes || echo no):$reasons"

run rejects "$file_id" --csv
expect "rejects --csv: the header and the 8 raw records" "0:9" "$rc:$(wc -l <"$scratch/stdout")"

run --verbose run missing.csv
first_line="$(head -n 1 <<<"$stderr")"
expect "--verbose run missing.csv: exit 1, one error line, then the stack trace" \
  "1:txetl: error: missing.csv: no such file or directory; give CSV files or directories of them.:yes" \
  "$rc:$first_line:$(grep -q '^   at ' <<<"$stderr" && echo yes || echo no)"

run run missing.csv
expect "run missing.csv without --verbose: exactly one line on stderr" "1:1" "$rc:$(wc -l <"$scratch/stderr")"

run db stop
expect "db stop" "0:yes" "$rc:$(grep -q 'Stopped the local PostgreSQL' <<<"$stdout" && echo yes || echo no)"
if pgrep -f -- "$TXETL_HOME/pgdata" >/dev/null; then fail "a postgres process still runs on $TXETL_HOME/pgdata"; else ok "no postgres process left"; fi

ran=$((passed + failed))
if [ "$ran" -lt "$min_tests" ]; then
  fail "cli-aot: only $ran checks ran, at least $min_tests expected (min_tests in scripts/test.d/25-cli-aot.sh)"
fi
echo "STAGE cli-aot: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
