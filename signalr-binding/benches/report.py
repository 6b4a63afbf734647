#!/usr/bin/env python3
"""Prints, per case, the ratio of the measured function to its baselines from criterion's estimates.

Run after `cargo bench -p signalr-binding --bench resolve [--features identity]`:

    python3 signalr-binding/benches/report.py [--case CASE]... [CRITERION_DIR]

CRITERION_DIR defaults to `$CARGO_TARGET_DIR/criterion`, else `target/criterion`; `--case`
reports only the cases named (by default the three resolve cases, `endpoints` and
`endpoints_env`, and `identity` when its figures exist). Each figure is the ratio of the
medians measured in the same run. Each case has one baseline that is its bar (marked `*`) and
a target for that ratio: `resolve` at most 1.0x of the bare `jsonwebtoken::encode` call (in
the id-token case, of `insecure_decode` of the id token plus `encode`, the least a
hand-written negotiate copying claims must do); three endpoints (`several`) at most 1.10x of
one (`one`), with the settings in a `BindingContext` map (`endpoints`) or in the environment
(`endpoints_env`); a key fetched with an Entra identity (`identity`) at most 1.05x of an
access key (`access_key`). The other baselines are printed for reference. Exits non-zero when
a case's figures are missing.
"""

import argparse
import json
import os
import sys

# Per case (a criterion group): the function measured, its baselines (the bar first), and the
# target for its ratio to the bar.
CASES = {
    "no_user": ("resolve", ["jsonwebtoken_encode"], 1.0),
    "user_from_header": ("resolve", ["jsonwebtoken_encode"], 1.0),
    "user_and_id_token_claims": (
        "resolve",
        [
            "insecure_decode_and_encode",
            "jsonwebtoken_encode",
            "handwritten_copy_and_encode",
        ],
        1.0,
    ),
    # Three endpoints against one connection string.
    "endpoints": ("several", ["one"], 1.10),
    # The same, the settings in the process environment.
    "endpoints_env": ("several", ["one"], 1.10),
    # A key fetched with an Entra identity against an access key (feature `identity`).
    "identity": ("identity", ["access_key"], 1.05),
}
# Reported when no case is named; `identity` too when its figures exist.
DEFAULT_CASES = [
    "no_user",
    "user_from_header",
    "user_and_id_token_claims",
    "endpoints",
    "endpoints_env",
]


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
    cases = args.case or DEFAULT_CASES + [
        c for c in ["identity"] if os.path.isdir(os.path.join(root, c))
    ]
    print(f"{'case':<26} {'baseline':<29} {'measured':>10} {'baseline':>10} {'ratio':>7}")
    over = []
    for case in cases:
        measured_fn, baselines, target = CASES[case]
        try:
            measured = median_ns(root, case, measured_fn)
        except OSError as error:
            print(f"{case}: no estimates ({error}); run the bench first", file=sys.stderr)
            return 2
        found = 0
        for i, function in enumerate(baselines):
            bar = i == 0
            try:
                baseline = median_ns(root, case, function)
            except OSError:
                # A build of an older revision may not have every baseline.
                print(f"{case}: no estimates for {function}", file=sys.stderr)
                continue
            found += 1
            ratio = measured / baseline
            if bar and ratio > target:
                over.append(f"{case} {ratio:.2f}x > {target:.2f}x")
            mark = "*" if bar else " "
            print(
                f"{case:<26} {function + mark:<29} {measured:>8.0f}ns {baseline:>8.0f}ns {ratio:>6.2f}x"
            )
        if not found:
            print(f"{case}: no baseline estimates; run the bench first", file=sys.stderr)
            return 2
    if over:
        print("over the target of a bar (*): " + ", ".join(over))
    else:
        print("every ratio to a bar (*) within its target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
