#!/usr/bin/env python3
"""Replays the adaptive miner's attacks of issue 12 against a `verifier` binary over HTTP and
says, for each, whether the attack got what it wanted. Run by hand, e.g. against the build of
an older commit and the current one, to see which attacks a version stops:

    adaptive_attacks.py --verifier .build/release/verifier [--keep]

It starts `verifier serve` on a free port (one worker, a re-execution cap of 2,000 parameters
so that the 2,410-parameter MLP is checked leaf by leaf while the 1,210-parameter one is
re-executed), mines small MLP bundles with the binary's own `verifier mine`, and talks to the
service with http.client only. Beacons and digests are computed here with hashlib
(tools/challenge_reference.py, tools/commitment_reference.py): a chosen beacon is chosen to
miss the forged step under both challenge-seed derivations (bundle bytes, or commitment), so
the same attack runs against old and new versions. Exit status 0 when no attack succeeded.
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import challenge_reference as ch  # noqa: E402
import commitment_reference as cr  # noqa: E402
from local_cluster import ROOT, free_port  # noqa: E402

FINAL = {"verified", "rejected", "failed"}


class Service:
    def __init__(self, binary, work):
        self.binary, self.work, self.port = binary, work, free_port()
        env = dict(os.environ, VERIFIER_WORKERS="1", VERIFIER_MAX_REEXECUTED_PARAMETERS="2000")
        self.log = open(os.path.join(work, "server.log"), "wb")
        self.process = subprocess.Popen([binary, "serve", "--port", str(self.port), "--data-dir", os.path.join(work, "var")],
                                        cwd=ROOT, env=env, stderr=self.log)
        for _ in range(300):
            try:
                if self.request("GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("service not ready")

    def request(self, method, path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body is not None else {})
            response = connection.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else {}
        finally:
            connection.close()

    def submit(self, body, beacon=None):
        return self.request("POST", "/v1/pogo/bundles" + (f"?beacon={beacon}" if beacon else ""), body)

    def final(self, job):
        for _ in range(1200):
            status, document = self.request("GET", "/v1/pogo/bundles/" + job)
            if document.get("status") in FINAL:
                return document
            time.sleep(0.1)
        raise RuntimeError(f"job {job} not final")

    def finalize(self, document, beacon=None):
        key = self.request("GET", "/v1/keys")[1]["keys"][0]["publicKey"]
        statement = json.loads(base64.b64decode(document["attestation"]["payload"]))
        body = {"kind": "pogo", "subject": statement["subject"][0]["digest"]["sha256"],
                "verifiers": [{"publicKey": key, "stake": 1}], "attestations": [document["attestation"]]}
        if beacon:
            body["beacon"] = beacon
        return self.request("POST", "/v1/finalize", json.dumps(body).encode())[1]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def mine(binary, work, name, seed, hidden=16, steps=6, eval_batch=128, trees=False):
    out = os.path.join(work, name)
    subprocess.run([binary, "mine", "--arch", "mlp", "--hidden", str(hidden), "--steps", str(steps), "--lr", "0.5",
                    "--batch", "32", "--eval-batch", str(eval_batch), "--seed", str(seed),
                    "--block-seed", hashlib.sha256(b"attack %d" % seed).hexdigest(), "--out", out, "--inline"]
                   + (["--trees"] if trees else []), check=True, capture_output=True, cwd=ROOT)
    with open(os.path.join(out, "bundle.json"), "rb") as f:
        return f.read()


def lie(data, step=3, factor=0.7):
    bundle = json.loads(data)
    bundle["steps"][step - 1]["loss"] *= factor
    return json.dumps(bundle, separators=(",", ":")).encode()


def challenged(digest, beacon, steps, k=2):
    return ch.steps(ch.challenge_seed(digest, beacon), steps, k)


def chosen_beacon(service, binary, work):
    data = lie(mine(binary, work, "beacon", 1))
    by_bytes, by_commitment = hashlib.sha256(data).digest(), cr.commitment(json.loads(data))
    beacon = next(b for b in (hashlib.sha256(b"try %d" % i).digest() for i in range(10000))
                  if 3 not in challenged(by_bytes, b, 6) and 3 not in challenged(by_commitment, b, 6))
    status, submitted = service.submit(data, beacon.hex())
    document = service.final(submitted["id"])
    decision = service.finalize(document)["decision"] if document["status"] == "verified" else "none"
    return ("step 3's loss -30%, ?beacon= chosen offline to miss step 3; finalize without naming the beacon",
            f"job {document['status']}, finalization {decision}", decision == "confirm")


def reroll(service, binary, work):
    # Four of six steps lie: a random beacon misses all four with probability 1/15, so the
    # first draw is almost always caught, and an attacker re-encodes to draw again.
    data = mine(binary, work, "reroll", 2)
    for step in (2, 3, 4, 5):
        data = lie(data, step)
    jobs, outcomes = set(), []
    for n in range(30):
        status, submitted = service.submit(data + b" " * n)
        jobs.add(submitted["id"])
        outcomes.append(service.final(submitted["id"])["status"])
        if outcomes[-1] == "verified":
            break
    return ("a bundle lying at 4 of 6 steps, resubmitted with 0, 1, 2, ... trailing spaces until one verifies (at most 30)",
            f"{len(outcomes)} submissions, {len(jobs)} distinct jobs, last verdict {outcomes[-1]}",
            len(jobs) > 1 and outcomes[-1] == "verified")


def second_commitment(service, binary, work):
    honest = mine(binary, work, "second", 3)
    first_status, first = service.submit(honest)
    status, answer = service.submit(lie(honest))
    return ("a second, different commitment for a run already submitted", f"HTTP {first_status} then {status}",
            status in (200, 202))


def huge_scale(service, binary, work):
    bundle = json.loads(mine(binary, work, "huge", 4))
    raw = bytearray(base64.b64decode(bundle["artifacts"]["gradients"][2]["inline"]))
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    scales, codes = header["scales"]["data_offsets"], header["codes"]["data_offsets"]
    raw[base + scales[0]:base + scales[0] + 4] = struct.pack("<f", 3e38)
    raw[base + codes[0]:base + codes[0] + 32] = b"\x77" * 32
    bundle["artifacts"]["gradients"][2]["inline"] = base64.b64encode(bytes(raw)).decode()
    status, submitted = service.submit(json.dumps(bundle).encode())
    document = service.final(submitted["id"])
    return ("step 3's gradient block 0: scale 3e38, codes 7 (the update overflows; losses NaN)",
            f"job {document['status']}" + (f" ({document.get('error', '')[:80]})" if document["status"] == "failed" else ""),
            document["status"] != "rejected")


def leaf_only(service, binary, work):
    data = mine(binary, work, "leafonly", 5, hidden=32, trees=True)
    bundle = json.loads(data)
    bundle["evaluation"]["finalLoss"] *= 0.1
    status, submitted = service.submit(json.dumps(bundle).encode())
    document = service.final(submitted["id"])
    decision = service.finalize(document)["decision"] if document["status"] == "verified" else "none"
    return ("above the re-execution cap (leaf-only), a made-up final loss (x 0.1)",
            f"job {document['status']}, finalization {decision}", decision == "confirm")


def tiny_evaluation(service, binary, work):
    data = mine(binary, work, "tiny", 6, eval_batch=1)
    status, submitted = service.submit(data)
    outcome = f"HTTP {status}"
    if status in (200, 202):
        outcome += ", job " + service.final(submitted["id"])["status"]
    return ("evaluation.batchSize 1 (the secret progress check on one example)", outcome, status in (200, 202))


def identity_key(service, binary, work):
    identity = bytes([1]) + bytes(31)
    statement = {"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://pogo-verifier.dev/pogo/attestation/v2",
                 "subject": [{"digest": {"sha256": "00" * 32}}], "predicate": {"verdict": "positive"}}
    envelope = {"payload": base64.b64encode(json.dumps(statement).encode()).decode(), "payloadType": "application/vnd.in-toto+json",
                "signatures": [{"sig": base64.b64encode(identity + bytes(32)).decode()}]}
    body = {"envelope": envelope, "publicKey": base64.urlsafe_b64encode(identity).decode().rstrip("=")}
    status, answer = service.request("POST", "/v1/attestations/verify", json.dumps(body).encode())
    return ("the identity point as the key, R = identity, S = 0, over a statement nobody signed",
            f"HTTP {status}, valid {answer.get('valid')}" + (f" ({answer.get('reason')})" if answer.get("reason") else ""),
            answer.get("valid") is True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verifier", required=True)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.verifier)
    work = tempfile.mkdtemp(prefix="adaptive-attacks-")
    service = Service(binary, work)
    succeeded = 0
    try:
        print("| attack | outcome | attack succeeded |\n|---|---|---|")
        for attack in (chosen_beacon, reroll, second_commitment, huge_scale, leaf_only, tiny_evaluation, identity_key):
            name, outcome, success = attack(service, binary, work)
            succeeded += success
            print(f"| {name} | {outcome} | {'YES' if success else 'no'} |", flush=True)
    finally:
        service.stop()
        if args.keep:
            print(f"work folder: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if succeeded else 0


if __name__ == "__main__":
    sys.exit(main())
