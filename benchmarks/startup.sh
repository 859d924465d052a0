#!/usr/bin/env bash
# What a Java agent adds to the start of an application: wall time and peak memory of the whole
# process, for three applications, each without an agent and with four agents, alternated in one run.
#
#   benchmarks/startup.sh [runs]            (default 15 runs of each pair; prints a Markdown report)
#   APPS="hello sample" AGENTS="none tollgate" benchmarks/startup.sh 5     (a subset, for quick looks)
#   TOLLGATE_JAR=/tmp/new.jar benchmarks/startup.sh            (another build of the agent as 'tollgate')
#   TOLLGATE_OLD_JAR=/tmp/old.jar AGENTS="none tollgate-old tollgate" benchmarks/startup.sh   (two builds side by side)
#
# Applications:
#   hello   a hello-world class: no metered class at all
#   sample  the sample app (sample-app/target/sample-app.jar) running its demo: 4 exports, 3 charts, metered
#   gjf     google-java-format 1.28.0 (all-deps jar from Maven Central) formatting one source file:
#           a real third-party CLI that loads ~2,800 classes of javac and Guava, none of them metered
# Agents:
#   none      no -javaagent
#   noop      an agent whose premain does nothing: what the JVM charges for any agent
#   tollgate  agent/target/tollgate-agent.jar with a config of two features (the sample's)
#   tollgate-old  the same with $TOLLGATE_OLD_JAR, another build (only when named in AGENTS)
#   bytebuddy a plain Byte Buddy AgentBuilder with one advice on @Metered methods (MinimalAgent)
#   otel      the OpenTelemetry Java agent, exporters off
#   woven     no agent: the sample app's classes woven at build time (by the agent jar's `weave` command, as the
#             Maven plugin does) with tollgate-agent.jar on the class path; only for APPS=sample, e.g.
#             APPS=sample AGENTS="none tollgate woven" benchmarks/startup.sh 10
#
# Wall time: date +%s%N around the process. Peak memory: the maximum resident set size that GNU time
# (/usr/bin/time -f %M) reports for the process; it counts what the JVM really touched (heap, metaspace,
# code, the mapped jars' pages read), not what it reserved. Each run's order of agents is rotated so
# that drift on a shared machine spreads over all of them; medians are compared with the no-agent median
# of the same run.
#
# Needs: mvn -B -q package -DskipTests (the agent, the sample app, benchmarks/target/*-agent.jar);
# GNU time (apt-get install -y time). The OpenTelemetry and google-java-format jars are copied from
# Maven Central on first use (mvn -pl benchmarks dependency:copy@startup-jars).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=${1:-15}
java=${JAVA:-java}
apps=${APPS:-hello sample gjf}
agents=${AGENTS:-none noop tollgate bytebuddy otel}

need() { [ -f "$1" ] || { echo "missing $1: build first with 'mvn -B -q package -DskipTests'" >&2; exit 2; }; }
tollgate=${TOLLGATE_JAR:-$repo/agent/target/tollgate-agent.jar}; need "$tollgate"
minimal=$repo/benchmarks/target/minimal-agent.jar; need "$minimal"
noop=$repo/benchmarks/target/noop-agent.jar; need "$noop"
sample=$repo/sample-app/target/sample-app.jar; need "$sample"
jars=$repo/benchmarks/target/startup-jars
if [ ! -f "$jars/opentelemetry-javaagent.jar" ] || [ ! -f "$jars/google-java-format-all-deps.jar" ]; then
  mvn -B -q -pl benchmarks dependency:copy@startup-jars >&2
fi
otel=$jars/opentelemetry-javaagent.jar
gjf=$jars/google-java-format-all-deps.jar
if ! /usr/bin/time -f %M -o /dev/null true 2> /dev/null; then
  echo "GNU time is needed for peak memory: apt-get install -y time" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/classes" "$work/sample"
cat > "$work/src/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
"${JAVAC:-${java%java}javac}" -d "$work/classes" "$work/src/Hello.java"
cat > "$work/tollgate.yml" <<YAML
local:
  dir: $work/ledger
  credits:
    export: 3
features:
  export: { mode: credits }
  render: { mode: usage, bound: 4 }
YAML
source_file=$repo/agent/src/main/java/dev/tollgate/agent/config/ConfigLoader.java

agent_options() {
  case $1 in
    none) ;;
    noop) echo "-javaagent:$noop" ;;
    # Each run starts a fresh ledger, so also a fresh witness (kept under the home): the agent would report the
    # deleted ledger otherwise. The home persists, with the bootstrap jar the agent keeps there.
    tollgate) echo "-Duser.home=$work/home -javaagent:$tollgate=$work/tollgate.yml" ;;
    tollgate-old) echo "-Duser.home=$work/home -javaagent:${TOLLGATE_OLD_JAR:?set TOLLGATE_OLD_JAR to another tollgate-agent.jar}=$work/tollgate.yml" ;;
    bytebuddy) echo "-javaagent:$minimal" ;;
    woven) echo "-Dtollgate.config=$work/tollgate.yml" ;;
    otel) echo "-javaagent:$otel -Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none -Dotel.javaagent.logging=none" ;;
    *) echo "unknown agent $1" >&2; exit 2 ;;
  esac
}
app_arguments() { # app, agent
  if [ "$2" = woven ]; then
    [ "$1" = sample ] || { echo "the woven agent is for APPS=sample only" >&2; exit 2; }
    echo "-cp $work/sample-woven:$tollgate com.acme.reports.ReportTool"
    return
  fi
  case $1 in
    hello) echo "-cp $work/classes Hello" ;;
    sample) echo "-jar $sample" ;;
    gjf) echo "-jar $gjf $source_file" ;;
    *) echo "unknown app $1" >&2; exit 2 ;;
  esac
}

# One process; appends "app agent wall_ms rss_kb" to $work/times (or nothing, when warming up).
run() {
  local app=$1 agent=$2 record=$3 t0 t1
  rm -rf "$work/ledger" "$work/home/.tollgate/witness" "$work/sample/target"
  # shellcheck disable=SC2046
  t0=$(date +%s%N)
  (cd "$work/sample" && /usr/bin/time -f %M -o "$work/rss" "$java" $(agent_options "$agent") $(app_arguments "$app" "$agent") \
      > "$work/out" 2> "$work/err") || {
    echo "$app with $agent failed:" >&2; cat "$work/err" >&2; exit 1; }
  t1=$(date +%s%N)
  if [ "$record" = 1 ]; then
    echo "$app $agent $(( (t1 - t0) / 1000000 )) $(tail -n 1 "$work/rss")" >> "$work/times"
  fi
}

if [[ " $agents " == *" woven "* ]]; then   # the sample app's jar, its @Metered methods woven
  mkdir -p "$work/sample-woven"
  (cd "$work/sample-woven" && unzip -q "$sample")
  "$java" -jar "$tollgate" weave "$work/sample-woven" >&2
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for app in $apps; do for agent in $agents; do run "$app" "$agent" 0; done; done   # warm the file cache
read -r -a order <<< "$agents"
for i in $(seq "$runs"); do
  for app in $apps; do
    n=${#order[@]}
    for k in $(seq 0 $((n - 1))); do run "$app" "${order[$(( (k + i) % n ))]}" 1; done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
column() { awk -v a="$1" -v g="$2" -v c="$3" '$1 == a && $2 == g { print $c }' "$work/times"; }

echo "# Startup cost of Java agents"
echo
echo "- date: $start"
echo "- command: \`benchmarks/startup.sh $runs\`${APPS:+ with APPS=\"$APPS\"}${AGENTS:+ AGENTS=\"$AGENTS\"}"
echo "- JDK: $("$java" -version 2>&1 | head -n 1) ($("$java" -version 2>&1 | sed -n 3p))"
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); load average before $load_before, after $load_after"
echo "- tollgate: ${TOLLGATE_JAR:-$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)}; OpenTelemetry agent $(unzip -p "$otel" META-INF/MANIFEST.MF | awk -F': ' '/^Implementation-Version/ { print $2 }' | tr -d '\r')"
echo "- $runs runs of each pair, agents rotated within each run; medians; 'added' is against 'none' of the same app in this run"
echo
echo "| app | agent | wall ms (median) | min–max | added ms | added | peak RSS MB (median) | added MB |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for app in $apps; do
  base_wall=$(column "$app" none 3 | median)
  base_rss=$(column "$app" none 4 | median)
  for agent in $agents; do
    wall=$(column "$app" "$agent" 3 | median)
    range=$(column "$app" "$agent" 3 | sort -n | sed -n '1p;$p' | paste -sd'-' | sed 's/-/–/')
    rss=$(column "$app" "$agent" 4 | median)
    awk -v app="$app" -v agent="$agent" -v w="$wall" -v r="$range" -v bw="$base_wall" -v m="$rss" -v bm="$base_rss" 'BEGIN {
      if (agent == "none") { printf "| %s | %s | %d | %s | | | %.0f | |\n", app, agent, w, r, m / 1024 }
      else { printf "| %s | %s | %d | %s | %+d | %+.0f%% | %.0f | %+.0f |\n", app, agent, w, r, w - bw, 100 * (w - bw) / bw, m / 1024, (m - bm) / 1024 }
    }'
  done
done
