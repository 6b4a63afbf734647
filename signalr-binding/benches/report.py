#!/usr/bin/env python3
"""Prints resolve / jsonwebtoken::encode per case from criterion's estimates.

Run after `cargo bench -p signalr-binding --bench resolve`:

    python3 signalr-binding/benches/report.py [--case CASE]... [CRITERION_DIR]

CRITERION_DIR defaults to `$CARGO_TARGET_DIR/criterion`, else `target/criterion`; `--case`
reports only the cases named (all three by default). The figure is the ratio of the medians
measured in the same run; under 1.0 means resolving (headers, claims, token, JSON answer)
costs less than the bare signing call. Exits non-zero when a case is missing.
"""

import argparse
import json
import os
import sys

CASES = ["no_user", "user_from_header", "user_and_id_token_claims"]
TARGET = 1.0


def median_ns(root, group, function):
    path = os.path.join(root, group, function, "new", "estimates.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)["median"]["point_estimate"]


def main():
    parser = argparse.ArgumentParser(description="resolve / jsonwebtoken::encode per case")
    parser.add_argument("--case", action="append", choices=CASES, help="only this case")
    parser.add_argument("criterion_dir", nargs="?")
    args = parser.parse_args()
    root = args.criterion_dir or os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "criterion"
    )
    print(f"{'case':<26} {'resolve':>10} {'jsonwebtoken':>13} {'ratio':>7}")
    worst = 0.0
    for case in args.case or CASES:
        try:
            resolve = median_ns(root, case, "resolve")
            baseline = median_ns(root, case, "jsonwebtoken_encode")
        except OSError as error:
            print(f"{case}: no estimates ({error}); run the bench first", file=sys.stderr)
            return 2
        ratio = resolve / baseline
        worst = max(worst, ratio)
        line = f"{case:<26} {resolve:>8.0f}ns {baseline:>11.0f}ns {ratio:>6.2f}x"
        try:
            handwritten = median_ns(root, case, "handwritten_copy_and_encode")
            line += f"   (hand-written copy + encode {handwritten:.0f}ns: {resolve / handwritten:.2f}x)"
        except OSError:
            pass
        print(line)
    verdict = "within" if worst <= TARGET else "over"
    print(f"worst ratio {worst:.2f}x: {verdict} the {TARGET:.1f}x target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
