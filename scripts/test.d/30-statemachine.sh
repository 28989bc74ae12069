#!/usr/bin/env bash
# The Step Functions definition: rendered like templatefile(), validated by asl-validator and executed by
# aws-local-stepfunctions (tests/statemachine/*.test.mjs, node's built-in test runner), including redrives,
# the execution timeout, the throttling retrier and the etl-failed rule's pattern. The five scenarios
# run the real RunEtl (`txetl lambda invoke run-etl`) against PostgreSQL, s3rver and a loopback Secrets Manager
# endpoint that the tests start themselves; the CLI is built here for them.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# node --test passes when it finds no test at all: fewer tests than this ran means files or tests were
# lost. A bit below today's count (50); raise it when tests are added.
min_tests=64
out="$(mktemp)"
if ! dotnet build src/TransactionEtl.Cli -c Debug --nologo -v q >"$out" 2>&1; then
  cat "$out"
  rm -f "$out"
  echo "STAGE statemachine: 0 passed, 1 failed"
  exit 1
fi
export TXETL_CLI_DLL="$PWD/src/TransactionEtl.Cli/bin/Debug/net10.0/txetl.dll"
node --test --test-reporter=tap tests/statemachine/ 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
p=$(grep -E '^# pass [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')
f=$(grep -E '^# fail [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')
ran=$((p + f))
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
rm -f "$out"
if [ "$ran" -lt "$min_tests" ]; then
  echo "FAIL statemachine: only $ran tests ran, at least $min_tests expected (min_tests in scripts/test.d/30-statemachine.sh)"
  f=$((f + 1))
fi
echo "STAGE statemachine: $p passed, $f failed"
[ "$f" -eq 0 ]
