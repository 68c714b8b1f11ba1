#!/usr/bin/env python3
"""Runs the schemathesis CLI (arguments passed through), working around a CPython bug.

CPython 3.11.7 and 3.12.1 raise "SystemError: AST constructor recursion depth mismatch" from
ast.parse when it runs deep in the stack (fixed in 3.11.8 / 3.12.2). Hypothesis calls ast.parse
only to print lambdas in strategy descriptions, which schemathesis builds while generating, so
on those interpreters a run can abort at random with a "Runtime Error". Only the description
changes here: on that error the lambda is described as "lambda: <unknown>". Generation,
checks and results are untouched.
"""
import sys

from hypothesis.internal import lambda_sources

_describe = lambda_sources.lambda_description


def _safe_description(f):
    try:
        return _describe(f)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources.lambda_description = _safe_description

from schemathesis.cli import schemathesis  # noqa: E402  (after the patch, on purpose)

if __name__ == "__main__":
    sys.argv[0] = "schemathesis"
    sys.exit(schemathesis())
