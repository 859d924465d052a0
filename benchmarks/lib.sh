# What run.sh and defaults.sh share: sourced by them (from the repository root), never run on its own.
# The functions expect $java, $jar and $work set, and the arrays commands=() and common=() declared.

# bench_quick_option SCRIPT [ARG]: quick=true for --quick, false without an argument; anything else is a usage error.
bench_quick_option() {
  case "${2:-}" in
    --quick) quick=true ;;
    "") quick=false ;;
    *) echo "usage: $1 [--quick]" >&2; exit 2 ;;
  esac
}

# Both jars must be built; the scripts build nothing. AGENT_JAR names another agent jar than agent/target's
# (passed to the launcher as -Dtollgate.agent.jar, and so shown in the commands of the results file).
bench_require_jars() {
  local f
  for f in "${AGENT_JAR:-agent/target/tollgate-agent.jar}" "$jar"; do
    [ -f "$f" ] || { echo "missing $f; build first: mvn -B -q package -DskipTests" >&2; exit 2; }
  done
}

# bench_run NAME ARGS...: one JMH run of benchmarks.jar, its CSV in $work/NAME.csv and its log in $work/NAME.log;
# the command is added to $commands (the temporary folder written as <tmp>). A failed run stops the script and
# keeps its log. JMH allows one run at a time on a machine (/tmp/jmh.lock): when another run holds it, this
# waits (up to JMH_LOCK_WAIT seconds, default 1800) and tries again.
bench_run() {
  local name=$1; shift
  local args=("$@" "${common[@]}" -rff "$work/$name.csv") launcher=()
  [ -z "${AGENT_JAR:-}" ] || launcher=("-Dtollgate.agent.jar=$AGENT_JAR")
  local shown="$java ${launcher[*]}${launcher[*]:+ }-jar $jar ${args[*]}"
  commands+=("${shown//$work/<tmp>}")
  local waited=0
  while :; do
    echo "== $name: $shown" >&2
    if "$java" "${launcher[@]}" -jar "$jar" "${args[@]}" 2>&1 | tee "$work/$name.log" \
        | { grep --line-buffered --no-group-separator -A1 -E '^# Benchmark:|^Result|Emulator' >&2 || true; }; then
      return 0
    fi
    if grep -q 'Unable to acquire the JMH lock' "$work/$name.log" && [ "$waited" -lt "${JMH_LOCK_WAIT:-1800}" ]; then
      echo "   another JMH run holds /tmp/jmh.lock; trying again in 15 s" >&2
      sleep 15; waited=$((waited + 15)); continue
    fi
    echo "JMH run $name failed; its log is kept: $work/$name.log" >&2
    trap - EXIT
    exit 1
  done
}

# The commit that makes the results, and whether anything tracked differs from it (the results file $1 aside,
# which may be an earlier run's).
bench_commit() {
  local commit exclude=()
  commit=$(git rev-parse --short HEAD)
  case "$(realpath -m "$1")" in
    "$(git rev-parse --show-toplevel)"/*) exclude=(":(exclude)$1") ;;
  esac
  git diff --quiet HEAD -- . "${exclude[@]}" || commit="$commit (with uncommitted changes)"
  [ -z "${AGENT_JAR:-}" ] || commit="$commit; the agent measured is $AGENT_JAR, built elsewhere"
  echo "$commit"
}

# bench_machine LOAD_BEFORE LOAD_AFTER: the machine and JDK lines of a results file.
bench_machine() {
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))," \
       "load average $1 before and $2 after (1, 5, 15 min); shared with other builds."
  echo "JDK: $("$java" -version 2>&1 | sed -n 2p)."
}

# bench_raw_csv REPORT_ARGS FILE...: the raw CSV files at the end of a results file, with the Report command
# (REPORT_ARGS are its arguments) that turns them into the tables again.
bench_raw_csv() {
  local f report_args=$1; shift
  echo "## Raw JMH results (CSV)"
  echo
  echo "Regenerate the tables: save each block as a .csv file, then"
  echo "\`java -cp benchmarks/target/benchmarks.jar dev.tollgate.benchmarks.Report $report_args\`."
  for f in "$@"; do
    echo
    echo "\`$(basename "$f")\`:"
    echo
    echo '```csv'
    cat "$f"
    echo '```'
  done
}
