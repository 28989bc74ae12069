#!/usr/bin/env bash
# Packages the Lambda zips with the one packaging command (Native AOT publish), then runs the tests that
# need them: zip layout, glibc <= 2.34 (objdump -T), and the AOT bootstrap serving a real invocation from
# the loopback Runtime API end to end.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# Fewer packaging tests than this ran (the packaging step itself not counted): the filter or the
# artifacts variable lost some. A bit below today's count (7 tests; the stage line says 8).
min_tests=6
# A throwaway CA certificate stands in for AWS's RDS bundle: the tests check it lands in run-etl.zip only.
# Its key and certificate stay in artifacts/lambda-test-ca/: the twin stage (50) signs its PostgreSQL
# server certificate with it, so the packaged bundle verifies that server (VerifyFull).
ca_dir="$PWD/artifacts/lambda-test-ca"
rm -rf "$ca_dir" && mkdir -p "$ca_dir"
if ! openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=txetl test root" \
    -keyout "$ca_dir/ca.key" -out "$ca_dir/ca.pem" >/dev/null 2>&1; then
  echo "openssl could not make the test CA certificate"
  echo "STAGE lambda-package: 0 passed, 1 failed"
  exit 1
fi
if ! bash scripts/package-lambda.sh --ca-bundle "$ca_dir/ca.pem"; then
  echo "STAGE lambda-package: 0 passed, 1 failed"
  exit 1
fi
out="$(mktemp)"
TXETL_LAMBDA_ARTIFACTS="$PWD/artifacts/lambda" TXETL_LAMBDA_CA_BUNDLE="$ca_dir/ca.pem" dotnet test tests/TransactionEtl.Aws.Tests --nologo -v q \
  --filter "FullyQualifiedName~TransactionEtl.Aws.Tests.Packaging" \
  --logger "console;verbosity=detailed" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
p=$(grep -Eo 'Passed: +[0-9]+' "$out" | awk '{s+=$2} END {print s+0}')
f=$(grep -Eo 'Failed: +[0-9]+' "$out" | awk '{s+=$2} END {print s+0}')
s=$(grep -Eo 'Skipped: +[0-9]+' "$out" | awk '{s+=$2} END {print s+0}')
ran=$((p + f))
rm -f "$out"
# Packaging tests must run here, never skip; a skip means the artifacts variable did not reach them.
if [ "$s" -ne 0 ]; then f=$((f + 1)); fi
if [ "$ran" -lt "$min_tests" ]; then
  echo "FAIL lambda-package: only $ran packaging tests ran, at least $min_tests expected (min_tests in scripts/test.d/20-lambda-package.sh)"
  f=$((f + 1))
fi
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
echo "STAGE lambda-package: $((p + 1)) passed, $f failed"
[ "$f" -eq 0 ]
