#!/usr/bin/env bash
# Publishes the released txetl: a Native AOT executable for this machine (linux-x64, linux-arm64, osx-x64 or
# osx-arm64), no .NET runtime needed to run it. The native link needs clang or gcc (Xcode's on macOS).
#
#   bash scripts/publish-cli.sh [OUT_DIR]      # default artifacts/txetl-aot; prints the executable's path
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
dotnet publish src/TransactionEtl.Cli -c Release -r "$rid" -p:PublishAot=true -o "$out" --nologo -v q >&2
echo "$out/txetl"
