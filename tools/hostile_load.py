#!/usr/bin/env python3
"""The attacks of issue 13 ("resource safety under hostile load") against a live `verifier serve`.

Each check starts the binary given with --verifier on a free loopback port with its own data
folder, runs one attack, prints what it measured and PASS or FAIL, and stops the server.
Timing margins are generous (a shared 2-core machine is noisy); the numbers are printed so a
reader sees how far from them a run was. Exit status 1 when any check fails.

  json-memory     four concurrent 16 MiB JSON arrays: growth of the server's peak RSS (VmHWM);
                  then four arrays inside an object where any value is accepted (parsed whole)
  metric-labels   20,000 requests with distinct method tokens, then /metrics: size, scrape time
  blocked-store   PostgreSQL behind a "partition" (its processes stopped): /healthz latency
                  while a poll waits for the store on the one I/O thread; /readyz fast and
                  naming the store
  full-disk       the data folder on a 16 MiB tmpfs (root only; skipped otherwise): /readyz
                  names the disk, and the store once the file system is full
  read-only       the database files made immutable under the running server (root only):
                  /readyz names the store
  files           the data folder 0700, jobs.sqlite and its -wal/-shm 0600
  file-root       a file:// artifact outside VERIFIER_ARTIFACT_ROOT whose first 8 bytes are
                  "root:*:2": refused, and never echoed
  fetch-category  an http artifact on a name resolving to loopback: the job's error names the
                  category, not the address
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = b"root:*:2"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`verifier serve` on a free port; stopped (SIGKILL after a grace) on exit."""

    def __init__(self, binary, work, args=(), env=None, data=None):
        self.port = free_port()
        self.data = data or os.path.join(work, "var")
        self.log_path = os.path.join(work, f"server-{self.port}.log")
        environment = dict(os.environ)
        environment.update({"VERIFIER_WORKERS": "0", "VERIFIER_MODEL_DIR": "/nonexistent", "VERIFIER_DATASET_DIR": os.path.join(ROOT, "data")})
        environment.update(env or {})
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([binary, "serve", "--port", str(self.port), "--data-dir", self.data, *args],
                                        env=environment, stderr=self.log, cwd=ROOT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not start; log in {self.log_path}")

    def request(self, method, path, body=None, timeout=60):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body is not None else {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def get(self, path, timeout=60):
        return self.request("GET", path, timeout=timeout)

    def status(self, field):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        return 0

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Checks:
    def __init__(self):
        self.failed = []

    def report(self, name, ok, text):
        print(f"{'PASS' if ok else 'FAIL'} {name}: {text}", flush=True)
        if not ok:
            self.failed.append(name)


def peak_growth(server, requests):
    """Sends the (route, body) pairs at once; returns their statuses and the server's peak RSS growth."""
    before = server.status("VmRSS")
    with open(f"/proc/{server.process.pid}/clear_refs", "w") as f:
        f.write("5")
    statuses = []
    threads = [threading.Thread(target=lambda r=r, b=b: statuses.append(server.request("POST", r, b)[0])) for r, b in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(statuses), server.status("VmHWM") - before


def json_memory(args, work, checks):
    size = 16 << 20
    # A fresh server per case: memory freed by one case and still resident would hide the next.
    server = Server(args.verifier, work, env={"VERIFIER_HTTP_THREADS": "4"})
    try:
        array = b"[" + b"0," * ((size - 2) // 2 - 1) + b"0]"
        statuses, growth = peak_growth(server, [("/v1/pogo/bundles", array), ("/v1/pogo/bundles", array),
                                                ("/v1/finalize", array), ("/v1/finalize", array)])
        budget = 4 * size * 2
        checks.report("json-memory", growth <= budget and statuses == [422] * 4,
                      f"4 x 16 MiB arrays: statuses {statuses}, peak RSS +{growth >> 20} MiB (budget {budget >> 20} MiB)")
    finally:
        server.stop()
    # Where a route accepts any value (an attestation is judged on its own) the array is parsed
    # whole: at most 4 bytes of tape per byte on top of each body (as buffered by the HTTP
    # server, up to twice its size), plus as much again for the allocator's slack.
    server = Server(args.verifier, work, env={"VERIFIER_HTTP_THREADS": "4"})
    try:
        prefix, suffix = b'{"kind":"pogo","attestations":[[', b"]]}"
        nested = prefix + b"0," * ((size - len(prefix) - len(suffix) - 1) // 2) + b"0" + suffix
        statuses, growth = peak_growth(server, [("/v1/finalize", nested)] * 4)
        budget = 4 * size * 8
        checks.report("json-memory-nested", growth <= budget and statuses == [422] * 4,
                      f"4 x 16 MiB arrays inside an object, parsed whole: statuses {statuses}, peak RSS +{growth >> 20} MiB "
                      f"(budget {budget >> 20} MiB)")
    finally:
        server.stop()


def metric_labels(args, work, checks):
    server = Server(args.verifier, work)
    try:
        count = 20_000
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            received = bytearray()
            reader = threading.Thread(target=lambda: [received.extend(chunk) for chunk in iter(lambda: s.recv(1 << 16), b"")])
            reader.start()
            requests = b"".join(b"M%d /healthz HTTP/1.1\r\nHost: a\r\n%s\r\n" % (i, b"Connection: close\r\n" if i == count - 1 else b"")
                                for i in range(count))
            s.sendall(requests)
            reader.join(120)
        answered = received.count(b"HTTP/1.1 ")
        start = time.monotonic()
        status, body = server.get("/metrics")
        scrape_ms = (time.monotonic() - start) * 1000
        ok = status == 200 and len(body) < 100_000 and scrape_ms < 1000 and answered == count
        checks.report("metric-labels", ok, f"{answered} requests with distinct methods: /metrics {len(body)} bytes "
                      f"(limit 100,000), scrape {scrape_ms:.1f} ms (limit 1,000)")
    finally:
        server.stop()


def cluster_processes(data):
    """The PIDs of a PostgreSQL cluster: its postmaster (first line of postmaster.pid) and children."""
    with open(os.path.join(data, "postmaster.pid")) as f:
        postmaster = int(f.readline())
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                pids.append(int(entry))
    return pids


def blocked_store(args, work, checks):
    """PostgreSQL behind a partition, simulated by stopping its processes (SIGSTOP): queries on open
    connections never return, new connections wait for the 5 s connect timeout."""
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    url = subprocess.run([os.path.join(ROOT, "scripts", "pg-test-cluster"), "start", cluster], check=True,
                         capture_output=True, text=True).stdout.strip()
    server = None
    stopped = []
    try:
        server = Server(args.verifier, work, args=["--http-io-threads", "1"], env={"VERIFIER_DATABASE_URL": url})
        stopped = cluster_processes(os.path.join(cluster, "data"))
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        def waiting_poll():
            try:
                server.get("/v1/pogo/bundles/" + "a" * 64, timeout=30)
            except OSError:
                pass  # it may wait for the store past the timeout: only its effect on the others counts
        poll = threading.Thread(target=waiting_poll, daemon=True)
        poll.start()
        time.sleep(0.3)
        start = time.monotonic()
        try:
            status = server.get("/healthz", timeout=20)[0]
        except OSError:
            status = None
        health_ms = (time.monotonic() - start) * 1000
        start = time.monotonic()
        try:
            ready, body = server.get("/readyz", timeout=20)
        except OSError:
            ready, body = None, b""
        ready_ms = (time.monotonic() - start) * 1000
        # The monitor's probe hangs in the store; past 5 s it counts as failed.
        deadline = time.time() + 15
        while ready is not None and time.time() < deadline and b'"store":false' not in body:
            time.sleep(0.5)
            ready, body = server.get("/readyz", timeout=20)
        names_store = ready == 503 and b'"store":false' in body
        ok = status == 200 and health_ms < 1000 and ready_ms < 1000 and names_store
        checks.report("blocked-store", ok, f"PostgreSQL stopped mid-connection, a poll waiting on it, one I/O thread: "
                      f"/healthz {status} in {health_ms:.1f} ms (limit 1,000), /readyz in {ready_ms:.1f} ms (limit 1,000), "
                      f"/readyz names the store: {names_store}")
    finally:
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        if server:
            server.stop()
        subprocess.run([os.path.join(ROOT, "scripts", "pg-test-cluster"), "stop", cluster], capture_output=True)


def wait_for_store_failure(server, timeout=15):
    """Polls /readyz until it names the store (or `timeout` passes); returns whether it did."""
    deadline = time.time() + timeout
    ready, body = server.get("/readyz")
    while time.time() < deadline and b'"store":false' not in body:
        time.sleep(0.5)
        ready, body = server.get("/readyz")
    return ready == 503 and b'"store":false' in body


def full_disk(args, work, checks):
    mount = os.path.join(work, "tmpfs")
    os.makedirs(mount)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount],
                                           capture_output=True).returncode != 0:
        print("SKIP full-disk: mounting a tmpfs needs root", flush=True)
        return
    try:
        data = os.path.join(mount, "var")
        server = Server(args.verifier, work, data=data)
        try:
            ready, body = server.get("/readyz")
            names_disk = ready == 503 and b'"disk":false' in body
        finally:
            server.stop()
        server = Server(args.verifier, work, args=["--min-free-bytes", "0"], data=data)
        try:
            subprocess.run(["dd", "if=/dev/zero", f"of={os.path.join(mount, 'filler')}", "bs=64k"], capture_output=True)
            names_store = wait_for_store_failure(server)
        finally:
            server.stop()
        checks.report("full-disk", names_disk and names_store,
                      f"16 MiB file system: /readyz names the disk below the 256 MiB minimum: {names_disk}; "
                      f"once full, names the store: {names_store}")
    finally:
        subprocess.run(["umount", "-l", mount], capture_output=True)


def read_only(args, work, checks):
    """The database and its WAL made immutable (chattr +i, root only) under a running server:
    writes through any new descriptor fail, as on a file system remounted read-only."""
    server = Server(args.verifier, work)
    # Not the -shm file: SQLite maps it and, unable to grow an immutable one, dies of SIGBUS
    # (a file system remounted read-only cannot have it open for writing in the first place).
    names = [os.path.join(server.data, n) for n in ("jobs.sqlite", "jobs.sqlite-wal")]
    frozen = []
    try:
        store_before = b'"store":true' in server.get("/readyz")[1]
        for name in names:
            if subprocess.run(["chattr", "+i", name], capture_output=True).returncode != 0:
                print("SKIP read-only: chattr +i needs root and a file system that supports it", flush=True)
                return
            frozen.append(name)
        names_store = wait_for_store_failure(server)
        checks.report("read-only", store_before and names_store,
                      f"/readyz passes the store before the database and its WAL are made immutable: {store_before}; "
                      f"after, names the store: {names_store}")
    finally:
        for name in frozen:
            subprocess.run(["chattr", "-i", name], capture_output=True)
        server.stop()


def files(args, work, checks):
    server = Server(args.verifier, work)
    try:
        server.get("/readyz")
        modes = {name: stat.S_IMODE(os.stat(os.path.join(server.data, name) if name else server.data).st_mode)
                 for name in ["", "jobs.sqlite", "jobs.sqlite-wal", "jobs.sqlite-shm"]}
        ok = modes[""] == 0o700 and all(modes[n] == 0o600 for n in modes if n)
        checks.report("files", ok, ", ".join(f"{n or 'data folder'} {m:o}" for n, m in modes.items()))
    finally:
        server.stop()


def mine(args, work):
    out = os.path.join(work, "mined")
    subprocess.run([args.verifier, "mine", "--arch", "mlp", "--hidden", "16", "--steps", "2", "--lr", "0.1", "--batch", "32",
                    "--eval-batch", "64", "--seed", "1", "--block-seed", "ab" * 32, "--out", out], check=True,
                   capture_output=True, cwd=ROOT)
    with open(os.path.join(out, "bundle.json")) as f:
        return out, json.load(f)


def final_job(server, body):
    status, data = server.request("POST", "/v1/pogo/bundles", json.dumps(body).encode())
    if status not in (200, 202):
        return {"status": f"HTTP {status}", "error": data.decode(errors="replace")}
    job_id = json.loads(data)["id"]
    deadline = time.time() + 120
    while time.time() < deadline:
        job = json.loads(server.get("/v1/pogo/bundles/" + job_id)[1])
        if job["status"] in ("verified", "rejected", "failed"):
            return job
        time.sleep(0.2)
    return {"status": "timeout"}


def file_root(args, work, checks):
    mined, bundle = mine(args, work)
    outside = os.path.join(work, "outside")
    os.makedirs(outside)
    secret = os.path.join(outside, "secret")
    with open(secret, "wb") as f:
        f.write(SECRET + b"\n" * 64)
    bundle["artifacts"]["theta0"] = {"uri": "file://" + secret}
    server = Server(args.verifier, work, env={"VERIFIER_WORKERS": "1", "VERIFIER_MAX_ATTEMPTS": "1",
                                              "VERIFIER_ALLOW_FILE_ARTIFACTS": "true", "VERIFIER_ARTIFACT_ROOT": mined})
    try:
        job = final_job(server, bundle)
        text = json.dumps(job)
        number = str(struct.unpack("<Q", SECRET)[0])
        echoed = number in text or "root:*" in text
        refused = job["status"] == "failed" and "not below the artifact root" in job.get("error", "")
        checks.report("file-root", refused and not echoed,
                      f"theta0 = file:// outside the root: status {job['status']}, error {job.get('error', '-')!r}; "
                      f"first 8 bytes echoed: {echoed}")
    finally:
        server.stop()


def fetch_category(args, work, checks):
    _, bundle = mine(args, work)
    bundle["artifacts"]["theta0"] = {"uri": "http://localhost:9/theta0.safetensors"}
    server = Server(args.verifier, work, env={"VERIFIER_WORKERS": "1", "VERIFIER_MAX_ATTEMPTS": "1"})
    try:
        job = final_job(server, bundle)
        error = job.get("error", "")
        ok = job["status"] == "failed" and "loopback" in error and "127.0.0.1" not in error and "::1" not in error
        checks.report("fetch-category", ok, f"http://localhost:9/...: status {job['status']}, error {error!r}")
    finally:
        server.stop()


CHECKS = {"json-memory": json_memory, "metric-labels": metric_labels, "blocked-store": blocked_store, "full-disk": full_disk,
          "read-only": read_only, "files": files, "file-root": file_root, "fetch-category": fetch_category}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verifier", required=True, help="the verifier binary")
    parser.add_argument("checks", nargs="*", choices=[[]] + list(CHECKS), help="checks to run (default: all)")
    args = parser.parse_args()
    checks = Checks()
    for name in args.checks or CHECKS:
        work = tempfile.mkdtemp(prefix=f"verifier-hostile-{name}-")
        try:
            CHECKS[name](args, work, checks)
        except Exception as error:  # a check that cannot run counts as failed, with why
            checks.report(name, False, f"{type(error).__name__}: {error}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if checks.failed:
        print("hostile-load: failed: " + ", ".join(checks.failed), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
