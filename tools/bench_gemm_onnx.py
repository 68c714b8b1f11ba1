#!/usr/bin/env python3
"""The onnxruntime side of scripts/bench-gemm: the same 24 projections as `verifier bench-gemm`
(all-MiniLM-L6-v2's six layers: 384x1152, 384x384, 384x1536, 1536x384) as MatMul nodes with
constant weights, which onnxruntime pre-packs for MLAS, its GEMM, at session start. Random
weights and inputs (fixed seed), one thread, one untimed warm-up run. Prints one JSON line:
rows, runs, and the best and median GFLOP/s of the timed runs.

  bench_gemm_onnx.py ROWS RUNS
"""
import json
import statistics
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def main():
    rows, runs = int(sys.argv[1]), int(sys.argv[2])
    shapes = [(384, 1152), (384, 384), (384, 1536), (1536, 384)]
    rng = np.random.default_rng(1)
    nodes, inits, outputs = [], [], []
    for layer in range(6):
        for index, (k, n) in enumerate(shapes):
            weight, out = f"w{layer}_{index}", f"y{layer}_{index}"
            inits.append(numpy_helper.from_array(rng.uniform(-1, 1, (k, n)).astype(np.float32), weight))
            nodes.append(helper.make_node("MatMul", ["x384" if k == 384 else "x1536", weight], [out]))
            outputs.append(helper.make_tensor_value_info(out, TensorProto.FLOAT, [rows, n]))
    inputs = [helper.make_tensor_value_info(name, TensorProto.FLOAT, [rows, k]) for name, k in (("x384", 384), ("x1536", 1536))]
    model = helper.make_model(helper.make_graph(nodes, "projections", inputs, outputs, inits),
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9  # the newest this onnxruntime reads
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    feed = {"x384": rng.uniform(-1, 1, (rows, 384)).astype(np.float32), "x1536": rng.uniform(-1, 1, (rows, 1536)).astype(np.float32)}
    flops = 6 * sum(2.0 * rows * k * n for k, n in shapes)
    session.run(None, feed)
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feed)
        rates.append(flops / (time.perf_counter() - start) / 1e9)
    print(json.dumps({"impl": "onnxruntime", "rows": rows, "runs": runs, "bestGflops": round(max(rates), 1),
                      "medianGflops": round(statistics.median(rates), 1)}))


if __name__ == "__main__":
    main()
