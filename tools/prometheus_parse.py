"""Parses Prometheus text exposition (stdin) with the reference prometheus_client parser.

Prints one JSON object: {"families": [{"name", "type", "help", "samples": [{"name", "labels", "value"}]}]}.
Used by Tests/ServerTests/Metrics to check the Swift registry's output independently.
Exits 1 with the parser's message if the text does not parse.
"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def value(v):
    # JSON has no infinities or NaN: send them as the exposition spellings.
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return v


def main():
    text = sys.stdin.read()
    try:
        families = [
            {
                "name": f.name,
                "type": f.type,
                "help": f.documentation,
                "samples": [{"name": s.name, "labels": s.labels, "value": value(s.value)} for s in f.samples],
            }
            for f in text_string_to_metric_families(text)
        ]
    except Exception as error:  # the parser raises ValueError and others on bad input
        print(f"parse error: {error}", file=sys.stderr)
        sys.exit(1)
    json.dump({"families": families}, sys.stdout)


if __name__ == "__main__":
    main()
