#!/bin/sh
# Generates the SUMO scenario (scripts/sumo/generate.py) into OUT (default /tmp/v2x-sumo), with
# SUMO from PyPI (eclipse-sumo) in a venv under /tmp, then prints the command that scores it.
#   scripts/sumo/run.sh [OUT] [--type grid|spider|rand] [--seed N] [--period S] [--end S]
set -eu
OUT=${1:-/tmp/v2x-sumo}
[ $# -gt 0 ] && shift
VENV=${SUMO_VENV:-/tmp/v2x-sumo-venv}
if [ ! -x "$VENV/bin/sumo" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet eclipse-sumo
fi
PATH="$VENV/bin:$PATH" "$VENV/bin/python" "$(dirname "$0")/generate.py" "$OUT" "$@"
NET=$(ls "$OUT"/*.net.xml | grep -v '/raw\.net\.xml$' | head -n 1)
echo "score it: node dist/cli/run.js eval traffic --replay $OUT/fcd.xml --network $NET --truth $OUT/edgedata.xml --truth-signal-cycle 90 --html $OUT/report.html"
# --truth-signal-cycle 90: netconvert's static signal programs run 90 s cycles (decision 0037)
