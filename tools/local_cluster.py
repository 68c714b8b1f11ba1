#!/usr/bin/env python3
"""A verifier cluster on loopback for tools/cluster_test.py and tools/bench_cluster.py:
`verifier serve` replicas sharing one job store and one signing key, HAProxy in front with
Deploy/haproxy.cfg (its backends given as environment variables), and a small keep-alive
HTTP client. Standard library only.
"""
import http.client
import os
import signal
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects once when the server closed an idle one."""

    def __init__(self, port):
        self.port = port
        self.connection = None
        self.reconnects = 0

    def request(self, method, path, body=None):
        for attempt in range(2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body,
                                        headers={"Content-Type": "application/json"} if body is not None else {})
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, response.getheader("Location"), data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if not reused or attempt == 1:
                    raise
                self.reconnects += 1
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Cluster:
    """The processes: `count` replicas and HAProxy. `stop()` ends every one of them.

    `test_knobs` holds each claimed job 250 ms and shortens leases to 2 s (the kill test);
    haproxy.cfg names three servers, so with fewer replicas some names share an address.
    """

    def __init__(self, args, work, count=3, test_knobs=True):
        self.args = args
        self.work = work
        self.test_knobs = test_knobs
        self.key_file = os.path.join(work, "signing-key.pem")
        self.eip712_key_file = os.path.join(work, "secp256k1-signing-key.pem")
        self.data_dir = os.path.join(work, "store")
        self.ports = [free_port() for _ in range(count)]
        self.balancer_port = free_port()
        self.replicas = [None] * count
        self.haproxy = None
        self.logs = []

    def replica_environment(self, index):
        env = dict(os.environ)
        env.update({
            "VERIFIER_HOST": "127.0.0.1",
            "VERIFIER_PORT": str(self.ports[index]),
            # Own folder per replica: with a database URL nothing is stored there.
            "VERIFIER_DATA_DIR": self.data_dir if not self.args.database_url else os.path.join(self.work, f"data-{index}"),
            "VERIFIER_KEY_FILE": self.key_file,
            "VERIFIER_EIP712_KEY_FILE": self.eip712_key_file,
            "VERIFIER_MODEL_DIR": os.path.join(ROOT, "models", "all-MiniLM-L6-v2"),
            "VERIFIER_DATASET_DIR": os.path.join(ROOT, "data"),
            "VERIFIER_WORKERS": "2",
            "VERIFIER_HTTP_THREADS": "2",
            "VERIFIER_ALLOW_FILE_ARTIFACTS": "true",
            # The runs are mined into the work folder; file:// artifacts are read only below it.
            "VERIFIER_ARTIFACT_ROOT": self.work,
            "OPENBLAS_NUM_THREADS": "1",
        })
        if self.test_knobs:
            env.update({"VERIFIER_LEASE_SECONDS": "2", "VERIFIER_POLL_INTERVAL_MS": "50",
                        "VERIFIER_WORKER_START_DELAY_MS": "250"})
        if self.args.database_url:
            env["VERIFIER_DATABASE_URL"] = self.args.database_url
        return env

    def start_replica(self, index):
        log = open(os.path.join(self.work, f"replica-{index + 1}.log"), "ab")
        self.logs.append(log)
        self.replicas[index] = subprocess.Popen([self.args.verifier, "serve"], env=self.replica_environment(index),
                                                stdout=log, stderr=log, start_new_session=True)

    def start(self):
        subprocess.run([self.args.verifier, "keygen", "--out", self.key_file], check=True, capture_output=True)
        subprocess.run([self.args.verifier, "keygen", "--algorithm", "secp256k1", "--out", self.eip712_key_file],
                       check=True, capture_output=True)
        for index in range(len(self.ports)):
            self.start_replica(index)
        for index in range(len(self.ports)):
            self.wait_ready(self.ports[index], f"replica {index + 1}")
        env = dict(os.environ, HAPROXY_BIND=f"127.0.0.1:{self.balancer_port}")
        for index in range(3):
            env[f"VERIFIER_BACKEND_{index + 1}"] = f"127.0.0.1:{self.ports[index % len(self.ports)]}"
        log = open(os.path.join(self.work, "haproxy.log"), "ab")
        self.logs.append(log)
        self.haproxy = subprocess.Popen([self.args.haproxy, "-db", "-f", os.path.join(ROOT, "Deploy", "haproxy.cfg")],
                                        env=env, stdout=log, stderr=log, start_new_session=True)
        self.wait_ready(self.balancer_port, "balancer", path="/readyz")

    def wait_ready(self, port, name, path="/readyz", timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", path)
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{name} (port {port}) not ready after {timeout} s; logs in {self.work}")

    def kill(self, index):
        self.replicas[index].send_signal(signal.SIGKILL)
        self.replicas[index].wait()

    def stop(self):
        for process in [self.haproxy] + self.replicas:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [self.haproxy] + self.replicas:
            if process is None:
                continue
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()
