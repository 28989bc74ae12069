#!/usr/bin/env bash
# The project's one test command (README "Quick start"): every check the project has.
# Each stage in scripts/test.d/ runs in order and ends with a line "STAGE <name>: N passed, N failed";
# this script adds them up and ends with the total line that CI reads.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export TF_CLI_CONFIG_FILE="$root/infra/terraform.rc"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Node tools (s3rver, asl-validator, aws-local-stepfunctions, csv-spectrum): installed from the lock file.
if [ ! -d tools/node/node_modules ] || [ tools/node/package-lock.json -nt tools/node/node_modules ]; then
  npm ci --prefix tools/node --no-audit --no-fund --loglevel=error >/dev/null
fi

export TXETL_TEST_LOGS="${TXETL_TEST_LOGS:-$root/artifacts/test-logs}"
log_dir="$TXETL_TEST_LOGS"
mkdir -p "$log_dir"
passed=0 failed=0 broken=()
for stage in scripts/test.d/*.sh; do
  name="$(basename "$stage" .sh)"
  echo "=== $name"
  set +e
  bash "$stage" 2>&1 | tee "$log_dir/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  line="$(grep -E '^STAGE [^:]+: [0-9]+ passed, [0-9]+ failed' "$log_dir/$name.log" | tail -n 1 || true)"
  if [ -z "$line" ]; then
    echo "stage $name printed no result line (exit $rc)"
    failed=$((failed + 1)); broken+=("$name"); continue
  fi
  p="$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/' <<<"$line")"
  f="$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")"
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); broken+=("$name"); fi
  if [ "$f" -ne 0 ]; then broken+=("$name"); fi
done
if [ ${#broken[@]} -ne 0 ]; then
  echo "failing stages: ${broken[*]}"
  # Name the failed checks next to the total, where a CI log's tail shows them (the full logs are in $log_dir).
  # xUnit under `dotnet test -v q` prints "[xUnit.net 00:00:02.65]     Namespace.Class.Method [FAIL]".
  grep -hE '^\s+Failed [A-Za-z_][A-Za-z0-9_.]+|\[FAIL\]$|^not ok |\.\.\. fail$|^FAIL ' "$log_dir"/*.log \
    | sed -E 's/^\[xUnit\.net [0-9:.]+\] +//; s/ \[FAIL\]$//; s/^ */failed: /' | sort -u | head -n 40 || true
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
