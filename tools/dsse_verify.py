#!/usr/bin/env python3
"""Independent DSSE + Ed25519 reference, used by the Swift tests to cross-check the service.

Uses Python's `cryptography` (Ed25519) and its own PAE, written from the DSSE spec
(secure-systems-lab/dsse protocol.md v1.0.0), not from the Swift code.

  dsse_verify.py verify ENVELOPE.json --public-key HEX [--payload-type TYPE]
      Exit 0 and print {"valid": true, ...} when a signature checks under the key
      (and the payloadType matches, if given); exit 1 otherwise. Keys and signatures follow
      the strict rules of docs/protocol-parts/attestations.md.
  dsse_verify.py sign --seed HEX --payload-type TYPE --payload-file FILE
      Print an envelope signed by the Ed25519 key with that 32-byte seed. Payload and
      signature use URL-safe base64 without padding (DSSE allows either alphabet), and
      keyid = hex SHA-256 of the raw public key.
  dsse_verify.py pem-public FILE
      Load a PEM private or public key and print the raw 32-byte public key in hex.
"""
import argparse
import base64
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ed25519_rules import acceptable_point, acceptable_signature  # noqa: E402


def pae(payload_type: bytes, body: bytes) -> bytes:
    return b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type, len(body), body)


def b64decode(text: str) -> bytes:
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def raw_public(key) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verify(args) -> int:
    with open(args.envelope, "rb") as f:
        envelope = json.load(f)
    raw = bytes.fromhex(args.public_key)
    if len(raw) != 32 or not acceptable_point(raw):
        print(json.dumps({"valid": False, "reason": "public key is not canonical or has small order"}))
        return 1
    public_key = Ed25519PublicKey.from_public_bytes(raw)
    payload = b64decode(envelope["payload"])
    payload_type = envelope["payloadType"]
    message = pae(payload_type.encode("utf-8"), payload)
    for signature in envelope["signatures"]:
        sig = b64decode(signature["sig"])
        if not acceptable_signature(sig):
            continue
        try:
            public_key.verify(sig, message)
        except InvalidSignature:
            continue
        if args.payload_type is not None and payload_type != args.payload_type:
            break
        print(json.dumps({"valid": True, "keyid": signature.get("keyid"), "payloadType": payload_type,
                          "payloadSha256": hashlib.sha256(payload).hexdigest()}, sort_keys=True))
        return 0
    print(json.dumps({"valid": False}))
    return 1


def sign(args) -> int:
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(args.seed))
    with open(args.payload_file, "rb") as f:
        payload = f.read()
    signature = key.sign(pae(args.payload_type.encode("utf-8"), payload))
    urlsafe = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")
    envelope = {
        "payload": urlsafe(payload),
        "payloadType": args.payload_type,
        "signatures": [{"keyid": hashlib.sha256(raw_public(key.public_key())).hexdigest(), "sig": urlsafe(signature)}],
    }
    print(json.dumps(envelope))
    return 0


def pem_public(args) -> int:
    with open(args.file, "rb") as f:
        data = f.read()
    if b"PRIVATE KEY" in data:
        key = serialization.load_pem_private_key(data, password=None).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        print("not an Ed25519 key", file=sys.stderr)
        return 1
    print(raw_public(key).hex())
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("verify")
    p.add_argument("envelope")
    p.add_argument("--public-key", required=True)
    p.add_argument("--payload-type")
    p.set_defaults(run=verify)
    p = commands.add_parser("sign")
    p.add_argument("--seed", required=True)
    p.add_argument("--payload-type", required=True)
    p.add_argument("--payload-file", required=True)
    p.set_defaults(run=sign)
    p = commands.add_parser("pem-public")
    p.add_argument("file")
    p.set_defaults(run=pem_public)
    args = parser.parse_args()
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
