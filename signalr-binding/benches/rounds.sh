#!/usr/bin/env bash
# Measures one case of the `resolve` benchmark in many short rounds and prints the median of
# the rounds' ratios, so that a ratio can be read on a shared machine whose load moves.
#
#   signalr-binding/benches/rounds.sh CASE [ROUNDS] [FEATURES]
#
# CASE is one of report.py's cases (`identity`, `endpoints`, `no_user`, ...); ROUNDS (default
# 15) how many times the case runs; FEATURES the cargo features of the build (`identity` for
# that case, the default when CASE is `identity`). Each round is a short criterion run of the
# case's functions (1 s each after 0.3 s of warm-up, one after the other), so the functions of a
# round see nearly the same load: the ratio of one round is noisy, the median of many is not.
# Prints every round's ratio to the bar, then the median and the quartiles.
set -euo pipefail

CASE=${1:?usage: rounds.sh CASE [ROUNDS] [FEATURES]}
ROUNDS=${2:-15}
FEATURES=${3:-$([[ $CASE == identity ]] && echo identity || true)}

ROOT=$(git rev-parse --show-toplevel)
REPORT="$ROOT/signalr-binding/benches/report.py"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

executable=$(cd "$ROOT" && cargo bench -p signalr-binding --bench resolve \
    --features "$FEATURES" --no-run --message-format=json 2>/dev/null |
    python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "resolve":
        print(message["executable"])
')
[[ -n $executable ]] || { echo "rounds.sh: the bench did not build" >&2; exit 1; }

echo "== $CASE: $ROUNDS rounds of $executable"
for round in $(seq "$ROUNDS"); do
    rm -rf "$WORK/criterion"
    CRITERION_HOME="$WORK/criterion" "$executable" --bench "^$CASE/" \
        --measurement-time 1 --warm-up-time 0.3 >/dev/null 2>&1
    python3 "$REPORT" --case "$CASE" "$WORK/criterion" | grep "^$CASE " | tee -a "$WORK/ratios" |
        sed "s/^/round $round  /"
done
python3 - "$WORK/ratios" <<'EOF'
import statistics, sys
ratios = sorted(float(line.split()[-1].rstrip("x")) for line in open(sys.argv[1]))
q1, median, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
print(f"median {median:.3f}x  quartiles {q1:.3f}x .. {q3:.3f}x  over {len(ratios)} rounds")
EOF
