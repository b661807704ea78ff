#!/usr/bin/env bash
# Configures and builds into a build directory: scripts/build.sh [BUILD_DIR [CMAKE_ARGS...]].
# NFSUITE_BUILD_TARGETS="a b" builds only those targets (run.sh: the daemons and nfsctl).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  cmake -S . -B "$build_dir" "${generator[@]}" "$@" >/dev/null
else
  cmake -S . -B "$build_dir" "$@" >/dev/null
fi
targets=()
for target in ${NFSUITE_BUILD_TARGETS:-}; do targets+=(--target "$target"); done
cmake --build "$build_dir" --parallel "$(nproc)" "${targets[@]}"
