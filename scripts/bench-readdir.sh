#!/usr/bin/env bash
# Times a whole READDIRPLUS listing of directories of growing size (10 000, 100 000 and 1 000 000
# empty files by default) through our portmapd, mountd and nfsd, and prints the nanoseconds per
# entry for each size: a constant figure means listing time grows linearly with the directory.
#
# The daemons run in a network namespace this script creates, on that namespace's loopback, so
# neither port 111 nor 2049 of the host is touched (our own daemons may be running there). The
# directories live on a tmpfs of the script's own, so the disk plays no part and nothing is left
# behind. For each size the directory is filled first (not timed), the three daemons are started
# with state and run directories of their own and that directory as their only export,
# tests/bench/readdir_bench lists it once from cookie 0 to eof, and the daemons are stopped.
#
# Usage: sudo scripts/bench-readdir.sh
# Environment: BUILD_DIR (default <repo>/build-bench), BENCH_SIZES (space-separated entry counts,
# default "10000 100000 1000000", each 1 to 2000000, at most 6), BENCH_MAX_SECONDS (bound on one
# listing, default 300), BENCH_DIRCOUNT / BENCH_MAXCOUNT (READDIRPLUS sizes, default 8192 / 65536).
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_DIR
readonly BENCH_SCRIPT=bench-readdir.sh
# shellcheck source=scripts/bench-lib.sh
source "$REPO_DIR/scripts/bench-lib.sh"
readonly BUILD_DIR=${BUILD_DIR:-$REPO_DIR/build-bench}
read -r -a SIZES <<<"${BENCH_SIZES:-10000 100000 1000000}"
readonly SIZES
readonly MAX_SECONDS=${BENCH_MAX_SECONDS:-300}
readonly DIRCOUNT=${BENCH_DIRCOUNT:-8192}
readonly MAXCOUNT=${BENCH_MAXCOUNT:-65536}
readonly NAMESPACE=nfsuite-bench-readdir-$$
# How long the daemons may take to answer rpcinfo after they start, in tenths of a second.
readonly READY_TRIES=200
# How long a daemon may take to exit after SIGTERM, in tenths of a second.
readonly STOP_TRIES=100
# How long filling or emptying one directory may take, in seconds.
readonly FILL_TIMEOUT=900

if [[ $(id -u) -ne 0 ]]; then
  echo "bench-readdir.sh: must run as root (it creates a network namespace, mounts a tmpfs and" \
    "runs nfsd, which needs CAP_DAC_READ_SEARCH)" >&2
  exit 2
fi
((${#SIZES[@]} >= 1 && ${#SIZES[@]} <= 6)) || die "BENCH_SIZES must list 1 to 6 sizes"
for size in "${SIZES[@]}"; do
  if ! [[ $size =~ ^[1-9][0-9]{0,6}$ ]] || ((size > 2000000)); then
    die "BENCH_SIZES: $size is not a number from 1 to 2000000"
  fi
done
if ! [[ $MAX_SECONDS =~ ^[1-9][0-9]{0,3}$ ]] || ((MAX_SECONDS > 3600)); then
  die "BENCH_MAX_SECONDS must be 1 to 3600"
fi
[[ $DIRCOUNT =~ ^[1-9][0-9]{2,6}$ ]] || die "BENCH_DIRCOUNT must be a number of bytes"
[[ $MAXCOUNT =~ ^[1-9][0-9]{3,6}$ ]] || die "BENCH_MAXCOUNT must be a number of bytes"
for tool in ip mount umount mountpoint rpcinfo timeout cmake ninja python3; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done
PYTHON=$(command -v python3)
readonly PYTHON

# --- State the cleanup undoes: only what this script created. -----------------------------------
work_dir=
tmpfs_dir=
tmpfs_mounted=0
namespace_created=0
declare -A daemon_pids=()  # name -> pid
readonly DAEMON_NAMES=(nfsd mountd portmapd)  # stop order: clients of the portmapper first

stop_daemons() {
  local name
  for name in "${DAEMON_NAMES[@]}"; do stop_daemon "$name"; done
}

cleanup() {
  local status=$?
  begin_cleanup "$status"
  stop_daemons
  ((namespace_created)) && ip netns delete "$NAMESPACE"
  remove_tmpfs "$tmpfs_dir" "$tmpfs_mounted"
  [[ -n $work_dir ]] && rm -rf "$work_dir"
  exit "$status"
}
trap_exits

work_dir=$(mktemp -d /tmp/nfsuite-bench-readdir.XXXXXX)
tmpfs_dir=$(mktemp -d /tmp/nfsuite-bench-readdir-export.XXXXXX)

# --- (a) Build. -----------------------------------------------------------------------------------
build_targets "$BUILD_DIR" Release "$work_dir/build.log" portmapd mountd nfsd readdir_bench
readonly PORTMAPD=$BUILD_DIR/daemon/portmapd
readonly MOUNTD=$BUILD_DIR/daemon/mountd
readonly NFSD=$BUILD_DIR/daemon/nfsd
readonly BENCH=$BUILD_DIR/tests/bench/readdir_bench
for program in "$PORTMAPD" "$MOUNTD" "$NFSD" "$BENCH"; do
  [[ -x $program ]] || die "build produced no $program"
done

# --- (b) The namespace (loopback only) and the tmpfs. ---------------------------------------------
if ip netns list | awk '{ print $1 }' | grep -qxF -- "$NAMESPACE"; then
  die "network namespace $NAMESPACE already exists; not touching it"
fi
ip netns add "$NAMESPACE"
namespace_created=1
ip netns exec "$NAMESPACE" ip link set lo up

mount -t tmpfs -o size=1G,mode=0755 nfsuite-bench-readdir "$tmpfs_dir"
tmpfs_mounted=1
mountpoint -q "$tmpfs_dir" || die "$tmpfs_dir is not a mount point after mounting it"

# Creates `count` empty files named f0000000... in `dir` (which must not exist yet).
fill_directory() {
  local dir=$1 count=$2
  mkdir -m 0755 "$dir"
  timeout "$FILL_TIMEOUT" "$PYTHON" -c '
import os, sys
directory, count = sys.argv[1], int(sys.argv[2])
flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
for i in range(count):
    os.close(os.open("f%07d" % i, flags, 0o644, dir_fd=dir_fd))
os.close(dir_fd)
' "$dir" "$count" || die "filling $dir with $count files failed"
}

# --- (c) One listing per size. --------------------------------------------------------------------
declare -A results=()  # size -> RESULT line
for size in "${SIZES[@]}"; do
  export_dir=$tmpfs_dir/dir-$size
  echo "--- $size entries: filling $export_dir"
  fill_directory "$export_dir" "$size"

  state=$work_dir/state-$size
  mkdir -p "$state/portmapd-state" "$state/portmapd-run" "$state/nfs-state" "$state/nfs-run"
  start_daemon portmapd "$PORTMAPD" --state-dir "$state/portmapd-state" \
    --run-dir "$state/portmapd-run" --no-warm-start --log-level warning
  wait_for_program 100000
  # mountd first: it and nfsd share the handle key in the state directory.
  start_daemon mountd "$MOUNTD" --export "$export_dir" --listen 127.0.0.1 \
    --state-dir "$state/nfs-state" --run-dir "$state/nfs-run" --log-level warning
  wait_for_program 100005
  start_daemon nfsd "$NFSD" --listen 127.0.0.1 \
    --state-dir "$state/nfs-state" --run-dir "$state/nfs-run" --log-level warning
  wait_for_program 100003

  echo "--- $size entries: listing"
  bench_status=0
  # --foreground keeps the client in our process group, so Ctrl-C stops it at once.
  output=$(ip netns exec "$NAMESPACE" timeout --foreground $((MAX_SECONDS + 60)) \
    "$BENCH" --host 127.0.0.1 --export "$export_dir" --dircount "$DIRCOUNT" \
    --maxcount "$MAXCOUNT" --max-seconds "$MAX_SECONDS" 2>&1) || bench_status=$?
  echo "$output"
  ((bench_status <= 128)) || exit "$bench_status"  # killed by a signal: we are stopping too
  if ((bench_status != 0)); then
    for name in "${DAEMON_NAMES[@]}"; do
      echo "--- $name log:" >&2
      tail -n 20 "$work_dir/$name.log" >&2
    done
    die "readdir_bench over $size entries failed ($bench_status)"
  fi
  results[$size]=$(sed -n 's/^RESULT //p' <<<"$output")
  [[ -n ${results[$size]} ]] || die "no RESULT line from readdir_bench"
  [[ $(result_field "${results[$size]}" entries) == "$size" ]] ||
    die "listed $(result_field "${results[$size]}" entries) entries of $size"

  stop_daemons
  # Not timed; frees the tmpfs for the next size.
  timeout "$FILL_TIMEOUT" rm -rf "$export_dir" || die "removing $export_dir failed"
done

# --- (d) Table. -----------------------------------------------------------------------------------
echo
echo "READDIRPLUS of a whole directory of empty files on tmpfs, one TCP connection, one call at" \
  "a time, dircount $DIRCOUNT, maxcount $MAXCOUNT"
printf '%10s %8s %10s %12s %12s %22s\n' entries pages seconds "entries/s" "ns/entry" \
  "ns/entry first/last"
for size in "${SIZES[@]}"; do
  result=${results[$size]}
  printf '%10s %8s %10.3f %12s %12s %22s\n' "$(result_field "$result" entries)" \
    "$(result_field "$result" pages)" "$(result_field "$result" seconds)" \
    "$(result_field "$result" entries_per_second)" "$(result_field "$result" ns_per_entry)" \
    "$(result_field "$result" first_tenth_ns_per_entry)/$(result_field "$result" \
      last_tenth_ns_per_entry)"
done
echo "(ns/entry first/last: over the first and the last tenth of the calls of one listing)"
# (e) The EXIT trap stops the daemons, deletes the namespace and unmounts and removes the tmpfs.
