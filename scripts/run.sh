#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs the server until Ctrl-C (or SIGTERM).
#
#   sudo scripts/run.sh
#
# Daemons started: portmapd (port 111). State lives in $NFSUITE_STATE_DIR (default
# /var/lib/nfsuite), control sockets in $NFSUITE_RUN_DIR (default /run/nfsuite); administer the
# running server with build/ctl/nfsctl (for example `build/ctl/nfsctl status`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then
  echo "run.sh: the server binds port 111 and must run as root: sudo $0" >&2
  exit 2
fi
state_dir=${NFSUITE_STATE_DIR:-/var/lib/nfsuite}
run_dir=${NFSUITE_RUN_DIR:-/run/nfsuite}

scripts/install-deps.sh
scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo

pids=()
stop_all() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "run.sh: stopped" >&2
}
trap stop_all EXIT
trap 'exit 0' INT TERM

build/daemon/portmapd --state-dir "$state_dir" --run-dir "$run_dir" &
pids+=($!)

# Ready when the control socket answers.
for _ in $(seq 100); do
  build/ctl/nfsctl --run-dir "$run_dir" status portmapd >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "run.sh: portmapd failed to start" >&2; exit 1; }
  sleep 0.1
done
build/ctl/nfsctl --run-dir "$run_dir" status portmapd
echo "run.sh: serving; try 'rpcinfo -p 127.0.0.1'. Ctrl-C stops the server." >&2
wait "${pids[@]}"
