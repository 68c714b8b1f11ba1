#!/usr/bin/env python3
"""Writes Tests/Fixtures/finalization/{pogo,poq}-request.json and the results
tools/finalize_reference.py computes for them ({pogo,poq}-expected.json).

Keys are Ed25519 seeds SHA-256("finalization-fixture-key-<i>"); Ed25519 is deterministic,
so running this again rewrites identical files. The requests hold valid votes, a duplicate,
an equivocation, a co-signed envelope and one attestation per rejection reason (but the
search budget's, which needs thousands of signatures). Keys 1, 2 and 3 sign with
securesystemslib's key id, with none and with a foreign one: finalization finds them all.
"""
import base64
import hashlib
import json
import os
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

sys.path.insert(0, os.path.dirname(__file__))
import finalize_reference  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "finalization")
SUBJECT = hashlib.sha256(b"finalization fixture subject").hexdigest()
OTHER = hashlib.sha256(b"another subject").hexdigest()


def key(i):
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"finalization-fixture-key-%d" % i).digest())


def raw_public(k):
    return k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(k):
    return hashlib.sha256(raw_public(k)).hexdigest()


def statement(predicate_type, predicate, subject=SUBJECT, name="subject"):
    return json.dumps({"_type": "https://in-toto.io/Statement/v1", "predicate": predicate, "predicateType": predicate_type,
                       "subject": [{"digest": {"sha256": subject}, "name": name}]},
                      sort_keys=True, separators=(",", ":")).encode()


def sslib_key_id(k):
    return finalize_reference.sslib_key_id(raw_public(k))


# How each key's own votes name it: ours (default), securesystemslib's key id, none, a foreign one.
HINTS = {1: sslib_key_id, 2: lambda k: None, 3: lambda k: "not-a-verifier-key-id"}


def envelope(payload, keys, payload_type="application/vnd.in-toto+json", keyids=None, corrupt=False):
    t = payload_type.encode()
    message = b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)
    sigs = []
    for n, k in enumerate(keys):
        sig = bytearray(k.sign(message))
        if corrupt:
            sig[7] ^= 0x10
        keyid = keyids[n] if keyids else key_id(k)
        sigs.append({"sig": base64.b64encode(bytes(sig)).decode()} | ({"keyid": keyid} if keyid is not None else {}))
    return {"payload": base64.b64encode(payload).decode(), "payloadType": payload_type, "signatures": sigs}


DRAWN = hashlib.sha256(b"drawn beacon").hexdigest()
CHOSEN = hashlib.sha256(b"chosen beacon").hexdigest()


# The bundled evaluator's identity (docs/protocol-parts/poq.md) and another one.
EVALUATOR = "poq/1 similarity sha256:e8b14687d0842b6b065769ec205b1c9f95f9fda7b87636e875c676949e19c52d"
OTHER_EVALUATOR = "poq/1 similarity sha256:" + hashlib.sha256(b"another evaluator").hexdigest()


def predicate(kind, value, mode="full", source="verifier", beacon=DRAWN):
    if kind == "poq":
        return {"score": value, "evaluator": {"identity": EVALUATOR}}
    return {"verdict": value, "mode": mode, "beaconSource": source, "beacon": beacon}


def request(kind, ballots, extra_keys_stakes, thresholds):
    ptype = finalize_reference.PREDICATE_TYPES[kind]
    keys = [key(i) for i in range(len(extra_keys_stakes))]
    atts = []
    for i, value, *how in ballots:
        atts.append(envelope(statement(ptype, predicate(kind, value, *how)), [keys[i]], keyids=[HINTS.get(i, key_id)(keys[i])]))
    first, second = predicate(kind, ballots[0][1]), predicate(kind, ballots[1][1])
    atts.append(atts[0])                                                       # duplicate of a vote
    atts.append(envelope(statement(ptype, second), [keys[5], keys[6]]))        # co-signed
    atts.append(envelope(statement(ptype, first), [key(99)]))                  # unknown signer
    atts.append(envelope(statement(ptype, first), [keys[7]], corrupt=True))    # bad signature
    atts.append(envelope(statement(ptype, first, subject=OTHER), [keys[7]]))   # wrong subject
    other_type = finalize_reference.PREDICATE_TYPES["poq" if kind == "pogo" else "pogo"]
    atts.append(envelope(statement(other_type, first), [keys[7]]))             # wrong predicate type
    atts.append(envelope(statement(ptype, first), [keys[7]], payload_type="application/json"))
    atts.append(envelope(statement(ptype, dict(first, **{"verdict" if kind == "pogo" else "score": "junk"})), [keys[7]]))
    if kind == "pogo":
        # A beacon the caller chose, which the request does not name.
        atts.append(envelope(statement(ptype, predicate(kind, "positive", "full", "caller", CHOSEN)), [keys[7]]))
    else:
        # A score by another evaluator than the request names.
        atts.append(envelope(statement(ptype, {"score": 0.9, "evaluator": {"identity": OTHER_EVALUATOR}}), [keys[7]]))
    atts.append({"payload": "!!", "payloadType": "x", "signatures": []})         # malformed envelope
    atts.append("not an envelope")
    verifiers = [{"publicKey": base64.urlsafe_b64encode(raw_public(k)).decode().rstrip("="), "stake": s}
                 for k, s in zip(keys, extra_keys_stakes)]
    req = {"kind": kind, "subject": SUBJECT, "verifiers": verifiers, "attestations": atts}
    if thresholds:
        req["thresholds"] = thresholds
    return req


def main():
    os.makedirs(OUT, exist_ok=True)
    stakes = [40, 25, 10, 7, 6, 5, 4, 3]
    # Key 4 equivocates (positive then negative); keys 5 and 6 co-sign; key 7 only sends rejected
    # attestations. Key 3's positive is leaf-only (counts toward neither side); key 1's used a
    # caller beacon the request names.
    pogo = request("pogo", [(0, "positive"), (1, "positive", "full", "caller", hashlib.sha256(b"named beacon").hexdigest()),
                            (2, "negative"), (3, "positive", "leafOnly"), (4, "positive"), (4, "negative")],
                   stakes, None)
    pogo["beacon"] = hashlib.sha256(b"named beacon").hexdigest()
    poq = request("poq", [(0, 0.8125), (1, 0.79), (2, 0.3), (3, 0.95), (4, 0.5), (4, 0.55)], stakes, {"outlierDistance": 0.1})
    poq["evaluator"] = EVALUATOR
    for name, req in (("pogo", pogo), ("poq", poq)):
        with open(os.path.join(OUT, f"{name}-request.json"), "w") as f:
            json.dump(req, f, indent=1, sort_keys=True)
            f.write("\n")
        with open(os.path.join(OUT, f"{name}-expected.json"), "w") as f:
            json.dump(finalize_reference.finalize(req), f, indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
