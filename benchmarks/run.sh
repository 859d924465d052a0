#!/usr/bin/env bash
# The comparison of issue 5: the cost of a metered call beside its peers and beside a bare HTTP request,
# on 1 and 2 threads, with JMH's gc profiler, written to benchmarks/results/ as a Markdown file.
#
#   benchmarks/run.sh            the full run (about 10-12 minutes on 2 cores)
#   benchmarks/run.sh --quick    a smoke run (1 fork, short iterations, about 3 minutes); labelled as such
#
# Needs the jars: mvn -B -q package -DskipTests   (agent/target/tollgate-agent.jar, benchmarks/target/benchmarks.jar)
# Environment: JAVA (default java), THREADS (default "1 2"), OUT (default benchmarks/results/<date>-comparison[-quick].md).
# See benchmarks/README.md for what each benchmark measures and how to read the file.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8   # '.' as the decimal mark in JMH's CSV, whatever the user's locale

quick=false
case "${1:-}" in
  --quick) quick=true ;;
  "") ;;
  *) echo "usage: benchmarks/run.sh [--quick]" >&2; exit 2 ;;
esac

java=${JAVA:-java}
threads=${THREADS:-1 2}
jar=benchmarks/target/benchmarks.jar
for f in agent/target/tollgate-agent.jar "$jar"; do
  [ -f "$f" ] || { echo "missing $f; build first: mvn -B -q package -DskipTests" >&2; exit 2; }
done

# Forks and iterations. Every benchmark runs in fresh forks with the agent attached; ratios are taken
# within one run. The loopback group warms up longer: a call there is ~0.1-1 ms, so 1 s is few calls.
if $quick; then
  calls_opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
  loop_opts=(-f 1 -wi 3 -w 2s -i 3 -r 2s)
  suffix=-quick
else
  calls_opts=(-f 2 -wi 4 -w 1s -i 5 -r 1s)
  loop_opts=(-f 2 -wi 5 -w 2s -i 5 -r 2s)
  suffix=
fi
common=(-prof gc -foe true -rf csv)

date=$(date -u +%F)
out=${OUT:-benchmarks/results/$date-comparison$suffix.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

commands=()
run() { # name, then the arguments for benchmarks.jar
  local name=$1; shift
  local args=("$@" "${common[@]}" -rff)
  commands+=("$java -jar $jar ${args[*]} <tmp>/$name.csv")
  echo "== $name: $java -jar $jar ${args[*]} $work/$name.csv" >&2
  if ! "$java" -jar "$jar" "${args[@]}" "$work/$name.csv" 2>&1 | tee "$work/$name.log" \
      | { grep --line-buffered --no-group-separator -A1 -E '^# Benchmark:|^Result|Emulator' >&2 || true; }; then
    echo "JMH run $name failed; its log is kept: $work/$name.log" >&2
    trap - EXIT
    exit 1
  fi
}

# The code that makes the results: the commit, and whether anything tracked differs from it (the results
# file itself aside, which may be an earlier run's).
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- . ":(exclude)$out" || commit="$commit (with uncommitted changes)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%FT%TZ)
t0=$(date +%s)
for t in $threads; do
  run "calls-t$t" CallCostBenchmark -t "$t" "${calls_opts[@]}"
done
for t in $threads; do
  run "loopback-t$t" --backend cryptolens StrictLoopbackBenchmark -t "$t" "${loop_opts[@]}"
done
t1=$(date +%s)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# A metered call beside its peers and beside a bare HTTP request$($quick && echo ' (quick run)')"
  echo
  echo "Date: $started. Whole run: $(( (t1 - t0) / 60 )) min $(( (t1 - t0) % 60 )) s."
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))," \
       "load average $load_before before and $load_after after (1, 5, 15 min); shared with other builds."
  echo "JDK: $("$java" -version 2>&1 | sed -n 2p)."
  echo "Commit: $commit."
  echo "Agent strategies measured: strict, leased and batched (uncapped and capped), each said explicitly in the generated config (see RunBenchmarks.FEATURES)."
  echo
  echo "Made by \`benchmarks/run.sh$($quick && echo ' --quick')\`, which ran, from the repository root:"
  echo
  for c in "${commands[@]}"; do echo "    $c"; done
  echo
  echo "Every benchmark ran in forks with the Tollgate agent attached (see benchmarks/README.md)."
  echo "Ratios are to the yardstick measured in the same JMH run and thread count; with 2 threads both"
  echo "threads share one counter, bucket or limiter, and the score is the time per call seen by each thread."
  echo "B/op is JMH's gc.alloc.rate.norm; below 0.5 it is shown as ≈ 0 (no allocation per call)."
  echo
  echo "## Results"
  echo
  "$java" -cp "$jar" dev.tollgate.benchmarks.Report "$work"/calls-t*.csv "$work"/loopback-t*.csv
  for t in $threads; do
    grep -h 'Emulator counters' "$work/loopback-t$t.log" | sed "s/^# /- $t thread(s): /" || true
  done
  echo
  echo "## Noise"
  echo
  echo "The machine has 2 cores shared with other engineers' builds, so absolute numbers move from run to"
  echo "run (the 2-thread runs most: two benchmark threads on two cores compete with everything else)."
  echo "Compare ratios within one table, and read the error column before reading a small difference."
  echo
  echo "## Raw JMH results (CSV)"
  echo
  echo "Regenerate the tables: save each block as a .csv file, then"
  echo "\`java -cp benchmarks/target/benchmarks.jar dev.tollgate.benchmarks.Report *.csv\`."
  for f in "$work"/calls-t*.csv "$work"/loopback-t*.csv; do
    echo
    echo "\`$(basename "$f")\`:"
    echo
    echo '```csv'
    cat "$f"
    echo '```'
  done
} > "$out"
echo "wrote $out" >&2
