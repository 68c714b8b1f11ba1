#!/usr/bin/env bash
# Validates openapi.yaml (openapi-spec-validator) and fuzzes a live server with schemathesis,
# every check enabled, against the spec. Starts the built binary (release if present, else
# debug) on a free port with a temporary data folder, and stops it. Exits non-zero on any
# failure. OPENAPI_MAX_EXAMPLES (default 100, about 50 s) bounds the run; OPENAPI_SEED fixes its randomness.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv/bin"
for tool in openapi-spec-validator schemathesis; do
  [ -x "$VENV/$tool" ] || { echo "openapi: $VENV/$tool is missing; run scripts/setup" >&2; exit 1; }
done

"$VENV/openapi-spec-validator" openapi.yaml

BINARY=.build/release/verifier
[ -x "$BINARY" ] || BINARY=.build/debug/verifier
[ -x "$BINARY" ] || { echo "openapi: no verifier binary; run swift build" >&2; exit 1; }

DATA="$(mktemp -d)"
PORT="$("$VENV/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$BINARY" serve --port "$PORT" --data-dir "$DATA" --workers 1 2>"$DATA/server.log" &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$DATA/server.log" >&2; echo "openapi: server not ready" >&2; exit 1; }

SEED=()
[ -n "${OPENAPI_SEED:-}" ] && SEED=(--seed "$OPENAPI_SEED")
status=0
"$VENV/python" tools/schemathesis_run.py --config-file tools/schemathesis.toml run openapi.yaml \
  --url "http://127.0.0.1:$PORT" --checks all --max-examples "${OPENAPI_MAX_EXAMPLES:-100}" \
  --workers 2 --request-timeout 60 --generation-database none --no-color "${SEED[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "openapi: schemathesis failed (exit $status); server log tail:" >&2
  tail -n 40 "$DATA/server.log" >&2
fi
exit "$status"
