#!/usr/bin/env python3
"""Generates a Python client from openapi.yaml with `openapi-python-client` and drives the whole
flow with it against a live `verifier serve` (tools/live_verifier.py):

  openapi_client_check.py [--verifier BIN] [--generator PATH]

1. generate the client into a temporary folder (no post hooks, so no formatter is needed) and
   import every one of its modules;
2. list the keys; submit a mined MLP bundle (202, then 200 for the same commitment); poll the
   job until it is final (verified, with a report and an attestation);
3. score two outputs of a prompt (PoQ);
4. verify the PoGO and a PoQ attestation (valid; the predicates parse as PoGOPredicate and
   PoQScorePredicate);
5. finalize both: PoGO with thresholds given and as null (confirm), PoQ with a null member
   (scored, consensus = the score);
6. read a 404 (unknown job) and a 422 (no outputs) as problems (`Problem`).
Every call goes through the generated functions and models; a step that fails prints why.
Exits 0 when all pass, 1 otherwise.
"""
import argparse
import base64
import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
import tempfile
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from live_verifier import ROOT, Checks, LiveVerifier  # noqa: E402

PACKAGE = "verifier_client"


def inline_object_schemas(node, path=""):
    """Where openapi.yaml defines an object schema (one with `properties`) other than as a
    component of its own, or a boolean `items`: generators name those Model1, Config1, Thresholds1."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict) and not re.fullmatch(r"/components/schemas/[^/]+", path):
            found.append(path)
        if isinstance(node.get("items"), bool):
            found.append(path + "/items")
        for name, child in node.items():
            if name not in ("example", "examples"):
                found += inline_object_schemas(child, f"{path}/{name}")
    elif isinstance(node, list):
        for i, child in enumerate(node):
            found += inline_object_schemas(child, f"{path}/{i}")
    return found


def generate(generator, folder):
    """Generates the client package into `folder`/verifier_client and imports all of it."""
    config = os.path.join(folder, "generator.yaml")
    with open(config, "w") as f:
        f.write(f"project_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\npost_hooks: []\n")
    result = subprocess.run([generator, "generate", "--path", os.path.join(ROOT, "openapi.yaml"), "--meta", "none",
                             "--output-path", os.path.join(folder, PACKAGE), "--config", config],
                            capture_output=True, text=True)
    output = result.stdout + result.stderr
    if result.returncode != 0 or "Warning" in output or "Error" in output:
        raise SystemExit(f"openapi-python-client failed or warned (exit {result.returncode}):\n{output}")
    sys.path.insert(0, folder)
    package = importlib.import_module(PACKAGE)
    for module in pkgutil.walk_packages(package.__path__, PACKAGE + "."):
        importlib.import_module(module.name)


def run_flow(server, checks):
    from verifier_client import Client
    from verifier_client.api.attestations import finalize, list_keys, verify_attestation
    from verifier_client.api.pogo import get_bundle_job, submit_bundle
    from verifier_client.api.poq import score_outputs
    from verifier_client.models import (
        Job, JobStatus, JobSubmission, KeyList, PoGOFinalizationRequest, PoGOPredicate, PoGOThresholds,
        PoQFinalizationRequest, PoQScorePredicate, PoQThresholds, Problem, ProofBundle, ScoreRequest, ScoreResponse,
        Verifier, VerifyRequest, VerifyResponse)

    client = Client(base_url=server.url, timeout=120)

    keys = list_keys.sync(client=client)
    checks.expect(isinstance(keys, KeyList) and len(keys.keys) == 1, "GET /v1/keys parses as KeyList")
    key = keys.keys[0]
    raw = base64.urlsafe_b64decode(key.public_key + "=" * (-len(key.public_key) % 4))
    checks.expect(key.jwk.kid == key.key_id and key.jwk.x == key.public_key
                  and key.securesystemslib.keyval.public == raw.hex(), "the key's forms are typed and agree")
    verifiers = [Verifier(public_key=key.public_key, stake=1)]

    bundle = ProofBundle.from_dict(json.loads(server.mine(seed=1)))
    submitted = submit_bundle.sync_detailed(client=client, body=bundle)
    checks.expect(submitted.status_code == 202 and isinstance(submitted.parsed, JobSubmission),
                  f"submitBundle: 202 JobSubmission (got {submitted.status_code})")
    job_id = submitted.parsed.id
    again = submit_bundle.sync_detailed(client=client, body=bundle)
    checks.expect(again.status_code == 200 and again.parsed.id == job_id, "submitBundle again: 200, the same job")

    deadline = time.monotonic() + 300
    job = None
    while time.monotonic() < deadline:
        job = get_bundle_job.sync(client=client, id=job_id)
        if not isinstance(job, Job):
            break
        if job.status in (JobStatus.VERIFIED, JobStatus.REJECTED, JobStatus.FAILED):
            break
        time.sleep(0.2)
    if not checks.expect(isinstance(job, Job) and job.status == JobStatus.VERIFIED,
                         f"getBundleJob: polled to verified (got {job.status if isinstance(job, Job) else job})"):
        return
    checks.expect(job.report.verdict.value == "positive" and job.report.policy.challenged_steps >= 1
                  and job.report.timings.total_ms >= 0, "the job's report is typed (verdict, policy, timings)")

    scored = score_outputs.sync(client=client, body=ScoreRequest(
        prompt="What is the capital of France?", outputs=["Paris is the capital of France.", "I like bananas."]))
    if not checks.expect(isinstance(scored, ScoreResponse) and len(scored.scores) == 2, "scoreOutputs: two scores"):
        return
    score = scored.scores[0]

    pogo = verify_attestation.sync(client=client, body=VerifyRequest(envelope=job.attestation))
    checks.expect(isinstance(pogo, VerifyResponse) and pogo.valid and pogo.key_id == key.key_id
                  and isinstance(pogo.statement.predicate, PoGOPredicate)
                  and pogo.statement.predicate.verdict.value == "positive",
                  "verifyAttestation (PoGO): valid, predicate parses as PoGOPredicate")
    poq = verify_attestation.sync(client=client, body=VerifyRequest(envelope=score.attestation,
                                                                   public_key=key.public_key))
    checks.expect(isinstance(poq, VerifyResponse) and poq.valid
                  and isinstance(poq.statement.predicate, PoQScorePredicate)
                  and poq.statement.predicate.score == score.score,
                  "verifyAttestation (PoQ, key supplied): valid, predicate parses as PoQScorePredicate")

    for thresholds, name in [(PoGOThresholds(confirm=0.5, slash=None), "given"), (None, "null")]:
        decision = finalize.sync(client=client, body=PoGOFinalizationRequest(
            kind="pogo", subject=job.commitment, verifiers=verifiers, attestations=[job.attestation],
            thresholds=thresholds))
        checks.expect(getattr(decision, "decision", None) is not None and decision.decision.value == "confirm"
                      and decision.stake.positive == 1, f"finalize (PoGO, thresholds {name}): confirm")
    decision = finalize.sync(client=client, body=PoQFinalizationRequest(
        kind="poq", subject=score.output_digest, verifiers=verifiers, attestations=[score.attestation],
        thresholds=PoQThresholds(quorum=None, outlier_distance=0.2)))
    checks.expect(getattr(decision, "decision", None) is not None and decision.decision.value == "scored"
                  and decision.consensus == score.score, "finalize (PoQ): scored, consensus is the score")

    missing = get_bundle_job.sync_detailed(client=client, id="0" * 64)
    checks.expect(missing.status_code == 404 and isinstance(missing.parsed, Problem) and missing.parsed.status == 404
                  and missing.headers.get("content-type") == "application/problem+json",
                  "getBundleJob (unknown id): 404 read as Problem")
    empty = score_outputs.sync_detailed(client=client, body=ScoreRequest(prompt="p", outputs=[]))
    checks.expect(empty.status_code == 422 and isinstance(empty.parsed, Problem) and empty.parsed.field == "outputs",
                  "scoreOutputs (no outputs): 422 read as Problem naming the field")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verifier", help="the verifier binary (default: release build, else debug)")
    parser.add_argument("--generator", default=os.path.join(os.path.dirname(sys.executable), "openapi-python-client"))
    args = parser.parse_args()
    checks = Checks()
    with open(os.path.join(ROOT, "openapi.yaml")) as f:
        inline = inline_object_schemas(yaml.safe_load(f))
    checks.expect(not inline, f"every object schema is a named component (inline: {inline or 'none'})")
    with tempfile.TemporaryDirectory(prefix="openapi-client-") as folder:
        generate(args.generator, folder)
        print(f"ok   openapi-python-client generated {PACKAGE} and every module imports", flush=True)
        numbered = [name for name in os.listdir(os.path.join(folder, PACKAGE, "models"))
                    if name.removesuffix(".py").rsplit("_", 1)[-1].isdigit()]
        checks.expect(not numbered, f"no generated model is numbered (got {numbered or 'none'})")
        with LiveVerifier(args.verifier) as server:
            run_flow(server, checks)
    print(f"openapi-client: {'all passed' if checks.failed == 0 else f'{checks.failed} failed'}")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
