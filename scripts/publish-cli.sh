#!/usr/bin/env bash
# Publishes the released txetl: a Native AOT executable for this machine (linux-x64, linux-arm64, osx-x64 or
# osx-arm64), no .NET runtime needed to run it. The native link needs clang or gcc (Xcode's on macOS).
#
#   bash scripts/publish-cli.sh [OUT_DIR]      # default artifacts/txetl-aot; prints the executable's path
#
# On x64 the build targets x86-64-v3 (Directory.Build.props explains why); on an x64 machine without AVX2, BMI1/2,
# FMA or MOVBE it targets x86-64-v2 instead, so the binary runs where it was built. `IlcInstructionSet=...` in the
# environment chooses for you.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:-artifacts/txetl-aot}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
  Darwin-x86_64) rid=osx-x64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  *)
    echo "publish-cli.sh: no Native AOT target for $(uname -s) $(uname -m); use dotnet run --project src/TransactionEtl.Cli" >&2
    exit 1
    ;;
esac
isa=()
if [ -z "${IlcInstructionSet:-}" ] && [ "$rid" = linux-x64 ]; then
  flags=" $(grep -m1 '^flags' /proc/cpuinfo) "
  for flag in avx2 bmi1 bmi2 fma movbe; do
    [[ "$flags" == *" $flag "* ]] || { isa=(-p:IlcInstructionSet=x86-64-v2); break; }
  done
elif [ -z "${IlcInstructionSet:-}" ] && [ "$rid" = osx-x64 ]; then
  sysctl -n machdep.cpu.leaf7_features 2>/dev/null | grep -qw AVX2 || isa=(-p:IlcInstructionSet=x86-64-v2)
fi
if [ ${#isa[@]} -gt 0 ]; then
  echo "publish-cli.sh: this CPU lacks part of x86-64-v3; building for x86-64-v2 (slower CSV reading)" >&2
fi
dotnet publish src/TransactionEtl.Cli -c Release -r "$rid" -p:PublishAot=true "${isa[@]}" -o "$out" --nologo -v q >&2
echo "$out/txetl"
