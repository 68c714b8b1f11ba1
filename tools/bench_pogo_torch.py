"""PyTorch's CPU side of `scripts/bench-pogo --gpt2-small`: the forward and backward pass of
transformers' GPT2LMHeadModel in fp32 on the same shape and thread count as `verifier
bench-step` (benchmark only; torch and transformers live in .venv-torch, never in the product).

Usage: bench_pogo_torch.py LAYERS CHANNELS HEADS T VOCAB BATCH THREADS RUNS TOKENS_FILE
Prints one JSON line: the median and every run's forward+backward time in ms, the loss of the
first run and the process's peak resident memory.
"""
import json
import resource
import statistics
import sys
import time

import numpy as np
import torch
from transformers import GPT2Config, GPT2LMHeadModel


def main() -> None:
    layers, channels, heads, T, vocab, batch, threads, runs = map(int, sys.argv[1:9])
    tokens_path = sys.argv[9]
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    config = GPT2Config(n_layer=layers, n_embd=channels, n_head=heads, n_positions=T, vocab_size=vocab,
                        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model = GPT2LMHeadModel(config).float()
    model.train()  # dropout is 0: train mode changes nothing but is what a miner runs
    # llm.c token file: 256 int32 header, then uint16 tokens. Windows of T + 1 tokens.
    data = np.fromfile(tokens_path, dtype=np.uint16, offset=1024)
    offsets = np.arange(batch) * (T + 1) * 7 % (len(data) - T - 1)
    windows = np.stack([data[o:o + T + 1] for o in offsets]).astype(np.int64)
    x = torch.from_numpy(windows[:, :-1])
    y = torch.from_numpy(windows[:, 1:])
    times, loss0 = [], None
    for _ in range(runs):
        model.zero_grad(set_to_none=True)
        start = time.perf_counter()
        logits = model(input_ids=x).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        loss.backward()
        times.append((time.perf_counter() - start) * 1000)
        if loss0 is None:
            loss0 = loss.item()
        del logits, loss
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "parameters": sum(p.numel() for p in model.parameters()),
                      "batch": batch, "T": T, "loss": loss0, "forwardBackwardMs": statistics.median(times),
                      "runsMs": [round(t, 1) for t in times], "peakRSSBytes": peak}))


if __name__ == "__main__":
    main()
