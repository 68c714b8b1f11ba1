# Sourced by the benchmarks that run onnxruntime, numpy or tokenizers (scripts/bench-poq,
# bench-poq-api, bench-gemm), from the repository root: builds .venv-bench from
# tools/bench-requirements.txt, again whenever that file changes. Benchmark only; the product
# never uses it.
if ! cmp -s tools/bench-requirements.txt .venv-bench/.requirements.installed 2>/dev/null; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q --disable-pip-version-check -r tools/bench-requirements.txt
  cp tools/bench-requirements.txt .venv-bench/.requirements.installed
fi
