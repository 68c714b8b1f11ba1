#!/usr/bin/env python3
"""Independent EIP-712 / secp256k1 reference, used by the Swift tests to cross-check the service.

Written from EIP-712, EIP-55 and docs/protocol-parts/attestations.md ("EIP-712"), not from the
Swift code; hashing, signing and recovery are eth-account's (with eth-keys), Keccak-256 is
pycryptodome's.

  eip712_reference.py keccak FILE
      FILE holds one hex message per line; print the Keccak-256 of each, one hex digest a line.
  eip712_reference.py check FILE
      FILE holds {"attestation": <the service's "eip712" object>, "kind": "pogo"|"poq",
      "values": {...}, "domain": {"chainId": N, "verifyingContract": "0x..."}, "signer": "0x..."}.
      Builds the typed data from the documented types and `values` (pogo: commitment, verdict,
      mode, beacon, beaconSource; poq: pair, score as a JSON number, evaluator), hashes it with
      eth-account, and checks that the attestation's typedData and digest equal it, that the
      signature is low-s with v 27 or 28, and that eth-account recovers `signer` from it.
      Prints {"digest", "recovered", "ok", "problems"}; exit 0 when ok, 1 otherwise.
  eip712_reference.py sign FILE
      FILE holds a list of {"privateKey": "<hex>", "typedData": {...}}; print the list of
      {"address", "digest", "signature"} as eth-account signs each (deterministic: RFC 6979).
"""
import json
import sys
from fractions import Fraction

from Crypto.Hash import keccak
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import to_checksum_address

N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141  # SEC 2 v2, 2.4.1

DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
TYPES = {
    "pogo": ("PoGOVerdict", [
        {"name": "commitment", "type": "bytes32"},
        {"name": "verdict", "type": "string"},
        {"name": "mode", "type": "string"},
        {"name": "beacon", "type": "bytes32"},
        {"name": "beaconSource", "type": "string"},
    ]),
    "poq": ("PoQScore", [
        {"name": "pair", "type": "bytes32"},
        {"name": "score", "type": "uint256"},
        {"name": "evaluator", "type": "string"},
    ]),
}


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def eip712_digest(typed_data: dict) -> bytes:
    signable = encode_typed_data(full_message=typed_data)
    # EIP-191: 0x19 || version (0x01) || domain separator || hashStruct(message).
    return keccak256(b"\x19" + signable.version + signable.header + signable.body)


def expected_typed_data(kind: str, values: dict, domain: dict) -> dict:
    name, members = TYPES[kind]
    message = dict(values)
    if kind == "poq":
        message["score"] = round(Fraction(values["score"]) * 10**18)  # ties to even, exact
    for member in members:
        if member["type"] == "bytes32" and not str(message[member["name"]]).startswith("0x"):
            message[member["name"]] = "0x" + message[member["name"]]
    return {
        "types": {"EIP712Domain": DOMAIN_TYPE, name: members},
        "primaryType": name,
        "domain": {"name": "PoGO Verifier", "version": "1", "chainId": domain["chainId"],
                   "verifyingContract": to_checksum_address(domain["verifyingContract"])},
        "message": message,
    }


def check(request: dict) -> dict:
    attestation = request["attestation"]
    problems = []
    ours = expected_typed_data(request["kind"], request["values"], request["domain"])
    digest = eip712_digest(ours)
    theirs_digest = eip712_digest(attestation["typedData"])
    if theirs_digest != digest:
        problems.append("the service's typedData hashes to %s, the documented one to %s" % (theirs_digest.hex(), digest.hex()))
    if attestation["digest"] != "0x" + digest.hex():
        problems.append("digest %s, want 0x%s" % (attestation["digest"], digest.hex()))
    signature = bytes.fromhex(attestation["signature"][2:])
    if len(signature) != 65:
        problems.append("signature has %d bytes" % len(signature))
    else:
        s, v = int.from_bytes(signature[32:64], "big"), signature[64]
        if not 1 <= s <= N // 2:
            problems.append("s is not low: %x" % s)
        if v not in (27, 28):
            problems.append("v is %d" % v)
    try:
        recovered = Account._recover_hash(digest, signature=signature)
    except Exception as error:  # eth-keys refuses r or s out of range, v not 27/28
        recovered = None
        problems.append("no signer recovered: %s" % error)
    if recovered is not None and recovered != request["signer"]:
        problems.append("recovered %s, want %s" % (recovered, request["signer"]))
    if attestation["signer"] != request["signer"]:
        problems.append("attestation names signer %s, want %s" % (attestation["signer"], request["signer"]))
    return {"digest": "0x" + digest.hex(), "recovered": recovered, "ok": not problems, "problems": problems}


def main() -> int:
    command, path = sys.argv[1], sys.argv[2]
    if command == "keccak":
        with open(path) as f:
            for line in f:
                print(keccak256(bytes.fromhex(line.strip())).hex())
        return 0
    with open(path) as f:
        request = json.load(f)
    if command == "check":
        result = check(request)
        print(json.dumps(result))
        return 0 if result["ok"] else 1
    if command == "sign":
        results = []
        for item in request:
            account = Account.from_key(bytes.fromhex(item["privateKey"]))
            signed = account.sign_message(encode_typed_data(full_message=item["typedData"]))
            results.append({"address": account.address, "digest": "0x" + eip712_digest(item["typedData"]).hex(),
                            "signature": "0x" + bytes(signed.signature).hex()})
        print(json.dumps(results))
        return 0
    print("unknown command %s" % command, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
