#!/usr/bin/env bash
# EIP-712 signatures checked with stock eth-account from PyPI (issue 16, part 3): the worked
# example of docs/protocol-parts/attestations.md (tools/eip712_reference.py example), then a
# running verifier's /v1/keys address, verdicts and scores (tools/eip712_service_check.py
# says what passes). The verifier it starts is stopped on exit, pass or fail.
#
#   VERIFIER_BIN=path/to/verifier scripts/test.d/56-eip712.sh    (default: the release build, else debug)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
log() { printf 'eip712: %s\n' "$*" >&2; }

.venv/bin/python -c 'import eth_account, Crypto, cryptography' 2>/dev/null \
  || { log "eth-account, pycryptodome or cryptography is missing from .venv: run scripts/setup"; exit 1; }
[ -f models/all-MiniLM-L6-v2/model.safetensors ] || { log "the PoQ model is missing: run scripts/setup"; exit 1; }
BIN="${VERIFIER_BIN:-}"
if [ -z "$BIN" ]; then
  BIN=.build/release/verifier
  [ -x "$BIN" ] || BIN=.build/debug/verifier
fi
[ -x "$BIN" ] || { log "no verifier binary; run swift build"; exit 1; }

.venv/bin/python tools/eip712_reference.py example docs/protocol-parts/attestations.md
.venv/bin/python tools/eip712_service_check.py --verifier "$BIN"
