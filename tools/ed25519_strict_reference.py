#!/usr/bin/env python3
"""libsodium's strict Ed25519 verification (through PyNaCl), the reference the Swift tests match.

crypto_sign_verify_detached refuses S >= L, an R of small order, a public key that is not
canonical or has small order, and then compares the bytes of [S]B - [h]A with R
(src/libsodium/crypto_sign/ed25519/ref10/open.c, the same in releases 1.0.18 to 1.0.22; the
master branch has since moved to a cofactored comparison, which would accept cases 4 and 5 of
Tests/Fixtures/ed25519-speccheck, so the PyNaCl pin matters).
PyNaCl's VerifyKey only checks the key's length, so every other refusal comes from libsodium.

  ed25519_strict_reference.py verify CASES.json
      CASES.json is a JSON array of {"message", "pub_key", "signature"} (hex); prints a JSON
      array with true where libsodium accepts the signature of the message under the key.
"""
import argparse
import json
import sys

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey


def accepts(case):
    key = VerifyKey(bytes.fromhex(case["pub_key"]))
    try:
        key.verify(bytes.fromhex(case["message"]), bytes.fromhex(case["signature"]))
    except BadSignatureError:
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("verify").add_argument("cases")
    args = parser.parse_args()
    with open(args.cases) as f:
        cases = json.load(f)
    json.dump([accepts(case) for case in cases], sys.stdout)
    print()


if __name__ == "__main__":
    main()
