#!/usr/bin/env bash
# Bounded fuzzing: runs every libFuzzer target of a build configured with -DEQUALIS_FUZZ=ON (clang) for a
# few seconds each, on a scratch copy of its corpus (tests/fuzz/corpus/<name>/; inputs the fuzzer finds
# never land in the source tree). Fails if any target crashes, hangs, leaks or trips a sanitizer, and
# keeps the reproducer and the log in the scratch directory it prints. CI runs it after the asan tests.
# usage: scripts/fuzz.sh [BUILD_DIR]            (default build/asan)
# env:   EQUALIS_FUZZ_SECONDS  per target (default 10)
#        EQUALIS_FUZZ_JOBS     targets run at once (default 2)
#        EQUALIS_FUZZ_TARGETS  names to run, e.g. "csv rules" (default: every corpus folder)
#        EQUALIS_FUZZ_SEED     libFuzzer seed (default 1, so that CI explores the same inputs on every run and
#                              a green run stays green; 0 draws a new seed, for hunting locally)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=$(cd "${1:-build/asan}" && pwd)
seconds=${EQUALIS_FUZZ_SECONDS:-10}
seed=${EQUALIS_FUZZ_SEED:-1}
jobs=${EQUALIS_FUZZ_JOBS:-2}
targets=${EQUALIS_FUZZ_TARGETS:-$(cd tests/fuzz/corpus && ls -d -- */ | tr -d /)}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/equalis-fuzz.XXXXXX")

for name in $targets; do
  if [ ! -x "$build/tests/fuzz/${name}_fuzzer" ]; then
    echo "fuzz.sh: no $build/tests/fuzz/${name}_fuzzer; configure with -DEQUALIS_FUZZ=ON and build" >&2
    exit 2
  fi
done

# One target: fuzz a copy of its corpus; a finding leaves crash-*/leak-*/timeout-*/oom-* beside the log.
run_target() {
  local name=$1 dir="$scratch/$1"
  mkdir -p "$dir/corpus"
  cp "$root/tests/fuzz/corpus/$name/"* "$dir/corpus/"
  if (cd "$dir" && LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0" \
        "$build/tests/fuzz/${name}_fuzzer" -max_total_time="$seconds" -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="$dir/" corpus >"$dir/log" 2>&1); then
    echo "fuzz $name: ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/log" | grep -o '[0-9]*$' \
      || echo '?') inputs)"
  else
    echo "fuzz $name: FAILED, log and reproducer in $dir:"
    tail -n 30 "$dir/log"
    return 1
  fi
}
export -f run_target
export root build seconds seed scratch

echo "fuzzing ${targets//$'\n'/ } for ${seconds}s each, $jobs at a time"
if printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run_target "$1"' _ {}; then
  rm -rf "$scratch"
else
  echo "fuzz.sh: a fuzz target failed; reproduce with $build/tests/fuzz/<name>_fuzzer <file>, fix the parser and" >&2
  echo "copy the file into tests/fuzz/corpus/<name>/" >&2
  exit 1
fi
