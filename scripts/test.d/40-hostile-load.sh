#!/usr/bin/env bash
# The hostile-load attacks of issue 13 against the release binary (tools/hostile_load_http.py says
# what each sends and what passes): 64 x 16 MiB bodies with the server's RSS measured, 66
# abandoned maximum-size PoQ requests followed by a bundle submission, and 2,000 connections
# trickling bodies at a server capped at 2,000 connections while /healthz is probed. Timing
# rules live here, with generous margins, never in the Swift tests; the numbers are printed.
#
#   VERIFIER_BIN=path/to/verifier scripts/test.d/40-hostile-load.sh    (default: the release build)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
log() { printf 'hostile-load: %s\n' "$*" >&2; }

[ -f models/all-MiniLM-L6-v2/model.safetensors ] && [ -f data/digits.csv ] \
  || { log "the model or data set is missing: run scripts/setup"; exit 1; }
BIN="${VERIFIER_BIN:-}"
if [ -z "$BIN" ]; then
  [ -x .build/release/verifier ] || swift build -c release --product verifier
  BIN=.build/release/verifier
fi
# Each trickling connection is a descriptor on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

passed=0
failed=0
for attack in bodies poq slow; do
  args=()
  [ "$attack" = slow ] && args=(--server-arg=--http-max-connections=2000)
  if python3 tools/hostile_load_http.py --verifier "$BIN" "$attack" "${args[@]}"; then
    passed=$((passed + 1)); log "ok   $attack"
  else
    failed=$((failed + 1)); log "FAIL $attack"
  fi
done
printf 'hostile-load: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
