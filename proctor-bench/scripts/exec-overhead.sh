#!/usr/bin/env bash
# What `proctor exec` adds to one command (docs/PERFORMANCE.md): wall time of `true` run directly
# and through `bin/proctor exec -- true`, interleaved in one run, each call timed from start to
# exit with date +%s%N. Every proctor call starts a JVM, loads the default pack, decides, records
# four receipts durably in a fresh data directory's SQLite log (requested, allowed, executing,
# succeeded), runs the command and signs a checkpoint on close. For scale, a third series times
# `bin/proctor check` deciding the same call (a JVM, the pack, two receipts, no command run).
#
# Usage: proctor-bench/scripts/exec-overhead.sh [JAVA_HOME]   (after mvn -DskipTests package)
# Both proctor commands get --deadline 60s, so that a loaded machine slows them rather than
# turning them into fail-closed denials (which end the script).
# Environment: CALLS (30 measured calls of each, after WARMUP unmeasured ones; WARMUP 3).
# bin/proctor runs on $JAVA_HOME's java and maps the class-data archive made for that JDK
# (proctor-cli/target/proctor.jsa for the build's JDK; another JDK 19+ makes its own on first use,
# which the warm-up calls do).
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${1:-${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}}
CALLS=${CALLS:-30}
WARMUP=${WARMUP:-3}
DATA=$(mktemp -d /tmp/proctor-exec-bench.XXXXXX)
trap 'rm -rf "$DATA"' EXIT
export PROCTOR_HOME="$DATA/home"

"$JAVA_HOME/bin/java" -version 2>&1 | sed -n 1p
echo "machine: $(nproc) cores; 1-minute load average at start: $(cut -d' ' -f1 /proc/loadavg)"

# One timed run of a command, in milliseconds with three decimals, appended to a file.
timed() {
  local file=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>>"$DATA/stderr" || { echo "failed: $*" >&2; cat "$DATA/stderr" >&2; exit 1; }
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000 ))" >>"$file"
}

for _ in $(seq "$WARMUP"); do
  timed "$DATA/warm" bin/proctor exec --deadline 60s -- true
done
cat >"$DATA/request.json" <<JSON
{"tool":"Bash","arguments":{"command":"true"},"context":{"cwd":"$PWD"}}
JSON
for _ in $(seq "$CALLS"); do
  timed "$DATA/direct" true
  timed "$DATA/exec" bin/proctor exec --deadline 60s -- true
  timed "$DATA/check" bin/proctor check --deadline 60s --request "$DATA/request.json"
done

# p50, p90 and p99 (nearest rank) of a file of microseconds, printed in milliseconds.
pcts() {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    n = NR
    split("50 90 99", ps, " ")
    out = ""
    for (i = 1; i <= 3; i++) {
      r = int((ps[i] / 100) * n + 0.999999); if (r < 1) r = 1; if (r > n) r = n
      out = out sprintf("p%s %.1f ms  ", ps[i], v[r] / 1000)
    }
    print out "(n=" n ")"
  }'
}
echo "true directly:            $(pcts "$DATA/direct")"
echo "bin/proctor exec -- true: $(pcts "$DATA/exec")"
echo "bin/proctor check (scale): $(pcts "$DATA/check")"
paste "$DATA/direct" "$DATA/exec" | awk '{ print $2 - $1 }' >"$DATA/added"
echo "added per call:           $(pcts "$DATA/added")"
echo "1-minute load average at end: $(cut -d' ' -f1 /proc/loadavg)"
