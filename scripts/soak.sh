#!/usr/bin/env bash
# The soak run: the whole suite (portmapd, mountd, nfsd) on a tmpfs export in a network namespace
# of its own, and tests/soak/nfs_soak's clients mixing every request kind (and NLM locks) against
# it for SOAK_SECONDS, checking the data and sampling each daemon's resident memory, descriptors
# and threads. Passes when every check passed and nothing grew (nfs_soak's verdict).
#
#   sudo scripts/soak.sh              # 10 minutes, 4 clients
#   SOAK_SECONDS=60 SOAK_CLIENTS=8 sudo scripts/soak.sh
#
# Root: it creates a network namespace (its own port 111, so it never meets tests or other
# servers), mounts a tmpfs, and nfsd opens files by handle (CAP_DAC_READ_SEARCH).
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_DIR
readonly BENCH_SCRIPT=soak.sh
source "$REPO_DIR/scripts/bench-lib.sh"
readonly BUILD_DIR=${BUILD_DIR:-$REPO_DIR/build-soak}
readonly SECONDS_TO_RUN=${SOAK_SECONDS:-600}
readonly CLIENTS=${SOAK_CLIENTS:-4}
readonly REPORT_SECONDS=${SOAK_REPORT_SECONDS:-10}
readonly NAMESPACE=nfsuite-soak-$$
readonly READY_TRIES=200
readonly STOP_TRIES=100

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tmpfs, nfsd's open by handle)"
[[ $SECONDS_TO_RUN =~ ^[1-9][0-9]{0,5}$ ]] || die "SOAK_SECONDS must be 1 to 999999"
[[ $CLIENTS =~ ^[1-9][0-9]?$ ]] || die "SOAK_CLIENTS must be 1 to 64"
for tool in ip mount umount rpcinfo timeout cmake ninja; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done

work_dir=
export_dir=
tmpfs_mounted=0
namespace_created=0
declare -A daemon_pids=()                     # name -> pid
readonly DAEMON_NAMES=(nfsd mountd portmapd) # stop order: clients of the portmapper first

cleanup() {
  local status=$? name
  begin_cleanup "$status"
  for name in "${DAEMON_NAMES[@]}"; do stop_daemon "$name"; done
  ((namespace_created)) && ip netns delete "$NAMESPACE"
  remove_tmpfs "$export_dir" "$tmpfs_mounted"
  [[ -n $work_dir ]] && rm -rf "$work_dir"
  exit "$status"
}
trap_exits

work_dir=$(mktemp -d /tmp/nfsuite-soak.XXXXXX)
export_dir=$(mktemp -d /tmp/nfsuite-soak-export.XXXXXX)
build_targets "$BUILD_DIR" RelWithDebInfo "$work_dir/build.log" portmapd mountd nfsd nfs_soak
readonly SOAK=$BUILD_DIR/tests/soak/nfs_soak

ip netns add "$NAMESPACE"
namespace_created=1
ip netns exec "$NAMESPACE" ip link set lo up
mount -t tmpfs -o size=1G,mode=0777 nfsuite-soak "$export_dir"
tmpfs_mounted=1

state=$work_dir/state
mkdir -p "$state/pm" "$state/pm-run" "$state/nfs" "$state/nfs-run"
readonly DAEMONS=$BUILD_DIR/daemon
start_daemon portmapd "$DAEMONS/portmapd" --state-dir "$state/pm" --run-dir "$state/pm-run" \
  --log-level warning
wait_for_program 100000
start_daemon mountd "$DAEMONS/mountd" --export "$export_dir" --listen 127.0.0.1 \
  --state-dir "$state/nfs" --run-dir "$state/nfs-run" --log-level warning
wait_for_program 100005
start_daemon nfsd "$DAEMONS/nfsd" --listen 127.0.0.1 --state-dir "$state/nfs" \
  --run-dir "$state/nfs-run" --log-level warning
wait_for_program 100021

echo "soak: $CLIENTS clients for $SECONDS_TO_RUN s against $export_dir (namespace $NAMESPACE)"
soak_status=0
ip netns exec "$NAMESPACE" timeout --foreground $((SECONDS_TO_RUN + 120)) "$SOAK" \
  --export "$export_dir" --clients "$CLIENTS" --seconds "$SECONDS_TO_RUN" \
  --report-seconds "$REPORT_SECONDS" --watch "nfsd=${daemon_pids[nfsd]}" \
  --watch "mountd=${daemon_pids[mountd]}" --watch "portmapd=${daemon_pids[portmapd]}" ||
  soak_status=$?
if ((soak_status != 0)); then
  for name in "${DAEMON_NAMES[@]}"; do
    echo "--- $name log (last lines):" >&2
    tail -n 20 "$work_dir/$name.log" >&2
  done
fi
exit "$soak_status"
