#!/usr/bin/env python3
"""Prints resolve / baseline for every case and baseline from criterion's estimates.

Run after `cargo bench -p signalr-binding --bench resolve`:

    python3 signalr-binding/benches/report.py [--case CASE]... [CRITERION_DIR]

CRITERION_DIR defaults to `$CARGO_TARGET_DIR/criterion`, else `target/criterion`; `--case`
reports only the cases named (all three by default). Each figure is the ratio of the medians
measured in the same run; under 1.0 means resolving (headers, claims, token, JSON answer)
costs less than the baseline. Each case has one baseline that is its bar (marked `*`): the bare
`jsonwebtoken::encode` call, and for the id-token case `insecure_decode` of the id token plus
`encode`, the least a hand-written negotiate copying claims must do. The other baselines are
printed for reference. Exits non-zero when a case's figures are missing.
"""

import argparse
import json
import os
import sys

# Per case: its baselines, the bar first.
CASES = {
    "no_user": ["jsonwebtoken_encode"],
    "user_from_header": ["jsonwebtoken_encode"],
    "user_and_id_token_claims": [
        "insecure_decode_and_encode",
        "jsonwebtoken_encode",
        "handwritten_copy_and_encode",
    ],
}
TARGET = 1.0


def median_ns(root, group, function):
    path = os.path.join(root, group, function, "new", "estimates.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)["median"]["point_estimate"]


def main():
    parser = argparse.ArgumentParser(description="resolve / baseline per case")
    parser.add_argument("--case", action="append", choices=list(CASES), help="only this case")
    parser.add_argument("criterion_dir", nargs="?")
    args = parser.parse_args()
    root = args.criterion_dir or os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "criterion"
    )
    print(f"{'case':<26} {'baseline':<29} {'resolve':>10} {'baseline':>10} {'ratio':>7}")
    worst = 0.0
    for case in args.case or CASES:
        try:
            resolve = median_ns(root, case, "resolve")
        except OSError as error:
            print(f"{case}: no estimates ({error}); run the bench first", file=sys.stderr)
            return 2
        found = 0
        for i, function in enumerate(CASES[case]):
            bar = i == 0
            try:
                baseline = median_ns(root, case, function)
            except OSError:
                # A build of an older revision may not have every baseline.
                print(f"{case}: no estimates for {function}", file=sys.stderr)
                continue
            found += 1
            ratio = resolve / baseline
            if bar:
                worst = max(worst, ratio)
            mark = "*" if bar else " "
            print(
                f"{case:<26} {function + mark:<29} {resolve:>8.0f}ns {baseline:>8.0f}ns {ratio:>6.2f}x"
            )
        if not found:
            print(f"{case}: no baseline estimates; run the bench first", file=sys.stderr)
            return 2
    verdict = "within" if worst <= TARGET else "over"
    print(f"worst ratio to a bar (*) {worst:.2f}x: {verdict} the {TARGET:.1f}x target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
