#!/usr/bin/env bash
# The hot path of a class woven at build time beside the same class under -javaagent: CallCostBenchmark's
# yardsticks and tollgate_* benchmarks, once under the agent and once with Product woven by the agent's own
# `weave` command and tollgate-agent.jar on the class path (no -javaagent). Prints a Markdown report.
#
#   benchmarks/woven.sh            (1 fork, 2 x 1 s warm-up, 3 x 1 s measurement, 1 thread: a short run)
#   OPTS="-f 2 -wi 4 -i 5" benchmarks/woven.sh
#
# Needs the jars: mvn -B -q package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
java=${JAVA:-java}
agent=agent/target/tollgate-agent.jar
jar=benchmarks/target/benchmarks.jar
for f in "$agent" "$jar"; do
  [ -f "$f" ] || { echo "missing $f; build first: mvn -B -q package -DskipTests" >&2; exit 2; }
done
read -r -a opts <<< "${OPTS:--f 1 -wi 2 -w 1s -i 3 -r 1s}"
include='CallCostBenchmark.(baseline_.*|tollgate_.*)'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Product, woven as the Maven plugin would weave it (the same weaver: `weave` of the agent jar).
mkdir -p "$work/woven"
(cd "$work/woven" && unzip -q "$OLDPWD/$jar" 'dev/tollgate/benchmarks/Product.class')
"$java" -jar "$agent" weave "$work/woven" "$jar" >&2

agent_cmd=("$java" -jar "$jar" "$include" "${opts[@]}" -t 1)
woven_cmd=("$java" -cp "$work/woven:$jar:$agent" dev.tollgate.benchmarks.RunBenchmarks --woven "$include" "${opts[@]}" -t 1)
"${agent_cmd[@]}" > "$work/agent.txt" 2>&1 || { cat "$work/agent.txt" >&2; exit 1; }
"${woven_cmd[@]}" > "$work/woven.txt" 2>&1 || { cat "$work/woven.txt" >&2; exit 1; }

echo "# A metered call woven at build time beside the same call under -javaagent (short run)"
echo
echo "Date: $(date -u +%FT%TZ). Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); shared with other builds."
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- . || commit="$commit (with uncommitted changes)"
echo "JDK: $("$java" -version 2>&1 | sed -n 2p). Commit: $commit."
echo
echo "Made by \`benchmarks/woven.sh\`, which ran, from the repository root:"
echo
echo "    ${agent_cmd[*]}"
echo "    $java -jar $agent weave <tmp>/woven $jar     # Product.class from the jar"
echo "    ${woven_cmd[*]//$work/<tmp>}"
echo
echo "A short run (one fork, three 1 s iterations) on a 2-core machine shared with other builds: read the"
echo "ratios within one table and the error column, not the absolute numbers."
echo
echo "## Under -javaagent"
echo
echo '```'
sed -n '/^Benchmark /,$p' "$work/agent.txt"
echo '```'
echo
echo "## Woven, tollgate-agent.jar on the class path, no -javaagent"
echo
echo '```'
sed -n '/^Benchmark /,$p' "$work/woven.txt"
echo '```'
