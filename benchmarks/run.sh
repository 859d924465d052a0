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

. benchmarks/lib.sh
bench_quick_option benchmarks/run.sh "${1:-}"

java=${JAVA:-java}
threads=${THREADS:-1 2}
jar=benchmarks/target/benchmarks.jar
bench_require_jars

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

commit=$(bench_commit "$out")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%FT%TZ)
t0=$(date +%s)
for t in $threads; do
  bench_run "calls-t$t" CallCostBenchmark -t "$t" "${calls_opts[@]}"
done
for t in $threads; do
  bench_run "loopback-t$t" --backend cryptolens StrictLoopbackBenchmark -t "$t" "${loop_opts[@]}"
done
t1=$(date +%s)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# A metered call beside its peers and beside a bare HTTP request$($quick && echo ' (quick run)')"
  echo
  echo "Date: $started. Whole run: $(( (t1 - t0) / 60 )) min $(( (t1 - t0) % 60 )) s."
  bench_machine "$load_before" "$load_after"
  echo "Commit: $commit."
  echo "Agent strategies measured: strict, leased and batched (uncapped and capped), each said explicitly in the generated config, and on the local ledger the default credits and usage features (tollgate_*Default: the mode and nothing else; see RunBenchmarks.FEATURES)."
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
  bench_raw_csv "*.csv" "$work"/calls-t*.csv "$work"/loopback-t*.csv
} > "$out"
echo "wrote $out" >&2
