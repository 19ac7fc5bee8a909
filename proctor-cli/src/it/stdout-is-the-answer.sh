#!/usr/bin/env sh
# bin/proctor on every JDK 17+ this machine has: a hook's standard output is its answer and nothing
# else (the JVM's own log lines, such as a stale class-data archive warning, go to standard error),
# also on the run that makes a JDK's class-data archive and on the first one after the jar changed.
# The build runs this in the verify phase.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
payload='{"session_id":"s","transcript_path":"/t","cwd":"/work/p","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"it"}'
checked=0
for java in /usr/lib/jvm/*/bin/java; do
  [ -x "$java" ] || continue
  jdk=$(dirname "$(dirname "$java")")
  for run in 1 2; do
    out=$(printf '%s' "$payload" | JAVA_HOME="$jdk" PROCTOR_HOME="$home" "$here/../bin/proctor" \
      hook claude-code --deadline 60s 2>/dev/null) || { echo "bin/proctor failed on $jdk" >&2; exit 1; }
    case "$out" in
      '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"'*) ;;
      *) echo "bin/proctor on $jdk (run $run) printed more than the answer: $out" >&2; exit 1 ;;
    esac
    payload=$(printf '%s' "$payload" | sed "s/\"tool_use_id\":\"[^\"]*\"/\"tool_use_id\":\"it-$checked-$run\"/")
  done
  checked=$((checked + 1))
done
if [ "$checked" -eq 0 ]; then
  out=$(printf '%s' "$payload" | PROCTOR_HOME="$home" "$here/../bin/proctor" hook claude-code \
    --deadline 60s 2>/dev/null)
  case "$out" in
    '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"'*) checked=1 ;;
    *) echo "bin/proctor printed more than the answer: $out" >&2; exit 1 ;;
  esac
fi
echo "bin/proctor: standard output is the answer on $checked JDK(s)"
