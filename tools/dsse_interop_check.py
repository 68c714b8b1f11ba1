#!/usr/bin/env python3
"""DSSE and in-toto interoperability, both ways, with stock libraries against a live
`verifier serve` (tools/live_verifier.py):

  dsse_interop_check.py [--verifier BIN]

Theirs here: two securesystemslib signers (`CryptoSigner.generate_ed25519`) sign in-toto
statements built with `in-toto-attestation` (a PoQ score of a pair the service scored) and
re-sign the service's own PoGO statement, one with securesystemslib's default key id and one
with no key id. Each envelope verifies at /v1/attestations/verify under the signer's key, and
counts at /v1/finalize (PoQ: every signer votes, none rejected; PoGO: confirm with the service's
own vote). An envelope whose payload was changed after signing is rejected (a control).

Ours there: the key is loaded from `GET /v1/keys` as published, in each form: securesystemslib's
key dictionary (`SSlibKey.from_dict`) and the PEM (`SSlibKey.from_crypto`, under the published
key id) verify the service's PoGO and PoQ envelopes with `securesystemslib.dsse.Envelope.verify`;
their payloads parse and validate as in-toto Statements v1 with `in-toto-attestation`; the
JWK loads with PyJWT, the raw key with PyNaCl, and both check the same signatures.
Exits 0 when every check passes, 1 otherwise.
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import time

import jwt
import nacl.signing
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from google.protobuf import json_format
from in_toto_attestation.v1 import statement_pb2
from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
from in_toto_attestation.v1.statement import Statement
from securesystemslib.dsse import Envelope
from securesystemslib.signer import CryptoSigner, SSlibKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from live_verifier import Checks, LiveVerifier, request  # noqa: E402

PAYLOAD_TYPE = "application/vnd.in-toto+json"
POQ_PREDICATE = "https://pogo-verifier.dev/poq/score/v1"


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def raw_key(signer):
    """The 32 raw public-key bytes of a securesystemslib Ed25519 signer."""
    return bytes.fromhex(signer.public_key.keyval["public"])


def sign(signer, payload, keyid=True):
    """A DSSE envelope of `payload` signed by `signer` with securesystemslib, as a JSON object;
    without `keyid` the signature carries none."""
    envelope = Envelope(payload=payload, payload_type=PAYLOAD_TYPE, signatures={})
    envelope.sign(signer)
    document = envelope.to_dict()
    if not keyid:
        for signature in document["signatures"]:
            del signature["keyid"]
    return document


def poq_statement(score_entry, evaluator, prompt, output, score):
    """An in-toto Statement v1 of a PoQ score, built with in-toto-attestation."""
    subject = ResourceDescriptor(name="poq-output", digest={"sha256": score_entry["outputDigest"]}).pb
    predicate = {"score": score, "evaluator": evaluator,
                 "promptSha256": hashlib.sha256(prompt.encode()).hexdigest(),
                 "outputSha256": hashlib.sha256(output.encode()).hexdigest()}
    statement = Statement([subject], POQ_PREDICATE, predicate)
    statement.validate()
    return json_format.MessageToJson(statement.pb).encode()


def finished_job(server, checks):
    """A verified PoGO job of the live server (mined, submitted, polled)."""
    status, submitted = request(server.url, "POST", "/v1/pogo/bundles", json.loads(server.mine(seed=2)))
    checks.expect(status == 202, f"bundle submitted (got {status})")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status, job = request(server.url, "GET", f"/v1/pogo/bundles/{submitted['id']}")
        if job["status"] in ("verified", "rejected", "failed"):
            checks.expect(job["status"] == "verified", f"bundle verified (got {job['status']})")
            return job
        time.sleep(0.2)
    raise SystemExit("the job did not finish")


def theirs_here(server, checks, our_key, job, scored, prompt, outputs):
    """securesystemslib / in-toto-attestation envelopes verify and count at the service."""
    default_signer = CryptoSigner.generate_ed25519()
    bare_signer = CryptoSigner.generate_ed25519()
    canonical = '{"keytype":"ed25519","keyval":{"public":"%s"},"scheme":"ed25519"}' % raw_key(default_signer).hex()
    checks.expect(default_signer.public_key.keyid == hashlib.sha256(canonical.encode()).hexdigest(),
                  "the securesystemslib signer has its default key id (docs/protocol-parts/attestations.md)")
    score_entry = scored["scores"][0]
    payload = poq_statement(score_entry, scored["evaluator"], prompt, outputs[0], 0.75)
    envelopes = [(default_signer, sign(default_signer, payload), "securesystemslib key id"),
                 (bare_signer, sign(bare_signer, payload, keyid=False), "no key id")]
    for signer, envelope, name in envelopes:
        status, result = request(server.url, "POST", "/v1/attestations/verify",
                                  {"envelope": envelope, "publicKey": b64url(raw_key(signer))})
        checks.expect(status == 200 and result["valid"]
                      and result["keyId"] == hashlib.sha256(raw_key(signer)).hexdigest()
                      and result["statement"]["predicate"]["score"] == 0.75,
                      f"/v1/attestations/verify: securesystemslib envelope ({name}) is valid")

    verifiers = [{"publicKey": b64url(raw_key(signer)), "stake": 1} for signer, _, _ in envelopes]
    verifiers.append({"publicKey": our_key["publicKey"], "stake": 1})
    tampered = json.loads(json.dumps(envelopes[0][1]))
    tampered["payload"] = base64.b64encode(payload.replace(b"0.75", b"0.25")).decode()
    attestations = [envelope for _, envelope, _ in envelopes] + [score_entry["attestation"], tampered]
    status, decision = request(server.url, "POST", "/v1/finalize", {
        "kind": "poq", "subject": score_entry["outputDigest"], "verifiers": verifiers, "attestations": attestations})
    voters = {vote["keyId"] for vote in decision.get("votes", [])}
    want = {hashlib.sha256(raw_key(signer)).hexdigest() for signer, _, _ in envelopes} | {our_key["keyId"]}
    checks.expect(status == 200 and voters == want and decision["stake"]["voted"] == 3,
                  "/v1/finalize (PoQ): both securesystemslib signers and the service vote")
    checks.expect([(r["index"], r["reason"]) for r in decision.get("rejected", [])] == [(3, "badSignature")],
                  "/v1/finalize (PoQ): the envelope changed after signing is rejected (badSignature)")

    # A second verifier attests the service's own PoGO statement with securesystemslib.
    pogo_payload = base64.b64decode(job["attestation"]["payload"])
    cosigned = [sign(default_signer, pogo_payload), sign(bare_signer, pogo_payload, keyid=False)]
    status, decision = request(server.url, "POST", "/v1/finalize", {
        "kind": "pogo", "subject": job["commitment"], "verifiers": verifiers,
        "attestations": cosigned + [job["attestation"]]})
    checks.expect(status == 200 and decision["decision"] == "confirm" and decision["stake"]["positive"] == 3
                  and decision["rejected"] == [],
                  "/v1/finalize (PoGO): securesystemslib signatures count; confirm with all three")


def ours_there(checks, our_key, job, scored):
    """The service's envelopes verify with keys loaded from /v1/keys as published."""
    from_dict = SSlibKey.from_dict(our_key["keyId"], dict(our_key["securesystemslib"]))
    from_pem = SSlibKey.from_crypto(load_pem_public_key(our_key["pem"].encode()), keyid=our_key["keyId"])
    jwk = jwt.PyJWK(our_key["jwk"])
    nacl_key = nacl.signing.VerifyKey(base64.urlsafe_b64decode(our_key["publicKey"] + "="))
    checks.expect(jwk.key_id == our_key["keyId"] and jwk.algorithm_name == "EdDSA", "PyJWT loads the JWK (kid, EdDSA)")
    envelopes = [("PoGO", job["attestation"], job["commitment"]),
                 ("PoQ", scored["scores"][0]["attestation"], scored["scores"][0]["outputDigest"])]
    for name, document, subject in envelopes:
        envelope = Envelope.from_dict(json.loads(json.dumps(document)))
        for form, key in [("securesystemslib form", from_dict), ("PEM", from_pem)]:
            try:
                ok = list(envelope.verify([key], 1)) == [our_key["keyId"]]
            except Exception:  # securesystemslib raises VerificationError
                ok = False
            checks.expect(ok, f"securesystemslib Envelope.verify: our {name} envelope, key from /v1/keys ({form})")
        pae = envelope.pae()
        signature = base64.b64decode(document["signatures"][0]["sig"])
        try:
            jwk.key.verify(signature, pae)
            nacl_key.verify(pae, signature)
            libraries = True
        except Exception:
            libraries = False
        checks.expect(libraries, f"PyJWT's JWK key and PyNaCl's raw key check our {name} signature")
        proto = json_format.Parse(envelope.payload, statement_pb2.Statement())
        statement = Statement.copy_from_pb(proto)
        try:
            statement.validate()
            valid = True
        except ValueError:
            valid = False
        checks.expect(valid and statement.pb.subject[0].digest["sha256"] == subject,
                      f"in-toto-attestation parses and validates our {name} statement (subject {subject[:12]}...)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verifier", help="the verifier binary (default: release build, else debug)")
    args = parser.parse_args()
    checks = Checks()
    with LiveVerifier(args.verifier) as server:
        status, keys = request(server.url, "GET", "/v1/keys")
        our_key = keys["keys"][0]
        job = finished_job(server, checks)
        prompt, outputs = "What is the capital of France?", ["Paris is the capital of France.", "I like bananas."]
        status, scored = request(server.url, "POST", "/v1/poq/scores", {"prompt": prompt, "outputs": outputs})
        checks.expect(status == 200, f"outputs scored (got {status})")
        theirs_here(server, checks, our_key, job, scored, prompt, outputs)
        ours_there(checks, our_key, job, scored)
    print(f"dsse-interop: {'all passed' if checks.failed == 0 else f'{checks.failed} failed'}")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
