#!/usr/bin/env python3
"""Checks a running verifier's EIP-712 signatures with stock eth-account (issue 16, part 3).

Starts `verifier serve` on a free port with its own data folder and a chain id and verifying
contract set, then, with nothing but eth-account, pycryptodome, `cryptography` and hashlib:

- /v1/keys: the `eip712` entry names secp256k1, the configured domain and its separator
  (recomputed), and an address that eth-account derives from the key file the service wrote
  (PEM read by `cryptography`, mode 0600) and from the published public key;
- PoGO: an honest and a forged bundle (mined by `verifier mine`); each finished job's `eip712`
  is checked by eip712_reference.check against typed data rebuilt from the documented types
  and from values computed here (commitment digest by commitment_reference.py, verdict
  positive / negative, the beacon the submission answered with);
- PoQ: each score's `eip712` against the pair digest computed with hashlib and the score in
  fixed point;
- a tampered signature is refused (the check is not vacuous);
- every `eip712` object and the /v1/keys entry match their schemas in openapi.yaml
  (openapi-schema-validator).

    eip712_service_check.py --verifier .build/release/verifier

Prints one line per check; exit 0 when all hold, 1 otherwise.
"""
import argparse
import hashlib
import json
import os
import stat
import subprocess
import sys
import tempfile
import time

import yaml
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from openapi_schema_validator import OAS31Validator
from eth_account import Account
from eth_keys import keys as eth_keys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import commitment_reference  # noqa: E402
import eip712_reference  # noqa: E402
from local_cluster import ROOT, Client, free_port  # noqa: E402

CHAIN_ID = 11155111  # Sepolia
CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


class Checks:
    def __init__(self):
        self.failed = 0

    def expect(self, ok, what):
        print("eip712: %s %s" % ("ok  " if ok else "FAIL", what))
        self.failed += 0 if ok else 1


def schema_checker(checks):
    """A function checking a value against a schema of openapi.yaml's components, by name."""
    with open(os.path.join(ROOT, "openapi.yaml"), encoding="utf-8") as f:
        spec = yaml.safe_load(f)

    def conforms(value, name, what):
        errors = list(OAS31Validator(dict(spec, **{"$ref": "#/components/schemas/" + name})).iter_errors(value))
        checks.expect(not errors, "%s matches openapi.yaml's %s %s" % (what, name, "; ".join(e.message for e in errors[:3])))
    return conforms


def get_json(client, path):
    status, _, data = client.request("GET", path)
    assert status == 200, "GET %s: HTTP %d %s" % (path, status, data[:200])
    return json.loads(data)


def mine(verifier, work, seed):
    """The bundle bytes of one small run; each seed is a run of its own (a forged second
    commitment of one run would be refused as an equivocation, not verified)."""
    out = os.path.join(work, "run-%d" % seed)
    subprocess.run([verifier, "mine", "--arch", "mlp", "--hidden", "16", "--steps", "6", "--lr", "0.5", "--batch", "32",
                    "--eval-batch", "128", "--seed", str(seed), "--block-seed", "cd" * 32, "--inline", "--out", out],
                   check=True, capture_output=True, cwd=ROOT)
    with open(os.path.join(out, "bundle.json"), "rb") as f:
        return f.read()


def forge(data):
    bundle = json.loads(data)
    bundle["evaluation"]["finalLoss"] = bundle["evaluation"]["finalLoss"] * 0.5
    return json.dumps(bundle, separators=(",", ":")).encode()


def poll(client, job_id, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        document = get_json(client, "/v1/pogo/bundles/" + job_id)
        if document["status"] in ("verified", "rejected", "failed"):
            return document
        time.sleep(0.1)
    raise AssertionError("job %s not final after %d s" % (job_id, timeout))


def check_keys(checks, published, key_file):
    checks.expect(published.get("algorithm") == "secp256k1", "/v1/keys eip712 algorithm is secp256k1")
    domain = {"name": "PoGO Verifier", "version": "1", "chainId": str(CHAIN_ID), "verifyingContract": CONTRACT}
    checks.expect(published.get("domain") == domain, "/v1/keys domain is the configured one: %s" % published.get("domain"))
    k = eip712_reference.keccak256
    separator = k(k(eip712_reference.type_string("EIP712Domain", eip712_reference.DOMAIN_TYPE)) + k(b"PoGO Verifier")
                  + k(b"1") + CHAIN_ID.to_bytes(32, "big") + bytes(12) + bytes.fromhex(CONTRACT[2:]))
    checks.expect(published.get("domainSeparator") == "0x" + separator.hex(), "/v1/keys domainSeparator recomputed")
    mode = stat.S_IMODE(os.stat(key_file).st_mode)
    checks.expect(mode == 0o600, "key file %s has mode %o" % (key_file, mode))
    with open(key_file, "rb") as f:
        secret = load_pem_private_key(f.read(), password=None).private_numbers().private_value
    from_file = Account.from_key(secret.to_bytes(32, "big")).address
    from_public = eth_keys.PublicKey(bytes.fromhex(published["publicKey"][4:])).to_checksum_address()
    checks.expect(from_file == from_public == published.get("address"),
                  "address from the PEM file %s, from the public key %s, published %s"
                  % (from_file, from_public, published.get("address")))


def check_attestation(checks, signed, kind, values, signer, what):
    result = eip712_reference.check({"attestation": signed, "kind": kind, "values": values, "signer": signer,
                                     "domain": {"chainId": CHAIN_ID, "verifyingContract": CONTRACT}})
    checks.expect(result["ok"], "%s: eth-account recovers %s %s" % (what, result["recovered"], "; ".join(result["problems"])))
    return result["ok"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verifier", required=True)
    args = parser.parse_args()
    checks = Checks()
    conforms = schema_checker(checks)
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "var")
        port = free_port()
        log = open(os.path.join(work, "server.log"), "wb")
        env = dict(os.environ, VERIFIER_EIP712_CHAIN_ID=str(CHAIN_ID), VERIFIER_EIP712_VERIFYING_CONTRACT=CONTRACT,
                   VERIFIER_WORKERS="1", OPENBLAS_NUM_THREADS="1")
        server = subprocess.Popen([args.verifier, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", data],
                                  env=env, stdout=log, stderr=log, cwd=ROOT)
        client = Client(port)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.request("GET", "/readyz")[0] == 200:
                        break
                except OSError:
                    client.close()
                assert time.monotonic() < deadline and server.poll() is None, "the verifier did not become ready"
                time.sleep(0.1)
            key_list = get_json(client, "/v1/keys")
            conforms(key_list, "KeyList", "/v1/keys")
            published = key_list["eip712"]
            check_keys(checks, published, os.path.join(data, "secp256k1-signing-key.pem"))
            address = published["address"]

            bundles = ((mine(args.verifier, work, 7), "positive"), (forge(mine(args.verifier, work, 8)), "negative"))
            for body, want in bundles:
                status, _, answer = client.request("POST", "/v1/pogo/bundles", body)
                checks.expect(status == 202, "submitted a bundle that should be %s: HTTP %d" % (want, status))
                if status != 202:
                    continue
                submitted = json.loads(answer)
                commitment = commitment_reference.commitment(json.loads(body)).hex()
                job = poll(client, submitted["id"])
                checks.expect(job["status"] == ("verified" if want == "positive" else "rejected"),
                              "job %s is %s" % (job["id"][:12], job["status"]))
                values = {"commitment": commitment, "verdict": want, "mode": job["report"]["mode"],
                          "beacon": submitted["beacon"], "beaconSource": submitted["beaconSource"]}
                signed = job.get("eip712")
                checks.expect(signed is not None, "the %s job carries eip712" % want)
                if signed is None:
                    continue
                conforms(job, "Job", "the %s job" % want)
                if check_attestation(checks, signed, "pogo", values, address, "%s verdict" % want) and want == "positive":
                    tampered = dict(signed, signature=signed["signature"][:129] + ("1" if signed["signature"][129] == "0" else "0")
                                    + signed["signature"][130:])
                    result = eip712_reference.check({"attestation": tampered, "kind": "pogo", "values": values,
                                                     "signer": address,
                                                     "domain": {"chainId": CHAIN_ID, "verifyingContract": CONTRACT}})
                    checks.expect(not result["ok"], "a tampered signature is refused (%s)" % "; ".join(result["problems"]))

            prompt = "What is the capital of France?"
            outputs = ["Paris is the capital of France.", "Bananas are yellow."]
            status, _, answer = client.request("POST", "/v1/poq/scores",
                                               json.dumps({"prompt": prompt, "outputs": outputs}).encode())
            checks.expect(status == 200, "scored %d outputs: HTTP %d" % (len(outputs), status))
            scored = json.loads(answer)
            conforms(scored, "ScoreResponse", "the scores")
            for entry, output in zip(scored["scores"], outputs):
                pair = hashlib.sha256(b"poq/1/pair" + hashlib.sha256(prompt.encode()).digest()
                                      + hashlib.sha256(output.encode()).digest()).hexdigest()
                values = {"pair": pair, "score": entry["score"], "evaluator": scored["evaluator"]["identity"]}
                checks.expect("eip712" in entry, "score %d carries eip712" % entry["index"])
                if "eip712" in entry:
                    check_attestation(checks, entry["eip712"], "poq", values, address,
                                      "score %.6f of output %d" % (entry["score"], entry["index"]))
        finally:
            client.close()
            server.terminate()
            server.wait(timeout=30)
            log.close()
            if checks.failed:
                with open(os.path.join(work, "server.log"), errors="replace") as f:
                    sys.stderr.write(f.read()[-4000:])
    print("eip712: %d checks failed" % checks.failed)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
