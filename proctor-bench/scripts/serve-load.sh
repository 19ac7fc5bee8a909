#!/usr/bin/env bash
# Load figures for `proctor serve` (docs/PERFORMANCE.md): start-up to ready, resident memory idle
# and under load in a 256 MiB heap, HTTP decide p99 at a fixed rate, maximum sustained throughput,
# decisions per server CPU-second, Claude Code hook round trip, and the thin client per call.
# The server and the load generator are separate processes on this machine (loopback only).
#
# Usage: proctor-bench/scripts/serve-load.sh [JAVA_HOME]   (after mvn -DskipTests package)
# Environment: RATE (2000), SECONDS (30), MAX_SECONDS (20), CONNECTIONS (16), THIN_CALLS (200).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=${1:-${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}}
JAVA="$JAVA_HOME/bin/java"
RATE=${RATE:-2000}
SECS=${SECONDS_RUN:-30}
MAX_SECS=${MAX_SECONDS:-20}
CONNS=${CONNECTIONS:-16}
THIN_CALLS=${THIN_CALLS:-200}
JAR=proctor-cli/target/proctor.jar
BENCH=proctor-bench/target/benchmarks.jar
DATA=$(mktemp -d /tmp/proctor-load.XXXXXX)
OUT="$DATA/server.out"
TICKS=$(getconf CLK_TCK)

"$JAVA" -version 2>&1 | sed -n 1p
echo "machine: $(nproc) cores, $(uname -r); shared with other developers' builds"

start_ns=$(date +%s%N)
"$JAVA" -Xms256m -Xmx256m -XX:+UseG1GC -jar "$JAR" serve --data-dir "$DATA" --listen 127.0.0.1:0 >"$OUT" 2>"$DATA/server.err" &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
until grep -q 'listening on' "$OUT" 2>/dev/null; do sleep 0.01; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\) .*/\1/p' "$OUT")
until curl -fs "$URL/readyz" >/dev/null 2>&1; do sleep 0.01; done
ready_ns=$(date +%s%N)
echo "start-up to ready: $(( (ready_ns - start_ns) / 1000000 )) ms"

KEY=$("$JAVA" -jar "$JAR" agents add bench --data-dir "$DATA" 2>/dev/null)
cat >"$DATA/decide.json" <<'JSON'
{"tool":"Read","arguments":{"file_path":"/work/project/src/Main.java"},"context":{"cwd":"/work/project"}}
JSON
cat >"$DATA/hook.json" <<'JSON'
{"hook_event_name":"PreToolUse","session_id":"bench","cwd":"/work/project","tool_name":"Read","tool_input":{"file_path":"/work/project/src/Main.java"},"permission_mode":"default"}
JSON
sleep 2
echo "resident memory idle: $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$PID/status)"

load() { "$JAVA" -Xmx256m -cp "$BENCH" dev.proctor.bench.LoadClient --key "$KEY" "$@"; }
cpu() { awk -v t="$TICKS" '{print ($14 + $15) / t}' /proc/$PID/stat; }
# CPU of the JIT compiler threads alone: on 2 cores it keeps compiling for minutes.
jit() {
  for f in /proc/$PID/task/*/stat; do cat "$f" 2>/dev/null; echo; done \
    | awk -v t="$TICKS" '/\((C1|C2) CompilerThre\)/ {sub(/^.*\) /, ""); s += $12 + $13} END {print s / t}'
}
WARMUP=${WARMUP_SECONDS:-60}
echo "== warm-up: ${WARMUP} s of decisions and hooks at ${RATE}/s"
load --url "$URL/v1/decide" --body "$DATA/decide.json" --rate "$RATE" --seconds "$WARMUP" --warmup-seconds 0 --connections 8 >/dev/null
load --url "$URL/v1/hooks/claude-code" --body "$DATA/hook.json" --rate 500 --seconds 10 --warmup-seconds 0 --connections 2 >/dev/null

echo "== decide at ${RATE}/s for ${SECS} s, 8 connections"
c0=$(cpu); j0=$(jit)
line=$(load --url "$URL/v1/decide" --body "$DATA/decide.json" --rate "$RATE" --seconds "$SECS" --warmup-seconds 0 --connections 8 --expect allow)
c1=$(cpu); j1=$(jit)
echo "$line"
n=$(echo "$line" | sed -n 's/^requests \([0-9]*\) .*/\1/p')
awk -v n="$n" -v a="$c0" -v b="$c1" -v ja="$j0" -v jb="$j1" 'BEGIN {printf "at this rate: server CPU %.1f s (JIT compiler %.1f s) for %d decisions = %.0f decisions per server CPU-second (%.0f without the JIT)\n", b - a, jb - ja, n, n / (b - a), n / (b - a - (jb - ja))}'

echo "== decide, maximum throughput, $CONNS connections, ${MAX_SECS} s"
c0=$(cpu); j0=$(jit)
line=$(load --url "$URL/v1/decide" --body "$DATA/decide.json" --rate 0 --seconds "$MAX_SECS" --warmup-seconds 0 --connections "$CONNS" --expect allow)
c1=$(cpu); j1=$(jit)
echo "$line"
rss_load=$(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$PID/status)
n=$(echo "$line" | sed -n 's/^requests \([0-9]*\) .*/\1/p')
awk -v n="$n" -v a="$c0" -v b="$c1" -v ja="$j0" -v jb="$j1" 'BEGIN {printf "server CPU %.1f s (JIT compiler %.1f s) for %d decisions = %.0f decisions per server CPU-second (%.0f without the JIT)\n", b - a, jb - ja, n, n / (b - a), n / (b - a - (jb - ja))}'
echo "resident memory under load: $rss_load"

echo "== Claude Code hook round trip (PreToolUse allow), 100/s, 1 connection, ${SECS} s"
load --url "$URL/v1/hooks/claude-code" --body "$DATA/hook.json" --rate 100 --seconds "$SECS" --connections 1 --expect allow

echo "== thin client bin/proctor-hook claude-code, ${THIN_CALLS} calls, one process each"
PROCTOR_URL="$URL" PROCTOR_API_KEY="$KEY" "$JAVA" -cp "$BENCH" dev.proctor.bench.HookWallTime "$THIN_CALLS" -- sh bin/proctor-hook claude-code

echo "receipts written: $(curl -s "$URL/metrics" | awk '/^proctor_receipts_total/ {print $2}')"
kill $PID; wait $PID 2>/dev/null || true
trap - EXIT
"$JAVA" -jar "$JAR" audit verify --data-dir "$DATA" | cut -c1-100
rm -rf "$DATA"
