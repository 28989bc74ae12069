#!/usr/bin/env bash
# Builds the Lambda deployment zips: one Native AOT `bootstrap` (runtime provided.al2023) that serves all
# three functions by _HANDLER, zipped once per function at the zip root as
#   artifacts/lambda/{start-workflow,run-etl,notify-chat}.zip
# Usage: scripts/package-lambda.sh [--arch x64|arm64]     (default x64; Terraform reads these paths)
# arm64 cross-compiles and needs clang, lld, the aarch64 binutils/gcc and libc6-dev-arm64-cross (objcopy,
# the C runtime objects and libraries); as root the script installs those Debian packages, otherwise it
# names them and stops. (No zlib package:
# since .NET 9 the runtime links its own zlib-ng unless UseSystemZlib is set.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

arch=x64
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="${2:-}"; shift 2 ;;
    --arch=*) arch="${1#*=}"; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package-lambda: unknown argument '$1' (expected --arch x64|arm64)" >&2; exit 1 ;;
  esac
done
case "$arch" in
  x64) lambda_arch=x86_64 ;;
  arm64) lambda_arch=arm64 ;;
  *) echo "package-lambda: --arch must be x64 or arm64, not '$arch'" >&2; exit 1 ;;
esac
functions=(start-workflow run-etl notify-chat)

# Installs missing Debian packages when we may (root with apt-get), else says which ones are needed.
require_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "package-lambda: installing ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "package-lambda: missing Debian packages: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
}

publish_args=(-c Release -r "linux-$arch" --nologo)
if [ "$arch" = x64 ]; then
  # The ILCompiler links with clang, falling back to gcc.
  if ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then require_packages clang; fi
else
  # clang --target=aarch64-linux-gnu finds Debian's cross layout (/usr/aarch64-linux-gnu, /usr/lib/gcc-cross) by itself.
  require_packages clang lld binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  publish_args+=(-p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy)
fi
if ! command -v zip >/dev/null && ! command -v python3 >/dev/null; then require_packages zip; fi

out="$root/artifacts/lambda"
publish="$out/publish-linux-$arch"
rm -rf "$publish"
mkdir -p "$out"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "package-lambda: dotnet publish src/TransactionEtl.Lambda (Native AOT, linux-$arch)"
start=$(date +%s)
if ! dotnet publish src/TransactionEtl.Lambda "${publish_args[@]}" -o "$publish" >"$log" 2>&1; then
  cat "$log" >&2
  echo "package-lambda: publish failed" >&2
  exit 1
fi
seconds=$(( $(date +%s) - start ))
# Warnings-as-errors covers the compiler; AOT/trim analysis warnings of the ILCompiler are checked here too.
if grep -E ': warning (IL|AOT|CS|CA)[0-9]+' "$log" | grep -v '^ *$' >&2; then
  echo "package-lambda: the AOT publish has warnings (above); the bootstrap must publish warning-free" >&2
  exit 1
fi
bootstrap="$publish/bootstrap"
[ -x "$bootstrap" ] || { echo "package-lambda: no executable bootstrap in $publish" >&2; exit 1; }
echo "package-lambda: published in ${seconds}s, 0 warnings"

for fn in "${functions[@]}"; do
  zip_path="$out/$fn.zip"
  rm -f "$zip_path"
  if command -v zip >/dev/null; then
    (cd "$publish" && zip -q -X -9 "$zip_path" bootstrap)
  else
    python3 - "$bootstrap" "$zip_path" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
info = zipfile.ZipInfo("bootstrap", date_time=(2020, 1, 1, 0, 0, 0))
info.external_attr = 0o100755 << 16   # regular file, rwxr-xr-x: Lambda executes it
info.compress_type = zipfile.ZIP_DEFLATED
with open(src, "rb") as f, zipfile.ZipFile(dst, "w") as z:
    z.writestr(info, f.read(), compresslevel=9)
PY
  fi
done
echo "$lambda_arch" > "$out/architecture"

size() { stat -c %s "$1"; }
printf 'package-lambda: bootstrap %s bytes (linux-%s)\n' "$(size "$bootstrap")" "$arch"
for fn in "${functions[@]}"; do
  printf 'package-lambda: artifacts/lambda/%s.zip %s bytes\n' "$fn" "$(size "$out/$fn.zip")"
done
