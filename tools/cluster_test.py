#!/usr/bin/env python3
"""Cluster test: three `verifier serve` replicas on loopback behind HAProxy (Deploy/haproxy.cfg),
one shared job store, one signing key; many concurrent clients; one replica SIGKILLed mid-run.

  cluster_test.py --verifier .build/release/verifier [--database-url postgres://...]
                  [--clients 8] [--runs 24] [--forged-runs 12] [--variants 4] [--duplicates 60]

Without --database-url the replicas share one SQLite file (one host only); scripts/test.d/
70-cluster.sh passes a throwaway PostgreSQL cluster's URL, the deployment's configuration.

What it does, in order:
1. Mines small MLP training runs with `verifier mine` (file artifacts in a temp folder): honest
   ones, and forged ones, each from a run of its own (a run has one commitment): a halved
   final-loss claim (progress lie), a doubled initial-loss claim, or two gradient artifacts
   swapped (the committed gradient roots no longer match). Each commitment is submitted in
   several encodings (leading/trailing JSON whitespace: other bytes, one commitment, one job).
2. Starts the replicas (workers hold each claimed job ~250 ms, a test knob, so jobs are in
   flight when the kill comes; 2 s leases so a dead replica's jobs return quickly) and HAProxy.
3. Client threads submit every bundle plus exact duplicates through the balancer, then poll
   until each job is final. When 40% of submissions are done, replica 2 is SIGKILLed; it is
   restarted 3 s later on the same port (the balancer's health check takes it back).
4. Passes when: every honest commitment is `verified` and every forged one `rejected`; every
   encoding of a commitment got the same job, named by the commitment digest
   (tools/commitment_reference.py), with at most one 202; every request got an answer (no 5xx
   and no transport error reaches a client: HAProxy retries them on another replica); every
   attestation verifies with Python `cryptography` and an own DSSE PAE against the key
   /v1/keys publishes (the same on every replica, the EIP-712 key too), names the commitment digest and carries the
   verdict matching the status; a job the killed replica held was re-claimed; and afterwards a
   second commitment for an honest run, sent through the balancer, is refused with 409 naming
   the run's job, which then shows it as equivocation evidence.
Prints the figures and exits 0 on pass, 1 on failure. Everything it starts is stopped on exit.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import commitment_reference  # noqa: E402
from local_cluster import ROOT, Client, Cluster  # noqa: E402

PAYLOAD_TYPE = "application/vnd.in-toto+json"
FINAL = {"verified", "rejected", "failed"}


def pae(payload_type, body):
    """DSSE v1 pre-authentication encoding, from the DSSE protocol text."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def b64decode(text):
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def mine_run(args, work, seed):
    """The bundle bytes of one small MLP run mined with `verifier mine`."""
    out = os.path.join(work, f"run-{seed}")
    block_seed = hashlib.sha256(b"cluster-test block %d" % seed).hexdigest()
    subprocess.run([args.verifier, "mine", "--arch", "mlp", "--hidden", "16", "--steps", "6", "--lr", "0.5",
                    "--batch", "32", "--eval-batch", "128", "--seed", str(seed), "--block-seed", block_seed,
                    "--out", out], check=True, capture_output=True, cwd=ROOT)
    with open(os.path.join(out, "bundle.json"), "rb") as f:
        return f.read()


def forge(data, kind):
    """A forged commitment of the run `data` belongs to (kinds 0, 1) or a forged encoding of its
    commitment (kind 2: the artifacts are not committed, their roots are)."""
    bundle = json.loads(data)
    if kind == 0:
        bundle["evaluation"]["finalLoss"] = bundle["evaluation"]["finalLoss"] * 0.5
    elif kind == 1:
        bundle["evaluation"]["initialLoss"] = bundle["evaluation"]["initialLoss"] * 2.0
    else:
        gradients = bundle["artifacts"]["gradients"]
        gradients[0], gradients[1] = gradients[1], gradients[0]
    return json.dumps(bundle, separators=(",", ":")).encode()


def commitment_of(data):
    return commitment_reference.commitment(json.loads(data)).hex()


def variant(data, n):
    # Leading and trailing JSON whitespace: other bytes, the same commitment.
    return b" " * (n % 7) + b"\n" * (n // 7) + data + b"\n"


def mine_bundles(args, work):
    """Returns [(bytes, expected_status, commitment)]: `args.variants` encodings of each of
    `args.runs` honest and `args.forged_runs` forged commitments, each from a run of its own."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        runs = list(pool.map(lambda seed: mine_run(args, work, seed), range(args.runs + args.forged_runs)))
    distinct = [(data, "verified") for data in runs[:args.runs]]
    distinct += [(forge(data, i % 3), "rejected") for i, data in enumerate(runs[args.runs:])]
    bundles = [(variant(data, n), want, commitment_of(data)) for data, want in distinct for n in range(args.variants)]
    assert len({c for _, _, c in bundles}) == len(distinct), "two runs share a commitment"
    assert len({hashlib.sha256(b).digest() for b, _, _ in bundles}) == len(bundles), "encodings collide"
    return bundles


class Run:
    """Shared results of the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.submissions = []          # (commitment, bytes digest, status code, job id)
        self.poll_answers = 0
        self.poll_requests = 0
        self.unavailable = 0           # 503 that reached a client (documented; retried by it)
        self.errors = []               # anything else unexpected
        self.finished = {}             # job id -> final document
        self.submitted = 0
        self.reconnects = 0


def client_thread(port, work_items, run, deadline):
    client = Client(port)
    mine = {}
    for body, commitment in work_items:
        digest = hashlib.sha256(body).hexdigest()
        while True:
            try:
                status, location, data = client.request("POST", "/v1/pogo/bundles", body)
            except OSError as error:
                with run.lock:
                    run.errors.append(f"POST transport error: {error!r}")
                break
            if status == 503:
                with run.lock:
                    run.unavailable += 1
                time.sleep(0.2)
                continue
            if status not in (200, 202):
                with run.lock:
                    run.errors.append(f"POST {digest[:12]}: HTTP {status} {data[:200]!r}")
                break
            document = json.loads(data)
            with run.lock:
                run.submissions.append((commitment, document["digest"], status, document["id"]))
                run.submitted += 1
                if location != "/v1/pogo/bundles/" + document["id"] or document.get("commitment") != commitment:
                    run.errors.append(f"POST {digest[:12]}: Location {location} / commitment {document.get('commitment')}")
            mine[document["id"]] = True
            break
    pending = list(mine)
    while pending and time.monotonic() < deadline:
        still = []
        for job in pending:
            try:
                status, _, data = client.request("GET", "/v1/pogo/bundles/" + job)
            except OSError as error:
                with run.lock:
                    run.poll_requests += 1
                    run.errors.append(f"GET transport error: {error!r}")
                still.append(job)
                continue
            with run.lock:
                run.poll_requests += 1
                if status == 200:
                    run.poll_answers += 1
                elif status == 503:
                    run.unavailable += 1
                else:
                    run.errors.append(f"GET {job[:12]}: HTTP {status} {data[:200]!r}")
            if status != 200:
                still.append(job)
                continue
            document = json.loads(data)
            if document["status"] in FINAL:
                with run.lock:
                    run.finished[job] = document
            else:
                still.append(job)
        pending = still
        if pending:
            time.sleep(0.1)
    with run.lock:
        run.reconnects += client.reconnects
        if pending:
            run.errors.append(f"{len(pending)} jobs not final by the deadline")
    client.close()


def fetch_json(port, path):
    client = Client(port)
    try:
        status, _, data = client.request("GET", path)
        assert status == 200, f"GET {path} on {port}: HTTP {status}"
        return json.loads(data)
    finally:
        client.close()


def check_attestation(document, public_keys, expected_verdict, commitment):
    envelope = document.get("attestation")
    if not envelope:
        return "no attestation"
    if envelope.get("payloadType") != PAYLOAD_TYPE:
        return f"payloadType {envelope.get('payloadType')}"
    payload = b64decode(envelope["payload"])
    message = pae(envelope["payloadType"], payload)
    signed = False
    for signature in envelope["signatures"]:
        key = public_keys.get(signature.get("keyid"))
        if key is None:
            continue
        try:
            key.verify(b64decode(signature["sig"]), message)
            signed = True
        except InvalidSignature:
            return "bad signature"
    if not signed:
        return "no signature by a published key"
    statement = json.loads(payload)
    subjects = [s["digest"].get("sha256") for s in statement["subject"]]
    if subjects != [commitment]:
        return f"subject {subjects} is not the commitment digest {commitment}"
    if statement["predicate"].get("verdict") != expected_verdict:
        return f"verdict {statement['predicate'].get('verdict')}, want {expected_verdict}"
    return None


def cross_checks(cluster, run, ids_by_commitment, expected, public_keys):
    """A tampered signature must fail the Python check (so it is not vacuous), and every
    replica's POST /v1/attestations/verify must accept an attestation whichever replica
    signed it."""
    problems = []
    samples = [(c, run.finished[next(iter(ids))]) for c, ids in sorted(ids_by_commitment.items())
               if next(iter(ids)) in run.finished][:6]
    if not samples:
        return ["no finished job to cross-check"]
    digest, document = samples[0]
    tampered = json.loads(json.dumps(document))
    signature = bytearray(b64decode(tampered["attestation"]["signatures"][0]["sig"]))
    signature[0] ^= 1
    tampered["attestation"]["signatures"][0]["sig"] = base64.b64encode(bytes(signature)).decode()
    want = "positive" if expected[digest] == "verified" else "negative"
    if check_attestation(tampered, public_keys, want, digest) is None:
        problems.append("a tampered signature passed the Python check")
    for port in cluster.ports:
        client = Client(port)
        try:
            for digest, document in samples:
                body = json.dumps({"envelope": document["attestation"]}).encode()
                status, _, data = client.request("POST", "/v1/attestations/verify", body)
                if status != 200 or json.loads(data).get("valid") is not True:
                    problems.append(f"replica on {port} does not accept the attestation of {digest[:12]}: "
                                    f"HTTP {status} {data[:200]!r}")
        finally:
            client.close()
    return problems


def check_equivocation(port, honest_bytes, job):
    """A second commitment for an honest run through the balancer: 409 naming the run's job,
    which then shows it as evidence. Returns problems."""
    client = Client(port)
    try:
        second = forge(honest_bytes, 0)
        status, _, data = client.request("POST", "/v1/pogo/bundles", second)
        problem = json.loads(data) if data else {}
        if status != 409 or problem.get("job") != job:
            return [f"second commitment for a run: HTTP {status} {data[:200]!r}, want 409 naming {job[:12]}"]
        status, _, data = client.request("GET", "/v1/pogo/bundles/" + job)
        document = json.loads(data)
        evidence = document.get("equivocations") or [{}]
        if document.get("equivocationCount") != 1 or evidence[0].get("commitment") != commitment_of(second):
            return [f"job {job[:12]} does not show the equivocation: {document.get('equivocations')}"]
        return []
    finally:
        client.close()


def balancer_retries(path):
    """Requests HAProxy's log shows as retried (the retries field of its httplog format)."""
    pattern = re.compile(rb' \d+/\d+/\d+/\d+/\+?(\d+) \d+/\d+ "')
    with open(path, "rb") as f:
        return sum(1 for line in f if (m := pattern.search(line)) and int(m.group(1)) > 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verifier", required=True)
    parser.add_argument("--haproxy", default=shutil.which("haproxy") or "/usr/sbin/haproxy")
    parser.add_argument("--database-url")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=24, help="honest training runs mined")
    parser.add_argument("--forged-runs", type=int, default=12, help="runs mined and then forged")
    parser.add_argument("--variants", type=int, default=4, help="encodings submitted of each commitment")
    parser.add_argument("--duplicates", type=int, default=60, help="byte-identical resubmissions")
    parser.add_argument("--no-kill", action="store_true", help="leave every replica running")
    parser.add_argument("--timeout", type=float, default=150)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs)")
    args = parser.parse_args()
    args.verifier = os.path.abspath(args.verifier)

    work = tempfile.mkdtemp(prefix="verifier-cluster-")
    cluster = Cluster(args, work)
    failures = []
    try:
        bundles = mine_bundles(args, work)
        expected = {c: want for _, want, c in bundles}
        rng = random.Random(7)
        submissions = [(b, c) for b, _, c in bundles] + [(b, c) for b, _, c in (rng.choice(bundles) for _ in range(args.duplicates))]
        rng.shuffle(submissions)
        cluster.start()
        print(f"cluster: 3 replicas on ports {cluster.ports}, HAProxy on {cluster.balancer_port}, "
              f"store {'PostgreSQL' if args.database_url else 'shared SQLite'}", flush=True)

        run = Run()
        started = time.monotonic()
        deadline = started + args.timeout
        shares = [submissions[i::args.clients] for i in range(args.clients)]
        threads = [threading.Thread(target=client_thread, args=(cluster.balancer_port, share, run, deadline))
                   for share in shares]
        for thread in threads:
            thread.start()

        killed_at = None
        in_flight_at_kill = 0
        if not args.no_kill:
            while time.monotonic() < deadline:
                with run.lock:
                    submitted = run.submitted
                if submitted >= 0.4 * len(submissions):
                    break
                time.sleep(0.02)
            cluster.kill(1)
            killed_at = time.monotonic() - started
            with run.lock:
                in_flight_at_kill = len({j for _, _, _, j in run.submissions}) - len(run.finished)
            print(f"cluster: SIGKILL replica 2 at {killed_at:.1f} s ({submitted} submitted, "
                  f"{in_flight_at_kill} jobs not final)", flush=True)
            time.sleep(3)
            cluster.start_replica(1)
            cluster.wait_ready(cluster.ports[1], "restarted replica 2")
            print(f"cluster: replica 2 restarted and ready at {time.monotonic() - started:.1f} s", flush=True)
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started

        # Keys: one key of each kind, published identically by every replica and through the balancer.
        listed = [fetch_json(port, "/v1/keys") for port in cluster.ports + [cluster.balancer_port]]
        published = [answer["keys"] for answer in listed]
        if any(keys != published[0] for keys in published):
            failures.append(f"replicas publish different keys: {published}")
        if any(answer.get("eip712") != listed[0].get("eip712") for answer in listed):
            failures.append(f"replicas publish different EIP-712 keys: {[answer.get('eip712') for answer in listed]}")
        public_keys = {k["keyId"]: Ed25519PublicKey.from_public_bytes(b64decode(k["publicKey"])) for k in published[0]}

        ids_by_commitment, created_by_commitment, digests_by_commitment = {}, {}, {}
        for commitment, stored_digest, status, job in run.submissions:
            ids_by_commitment.setdefault(commitment, set()).add(job)
            created_by_commitment[commitment] = created_by_commitment.get(commitment, 0) + (status == 202)
            digests_by_commitment.setdefault(commitment, set()).add(stored_digest)
        encodings = {}
        for body, _, commitment in bundles:
            encodings.setdefault(commitment, set()).add(hashlib.sha256(body).hexdigest())
        split = [c for c, ids in ids_by_commitment.items() if ids != {c}]
        if split:
            failures.append(f"{len(split)} commitments are not exactly one job named by the commitment digest")
        if any(n > 1 for n in created_by_commitment.values()):
            failures.append("a commitment was created (202) more than once")
        if any(len(d) != 1 or not d <= encodings[c] for c, d in digests_by_commitment.items()):
            failures.append("a job's stored digest changed, or is not of an encoding submitted")
        if len(ids_by_commitment) != len(expected):
            failures.append(f"{len(ids_by_commitment)} distinct commitments submitted, want {len(expected)}")

        wrong, bad_attestations, reclaimed = [], [], 0
        for commitment, ids in ids_by_commitment.items():
            document = run.finished.get(next(iter(ids)))
            if document is None:
                wrong.append(f"{commitment[:12]}: never final")
                continue
            reclaimed += document.get("attempts", 1) > 1
            if document["status"] != expected[commitment]:
                wrong.append(f"{commitment[:12]}: {document['status']}, want {expected[commitment]} "
                             f"({document.get('error') or (document.get('report') or {}).get('failedChecks')})")
                continue
            problem = check_attestation(document, public_keys,
                                        "positive" if expected[commitment] == "verified" else "negative", commitment)
            if problem:
                bad_attestations.append(f"{commitment[:12]}: {problem}")
        failures += cross_checks(cluster, run, ids_by_commitment, expected, public_keys)
        honest_run = next(b for b, want, _ in bundles if want == "verified")
        failures += check_equivocation(cluster.balancer_port, honest_run.strip(), commitment_of(honest_run))
        if wrong:
            failures.append(f"{len(wrong)} jobs in the wrong final state: {wrong[:5]}")
        if bad_attestations:
            failures.append(f"{len(bad_attestations)} attestations do not verify: {bad_attestations[:5]}")
        if run.errors:
            failures.append(f"{len(run.errors)} requests without a proper answer: {run.errors[:5]}")
        if killed_at is not None and in_flight_at_kill > 6 and reclaimed == 0:
            failures.append("no job was re-claimed after the kill, though jobs were in flight")

        honest = sum(1 for v in expected.values() if v == "verified")
        print(f"cluster: {len(submissions)} submissions of {len(expected)} commitments ({honest} honest, "
              f"{len(expected) - honest} forged; {args.variants} encodings each, {args.duplicates} byte-identical "
              f"resubmissions) from {args.clients} clients; a second commitment for a run refused with 409")
        print(f"cluster: wall {wall:.1f} s, {len(run.finished) / wall:.1f} jobs/s, "
              f"{(len(submissions) + run.poll_requests) / wall:.0f} requests/s")
        print(f"cluster: polls {run.poll_answers}/{run.poll_requests} answered 200; 503 seen by clients "
              f"{run.unavailable}; errors {len(run.errors)}; keep-alive reconnects {run.reconnects}")
        retried = balancer_retries(os.path.join(work, "haproxy.log"))
        print(f"cluster: requests the balancer retried on another replica {retried}")
        print(f"cluster: jobs re-claimed after a lost lease {reclaimed}; attestations checked "
              f"{len(ids_by_commitment) - len(wrong)} (bad {len(bad_attestations)})")
    except Exception as error:  # noqa: BLE001 - report any failure with the logs' location
        failures.append(f"{type(error).__name__}: {error}")
    finally:
        cluster.stop()
        if failures or args.keep:
            print(f"cluster: logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print(f"cluster: FAIL {failure}")
    print(f"cluster: {0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
