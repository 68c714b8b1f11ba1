#!/usr/bin/env python3
"""Load through the balancer: wrk on a job poll and on PoQ scoring, for one replica directly,
one replica behind HAProxy and three replicas behind HAProxy (Deploy/haproxy.cfg), all on
this machine. Prints requests/s and latency percentiles per case.

  bench_cluster.py --verifier .build/release/verifier [--database-url URL] [--duration 8]

The replicas share the machine's cores, so three replicas are not expected to be faster than
one: the comparison shows what the balancer costs. Used by scripts/bench-cluster.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_test import mine_bundles  # noqa: E402
from local_cluster import ROOT, Client, Cluster  # noqa: E402

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6}


def wrk(args, url, script=None):
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s", "--latency"]
    if script:
        command += ["-s", script]
    out = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    percentiles = {p: re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.M) for p in ("50", "99")}
    if rps is None or None in percentiles.values():
        raise RuntimeError(f"unexpected wrk output for {url}:\n{out}")
    figures = {"rps": float(rps.group(1))}
    for percentile, match in percentiles.items():
        figures[f"p{percentile}"] = float(match.group(1)) * UNITS[match.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    figures["non2xx"] = int(bad.group(1)) if bad else 0
    figures["socket"] = errors.group(1).strip() if errors else "none"
    return figures


def finished_job(port, body):
    client = Client(port)
    try:
        status, _, data = client.request("POST", "/v1/pogo/bundles", body)
        assert status in (200, 202), f"submit: HTTP {status} {data[:200]!r}"
        job = json.loads(data)["id"]
        for _ in range(300):
            status, _, data = client.request("GET", "/v1/pogo/bundles/" + job)
            if json.loads(data)["status"] in ("verified", "rejected", "failed"):
                return job
            time.sleep(0.1)
        raise RuntimeError("the job did not finish")
    finally:
        client.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verifier", required=True)
    parser.add_argument("--haproxy", default=shutil.which("haproxy") or "/usr/sbin/haproxy")
    parser.add_argument("--database-url")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    args.verifier = os.path.abspath(args.verifier)
    args.runs, args.forged_runs, args.variants = 1, 0, 1
    scores = os.path.join(ROOT, "tools", "bench_cluster_scores.lua")

    rows = []
    work = tempfile.mkdtemp(prefix="verifier-bench-cluster-")
    try:
        body = mine_bundles(args, work)[0][0]
        for count in (1, 3):
            cluster = Cluster(args, os.path.join(work, f"cluster-{count}"), count=count, test_knobs=False)
            os.makedirs(cluster.work)
            try:
                cluster.start()
                job = finished_job(cluster.balancer_port, body)
                targets = [("balancer", cluster.balancer_port)]
                if count == 1:
                    targets.insert(0, ("direct", cluster.ports[0]))
                for via, port in targets:
                    base = f"http://127.0.0.1:{port}"
                    for route, url, script in (("GET /v1/pogo/bundles/{id}", f"{base}/v1/pogo/bundles/{job}", None),
                                               ("POST /v1/poq/scores (2 outputs)", f"{base}/v1/poq/scores", scores)):
                        figures = wrk(args, url, script)
                        rows.append((count, via, route, figures))
                        print(f"{count} replica(s) {via:8} {route:32} {figures['rps']:9.1f} req/s  "
                              f"p50 {figures['p50']:7.2f} ms  p99 {figures['p99']:7.2f} ms  "
                              f"non-2xx {figures['non2xx']}  socket errors {figures['socket']}", flush=True)
            finally:
                cluster.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    store = "PostgreSQL" if args.database_url else "shared SQLite"
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, store {store}, "
          f"{os.cpu_count()} cores shared by everything (replicas, HAProxy, wrk)")
    print("| replicas | via | route | req/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---|---|---|---|---|---|")
    for count, via, route, f in rows:
        print(f"| {count} | {via} | `{route}` | {f['rps']:.0f} | {f['p50']:.2f} | {f['p99']:.2f} | {f['non2xx']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
