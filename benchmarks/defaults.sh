#!/usr/bin/env bash
# Issue 15's measurement: a metered call configured as a vendor ships it (no `block`, no tuning), on one thread,
# on the local ledger and on the Cryptolens emulator, each beside its yardsticks measured in the same run, with
# JMH's gc profiler and the requests per second the emulator receives; one Markdown file in benchmarks/results/.
#
#   benchmarks/defaults.sh            the full run (2 forks each; about 5 minutes on 2 cores)
#   benchmarks/defaults.sh --quick    a smoke run (1 fork, short iterations, about 2 minutes); labelled as such
#
# Builds nothing; needs the jars: mvn -B -q package -DskipTests
# Environment: JAVA (default java), OUT (default benchmarks/results/<date>-defaults[-quick].md), AGENT_JAR (another
# build of the agent than agent/target/tollgate-agent.jar; the commands in the file then name it).
# Targets (issue 15): a default credits call at most 4x the AtomicLong bounded decrement, a default usage call at
# most 4x LongAdder.increment, on each backend. See benchmarks/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8   # '.' as the decimal mark in JMH's CSV, whatever the user's locale

. benchmarks/lib.sh
bench_quick_option benchmarks/defaults.sh "${1:-}"

java=${JAVA:-java}
jar=benchmarks/target/benchmarks.jar
bench_require_jars

if $quick; then
  opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
  suffix=-quick
else
  opts=(-f 2 -wi 4 -w 1s -i 5 -r 1s)
  suffix=
fi
common=(-t 1 -prof gc -foe true -rf csv)
# The yardsticks, the gc profiler's control and the two default features; the tuned rows are run.sh's.
local_include='CallCostBenchmark\.(baseline_.*|control_.*|peer_longAdderIncrement|tollgate_.*Default)$'
emulator_include='CryptolensDefaultsBenchmark'

date=$(date -u +%F)
out=${OUT:-benchmarks/results/$date-defaults$suffix.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
commands=()

commit=$(bench_commit "$out")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%FT%TZ)
t0=$(date +%s)
bench_run local "$local_include" "${opts[@]}"
bench_run emulator --backend cryptolens --requests "$work/requests.csv" "$emulator_include" "${opts[@]}"
t1=$(date +%s)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# The default configuration: a metered call with no tuning, beside its yardsticks$($quick && echo ' (quick run)')"
  echo
  echo "Date: $started. Whole run: $(( (t1 - t0) / 60 )) min $(( (t1 - t0) % 60 )) s."
  bench_machine "$load_before" "$load_after"
  echo "Commit: $commit."
  echo
  echo "Made by \`benchmarks/defaults.sh$($quick && echo ' --quick')\`, which ran, from the repository root:"
  echo
  for c in "${commands[@]}"; do echo "    $c"; done
  echo
  echo "What was configured (RunBenchmarks.FEATURES, written by the launcher into each backend's tollgate.yml):"
  echo
  echo "- local ledger: \`bench_leasedDefault: { mode: credits }\` with its opening credits (2,147,483,647) under"
  echo "  \`local.credits\`, so \`leased\`, leases sized by demand (no \`block\`); \`bench_batchedDefault: { mode: usage }\`, so"
  echo "  \`batched\`, no cap."
  echo "- Cryptolens emulator on 127.0.0.1 (in the launcher's process, sharing the 2 cores): \`bench_leasedDefault:"
  echo "  { mode: credits, sync: leased }\` (the default there is \`strict\`), its data object at 2,147,483,647;"
  echo "  \`bench_batchedDefault: { mode: usage, sync: batched }\`. Every fork starts with the counters set back and"
  echo "  an empty journal."
  echo
  echo "One thread. Every benchmark ran in forks with the Tollgate agent attached; the yardsticks of each table were"
  echo "measured in the same JMH run as its Tollgate rows. A credits row's yardstick is the AtomicLong bounded"
  echo "decrement, a usage row's LongAdder.increment; target (issue 15): at most 4x on each backend."
  echo "B/op is JMH's gc.alloc.rate.norm; below 0.5 it is shown as ≈ 0 (no allocation per call);"
  echo "control_allocatingCall must show 24."
  echo
  echo "## Results"
  echo
  "$java" -cp "$jar" dev.tollgate.benchmarks.Report --defaults --requests "$work/requests.csv" "$work"/local.csv "$work"/emulator.csv
  echo "\"requests/s, measurement\" counts what the emulator received from the start to the end of each measurement"
  echo "iteration (all forks), over those iterations' wall time: the rate one JVM sends calling at full speed on one"
  echo "thread. \"Whole forks\" also counts the warm-up, the first lease and what a fork sends as it exits."
  echo
  grep -h 'Emulator counters' "$work/emulator.log" | sed 's/^# /- /' || true
  echo
  echo "## Noise"
  echo
  echo "The machine has 2 cores shared with other engineers' builds, so absolute numbers move from run to run;"
  echo "compare the ratios within one table, and read the error column before reading a small difference."
  echo
  bench_raw_csv "--defaults --requests requests.csv local.csv emulator.csv" "$work"/local.csv "$work"/emulator.csv "$work"/requests.csv
} > "$out"
echo "wrote $out" >&2
