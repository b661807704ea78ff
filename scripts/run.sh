#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs the server until Ctrl-C (or SIGTERM).
#
#   scripts/run.sh            (as root)
#
# Daemons started, in order: portmapd (port 111), mountd (port 20048) and nfsd (port 2049),
# serving the exports file $NFSUITE_EXPORTS_FILE (default /etc/nfsuite/exports; when missing it is
# created exporting $NFSUITE_EXPORT, default /srv/nfsuite, to everyone). State lives in $NFSUITE_STATE_DIR
# (default /var/lib/nfsuite), control sockets in $NFSUITE_RUN_DIR (default /run/nfsuite);
# administer the running server with build/ctl/nfsctl (for example `build/ctl/nfsctl status`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then
  echo "run.sh: the server binds port 111 and must run as root: sudo $0" >&2
  exit 2
fi
state_dir=${NFSUITE_STATE_DIR:-/var/lib/nfsuite}
run_dir=${NFSUITE_RUN_DIR:-/run/nfsuite}
export_dir=${NFSUITE_EXPORT:-/srv/nfsuite}
exports_file=${NFSUITE_EXPORTS_FILE:-/etc/nfsuite/exports}

scripts/install-deps.sh
# Only what it starts: the tests are scripts/test.sh's to build.
NFSUITE_BUILD_TARGETS="portmapd mountd nfsd nfsctl" scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo
mkdir -p "$export_dir"
if [[ ! -e $exports_file ]]; then
  mkdir -p "$(dirname "$exports_file")"
  cat >"$exports_file" <<EXPORTS
# nfsuite exports, exports(5) syntax. Change them live with
#   nfsctl export add PATH CLIENT(OPTIONS)...   /   nfsctl export remove PATH [CLIENT]
# or edit this file and run: nfsctl reload
"$export_dir" *(rw,insecure)
EXPORTS
  echo "run.sh: created $exports_file exporting $export_dir" >&2
fi

pids=()
stop_all() {
  trap - EXIT INT TERM
  # Reverse order: a daemon unregisters from portmapd as it stops.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  echo "run.sh: stopped" >&2
}
trap stop_all EXIT
trap 'exit 0' INT TERM

# Starts a daemon in the background and waits until its control socket answers.
start() {
  local name=$1
  shift
  build/daemon/"$name" --state-dir "$state_dir" --run-dir "$run_dir" "$@" &
  pids+=($!)
  for _ in $(seq 100); do
    build/ctl/nfsctl --run-dir "$run_dir" status "$name" >/dev/null 2>&1 && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "run.sh: $name failed to start" >&2; exit 1; }
    sleep 0.1
  done
  echo "run.sh: $name did not become ready" >&2
  exit 1
}

start portmapd
start mountd --exports-file "$exports_file"
start nfsd  # follows mountd's export table
build/ctl/nfsctl --run-dir "$run_dir" status
host=$(hostname -I 2>/dev/null | awk '{print $1}')
cat >&2 <<MSG
run.sh: serving the exports of $exports_file over NFS. From a Linux client:
  mount -t nfs -o vers=3,proto=tcp ${host:-SERVER}:$export_dir /mnt
or here: rpcinfo -p 127.0.0.1; showmount -e 127.0.0.1; nfs-ls nfs://127.0.0.1$export_dir
administer: build/ctl/nfsctl export list | export add DIR 'CLIENT(rw)' | showmount -a | status
Ctrl-C stops the server.
MSG
wait "${pids[@]}"
