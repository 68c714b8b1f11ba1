#!/usr/bin/env python3
"""One `verifier serve` on loopback for the interoperability checks (tools/openapi_client_check.py,
tools/dsse_interop_check.py): a free port, a temporary data folder and signing key, the bundled
evaluator model and data sets, one verification worker; plus small inline bundles mined with
`verifier mine`; and the pass/fail tally both print. Standard library only.
"""
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_binary():
    """The release build if there is one, else the debug build."""
    for build in ("release", "debug"):
        path = os.path.join(ROOT, ".build", build, "verifier")
        if os.access(path, os.X_OK):
            return path
    raise SystemExit("no verifier binary: run swift build")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Checks:
    """Named pass/fail checks, printed as they happen; `failed` counts the failures."""

    def __init__(self):
        self.failed = 0

    def expect(self, condition, what):
        print(f"{'ok  ' if condition else 'FAIL'} {what}", flush=True)
        if not condition:
            self.failed += 1
        return condition


class LiveVerifier:
    """`with LiveVerifier(binary) as v:` serves at `v.url` until the block ends; `v.work` is a
    temporary folder removed afterwards (the server's log is printed when the block fails)."""

    def __init__(self, binary=None, ready_timeout=120):
        self.binary = binary or default_binary()
        self.ready_timeout = ready_timeout
        self.work = tempfile.mkdtemp(prefix="live-verifier-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log_path = os.path.join(self.work, "server.log")

    def __enter__(self):
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
        command = [self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--data-dir", os.path.join(self.work, "var"),
                   "--model-dir", os.path.join(ROOT, "models", "all-MiniLM-L6-v2"),
                   "--dataset-dir", os.path.join(ROOT, "data"), "--workers", "1"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log, env=env, start_new_session=True)
        try:
            self.wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def wait_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"verifier exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/readyz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"verifier not ready after {self.ready_timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=40):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def __exit__(self, kind, value, traceback):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if kind is not None and os.path.exists(self.log_path):
            print(f"server log tail:\n{self.log_tail()}", flush=True)
        shutil.rmtree(self.work, ignore_errors=True)
        return False

    def mine(self, seed, steps=3):
        """The bytes of an honest inline MLP bundle (digits data set) mined with `verifier mine`."""
        out = os.path.join(self.work, f"run-{seed}")
        block_seed = hashlib.sha256(b"live-verifier block %d" % seed).hexdigest()
        subprocess.run([self.binary, "mine", "--arch", "mlp", "--hidden", "16", "--steps", str(steps), "--lr", "0.5",
                        "--batch", "32", "--eval-batch", "128", "--seed", str(seed), "--block-seed", block_seed,
                        "--out", out, "--inline"], check=True, capture_output=True, cwd=ROOT)
        with open(os.path.join(out, "bundle.json"), "rb") as f:
            return f.read()


def request(url, method, path, body=None):
    """(status, parsed JSON body or None) of one request; `body` is sent as JSON."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    data = None if body is None else json.dumps(body).encode()
    connection.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    kind = response.getheader("Content-Type", "")
    return response.status, (json.loads(raw) if "json" in kind and raw else None)
