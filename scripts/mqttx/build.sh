#!/usr/bin/env bash
# Builds MQTTX CLI (the peer of `npm run bench -- sim-vs-mqttx`) from its source, outside the repository.
#
#   scripts/mqttx/build.sh [SOURCE]          SOURCE: an emqx/MQTTX checkout (holding cli/) or its git dir
#   MQTTX_SRC=SOURCE scripts/mqttx/build.sh
#
# Copies SOURCE's cli/ folder into a temporary folder (from a git dir: `git archive HEAD cli`),
# runs `npm install` and `npx tsc` there, and installs the built CLI into
# ${V2X_CACHE_DIR:-~/.cache/v2x-fleet}/mqttx-cli-<version> (the bench finds it there; --mqttx PATH
# points it elsewhere). The temporary folder is removed; nothing of MQTTX enters the repository.
# Needs the npm registry (the CLI's dependencies), git (for a git dir) and Node.js.
set -euo pipefail

src="${1:-${MQTTX_SRC:-}}"
if [[ -z "$src" ]]; then
  echo "usage: scripts/mqttx/build.sh PATH   (PATH: an emqx/MQTTX checkout or its bare git dir; or set MQTTX_SRC)" >&2
  echo "       git clone https://github.com/emqx/MQTTX gives one" >&2
  exit 2
fi
if [[ ! -d "$src" ]]; then
  echo "build.sh: $src is not a folder" >&2
  exit 2
fi
cache="${V2X_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/v2x-fleet}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/mqttx-build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

if [[ -f "$src/cli/package.json" ]]; then
  cp -R "$src/cli" "$tmp/cli"
  rm -rf "$tmp/cli/node_modules" "$tmp/cli/dist"
elif git --git-dir="$src" rev-parse --verify -q HEAD:cli/package.json >/dev/null 2>&1; then
  git --git-dir="$src" archive HEAD cli | tar -x -C "$tmp"
elif git -C "$src" rev-parse --verify -q HEAD:cli/package.json >/dev/null 2>&1; then
  git -C "$src" archive HEAD cli | tar -x -C "$tmp"
else
  echo "build.sh: $src holds no MQTTX cli/ folder (neither a checkout with cli/package.json nor a git dir with HEAD:cli)" >&2
  exit 2
fi

cd "$tmp/cli"
version="$(node -p "require('./package.json').version")"
name="$(node -p "require('./package.json').name")"
if [[ "$name" != "mqttx-cli" ]]; then
  echo "build.sh: $src/cli/package.json is \"$name\", not mqttx-cli" >&2
  exit 2
fi
echo "build.sh: MQTTX CLI $version from $src, building in $tmp/cli"
# The lock file pins the versions MQTTX released with, but many of its tarball URLs point at mirrors
# (registry.npmmirror.com, registry.yarnpkg.com) that npm would try first: point them at the
# configured registry (same paths, same integrity hashes).
registry="$(npm config get registry)"
registry="${registry%/}"
if [[ -f yarn.lock ]]; then
  sed -i -E "s#https://registry\.(npmmirror\.com|yarnpkg\.com|npmjs\.org)#${registry}#g" yarn.lock
fi
npm install --no-audit --no-fund --loglevel=error
npx tsc
test -f dist/src/index.js || { echo "build.sh: tsc produced no dist/src/index.js" >&2; exit 1; }
# run-time dependencies only in the installed copy
npm prune --omit=dev --no-audit --no-fund --loglevel=error

dest="$cache/mqttx-cli-$version"
rm -rf "$dest.partial" "$dest"
mkdir -p "$dest.partial"
cp -R bin dist node_modules package.json "$dest.partial/"
mv "$dest.partial" "$dest"
node "$dest/bin/index.js" --version >/dev/null
echo "build.sh: installed $dest ($(node "$dest/bin/index.js" --version | head -1)); run it as node $dest/bin/index.js"
