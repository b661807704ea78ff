#!/usr/bin/env bash
# Installs what is missing, checks formatting, builds, and runs every test twice: in a normal
# build and in an AddressSanitizer + UndefinedBehaviorSanitizer build; then runs each fuzz
# target for a bounded time (NFSUITE_FUZZ_SECONDS per target).
#
#   sudo scripts/test.sh
#
# Integration tests bind port 111 and need root; without it they are skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== format check (clang-format, .clang-format)"
mapfile -t sources < <(git ls-files '*.cc' '*.h' 2>/dev/null || find common service daemon ctl tests -name '*.cc' -o -name '*.h')
clang-format --dry-run --Werror "${sources[@]}"

run_suite() {
  local build_dir=$1
  shift
  echo "== build $build_dir"
  scripts/build.sh "$build_dir" "$@"
  echo "== tests in $build_dir"
  (cd "$build_dir" && ctest --output-on-failure --parallel "$(nproc)" --timeout 300)
}

run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
# halt_on_error makes any sanitizer finding fail its test; a small quarantine keeps the daemons'
# memory-growth checks meaningful under ASan.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:quarantine_size_mb=16}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
run_suite build-sanitize -DCMAKE_BUILD_TYPE=Debug -DNFSUITE_SANITIZE=ON
# Every decoder under libFuzzer for a bounded time (scripts/fuzz.sh; longer runs: README). 15 s
# per target keeps the stage, build included, near 8 minutes on 2 cores even when they are busy.
scripts/fuzz.sh "${NFSUITE_FUZZ_SECONDS:-15}"
echo "== all tests passed (normal and sanitizer builds, fuzz targets)"
