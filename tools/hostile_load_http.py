#!/usr/bin/env python3
"""The hostile-load attacks of issue 13 against a live `verifier serve`, each with its pass rule.

  hostile_load_http.py --verifier BIN {bodies,poq,slow} [--server-arg=ARG ...]

bodies: 64 connections each send a 16 MiB body to POST /healthz, then 64 more to
        POST /v1/pogo/bundles (that route's limit). RSS (VmRSS of the server) is sampled every
        20 ms. Passes when the peak growth stays under the request-body budget plus a fixed margin
        and RSS falls back near its start once the clients have gone.
poq:    66 maximum-size PoQ requests (32 outputs of 4,096 characters), whose clients then
        disconnect; then one bundle submission. Passes when the bundle is answered 202 within
        5 s, and a small scoring request within 30 s (the abandoned work was dropped or stopped).
slow:   2,000 connections trickle bodies (a head announcing 1,000 bytes, then one byte every
        2 s; reconnecting when closed) against a server capped at 2,000 connections, while a
        probe opens a new connection for each GET /healthz. Passes when every probe gets 200
        with p99 under 50 ms and no trickling connection is held longer than 20 s.

Prints the measured numbers; exits 1 when a rule fails. Loopback only, bounded in time.
Standard library only.
"""
import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1 << 20
BUDGET_BYTES = 256 * MIB  # the default of --http-body-budget-bytes (docs/http.md)
MARGIN_BYTES = 96 * MIB  # allocator slack, thread stacks, the store: anything but bodies
SETTLED_BYTES = 24 * MIB  # what may stay above the start once the clients have gone


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `verifier serve` on a free port with a temporary data folder."""

    def __init__(self, binary, args, model=False):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="hostile-")
        model_dir = os.path.join(ROOT, "models/all-MiniLM-L6-v2") if model else os.path.join(self.dir, "no-model")
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "wb")
        command = [binary, "serve", "--port", str(self.port), "--data-dir", self.dir, "--model-dir", model_dir,
                   "--dataset-dir", os.path.join(ROOT, "data"), "--workers", "0"] + args
        self.process = subprocess.Popen(command, stderr=self.log, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server exited with {self.process.returncode}: {open(self.log_path).read()[-2000:]}")
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("server did not answer /healthz within 60 s")

    def rss(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def log_count(self, text):
        with open(self.log_path, errors="replace") as f:
            return sum(text in line for line in f)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def read_status(sock):
    """The status code of the response on `sock`, reading its head; None when closed first."""
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    return int(data.split(b" ", 2)[1])


def request(port, method, path, body=b"", timeout=30):
    """One request on a new connection: (status, body bytes, seconds)."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {len(body)}\r\n\r\n"
        s.sendall(head.encode() + body)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), rest, time.monotonic() - start


class Sampler(threading.Thread):
    """Samples the server's RSS every 20 ms and keeps the peak."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.peak, self.running = server, server.rss(), True

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.server.rss())
            time.sleep(0.02)

    def stop(self):
        self.running = False
        self.join()
        return self.peak


def send_bodies(port, path, count, size):
    """`count` concurrent clients each announce and send `size` bytes to `path`; their statuses."""
    statuses = [None] * count
    piece = b"x" * 65536

    def client(i):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n".encode())
                sent = 0
                try:
                    while sent < size:
                        sent += s.send(piece[:min(len(piece), size - sent)])
                except OSError:
                    pass  # refused before the body was read: the server closed its side
                statuses[i] = read_status(s)
        except OSError:
            statuses[i] = None

    threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def summary(statuses):
    counts = {}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    return " ".join(f"{k}x{v}" for k, v in sorted(counts.items(), key=lambda kv: str(kv[0])))


def attack_bodies(binary, args):
    server = Server(binary, args)
    failures = []
    try:
        time.sleep(0.5)
        for path in ("/healthz", "/v1/pogo/bundles"):
            base = server.rss()
            sampler = Sampler(server)
            sampler.start()
            start = time.monotonic()
            statuses = send_bodies(server.port, path, 64, 16 * MIB)
            elapsed = time.monotonic() - start
            time.sleep(2)
            peak = sampler.stop()
            after = server.rss()
            print(f"bodies: POST {path} 64 x 16 MiB in {elapsed:.1f} s: statuses {summary(statuses)}; "
                  f"RSS start {base / MIB:.0f} MiB, peak +{(peak - base) / MIB:.0f} MiB, "
                  f"2 s after the clients left +{(after - base) / MIB:.0f} MiB")
            if peak - base > BUDGET_BYTES + MARGIN_BYTES:
                failures.append(f"{path}: RSS grew {(peak - base) / MIB:.0f} MiB, more than the budget "
                                f"{BUDGET_BYTES // MIB} MiB + {MARGIN_BYTES // MIB} MiB")
            if after - base > SETTLED_BYTES:
                failures.append(f"{path}: RSS still {(after - base) / MIB:.0f} MiB above its start after the clients left")
            if request(server.port, "GET", "/healthz")[0] != 200:
                failures.append(f"{path}: /healthz does not answer 200 afterwards")
    finally:
        server.stop()
    return failures


def mined_bundle(binary, work):
    out = os.path.join(work, "run")
    subprocess.run([binary, "mine", "--arch", "mlp", "--hidden", "16", "--steps", "2", "--lr", "0.5",
                    "--batch", "32", "--eval-batch", "64", "--seed", "7", "--block-seed", "ab" * 32, "--out", out,
                    "--inline", "--dataset", os.path.join(ROOT, "data/digits.csv")],
                   check=True, capture_output=True, cwd=ROOT)
    with open(os.path.join(out, "bundle.json"), "rb") as f:
        return f.read()


def attack_poq(binary, args):
    server = Server(binary, args, model=True)
    failures = []
    try:
        bundle = mined_bundle(binary, server.dir)
        words = ("the quick brown fox jumps over the lazy dog while " * 100)[:4096]
        body = json.dumps({"prompt": words, "outputs": [words] * 32}).encode()
        head = f"POST /v1/poq/scores HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        sockets = []
        for _ in range(66):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            s.sendall(head + body)
            sockets.append(s)
        time.sleep(1)
        for s in sockets:
            s.close()
        print(f"poq: 66 requests of {len(body)} bytes sent, clients gone")
        try:
            status, _, seconds = request(server.port, "POST", "/v1/pogo/bundles", bundle, timeout=30)
        except OSError as error:
            status, seconds = f"no answer ({error.__class__.__name__})", 30.0
        print(f"poq: bundle submission answered {status} in {seconds:.2f} s")
        if status != 202 or seconds > 5:
            failures.append(f"bundle submission answered {status} in {seconds:.2f} s, want 202 within 5 s")
        small = json.dumps({"prompt": "What is the capital of France?", "outputs": ["Paris."]}).encode()
        deadline = time.monotonic() + 30
        start = time.monotonic()
        status = None
        while time.monotonic() < deadline:
            try:
                status, _, _ = request(server.port, "POST", "/v1/poq/scores", small, timeout=deadline - time.monotonic())
            except OSError as error:
                status = f"no answer ({error.__class__.__name__})"
            if status == 200:
                break
            time.sleep(0.5)
        seconds = time.monotonic() - start
        print(f"poq: a small scoring request answered {status} after {seconds:.2f} s; "
              f"{server.log_count('status=499')} abandoned requests logged as 499")
        if status != 200:
            failures.append(f"a small scoring request still answered {status} 30 s after the clients left")
    finally:
        server.stop()
    return failures


async def trickler(port, stop_at, lifetimes, statuses):
    """Holds one trickling connection at a time until `stop_at`, reconnecting when closed."""
    while time.monotonic() < stop_at:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        opened = time.monotonic()
        writer.write(b"POST /v1/pogo/bundles HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
        status = None
        try:
            while time.monotonic() < stop_at:
                try:
                    line = await asyncio.wait_for(reader.readline(), timeout=2)
                except asyncio.TimeoutError:
                    writer.write(b" ")
                    await writer.drain()
                    continue
                if line:
                    status = int(line.split(b" ", 2)[1])
                break
        except (OSError, ValueError, IndexError):
            pass
        if time.monotonic() < stop_at:
            lifetimes.append(time.monotonic() - opened)
            statuses.append(status)
        writer.close()


def probe(port, stop_at, latencies, statuses):
    while time.monotonic() < stop_at:
        try:
            status, _, seconds = request(port, "GET", "/healthz", timeout=10)
        except OSError as error:
            status, seconds = f"error {error.__class__.__name__}", 10.0
        latencies.append(seconds)
        statuses.append(status)
        time.sleep(0.01)


def attack_slow(binary, args, connections=2000, seconds=15):
    server = Server(binary, args)
    failures = []
    try:
        lifetimes, closed_statuses, latencies, probe_statuses = [], [], [], []
        stop_at = time.monotonic() + seconds

        async def main():
            tasks = []
            for _ in range(connections):
                tasks.append(asyncio.ensure_future(trickler(server.port, stop_at, lifetimes, closed_statuses)))
                if len(tasks) % 200 == 0:
                    await asyncio.sleep(0.05)
            await asyncio.gather(*tasks)

        time.sleep(0.2)
        prober = threading.Thread(target=probe, args=(server.port, stop_at, latencies, probe_statuses))
        loop_thread = threading.Thread(target=lambda: asyncio.run(main()))
        loop_thread.start()
        time.sleep(1)  # the tricklers connect first
        prober.start()
        prober.join()
        loop_thread.join()
        latencies.sort()
        p50 = latencies[len(latencies) // 2] * 1000 if latencies else float("nan")
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else float("nan")
        longest = max(lifetimes) if lifetimes else float("inf")
        print(f"slow: {connections} trickling connections for {seconds} s: {len(lifetimes)} closed by the server "
              f"(statuses {summary(closed_statuses)}), longest held {longest:.1f} s")
        print(f"slow: /healthz on new connections: {len(latencies)} probes, statuses {summary(probe_statuses)}, "
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        if not lifetimes or longest > 20:
            failures.append("trickling connections were not closed within 20 s")
        if any(s != 200 for s in probe_statuses):
            failures.append(f"/healthz probes got {summary(probe_statuses)}")
        if not p99 < 50:
            failures.append(f"/healthz p99 {p99:.1f} ms is not under 50 ms")
    finally:
        server.stop()
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verifier", required=True)
    parser.add_argument("attack", choices=["bodies", "poq", "slow"])
    parser.add_argument("--server-arg", action="append", default=[], help="extra `serve` argument (repeatable)")
    parser.add_argument("--connections", type=int, default=2000, help="slow: trickling connections")
    options = parser.parse_args()
    if options.attack == "bodies":
        failures = attack_bodies(options.verifier, options.server_arg)
    elif options.attack == "poq":
        failures = attack_poq(options.verifier, options.server_arg)
    else:
        failures = attack_slow(options.verifier, options.server_arg, connections=options.connections)
    for failure in failures:
        print(f"FAIL {options.attack}: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
