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
  eip712_reference.py example FILE
      FILE is docs/protocol-parts/attestations.md. Checks its "EIP-712 worked example" with
      eth-account: the key's address, the type hashes, the domain separator, each struct hash
      and digest, each signature byte for byte (RFC 6979), low s, and the recovered signer.
      Prints what it checked; exit 0 when all hold, 1 otherwise.
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


def type_string(name: str, members: list) -> bytes:
    return ("%s(%s)" % (name, ",".join("%s %s" % (m["type"], m["name"]) for m in members))).encode()


def example(path: str) -> list:
    """The problems of the documented worked example (empty when it holds)."""
    with open(path, encoding="utf-8") as f:
        section = f.read().split("### EIP-712 worked example", 1)[1].split("\n### ", 1)[0]
    values = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 2 and cells[1].startswith("`"):
            values[cells[0]] = cells[1].strip("`")
    lines = [json.loads(line) for line in section.splitlines() if line.startswith('    {"digest":')]
    problems = []

    def want(label, got):
        if values.get(label) != got:
            problems.append("%s: documented %s, eth-account/pycryptodome give %s" % (label, values.get(label), got))

    if len(values) != 10 or len(lines) != 2:
        return ["the example has %d table values and %d JSON lines, want 10 and 2" % (len(values), len(lines))]
    account = Account.from_key(bytes.fromhex(values["private key"]))
    want("address", account.address)
    want("typeHash(EIP712Domain)", keccak256(type_string("EIP712Domain", DOMAIN_TYPE)).hex())
    for kind in ("pogo", "poq"):
        name, members = TYPES[kind]
        want("typeHash(%s)" % name, keccak256(type_string(name, members)).hex())
    for label, kind, signed in (("verdict", "pogo", lines[0]), ("score", "poq", lines[1])):
        typed = signed["typedData"]
        if typed["primaryType"] != TYPES[kind][0] or typed["types"] != {"EIP712Domain": DOMAIN_TYPE, TYPES[kind][0]: TYPES[kind][1]}:
            problems.append("%s: the types are not the documented %s" % (label, TYPES[kind][0]))
        signable = encode_typed_data(full_message=typed)
        want("domain separator", signable.header.hex())
        want("hashStruct(%s)" % label, signable.body.hex())
        want("%s digest" % label, eip712_digest(typed).hex())
        if signed["digest"] != "0x" + eip712_digest(typed).hex():
            problems.append("%s: the JSON's digest %s is not its typedData's" % (label, signed["digest"]))
        ours = "0x" + bytes(account.sign_message(signable).signature).hex()
        if signed["signature"] != ours:
            problems.append("%s: documented signature %s, eth-account signs %s" % (label, signed["signature"], ours))
        if int(signed["signature"][66:130], 16) > N // 2:
            problems.append("%s: s is not low" % label)
        recovered = Account.recover_message(signable, signature=bytes.fromhex(signed["signature"][2:]))
        if not recovered == signed["signer"] == account.address:
            problems.append("%s: recovered %s, signer %s, key's address %s" % (label, recovered, signed["signer"], account.address))
    return problems


def main() -> int:
    command, path = sys.argv[1], sys.argv[2]
    if command == "keccak":
        with open(path) as f:
            for line in f:
                print(keccak256(bytes.fromhex(line.strip())).hex())
        return 0
    if command == "example":
        problems = example(path)
        for problem in problems:
            print("eip712 example: " + problem, file=sys.stderr)
        print("eip712 example: %s" % ("ok: address, type hashes, domain separator, struct hashes, digests, "
                                      "signatures, low s, recovered signer" if not problems else "FAILED"))
        return 0 if not problems else 1
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
