#!/usr/bin/env bash
# The attacks of issue 13 against a live server (tools/hostile_load.py says what each checks):
# 16 MiB JSON arrays and RSS, distinct methods and /metrics, a blocked store and /healthz,
# a full disk and /readyz, file modes, file:// outside the artifact root, fetch error texts.
# Prints each measurement; generous timing margins only.
#
#   VERIFIER_BIN=path/to/verifier scripts/test.d/80-hostile-load.sh [CHECK...]   (default: the release build)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BIN="${VERIFIER_BIN:-}"
if [ -z "$BIN" ]; then
  [ -x .build/release/verifier ] || swift build -c release --product verifier
  BIN=.build/release/verifier
fi
PYTHON=.venv/bin/python
[ -x "$PYTHON" ] || PYTHON=python3
"$PYTHON" tools/hostile_load.py --verifier "$BIN" "$@"
