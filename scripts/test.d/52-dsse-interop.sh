#!/usr/bin/env bash
# DSSE and in-toto interoperability both ways with stock PyPI libraries (securesystemslib,
# in-toto-attestation, PyJWT, PyNaCl; pinned in tools/requirements.txt) against a live
# verifier: their envelopes (securesystemslib's key id, or none) verify and count at
# finalization; ours verify there with keys loaded from /v1/keys as published
# (tools/dsse_interop_check.py). Uses the release binary if present, else the debug one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
[ -x .venv/bin/python ] || { echo "dsse-interop: .venv is missing; run scripts/setup" >&2; exit 1; }
[ -f models/all-MiniLM-L6-v2/model.safetensors ] && [ -f data/digits.csv ] \
  || { echo "dsse-interop: the model or data set is missing; run scripts/setup" >&2; exit 1; }
exec .venv/bin/python tools/dsse_interop_check.py
