#!/usr/bin/env bash
# Renders and lints the Helm chart (infra/helm/v2x-fleet) with each of its values files, as shipped
# and with every optional part on (simulator Job, Ingress). The renders go to .build/helm/ for a
# look; test/unit/deploy/helm-chart.test.ts asserts on the rendered objects.
#   scripts/helm-check.sh [--install]
# --install: build helm from its Go module when it is not on PATH nor in $(go env GOPATH)/bin
# (CI; about 2.5 minutes on 2 cores with an empty module cache, niced).
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_MODULE=helm.sh/helm/v4/cmd/helm@v4.3.2
CHART=infra/helm/v2x-fleet
OUT=.build/helm

find_helm() {
  if command -v helm >/dev/null 2>&1; then command -v helm; return; fi
  if command -v go >/dev/null 2>&1; then
    local gobin
    gobin="$(go env GOBIN)"; [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
    if [ -x "$gobin/helm" ]; then echo "$gobin/helm"; return; fi
  fi
  return 1
}

helm_bin="$(find_helm || true)"
if [ -z "$helm_bin" ]; then
  if [ "${1:-}" != "--install" ]; then
    echo "helm-check: helm not found (PATH, \$(go env GOPATH)/bin); run with --install to build it with go" >&2
    exit 1
  fi
  command -v go >/dev/null 2>&1 || { echo "helm-check: go is needed to build helm ($HELM_MODULE)" >&2; exit 1; }
  echo "helm-check: building $HELM_MODULE (go install, niced)"
  start=$(date +%s)
  GOFLAGS=-mod=mod nice -n 19 go install "$HELM_MODULE"
  echo "helm-check: helm built in $(( $(date +%s) - start )) s"
  helm_bin="$(find_helm)"
fi
"$helm_bin" version --short

mkdir -p "$OUT"
all_on=(--set simulator.enabled=true --set ingress.enabled=true)
for values in "$CHART"/values*.yaml; do
  name="$(basename "$values" .yaml)"
  extra=()
  [ "$name" = values ] || extra=(-f "$values")
  # a values file with config.demo false needs credentials of its own (the chart refuses the demo key)
  if grep -q '^  demo: false' "$values"; then
    extra+=(--set config.fleetKey=check-only-fleet-key --set config.downlink.password=check-only-password --set 'config.apiTokens={ops:admin:check-only-token}')
  fi
  echo "== $name"
  "$helm_bin" lint --strict "$CHART" "${extra[@]}"
  "$helm_bin" lint --strict "$CHART" "${extra[@]}" "${all_on[@]}"
  "$helm_bin" template v2x "$CHART" --namespace v2x "${extra[@]}" "${all_on[@]}" >"$OUT/$name.yaml"
  echo "rendered $(grep -c '^kind:' "$OUT/$name.yaml") objects to $OUT/$name.yaml"
done
