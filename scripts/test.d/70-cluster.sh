#!/usr/bin/env bash
# Cluster test on loopback, no container engine: a throwaway PostgreSQL cluster, three
# `verifier serve` replicas sharing it and one signing key, HAProxy in front with
# Deploy/haproxy.cfg; 200+ honest, forged and duplicate bundles from concurrent clients
# through the balancer while one replica is SIGKILLed and restarted (tools/cluster_test.py
# says exactly what passes). Everything started here is stopped on exit, pass or fail.
#
#   VERIFIER_BIN=path/to/verifier scripts/test.d/70-cluster.sh    (default: the release build)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
log() { printf 'cluster: %s\n' "$*" >&2; }

if ! command -v haproxy >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  log "installing haproxy"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends haproxy >/dev/null
fi
[ -x .venv/bin/python ] || { log ".venv is missing: run scripts/setup"; exit 1; }
[ -f models/all-MiniLM-L6-v2/model.safetensors ] && [ -f data/digits.csv ] \
  || { log "the model or data set is missing: run scripts/setup"; exit 1; }

BIN="${VERIFIER_BIN:-}"
if [ -z "$BIN" ]; then
  [ -x .build/release/verifier ] || swift build -c release --product verifier
  BIN=.build/release/verifier
fi

# The cluster lives in a folder the `postgres` user can reach when this runs as root.
PG_PARENT="$(mktemp -d)"
chmod 755 "$PG_PARENT"
PG_DIR="$PG_PARENT/pg"
cleanup() {
  scripts/pg-test-cluster stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$PG_PARENT"
}
trap cleanup EXIT INT TERM
URL="$(scripts/pg-test-cluster start "$PG_DIR")"
log "PostgreSQL at $URL"

.venv/bin/python tools/cluster_test.py --verifier "$BIN" --database-url "$URL" "$@"
