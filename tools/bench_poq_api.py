#!/usr/bin/env python3
"""Times POST /v1/poq/scores of a running `verifier serve` over HTTP (keep-alive connections,
one per client thread), for scripts/bench-poq-api. Prints one JSON line per measurement.

Measurements (each repeated RUNS times; the median is printed with the runs):
  - latency-1: one request with one output (a real pair of PAIRS_FILE, about 20-60 tokens
    each), 20 sequential requests per run; every prompt is new (a suffix with a counter), so
    the service's prompt cache never helps. Median and p90 latency in ms.
  - large-16x500: one request with 16 outputs of 500 tokens each ([CLS] + 498 word pieces +
    [SEP], cut with the same tokenizer), a new prompt each run. Seconds per request.
  - throughput: outputs per second, 256 outputs per run (real passages, each made unique by a
    suffix so that no two are the same sequence), in two scenarios:
      batch16   one client sending 16 outputs per request, one request after the other;
      clients32 32 clients at once, each sending 8 one-output requests;
    once with one shared prompt (many nodes answering one prompt: the prompt is encoded once
    and remembered) and once with a new prompt per request (the prompt cache cannot help; a
    one-output request then encodes two sequences per output, a batch-16 request 17 per 16).
    The ratio clients32 / batch16 is printed per scenario.
Every response must be 200 with one score per output, or the script exits 1.

  bench_poq_api.py BASE_URL MODEL_DIR PAIRS_FILE RUNS
"""
import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_poq_onnx import read_pairs  # noqa: E402
from poq_tokenizer_fixtures import tokenizer  # noqa: E402

_counter = iter(range(1 << 62))
_counter_lock = threading.Lock()


def fresh(text):
    """The text with a suffix never sent before, so no cache can have seen it."""
    with _counter_lock:
        return f"{text} (request {next(_counter)})"


class Client:
    """One keep-alive connection to the service."""

    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)

    def score(self, prompt, outputs):
        body = json.dumps({"prompt": prompt, "outputs": outputs})
        self.conn.request("POST", "/v1/poq/scores", body, {"Content-Type": "application/json"})
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            sys.exit(f"bench-poq-api: status {response.status}: {data[:300]!r}")
        return data

    def close(self):
        self.conn.close()


def long_outputs(pairs, count, tokens):
    """`count` texts of exactly `tokens` tokens with [CLS] and [SEP]: all passages joined
    (rotated per text), cut after word piece `tokens - 2`."""
    tok = tokenizer()
    out = []
    for i in range(count):
        rotated = pairs[i:] + pairs[:i]
        text = " ".join(p for _, p in rotated)
        enc = tok.encode(text)
        if len(enc.ids) < tokens:
            sys.exit("bench-poq-api: passages too short for the long outputs")
        cut = text[:enc.offsets[tokens - 2][1]]
        assert len(tok.encode(cut).ids) == tokens, "cut text does not re-tokenize to the length"
        out.append(cut)
    return out


def latency_one(base, pairs, requests=20):
    client = Client(base)
    times = []
    for i in range(requests):
        prompt, output = pairs[i % len(pairs)]
        start = time.perf_counter()
        client.score(fresh(prompt), [output])
        times.append((time.perf_counter() - start) * 1000)
    client.close()
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))]


def large(base, prompt, outputs):
    client = Client(base)
    start = time.perf_counter()
    client.score(fresh(prompt), outputs)
    elapsed = time.perf_counter() - start
    client.close()
    return elapsed


def throughput(base, pairs, clients, per_request, shared_prompt, total=256):
    """Outputs per second with `clients` concurrent clients each sending requests of
    `per_request` outputs, `total` outputs in all."""
    requests_each = total // (clients * per_request)
    prompt = pairs[0][0]
    passages = [p for _, p in pairs]
    connections = [Client(base) for _ in range(clients)]
    for c in connections:
        c.score(prompt, [passages[0]])  # connect (and remember the shared prompt) untimed
    barrier = threading.Barrier(clients + 1)

    def run(index):
        barrier.wait()
        for r in range(requests_each):
            first = (index * requests_each + r) * per_request
            # Every output is new too: identical sequences arriving together would be encoded once.
            outputs = [fresh(passages[(first + k) % len(passages)]) for k in range(per_request)]
            connections[index].score(prompt if shared_prompt else fresh(prompt), outputs)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    for c in connections:
        c.close()
    return clients * requests_each * per_request / elapsed


def main():
    base, model_dir, pairs_path, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    pairs = read_pairs(pairs_path)
    big = long_outputs(pairs, 16, 500)
    # Warm up every path untimed.
    latency_one(base, pairs, requests=3)
    large(base, pairs[1][0], big)
    throughput(base, pairs, 32, 1, False, total=64)

    results = {"latency1": [], "large": [], "batch16-shared": [], "clients32-shared": [], "batch16-new": [], "clients32-new": []}
    p90s = []
    # Interleave the measurements run by run, so a slow spell on a shared machine hits all.
    for _ in range(runs):
        median, p90 = latency_one(base, pairs)
        results["latency1"].append(median)
        p90s.append(p90)
        results["large"].append(large(base, pairs[1][0], big))
        for shared, name in ((True, "shared"), (False, "new")):
            results[f"batch16-{name}"].append(throughput(base, pairs, 1, 16, shared))
            results[f"clients32-{name}"].append(throughput(base, pairs, 32, 1, shared))
    med = {k: statistics.median(v) for k, v in results.items()}
    print(json.dumps({"runs": runs, "medians": med, "latency1P90Median": statistics.median(p90s),
                      "all": results}))
    print(f"latency, 1 output (about 20-60 tokens), new prompt:  median {med['latency1']:.1f} ms "
          f"(p90 {statistics.median(p90s):.1f} ms; 20 requests per run)   goal < 15 ms")
    print(f"one request, 16 outputs x 500 tokens:                {med['large']:.3f} s   goal < 1.0 s")
    # The goal compares the same work: 16 outputs of one prompt, sent as one request or by 32
    # one-output clients. With a new prompt per request the clients bring a prompt per output.
    for name, label, goal in (("shared", "one shared prompt", "goal >= 90%"),
                              ("new", "a new prompt per request", "(more work per output: see below)")):
        b, c = med[f"batch16-{name}"], med[f"clients32-{name}"]
        print(f"throughput, {label:25s} batch-16 client {b:7.1f} outputs/s, 32 one-output clients {c:7.1f} "
              f"outputs/s: {100 * c / b:5.1f}%   {goal}")
    # The encoder's tokens per output with a new prompt per request: a one-output request
    # encodes its prompt and its output, a batch-16 request one prompt for 16 outputs. If the
    # service's time were all encoder time in proportion to tokens, this ratio would be the
    # most 32 one-output clients could reach (with a shared prompt it is 1).
    tok = tokenizer()
    prompt_tokens = len(tok.encode(fresh(pairs[0][0])).ids)
    output_tokens = statistics.mean(len(tok.encode(fresh(p)).ids) for _, p in pairs)
    ceiling = (output_tokens + prompt_tokens / 16) / (output_tokens + prompt_tokens)
    print(f"new prompt per request: encoder tokens per output {output_tokens + prompt_tokens:.1f} (one-output: "
          f"prompt {prompt_tokens} + output {output_tokens:.1f}) against {output_tokens + prompt_tokens / 16:.1f} "
          f"(batch-16): token-proportional ceiling {100 * ceiling:.1f}%")
    print(f"(median of N={runs} runs of each, interleaved)")


if __name__ == "__main__":
    main()
