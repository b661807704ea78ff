#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang in their own build directory and runs
# each for a bounded time; fails if any target finds a crash, a sanitizer report, a broken
# invariant, a leak, a slow input or an allocation over the limit.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 30 (what CI runs); leave a longer run going with a bigger
# number, e.g. `scripts/fuzz.sh 3600`. TARGETs default to every tests/fuzz/fuzz_*.cc.
# A finding's input is kept in fuzz-findings/TARGET/ (not committed); replay it with
#   build-fuzz/tests/fuzz/TARGET fuzz-findings/TARGET/crash-...
# Inputs the fuzzer found interesting accumulate in build-fuzz/fuzz-corpus/TARGET/, so later
# runs start where earlier ones stopped; the committed seeds are tests/fuzz/corpus/TARGET/.
# tests/fuzz/TARGET.dict, when there is one, is the target's libFuzzer dictionary.
# NFSUITE_FUZZ_FLAGS adds libFuzzer flags, after ours so that they win.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi
build_dir=build-fuzz
findings_dir=fuzz-findings
# A single allocation over this is a finding: no decoder needs anything near it, and an
# allocation sized by a peer's length field (rpcbind's CVE-2017-8779) is what it catches.
malloc_limit_mb=256

targets=("$@")
if ((${#targets[@]} == 0)); then
  for source in tests/fuzz/fuzz_*.cc; do
    name=${source##*/}
    targets+=("${name%.cc}")
  done
fi

echo "== fuzz build ($build_dir, clang)"
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Fuzz -DNFSUITE_FUZZ=ON \
    -DBUILD_TESTING=OFF -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
fi
build_targets=()
for target in "${targets[@]}"; do build_targets+=(--target "$target"); done
cmake --build "$build_dir" --parallel "$(nproc)" "${build_targets[@]}"
echo "fuzz build: ${SECONDS}s"

# Stacks with function names and lines need llvm-symbolizer (Debian's llvm-14).
if ! command -v llvm-symbolizer >/dev/null && [[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi
# Sanitizer reports end the run with a stack; a leak is a finding too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=()
for target in "${targets[@]}"; do
  binary=$build_dir/tests/fuzz/$target
  seeds=tests/fuzz/corpus/$target
  corpus=$build_dir/fuzz-corpus/$target
  log=$build_dir/fuzz-logs/$target.log
  dictionary=()
  [[ -f tests/fuzz/$target.dict ]] && dictionary=(-dict="tests/fuzz/$target.dict")
  mkdir -p "$corpus" "$findings_dir/$target" "$(dirname "$log")"
  echo "== fuzz $target (${seconds}s)"
  # The first corpus directory receives new inputs; the committed seeds are only read.
  if "$binary" -max_total_time="$seconds" -timeout=10 -malloc_limit_mb="$malloc_limit_mb" \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings_dir/$target/" \
    "${dictionary[@]}" ${NFSUITE_FUZZ_FLAGS:-} "$corpus" "$seeds" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "fuzz $target: OK, ${runs:-?} runs (${speed:-?} execs/s), $coverage"
  else
    echo "fuzz $target: FAILED; the fuzzer's report:" >&2
    # The report: the sanitizer's or the invariant's message and its stack.
    sed -n '/^==[0-9]*==ERROR\|^fuzz invariant violated\|runtime error\|^==[0-9]*== ERROR/,$p' \
      "$log" | head -120 >&2
    grep -h 'Test unit written to' "$log" | sed 's/^/  /' >&2 || true
    failed+=("$target")
  fi
done

if ((${#failed[@]} > 0)); then
  echo "== fuzz: findings in ${failed[*]} (inputs in $findings_dir/, logs in $build_dir/fuzz-logs/)" >&2
  exit 1
fi
echo "== fuzz: ${#targets[@]} target(s), no findings (${SECONDS}s with the build)"
