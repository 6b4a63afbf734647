#!/usr/bin/env bash
# The HTTP benchmark: bench-server's negotiate endpoint (the handler of examples/negotiate.rs)
# against a trivial route on the same server and against two Node.js peers, with wrk on
# loopback. A manual measurement: not in CI, not in `cargo test`.
#
#   benches/http/run.sh            # from anywhere in the repository
#
# Targets, all answering `POST` with `x-ms-client-principal-id: user-1` (benches/http/post.lua):
#   axum-trivial       bench-server's `/api/ping` (same server, same layers, no binding)
#   axum-negotiate     bench-server's `/api/negotiate` (#[signalr_connection_info])
#   node-hmac          node-hmac.js: `http` module, token built by hand, one createHmac per request
#   node-jsonwebtoken  node-jsonwebtoken.js: `http` module, `jwt.sign` per request
#   (both peers share peer.js: connection string parsed once, route, header, JSON answer)
#
# Every server runs pinned to the same one core (SERVER_CPU) and wrk to another (WRK_CPU), so each
# server gets exactly one core (tokio sizes its worker pool from the affinity mask: one worker)
# and wrk does not compete with it. The targets are measured one after the other in each round,
# the order rotating between rounds; the figures are medians over the rounds, and each ratio is
# the median of the per-round ratios (two targets of one round ran seconds apart).
#
# Each run also reports how busy wrk itself was (its CPU time over the run): when it is near
# THREADS whole cores, the rates are partly wrk's limit, and the summary says so.
#
# Settings (environment): ROUNDS (3), DURATION (10s), CONNECTIONS (64), THREADS (1),
# WARMUP (3s), SERVER_CPU (0), WRK_CPU (1; a taskset list such as 1-3 with THREADS=3 on a larger
# machine), PORT_BASE (17171: uses PORT_BASE..PORT_BASE+2), PIN (1; 0 runs unpinned).
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
WARMUP=${WARMUP:-3s}
SERVER_CPU=${SERVER_CPU:-0}
WRK_CPU=${WRK_CPU:-1}
PORT_BASE=${PORT_BASE:-17171}
PIN=${PIN:-1}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
USER_ID=user-1
# The local emulator's connection string (signalr_binding::EMULATOR_CONNECTION_STRING), given
# to every server explicitly so that all three sign with the same key for the same audience.
ACCESS_KEY=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH
CONNECTION_STRING="Endpoint=http://localhost;Port=8888;AccessKey=$ACCESS_KEY;Version=1.0;"
CLIENT_URL='http://localhost:8888/client/?hub=chat'
AUDIENCE='http://localhost/client/?hub=chat'

die() { echo "run.sh: $*" >&2; exit 1; }

command -v wrk >/dev/null || die "wrk is not installed: apt-get install wrk (Debian/Ubuntu), then run again"
command -v node >/dev/null || die "node is not installed: Node.js 18 or newer is needed for the peers"
command -v npm >/dev/null || die "npm is not installed"
command -v curl >/dev/null || die "curl is not installed"
command -v python3 >/dev/null || die "python3 is not installed (it computes the medians)"
if [[ $PIN == 1 ]]; then
    command -v taskset >/dev/null || die "taskset is not installed (util-linux); or run with PIN=0"
    (( $(nproc) >= 2 )) || die "pinning needs 2 cores; run with PIN=0"
    SERVER_PIN=(taskset -c "$SERVER_CPU")
    WRK_PIN=(taskset -c "$WRK_CPU")
else
    SERVER_PIN=()
    WRK_PIN=()
fi

echo "== building bench-server (release)"
(cd "$ROOT" && cargo build --release --bin bench-server)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
SERVER="$TARGET_DIR/release/bench-server"
[[ -x $SERVER ]] || die "no binary at $SERVER"

if [[ ! -f $HERE/node_modules/jsonwebtoken/package.json \
      || $HERE/package-lock.json -nt $HERE/node_modules/.package-lock.json ]]; then
    echo "== npm ci (benches/http)"
    (cd "$HERE" && npm ci --no-audit --no-fund)
fi

PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOGS=$(mktemp -d)
# start NAME PORT COMMAND...: starts a server pinned to SERVER_CPU, waits for it to answer.
start() {
    local name=$1 port=$2
    shift 2
    env -u SIGNALR_CORS_ORIGINS AzureSignalRConnectionString="$CONNECTION_STRING" RUST_LOG=warn \
        "${SERVER_PIN[@]}" "$@" >"$LOGS/$name.log" 2>&1 &
    PIDS+=($!)
    local pid=$! tries=0
    until curl -s -o /dev/null "http://127.0.0.1:$port/"; do
        kill -0 "$pid" 2>/dev/null || { cat "$LOGS/$name.log" >&2; die "$name exited"; }
        (( ++tries < 100 )) || die "$name does not answer on port $port"
        sleep 0.1
    done
    echo "$name: pid $pid on 127.0.0.1:$port"
}

AXUM_PORT=$PORT_BASE
HMAC_PORT=$((PORT_BASE + 1))
JWT_PORT=$((PORT_BASE + 2))
echo "== starting the servers"
start axum "$AXUM_PORT" "$SERVER" --port "$AXUM_PORT"
start node-hmac "$HMAC_PORT" node "$HERE/node-hmac.js" --port "$HMAC_PORT"
start node-jsonwebtoken "$JWT_PORT" node "$HERE/node-jsonwebtoken.js" --port "$JWT_PORT"

NAMES=(axum-trivial axum-negotiate node-hmac node-jsonwebtoken)
declare -A URLS=(
    [axum-trivial]="http://127.0.0.1:$AXUM_PORT/api/ping"
    [axum-negotiate]="http://127.0.0.1:$AXUM_PORT/api/negotiate"
    [node-hmac]="http://127.0.0.1:$HMAC_PORT/api/negotiate"
    [node-jsonwebtoken]="http://127.0.0.1:$JWT_PORT/api/negotiate"
)

echo "== checking the answers"
for name in axum-negotiate node-hmac node-jsonwebtoken; do
    curl -sf -X POST -H "x-ms-client-principal-id: $USER_ID" "${URLS[$name]}?negotiateVersion=1" \
        | node "$HERE/verify.js" "$name" "$CLIENT_URL" "$AUDIENCE" "$ACCESS_KEY" "$USER_ID"
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "${URLS[$name]}")
    [[ $status == 400 ]] || die "$name: without the user-id header the status is $status, not 400"
done
body=$(curl -sf -X POST "${URLS[axum-trivial]}")
[[ $body == pong ]] || die "axum-trivial answered '$body'"
echo "axum-trivial: answers pong"

# measure NAME DURATION: runs wrk, prints requests/s and how busy wrk itself was (its CPU time
# over the run, in per cent of one core); fails on errors or non-2xx answers.
measure() {
    local name=$1 duration=$2 out cpu TIMEFORMAT='%P'
    cpu=$({ time "${WRK_PIN[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" \
        -s "$HERE/post.lua" "${URLS[$name]}" >"$LOGS/wrk.out" 2>&1; } 2>&1)
    out=$(<"$LOGS/wrk.out")
    if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
        echo "$out" >&2
        die "$name: errors during the run"
    fi
    echo "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out") $cpu"
}

echo "== warming up ($WARMUP each)"
for name in "${NAMES[@]}"; do
    measure "$name" "$WARMUP" >/dev/null
done

RESULTS="$LOGS/results.tsv"
: >"$RESULTS"
echo "== measuring: $ROUNDS rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION per target"
for ((round = 1; round <= ROUNDS; round++)); do
    # Rotate the order so no target always runs first (or right after the same neighbour).
    for ((i = 0; i < ${#NAMES[@]}; i++)); do
        name=${NAMES[$(((i + round - 1) % ${#NAMES[@]}))]}
        # Assigned first, so that a failed run (measure exits) stops the script with its status.
        result=$(measure "$name" "$DURATION")
        read -r rps wrk_cpu <<<"$result"
        printf '%s\t%s\t%s\t%s\n' "$round" "$name" "$rps" "$wrk_cpu" >>"$RESULTS"
        printf 'round %d  %-18s %10.0f req/s  (wrk %3.0f%% busy)\n' "$round" "$name" "$rps" "$wrk_cpu"
    done
done

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "== machine"
echo "nproc $(nproc); CPU: ${cpu_model:-unknown}; kernel $(uname -r)"
echo "$(rustc --version); node $(node --version); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
if [[ $PIN == 1 ]]; then
    echo "pinning: every server on CPU $SERVER_CPU (one core each: tokio runs 1 worker thread," \
        "Node its one event loop), wrk on CPU $WRK_CPU"
else
    echo "pinning: none (PIN=0): servers and wrk share all $(nproc) cores"
fi
echo "servers: bench-server with RUST_LOG=warn (no per-request log line), Node peers log nothing"
echo

python3 - "$RESULTS" "$THREADS" <<'PY'
import statistics, sys
from collections import defaultdict

rows = [line.split("\t") for line in open(sys.argv[1]) if line.strip()]
threads = int(sys.argv[2])
by_round = defaultdict(dict)
wrk_busy = defaultdict(list)
for rnd, name, rps, cpu in rows:
    by_round[int(rnd)][name] = float(rps)
    wrk_busy[name].append(float(cpu))
names = ["axum-trivial", "axum-negotiate", "node-hmac", "node-jsonwebtoken"]
print("req/s (median over rounds; the rounds in brackets), and how busy wrk was")
for name in names:
    values = [by_round[r][name] for r in sorted(by_round)]
    listed = ", ".join(f"{v:.0f}" for v in values)
    busy = statistics.median(wrk_busy[name])
    print(f"  {name:<18} {statistics.median(values):>9.0f}   [{listed}]  wrk {busy:.0f}% busy")
print()
print("ratios (median of the per-round ratios; each round's in brackets)")
ratios = [
    ("axum negotiate / axum trivial", "axum-negotiate", "axum-trivial", 0.80),
    ("axum negotiate / node-hmac", "axum-negotiate", "node-hmac", 3.0),
    ("axum negotiate / node-jsonwebtoken", "axum-negotiate", "node-jsonwebtoken", None),
]
for label, top, bottom, target in ratios:
    values = [by_round[r][top] / by_round[r][bottom] for r in sorted(by_round)]
    median = statistics.median(values)
    listed = ", ".join(f"{v:.2f}" for v in values)
    verdict = ""
    if target is not None:
        verdict = f"  target >= {target:.2f}: {'met' if median >= target else 'MISSED'}"
    print(f"  {label:<36} {median:>5.2f}x  [{listed}]{verdict}")
# wrk with THREADS threads can use THREADS cores; near that, the rate is partly wrk's limit.
saturated = [n for n in names if statistics.median(wrk_busy[n]) >= 85 * threads]
if saturated:
    print()
    print(f"note: wrk was at least 85% busy against {', '.join(saturated)}: those rates are partly")
    print("wrk's own limit, so ratios against them understate the faster server; on a machine with")
    print("more cores, give wrk its own (WRK_CPU, THREADS).")
PY
