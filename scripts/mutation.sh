#!/usr/bin/env bash
# Mutation testing of Core's engine files (TaxCalculator, DecimalText, IsoTimestamp, Normalizer, BooleanText,
# TaxRuleSet) with Stryker.NET, against tests/TransactionEtl.Core.Tests. Not part of CI and not a stage of
# scripts/test.sh: it takes many minutes. The settings (files, concurrency 1, reporters) are in
# stryker-config.json; the scores are recorded in docs/testing.md.
# Usage: scripts/mutation.sh [more dotnet-stryker options]
# Prints the score per file and writes the reports under StrykerOutput/<UTC time>/reports/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The Core tests read the csv-spectrum suite from tools/node/node_modules. Without it two of them fail, Stryker
# drops them from the run and goes on ("2 tests are failing"); install it as scripts/test.sh does.
if [ ! -d tools/node/node_modules ] || [ tools/node/package-lock.json -nt tools/node/node_modules ]; then
  npm ci --prefix tools/node --no-audit --no-fund --loglevel=error >/dev/null
fi
dotnet tool restore >/dev/null

out="$root/StrykerOutput/$(date -u +%Y%m%dT%H%M%SZ)"
# Run from the test project: in the repository root Stryker would take TransactionEtl.slnx as its scope.
# A test that fails before any mutation stops the run instead of silently lowering what the score means.
(cd tests/TransactionEtl.Core.Tests \
  && dotnet stryker --config-file ../../stryker-config.json --output "$out" --skip-version-check \
    --break-on-initial-test-failure "$@")

report="$out/reports/mutation-report.json"
python3 - "$report" "$root" <<'PY'
import json, os, sys
report, root = sys.argv[1], sys.argv[2]
files = json.load(open(report))["files"]
rows, total = [], {}
for path, data in sorted(files.items()):
    counts = {}
    for m in data["mutants"]:
        counts[m["status"]] = counts.get(m["status"], 0) + 1
        total[m["status"]] = total.get(m["status"], 0) + 1
    rows.append((os.path.relpath(path, root), counts))
rows.append(("total", total))
def score(c):
    detected = c.get("Killed", 0) + c.get("Timeout", 0)
    valid = detected + c.get("Survived", 0) + c.get("NoCoverage", 0)
    return 100.0 * detected / valid if valid else 100.0
print(f"{'file':<52} {'score':>7} {'killed':>7} {'timeout':>7} {'survived':>8} {'no cov':>7}")
for name, c in rows:
    print(f"{name:<52} {score(c):>6.1f}% {c.get('Killed', 0):>7} {c.get('Timeout', 0):>7} {c.get('Survived', 0):>8} {c.get('NoCoverage', 0):>7}")
survivors = [(os.path.relpath(p, root), m) for p, d in files.items() for m in d["mutants"] if m["status"] in ("Survived", "NoCoverage")]
if survivors:
    print("\nnot killed:")
    for name, m in sorted(survivors, key=lambda s: (s[0], s[1]["location"]["start"]["line"])):
        print(f"  {name}:{m['location']['start']['line']} {m['status']} {m['mutatorName']}: {m.get('replacement', '')}")
PY
