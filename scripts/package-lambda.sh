#!/usr/bin/env bash
# Builds the Lambda deployment zips: one Native AOT `bootstrap` (runtime provided.al2023) that serves all
# four functions by _HANDLER, zipped once per function at the zip root as
#   artifacts/lambda/{start-workflow,run-etl,notify-chat,migrate}.zip
# Usage: scripts/package-lambda.sh [--arch x64|arm64] [--ca-bundle FILE]
#   --arch       x64 (default) or arm64; Terraform reads the zips from artifacts/lambda/
#   --ca-bundle  PEM file of the database's root certificates (for RDS, AWS's global-bundle.pem), added to
#                run-etl.zip and migrate.zip (the two that connect to the database) as global-bundle.pem,
#                where TXETL_DB_ROOT_CERT points (VerifyFull)
# arm64 cross-compiles and needs clang, lld, the aarch64 binutils/gcc and libc6-dev-arm64-cross (objcopy,
# the C runtime objects and libraries); as root the script installs those Debian packages, otherwise it
# names them and stops. (No zlib package:
# since .NET 9 the runtime links its own zlib-ng unless UseSystemZlib is set.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

arch=x64
ca_bundle=""
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="${2:-}"; shift 2 ;;
    --arch=*) arch="${1#*=}"; shift ;;
    --ca-bundle) ca_bundle="${2:-}"; shift 2 ;;
    --ca-bundle=*) ca_bundle="${1#*=}"; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package-lambda: unknown argument '$1' (expected --arch x64|arm64, --ca-bundle FILE)" >&2; exit 1 ;;
  esac
done
if [ -n "$ca_bundle" ]; then
  # Checked before the 3-minute publish: a wrong file would only show when RunEtl first connects.
  if [ ! -r "$ca_bundle" ]; then
    echo "package-lambda: --ca-bundle '$ca_bundle' is not a readable file" >&2; exit 1
  fi
  certs=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$ca_bundle" || true)
  if [ "$certs" -eq 0 ] || { command -v openssl >/dev/null && ! openssl x509 -in "$ca_bundle" -noout 2>/dev/null; }; then
    echo "package-lambda: --ca-bundle '$ca_bundle' holds no PEM certificate (expected AWS's global-bundle.pem)" >&2; exit 1
  fi
  ca_bundle="$(cd "$(dirname "$ca_bundle")" && pwd)/$(basename "$ca_bundle")"
fi
case "$arch" in
  x64) lambda_arch=x86_64 ;;
  arm64) lambda_arch=arm64 ;;
  *) echo "package-lambda: --arch must be x64 or arm64, not '$arch'" >&2; exit 1 ;;
esac
functions=(start-workflow run-etl notify-chat migrate)

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
  bundle=""
  if { [ "$fn" = run-etl ] || [ "$fn" = migrate ]; } && [ -n "$ca_bundle" ]; then
    cp "$ca_bundle" "$publish/global-bundle.pem"
    chmod 0644 "$publish/global-bundle.pem"
    bundle=global-bundle.pem
  fi
  if command -v zip >/dev/null; then
    (cd "$publish" && zip -q -X -9 "$zip_path" bootstrap $bundle)
  else
    python3 - "$publish" "$zip_path" bootstrap $bundle <<'PY'
import os, sys, zipfile
folder, dst, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(dst, "w") as z:
    for name in names:
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        mode = 0o755 if name == "bootstrap" else 0o644   # Lambda executes the bootstrap
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(os.path.join(folder, name), "rb") as f:
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
if [ -n "$ca_bundle" ]; then
  echo "package-lambda: run-etl.zip and migrate.zip hold global-bundle.pem ($certs certificates from $ca_bundle)"
else
  echo "package-lambda: note: run-etl.zip and migrate.zip hold no CA bundle; with TXETL_DB_SSL_MODE=VerifyFull (the Terraform default) pass --ca-bundle global-bundle.pem (docs/deploy.md)"
fi
