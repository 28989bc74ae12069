#!/usr/bin/env bash
# All .NET test projects. The fixtures start their own PostgreSQL, S3 server and HTTP listeners.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="$(mktemp)"
# The trx files keep every test's own output (ITestOutputHelper, captured logs) for the secret scan stage.
logs="${TXETL_TEST_LOGS:-artifacts/test-logs}"
rm -rf "$logs/trx"
dotnet test TransactionEtl.slnx --nologo -v q --logger "trx;LogFilePrefix=dotnet" --results-directory "$logs/trx" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
# vstest prints one line per project: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
p=$(grep -Eo 'Passed: +[0-9]+' "$out" | awk '{s+=$2} END {print s+0}')
f=$(grep -Eo 'Failed: +[0-9]+' "$out" | awk '{s+=$2} END {print s+0}')
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
rm -f "$out"
echo "STAGE dotnet: $p passed, $f failed"
exit "$rc"
