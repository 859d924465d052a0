#!/usr/bin/env bash
# Wall time a hello-world JVM takes with and without the Tollgate agent, measured alternately in one run.
#   benchmarks/startup.sh [runs]        (default 20 runs of each; prints the median and the difference)
# Needs the agent jar: mvn -B -q package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
java=${JAVA:-java}
agent=$PWD/agent/target/tollgate-agent.jar
[ -f "$agent" ] || { echo "build the agent first: mvn -B -q package -DskipTests" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/classes"
cat > "$work/src/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
javac -d "$work/classes" "$work/src/Hello.java"
cat > "$work/tollgate.yml" <<YAML
local:
  dir: $work/ledger
features:
  export: { mode: credits }
YAML

now() { date +%s%N; }
measure() { # label, then the command; appends one wall time in ms per call
  local label=$1; shift
  local t0 t1
  t0=$(now); "$@" > /dev/null 2>&1; t1=$(now)
  echo "$label $(( (t1 - t0) / 1000000 ))" >> "$work/times"
}
for _ in $(seq 3); do  # warm the file cache
  "$java" -cp "$work/classes" Hello > /dev/null
  "$java" -javaagent:"$agent"="$work/tollgate.yml" -cp "$work/classes" Hello > /dev/null 2>&1
done
for _ in $(seq "$runs"); do
  measure none "$java" -cp "$work/classes" Hello
  measure tollgate "$java" -javaagent:"$agent"="$work/tollgate.yml" -cp "$work/classes" Hello
done
"$java" -version 2>&1 | head -n 1
echo "runs: $runs each, alternating; wall time of the whole process in ms"
for label in none tollgate; do
  sort -n <(awk -v l="$label" '$1 == l { print $2 }' "$work/times") | awk -v l="$label" '
    { v[NR] = $1 } END { printf "%-9s median %4d  min %4d  max %4d\n", l, v[int((NR + 1) / 2)], v[1], v[NR] }'
done
