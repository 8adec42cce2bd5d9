"""Sums the pass and fail counts that cargo test (and wasm-bindgen-test), node's TAP reporter and tests/tools/fuzz.sh
print in a log."""
import re
import sys

CARGO = re.compile(r"^test result: \w+\. (\d+) passed; (\d+) failed")
TAP_PASS = re.compile(r"^# pass (\d+)$")
TAP_FAIL = re.compile(r"^# fail (\d+)$")
FUZZ = re.compile(r"^fuzz result: (\d+) passed, (\d+) failed$")

passed = failed = 0
with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
    for line in log:
        line = line.rstrip("\n")
        if match := CARGO.match(line) or FUZZ.match(line):
            passed += int(match[1])
            failed += int(match[2])
        elif match := TAP_PASS.match(line):
            passed += int(match[1])
        elif match := TAP_FAIL.match(line):
            failed += int(match[1])
print(passed, failed)
