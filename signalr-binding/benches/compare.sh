#!/usr/bin/env bash
# Compares the `resolve` benchmark of the working tree with that of another revision, the two
# builds run in turn, so that a change can be judged against the noise of a shared machine.
#
#   signalr-binding/benches/compare.sh BASE [ROUNDS] [CASE]
#
# BASE is any git revision (`main`, `HEAD~1`, a hash); ROUNDS (default 3) how many times each
# build runs, alternating; CASE one of the bench's groups (default user_and_id_token_claims).
# Each run is a short criterion run of that group's `resolve` and its baselines (3 s each after
# 1 s of warm-up) and prints the ratio of their medians to each baseline, as report.py does.
#
# Read the spread, not one figure: builds of the same code can differ by a few per cent (where
# the code lands in the binary), and the machine's load moves from run to run. A change is
# worth claiming when its runs sit apart from the base's, round after round.
set -euo pipefail

BASE=${1:?usage: compare.sh BASE [ROUNDS] [CASE]}
ROUNDS=${2:-3}
CASE=${3:-user_and_id_token_claims}

ROOT=$(git rev-parse --show-toplevel)
REPORT="$ROOT/signalr-binding/benches/report.py"
WORK=$(mktemp -d)
cleanup() {
    git -C "$ROOT" worktree remove --force "$WORK/base-tree" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

git -C "$ROOT" worktree add --detach --quiet "$WORK/base-tree" "$BASE"

# Builds the bench in DIR and copies its executable to DEST. Both trees share one target
# directory, so only the workspace's own crates are built twice.
build() {
    local dir=$1 dest=$2 executable
    executable=$(cd "$dir" && CARGO_TARGET_DIR="$ROOT/target" cargo bench -p signalr-binding \
        --bench resolve --no-run --message-format=json 2>/dev/null |
        python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "resolve":
        print(message["executable"])
')
    [[ -n $executable ]] || { echo "compare.sh: the bench did not build in $dir" >&2; exit 1; }
    cp "$executable" "$dest"
}

echo "== building $BASE and the working tree"
build "$WORK/base-tree" "$WORK/base"
build "$ROOT" "$WORK/tree"

echo "== $CASE: $ROUNDS rounds, each build in turn"
for round in $(seq "$ROUNDS"); do
    for build in base tree; do
        rm -rf "$WORK/criterion"
        CRITERION_HOME="$WORK/criterion" "$WORK/$build" \
            --bench "^$CASE/" \
            --measurement-time 3 --warm-up-time 1 >/dev/null 2>&1
        python3 "$REPORT" --case "$CASE" "$WORK/criterion" | grep "^$CASE " |
            sed "s/^/round $round  $(printf '%-5s' "$build") /"
    done
done
