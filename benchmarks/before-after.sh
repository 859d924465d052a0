#!/usr/bin/env bash
# CallCostBenchmark on 1 thread with two builds of the agent, in one run: the builds take turns, round after round,
# so that the machine's slow spells hit both. For a change that must leave the hot path no slower.
#
#   OLD=/tmp/old/agent/target/tollgate-agent.jar benchmarks/before-after.sh > benchmarks/results/<date>-before-after.md
#
# Build the old jar from the commit before the change in a folder of its own (never mvn install):
#   git archive <commit> | tar -x -C /tmp/old && (cd /tmp/old && mvn -B -q -o package -DskipTests -pl agent -am)
# Environment: OLD (required), NEW (default agent/target/tollgate-agent.jar), OLD_LABEL and NEW_LABEL (what each jar
# was built from, for the report), ROUNDS (default 5), THREADS (default 1), INCLUDE (a JMH regex; default the
# yardstick and the journaled rows), JAVA (default java). Each turn is one JMH fork with short iterations (see opts
# below): a quick comparison, not a full run. On a busy machine read the per-turn ratios to the yardstick, which
# the turn measured at the same moment, rather than the raw scores.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8

java=${JAVA:-java}
old=${OLD:?"name the old agent jar: OLD=/path/to/tollgate-agent.jar"}
new=${NEW:-agent/target/tollgate-agent.jar}
old_label=${OLD_LABEL:-$old}
new_label=${NEW_LABEL:-$new}
rounds=${ROUNDS:-5}
threads=${THREADS:-1}
jar=benchmarks/target/benchmarks.jar
for f in "$old" "$new" "$jar"; do
  [ -f "$f" ] || { echo "missing $f" >&2; exit 2; }
done
include=${INCLUDE:-'CallCostBenchmark\.(baseline_atomicBoundedDecrement|tollgate_(leased|batched|batchedCapped)Local)'}
opts=(-t "$threads" -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc -foe true -rf csv)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%FT%TZ)
t0=$(date +%s)
for r in $(seq 1 "$rounds"); do
  for which in before after; do
    agent=$old
    [ "$which" = after ] && agent=$new
    echo "== round $r, $which: $java -Dtollgate.agent.jar=$agent -jar $jar '$include' ${opts[*]}" >&2
    "$java" -Dtollgate.agent.jar="$agent" -jar "$jar" "$include" "${opts[@]}" -rff "$work/$which-$r.csv" \
        > "$work/$which-$r.log" 2>&1 || { echo "JMH failed; its log:" >&2; tail -40 "$work/$which-$r.log" >&2; exit 1; }
  done
done
t1=$(date +%s)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# One row per benchmark: each turn's score (ns/op) with its error, the median score of each build, and the median
# of each build's per-turn ratio to the yardstick measured in the same turn; B/op of the last turn.
summary() {
  awk -F, -v rounds="$rounds" -v yard=baseline_atomicBoundedDecrement '
    function median(arr, k,   i, j, t, m) {
      for (i = 1; i <= k; i++) m[i] = arr[i]
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (m[j] < m[i]) { t = m[i]; m[i] = m[j]; m[j] = t }
      return k % 2 ? m[(k + 1) / 2] : (m[k / 2] + m[k / 2 + 1]) / 2
    }
    FNR == 1 { split(FILENAME, p, "/"); name = p[length(p)]; sub(/\.csv$/, "", name); split(name, w, "-"); next }
    { gsub(/"/, "") }
    $1 ~ /:gc.alloc.rate.norm$/ { b = $1; sub(/:.*/, "", b); sub(/.*\./, "", b); alloc[b, w[1]] = $5; next }
    $1 ~ /:/ { next }
    { b = $1; sub(/.*\./, "", b); if (!(b in seen)) { seen[b] = 1; order[++n] = b }
      score[b, w[1], w[2]] = $5; err[b, w[1], w[2]] = $6 }
    END {
      printf "| benchmark |"; for (r = 1; r <= rounds; r++) printf " before %d | after %d |", r, r
      printf " median before | median after | after / before | x atomic before | x atomic after | B/op before | B/op after |\n|---|"
      for (r = 1; r <= rounds; r++) printf "---:|---:|"; printf "---:|---:|---:|---:|---:|---:|---:|\n"
      for (i = 1; i <= n; i++) { b = order[i]; printf "| `%s` |", b
        for (r = 1; r <= rounds; r++) {
          printf " %.1f ± %.1f | %.1f ± %.1f |", score[b, "before", r], err[b, "before", r], score[b, "after", r], err[b, "after", r]
          sb[r] = score[b, "before", r]; sa[r] = score[b, "after", r]
          rb[r] = sb[r] / score[yard, "before", r]; ra[r] = sa[r] / score[yard, "after", r]
        }
        mb = median(sb, rounds); ma = median(sa, rounds)
        printf " %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f |\n", mb, ma, ma / mb, median(rb, rounds), median(ra, rounds), alloc[b, "before"], alloc[b, "after"] }
    }' "$@"
}

echo "# A metered call before and after a change, $threads thread(s), in one run"
echo
echo "Date: $started. Whole run: $(( (t1 - t0) / 60 )) min $(( (t1 - t0) % 60 )) s."
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average" \
     "$load_before before and $load_after after (1, 5, 15 min); shared with other builds."
echo "JDK: $("$java" -version 2>&1 | sed -n 2p)."
echo "Before: $old_label. After: $new_label."
echo
echo "Made by \`OLD=<old tollgate-agent.jar> ROUNDS=$rounds THREADS=$threads benchmarks/before-after.sh\`: $rounds rounds, each"
echo "running the old agent (\"before\") and then the new one (\"after\"), each turn one JMH fork of"
echo "3 x 1 s warm-up and 5 x 1 s measurement per benchmark (a short run: the errors are wide), as:"
echo
echo "    $java -Dtollgate.agent.jar=<jar> -jar $jar '$include' ${opts[*]} -rff <tmp>/<turn>.csv"
echo
echo "Scores are ns per call (JMH average time, 99.9% error). \"x atomic\" is the median over the turns of the"
echo "score over the yardstick's (baseline_atomicBoundedDecrement) in the same turn. B/op is gc.alloc.rate.norm."
echo
echo "## Results"
echo
summary "$work"/before-*.csv "$work"/after-*.csv
echo
echo "## Raw JMH results (CSV)"
for f in "$work"/before-*.csv "$work"/after-*.csv; do
  echo
  echo "\`$(basename "$f")\`:"
  echo
  echo '```csv'
  cat "$f"
  echo '```'
done
