#!/usr/bin/env bash
# Generates a Python client from openapi.yaml with openapi-python-client (pinned in
# tools/requirements.txt) and drives the whole flow with it against a live verifier: submit a
# bundle, poll, score, verify attestations, finalize, a 404 and a 422 read as problems
# (tools/openapi_client_check.py). Uses the release binary if present, else the debug one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv/bin"
[ -x "$VENV/openapi-python-client" ] || { echo "openapi-client: $VENV/openapi-python-client is missing; run scripts/setup" >&2; exit 1; }
[ -f models/all-MiniLM-L6-v2/model.safetensors ] && [ -f data/digits.csv ] \
  || { echo "openapi-client: the model or data set is missing; run scripts/setup" >&2; exit 1; }
exec "$VENV/python" tools/openapi_client_check.py
