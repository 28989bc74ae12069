#!/usr/bin/env bash
# The captured output of every earlier stage (artifacts/test-logs/*.log: test runner output, the Lambda
# bootstrap's own log lines, state machine runs, terraform; and trx/*.trx: each .NET test's own output)
# must not hold any secret value the tests use.
# The tests assert this for the outputs they capture themselves (tests/*/Security); this stage is the net
# under everything else that reached a log. Each value below must still occur in the test sources, so the
# list cannot silently go stale when a test changes its secrets.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
log_dir="${TXETL_TEST_LOGS:-artifacts/test-logs}"
self="$(basename "${BASH_SOURCE[0]}" .sh)"
# Fewer secrets than this checked: the list below lost entries, and a scan for nothing passes. A bit
# below today's count (9); raise it when secrets are added.
min_tests=8

secrets=(
  "slack-very-secret-token"              # NotifyChat tests: Slack webhook path
  "teams-very-secret-sig"                # NotifyChat tests: Teams webhook signature
  "slack-leak-test-token"                # Security.SecretLeakTests (Aws)
  "teams-leak-test-sig"
  "xoxb-very-secret"                     # JsonLoggerFactoryTests: webhook read through the secrets adapter
  "Tr0ub4dor&3-rotated"                  # JsonLoggerFactoryTests: database password
  "loopback/secret/key/for/tests/only"   # LoopbackStepFunctions: AWS secret access key
  "function-test-secret"                 # fake AWS secret keys of the function tests
  "s3cret-Loader_pw!"                    # LoaderRoleTests (Aws): loader password
)
# Not listed: values a test passes through [InlineData] (SecretReaderTests' "hunter2-...") are part of the
# test's name, which the trx files and the runner print by design.

passed=0 failed=0
for secret in "${secrets[@]}"; do
  if ! grep -rqF --include='*.cs' -- "$secret" tests; then
    echo "stale: '$secret' no longer occurs in tests/; update scripts/test.d/$self.sh"
    failed=$((failed + 1)); continue
  fi
  hits="$(grep -lF -- "$secret" "$log_dir"/*.log "$log_dir"/trx/*.trx 2>/dev/null | grep -v "/$self.log$" || true)"
  if [ -n "$hits" ]; then
    # Name the file, not the line: printing the line would put the secret into this log too.
    echo "leak: a test secret ($(( ${#secret} )) characters, starting '${secret:0:4}') is in: $hits"
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
done
ran=$((passed + failed))
if [ "$ran" -lt "$min_tests" ]; then
  echo "FAIL secret-scan: only $ran test secrets checked, at least $min_tests expected (min_tests in scripts/test.d/$self.sh)"
  failed=$((failed + 1))
fi
logs=$(ls "$log_dir"/*.log 2>/dev/null | grep -vc "/$self.log$" || true)
trx=$(ls "$log_dir"/trx/*.trx 2>/dev/null | wc -l)
echo "scanned $logs stage logs and $trx .NET test result files for ${#secrets[@]} test secrets"
if [ "$logs" -eq 0 ]; then
  echo "no stage logs in $log_dir: nothing was scanned"
  failed=$((failed + 1))
fi
echo "STAGE secret-scan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
