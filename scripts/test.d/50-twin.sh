#!/usr/bin/env bash
# The twin: the planned dev deployment run whole on loopback (tests/twin, README "The twin"). An offline
# `terraform plan` of infra/environments/dev gives everything (functions, definition, queues, rules,
# policies); the real packaged bootstraps run against loopback S3, SQS, SNS, Secrets Manager, Step
# Functions, webhook sinks and an RDS-like PostgreSQL; every AWS call is checked by an IAM simulator.
# Runs alone: `bash scripts/test.d/50-twin.sh` (builds the Lambda zips first if stage 20 did not).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# Fewer tests than this ran: a test file or scenario was lost. A bit below today's count (140 unit
# tests of the twin's parts plus 11 scenario tests); raise it when tests are added.
min_tests=140
export TF_CLI_CONFIG_FILE="$root/infra/terraform.rc"
started=$SECONDS
fail_stage() { echo "$1"; echo "STAGE twin: 0 passed, 1 failed"; exit 1; }

command -v terraform >/dev/null || fail_stage "terraform is not installed"
command -v node >/dev/null || fail_stage "node is not installed"
[ -x /usr/lib/postgresql/15/bin/initdb ] || fail_stage "PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin)"
if [ ! -d tools/node/node_modules ] || [ tools/node/package-lock.json -nt tools/node/node_modules ]; then
  npm ci --prefix tools/node --no-audit --no-fund --loglevel=error >/dev/null || fail_stage "npm ci tools/node failed"
fi

# The zips stage 20 built, with the CA whose certificate they carry as global-bundle.pem (the twin signs
# its database certificate with it). Missing zips, or zips carrying another CA: package again.
ca_dir="$root/artifacts/lambda-test-ca"
zips_ok=true
# The functions package-lambda.sh builds (its `functions=(...)` line); the plan then names the zips it uses.
read -r -a functions <<<"$(sed -nE 's/^functions=\(([^)]*)\)/\1/p' scripts/package-lambda.sh)"
[ ${#functions[@]} -gt 0 ] || fail_stage "could not read the function list of scripts/package-lambda.sh"
for fn in "${functions[@]}"; do
  [ -f "artifacts/lambda/$fn.zip" ] || zips_ok=false
done
if $zips_ok && [ -f "$ca_dir/ca.pem" ] && [ -f "$ca_dir/ca.key" ]; then
  bundled="$(unzip -p artifacts/lambda/run-etl.zip global-bundle.pem 2>/dev/null || true)"
  [ "$bundled" = "$(cat "$ca_dir/ca.pem")" ] || zips_ok=false
else
  zips_ok=false
fi
if ! $zips_ok; then
  echo "twin: packaging the Lambda zips with a new test CA (artifacts/lambda-test-ca)"
  rm -rf "$ca_dir" && mkdir -p "$ca_dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=txetl test root" \
    -keyout "$ca_dir/ca.key" -out "$ca_dir/ca.pem" >/dev/null 2>&1 || fail_stage "openssl could not make the test CA"
  bash scripts/package-lambda.sh --ca-bundle "$ca_dir/ca.pem" || fail_stage "scripts/package-lambda.sh failed"
fi

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# One file at a time: the scenarios start PostgreSQL and the functions, the rest are quick.
node --test --test-concurrency=1 --test-reporter=tap tests/twin/ 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
p=$(grep -E '^# pass [0-9]+' "$out" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
f=$(grep -E '^# fail [0-9]+' "$out" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
c=$(grep -E '^# cancelled [0-9]+' "$out" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
s=$(grep -E '^# skipped [0-9]+' "$out" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
f=$((f + c + s))
if [ $((p + f)) -lt "$min_tests" ]; then
  echo "FAIL twin: only $((p + f)) tests ran, at least $min_tests expected (min_tests in scripts/test.d/50-twin.sh)"
  f=$((f + 1))
fi
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
echo "twin stage took $((SECONDS - started))s"
echo "STAGE twin: $p passed, $f failed"
[ "$f" -eq 0 ]
