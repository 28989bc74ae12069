#!/usr/bin/env bash
# Fuzz the engine (reader + validator) with AFL++ through SharpFuzz for SECONDS seconds (default 600).
# Needs: afl++ (apt-get install afl++) and the SharpFuzz.CommandLine dotnet tool (see fuzz/README.md).
# Output: fuzz/findings/ (ignored by git). Crashes land in fuzz/findings/default/crashes/.
set -euo pipefail
seconds="${1:-600}"
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/TransactionEtl.Fuzz/bin/Release/net10.0"
sharpfuzz="${SHARPFUZZ:-sharpfuzz}"

dotnet build "$here/TransactionEtl.Fuzz" -c Release --nologo -v quiet
# Instrument the code under test (the engine and its CSV reader), not the harness. Rebuilding restores clean copies.
for dll in TransactionEtl.Core.dll Sylvan.Data.Csv.dll; do
  "$sharpfuzz" "$out/$dll"
done

# Seeds: the hostile corpus (small files only; AFL++ works best on inputs of a few KB).
seeds="$here/findings-seeds"
rm -rf "$seeds" && mkdir -p "$seeds"
find "$here/../tests/TransactionEtl.Core.Tests/Data/hostile" -name '*.csv' -size -64k -exec cp {} "$seeds/" \;

# Containers usually lack a core_pattern AFL++ likes and CPU frequency scaling; the .NET host is not AFL-instrumented
# itself (SharpFuzz instruments the assemblies), hence SKIP_BIN_CHECK.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
afl-fuzz -i "$seeds" -o "$here/findings" -t 10000 -m none -V "$seconds" -- dotnet "$out/TransactionEtl.Fuzz.dll"
echo "crashes: $(find "$here/findings/default/crashes" -type f ! -name README.txt | wc -l), hangs: $(find "$here/findings/default/hangs" -type f | wc -l)"
