#!/usr/bin/env python3
"""One row of a benchmark table from wrk's output (used by the bench scripts): requests per second,
p50 and p99 latency, non-2xx answers and socket errors; the req/s also goes to FILE.rps.

usage: wrk-row.py NAME FILE [--non-2xx-expected]
"""
import re, sys

name, path = sys.argv[1], sys.argv[2]
text = open(path).read()


def ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50, p99 = (ms(re.search(rf"^\s+{q}%\s+(\S+)", text, re.M).group(1)) for q in (50, 99))
bad = None if "--non-2xx-expected" in sys.argv else re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors = re.search(r"Socket errors: (.*)", text)
print(f"{name:<22} {rps:>10.0f} {p50:>9.2f} {p99:>9.2f}  {'non-2xx: ' + bad.group(1) if bad else ''}{' socket errors: ' + errors.group(1) if errors else ''}")
open(path + ".rps", "w").write(str(rps))
