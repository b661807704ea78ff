#!/usr/bin/env bash
# Compares our nfsd with nfs-ganesha (4.3, FSAL VFS) on the same tmpfs export, the same machine and
# the same client (tests/bench/nfs_load), and prints a table of medians with the ratio ours/ganesha
# per workload: rate (higher is better) and the server's CPU time per operation (lower is better).
#
# Both servers run side by side for the whole benchmark, each in a network namespace of its own
# that this script creates, on that namespace's loopback, and the runs alternate between them (the
# order swaps each round, so a drift in the machine's load hits both alike):
#   - in each namespace our portmapd on port 111: ganesha exits at start-up when no portmapper
#     accepts its registrations, and one portmapper could not hold both servers' NFS v3 over TCP;
#   - our mountd and nfsd, exporting the tmpfs with no_root_squash;
#   - ganesha, NFSv3 only over TCP, without NLM and RQUOTA, graceless, with its own pid file, log
#     and recovery directory under this script's work directory.
# The namespaces have ports 111 and 2049 of their own, so the host's (which the project's tests
# take turns on, under /tmp/nfsuite-port111.lock) are not touched and no lock is needed; the
# tmpfs is shared, as file systems are not separated by network namespaces. Every daemon is
# started by this script and stopped by pid on exit, whatever the exit.
#
# Each run is one nfs_load invocation that runs every workload in turn (see
# tests/bench/nfs_load_main.cc); the server's CPU time comes from /proc of nfsd's or ganesha's pid.
# K counts operations in flight in all, spread over C connections.
#
# Usage: sudo scripts/bench-ganesha.sh [--quick]
#   --quick  one run per server and setting, a 256 MiB file, 2000 files, 2 s timed workloads
# Environment (overrides): BUILD_DIR (default <repo>/build-bench), BENCH_RUNS (runs per server and
# setting, default 3), BENCH_SETTINGS (default "1x1 16x1 16x4", each KxC), BENCH_FILE_SIZE (bytes
# for write/read, default 1 GiB), BENCH_FILES (default 10000), BENCH_SECONDS (null and randread,
# default 5), BENCH_WORKLOADS (nfs_load's --workloads, default all).
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_DIR
readonly BENCH_SCRIPT=bench-ganesha.sh
# shellcheck source=scripts/bench-lib.sh
source "$REPO_DIR/scripts/bench-lib.sh"

quick=0
case ${1:-} in
  "") ;;
  --quick) quick=1 ;;
  *)
    echo "usage: bench-ganesha.sh [--quick]" >&2
    exit 2
    ;;
esac
readonly BUILD_DIR=${BUILD_DIR:-$REPO_DIR/build-bench}
if ((quick)); then
  readonly RUNS=${BENCH_RUNS:-1} FILE_SIZE=${BENCH_FILE_SIZE:-268435456}
  readonly FILES=${BENCH_FILES:-2000} SECONDS_TIMED=${BENCH_SECONDS:-2}
else
  readonly RUNS=${BENCH_RUNS:-3} FILE_SIZE=${BENCH_FILE_SIZE:-1073741824}
  readonly FILES=${BENCH_FILES:-10000} SECONDS_TIMED=${BENCH_SECONDS:-5}
fi
read -r -a SETTINGS <<<"${BENCH_SETTINGS:-1x1 16x1 16x4}"
readonly SETTINGS
readonly WORKLOADS=${BENCH_WORKLOADS:-null,write,read,randread,create,lookup,getattr,readdirplus,remove,smallfile}
readonly GANESHA=/usr/bin/ganesha.nfsd
readonly GANESHA_FSAL_DIR=/usr/lib/x86_64-linux-gnu/ganesha
declare -A NAMESPACE=([ours]=nfsuite-bench-ours-$$ [ganesha]=nfsuite-bench-ganesha-$$)
readonly NAMESPACE
# Ports on each namespace's 127.0.0.1.
readonly MOUNTD_PORT=20048 NFSD_PORT=2049 GANESHA_MNT_PORT=20048 GANESHA_NFS_PORT=2049
readonly READY_TRIES=600 # tenths of a second a server gets to answer after it starts
# shellcheck disable=SC2034  # read by stop_daemon (bench-lib.sh)
readonly STOP_TRIES=100
# One nfs_load invocation may take at most this long (it bounds each of its phases itself).
readonly LOAD_TIMEOUT=1800

if [[ $(id -u) -ne 0 ]]; then
  echo "$BENCH_SCRIPT: must run as root (it creates a network namespace, mounts a tmpfs and runs nfsd, which" \
    "needs CAP_DAC_READ_SEARCH, and ganesha)" >&2
  exit 2
fi
[[ $RUNS =~ ^[1-9]$ ]] || die "BENCH_RUNS must be 1 to 9"
[[ $FILE_SIZE =~ ^[1-9][0-9]{6,10}$ ]] || die "BENCH_FILE_SIZE must be 1 MB to 10 GB in bytes"
((FILE_SIZE <= 4 * 1024 * 1024 * 1024)) || die "BENCH_FILE_SIZE must be at most 4 GiB"
[[ $FILES =~ ^[1-9][0-9]{0,5}$ ]] || die "BENCH_FILES must be 1 to 999999"
[[ $SECONDS_TIMED =~ ^[1-9][0-9]?$ ]] || die "BENCH_SECONDS must be 1 to 99"
for setting in "${SETTINGS[@]}"; do
  [[ $setting =~ ^([1-9][0-9]{0,2})x([1-9][0-9]?)$ ]] || die "BENCH_SETTINGS: '$setting' is not KxC"
  ((BASH_REMATCH[2] <= BASH_REMATCH[1])) || die "BENCH_SETTINGS: '$setting' has C > K"
done
if [[ ! -x $GANESHA || ! -f $GANESHA_FSAL_DIR/libfsalvfs.so ]]; then
  echo "$BENCH_SCRIPT: installing nfs-ganesha (scripts/install-deps.sh --bench)" >&2
  "$REPO_DIR/scripts/install-deps.sh" --bench || die "installing nfs-ganesha failed"
fi
for tool in ip mount umount mountpoint rpcinfo timeout cmake ninja "$GANESHA"; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done

# --- State the cleanup undoes: only what this script created. -----------------------------------
work_dir=
export_dir=
tmpfs_mounted=0
created_namespaces=()
declare -A daemon_pids=() # name -> pid
# Stop order: the NFS servers before the portmappers they are registered with.
readonly DAEMON_NAMES=(ganesha nfsd mountd portmapd-ganesha portmapd-ours)

cleanup() {
  local status=$? name namespace
  begin_cleanup "$status"
  for name in "${DAEMON_NAMES[@]}"; do stop_daemon "$name"; done
  for namespace in "${created_namespaces[@]}"; do ip netns delete "$namespace"; done
  remove_tmpfs "$export_dir" "$tmpfs_mounted"
  [[ -n $work_dir ]] && rm -rf "$work_dir"
  exit "$status"
}
trap_exits

work_dir=$(mktemp -d /tmp/nfsuite-bench-ganesha.XXXXXX)
export_dir=$(mktemp -d /tmp/nfsuite-bench-ganesha-export.XXXXXX)

# --- (a) Build. -----------------------------------------------------------------------------------
build_targets "$BUILD_DIR" RelWithDebInfo "$work_dir/build.log" portmapd mountd nfsd nfs_load
readonly PORTMAPD=$BUILD_DIR/daemon/portmapd
readonly MOUNTD=$BUILD_DIR/daemon/mountd
readonly NFSD=$BUILD_DIR/daemon/nfsd
readonly LOAD=$BUILD_DIR/tests/bench/nfs_load
for program in "$PORTMAPD" "$MOUNTD" "$NFSD" "$LOAD"; do
  [[ -x $program ]] || die "build produced no $program"
done

# --- (b) The namespace, loopback only. ------------------------------------------------------------
for namespace in "${NAMESPACE[@]}"; do
  if ip netns list | awk '{ print $1 }' | grep -qxF -- "$namespace"; then
    die "network namespace $namespace already exists; not touching it"
  fi
  ip netns add "$namespace"
  created_namespaces+=("$namespace")
  ip netns exec "$namespace" ip link set lo up
  # Ganesha resolves Bind_addr with AI_ADDRCONFIG, which finds no IPv4 address at all while only
  # the loopback interface has one: a veth pair inside the namespace (both ends there, so nothing
  # leaves it) gives it one, from the documentation range. Both namespaces alike.
  ip netns exec "$namespace" ip link add bench0 type veth peer name bench1
  ip netns exec "$namespace" ip addr add 192.0.2.1/32 dev bench0
  ip netns exec "$namespace" ip link set bench0 up
  ip netns exec "$namespace" ip link set bench1 up
done
# Ganesha, like any libtirpc server, would register through rpcbind's Unix socket (not separated
# by a network namespace) if one were there; it must use our portmapd on the namespace's 111.
[[ ! -S /run/rpcbind.sock ]] || die "/run/rpcbind.sock exists: a system rpcbind is running"
# Runs a command in the namespace of `server` (ours or ganesha).
in_namespace() {
  local server=$1
  shift
  ip netns exec "${NAMESPACE[$server]}" "$@"
}

# --- (c) The export: one tmpfs both servers serve. ------------------------------------------------
mount -t tmpfs -o "size=$((FILE_SIZE * 2 / 1048576 + 512))m,mode=0755" nfsuite-bench-ganesha \
  "$export_dir"
tmpfs_mounted=1
mountpoint -q "$export_dir" || die "$export_dir is not a mount point after mounting it"

# --- (d) Daemons, each in its server's namespace. ------------------------------------------------
# start_daemon NAME SERVER COMMAND...: `ip netns exec` is run directly (not through a function,
# which would put a subshell in between) and execs the command, so $! is the daemon itself.
start_daemon() {
  local name=$1 server=$2
  shift 2
  ip netns exec "${NAMESPACE[$server]}" "$@" </dev/null >"$work_dir/$name.log" 2>&1 &
  daemon_pids[$name]=$!
}

# Dies unless the daemon started as `name` runs the program `comm` (what /proc/PID/comm says).
check_daemon() {
  local name=$1 comm=$2
  [[ $(cat "/proc/${daemon_pids[$name]}/comm" 2>/dev/null) == "$comm" ]] ||
    die "pid ${daemon_pids[$name]} is not $comm"
}

# Waits until `program` version `version` answers NULL over TCP at `port` on 127.0.0.1 of
# `server`'s namespace (rpcinfo asks that namespace's portmapper first, so it must be registered).
wait_for_server() {
  local server=$1 program=$2 version=$3 port=$4 tries name
  for ((tries = 0; tries < READY_TRIES; tries++)); do
    for name in "${DAEMON_NAMES[@]}"; do
      [[ -n ${daemon_pids[$name]:-} ]] || continue
      if ! kill -0 "${daemon_pids[$name]}" 2>/dev/null; then
        tail -n 30 "$work_dir/$name.log" >&2
        die "$name exited while starting"
      fi
    done
    if in_namespace "$server" timeout 2 rpcinfo -n "$port" -t 127.0.0.1 "$program" "$version" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  for name in "${DAEMON_NAMES[@]}"; do
    [[ -n ${daemon_pids[$name]:-} ]] || continue
    echo "--- $name log:" >&2
    tail -n 20 "$work_dir/$name.log" >&2
  done
  in_namespace "$server" timeout 5 rpcinfo -n "$port" -t 127.0.0.1 "$program" "$version" >&2 || true
  die "program $program v$version did not answer on port $port within $((READY_TRIES / 10)) s"
}

for server in ours ganesha; do
  mkdir -p "$work_dir/portmapd-$server-state" "$work_dir/portmapd-$server-run"
  # All of the namespace's addresses (the default), IPv6 too: libntirpc, which ganesha
  # registers through, does not always use 127.0.0.1.
  start_daemon "portmapd-$server" "$server" "$PORTMAPD" --port 111 \
    --state-dir "$work_dir/portmapd-$server-state" --run-dir "$work_dir/portmapd-$server-run" \
    --no-warm-start --log-level warning
  wait_for_server "$server" 100000 2 111
  check_daemon "portmapd-$server" portmapd
done
mkdir -p "$work_dir/nfs-state" "$work_dir/nfs-run"

echo "$export_dir 127.0.0.1(rw,no_root_squash,insecure)" >"$work_dir/exports"
# mountd first: it and nfsd share the handle key in the state directory.
start_daemon mountd ours "$MOUNTD" --exports-file "$work_dir/exports" --listen 127.0.0.1 \
  --port "$MOUNTD_PORT" --state-dir "$work_dir/nfs-state" --run-dir "$work_dir/nfs-run" \
  --log-level warning
wait_for_server ours 100005 3 "$MOUNTD_PORT"
check_daemon mountd mountd
start_daemon nfsd ours "$NFSD" --listen 127.0.0.1 --port "$NFSD_PORT" \
  --state-dir "$work_dir/nfs-state" --run-dir "$work_dir/nfs-run" --log-level warning
wait_for_server ours 100003 3 "$NFSD_PORT"
check_daemon nfsd nfsd

mkdir -p "$work_dir/ganesha-recovery"
cat >"$work_dir/ganesha.conf" <<EOF
# Written by $BENCH_SCRIPT: NFSv3 over TCP on loopback, nothing else.
NFS_CORE_PARAM {
  Bind_addr = 127.0.0.1;
  NFS_Port = $GANESHA_NFS_PORT;
  MNT_Port = $GANESHA_MNT_PORT;
  Protocols = 3;
  Enable_NLM = false;
  Enable_RQUOTA = false;
  Enable_UDP = false;
  Plugins_Dir = "$GANESHA_FSAL_DIR";
}
NFSv4 {
  Graceless = true;
  RecoveryRoot = "$work_dir/ganesha-recovery";
}
EXPORT {
  Export_Id = 1;
  Path = "$export_dir";
  Pseudo = "$export_dir";
  Protocols = 3;
  Transports = TCP;
  Access_Type = RW;
  Squash = No_Root_Squash;
  SecType = sys;
  FSAL { Name = VFS; }
}
EOF
# -F: stay in the foreground, so that $! stays its pid.
start_daemon ganesha ganesha "$GANESHA" -F -f "$work_dir/ganesha.conf" -L "$work_dir/ganesha.log" \
  -p "$work_dir/ganesha.pid" -N NIV_EVENT
wait_for_server ganesha 100005 3 "$GANESHA_MNT_PORT"
wait_for_server ganesha 100003 3 "$GANESHA_NFS_PORT"
check_daemon ganesha ganesha.nfsd

declare -A server_pid=([ours]=${daemon_pids[nfsd]} [ganesha]=${daemon_pids[ganesha]})
declare -A server_url=(
  [ours]="nfs://127.0.0.1$export_dir?nfsport=$NFSD_PORT&mountport=$MOUNTD_PORT"
  [ganesha]="nfs://127.0.0.1$export_dir?nfsport=$GANESHA_NFS_PORT&mountport=$GANESHA_MNT_PORT"
)
rss_kib() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
declare -A rss_idle=([ours]=$(rss_kib "${server_pid[ours]}") [ganesha]=$(rss_kib "${server_pid[ganesha]}"))
echo "nfsd (pid ${server_pid[ours]}) and ganesha (pid ${server_pid[ganesha]}) serve $export_dir;" \
  "idle RSS: nfsd ${rss_idle[ours]} KiB, ganesha ${rss_idle[ganesha]} KiB"

# --- (e) Runs, alternating servers. ---------------------------------------------------------------
readonly METRICS=(rate p50_us p99_us server_cpu_us_per_unit)
declare -A samples=()    # "server setting workload metric" -> space-separated values
declare -A rate_unit=()  # workload -> unit of its rate
workload_names=()
started=$(date +%s)
for setting in "${SETTINGS[@]}"; do
  outstanding=${setting%x*}
  connections=${setting#*x}
  for ((run = 1; run <= RUNS; run++)); do
    if ((run % 2)); then order=(ours ganesha); else order=(ganesha ours); fi
    for server in "${order[@]}"; do
      echo "--- K=$outstanding C=$connections run $run/$RUNS: $server"
      load_status=0
      # --foreground keeps the client in our process group, so Ctrl-C stops it at once.
      output=$(in_namespace "$server" timeout --foreground "$LOAD_TIMEOUT" "$LOAD" --url "${server_url[$server]}" \
        --workloads "$WORKLOADS" -K "$outstanding" -C "$connections" \
        --server-pid "${server_pid[$server]}" --seconds "$SECONDS_TIMED" --files "$FILES" \
        --file-size "$FILE_SIZE" 2>&1) || load_status=$?
      grep -v '^RESULT ' <<<"$output" || true
      ((load_status <= 128)) || exit "$load_status" # killed by a signal: we are stopping too
      ((load_status == 0)) || die "nfs_load against $server failed ($load_status)"
      while read -r result; do
        workload=$(result_field "$result" workload)
        if [[ -z ${rate_unit[$workload]:-} ]]; then
          workload_names+=("$workload")
          rate_unit[$workload]=$(result_field "$result" rate_unit)
        fi
        for metric in "${METRICS[@]}"; do
          samples["$server $setting $workload $metric"]+=" $(result_field "$result" "$metric")"
        done
      done < <(sed -n 's/^RESULT //p' <<<"$output")
    done
  done
done
elapsed=$(($(date +%s) - started))
declare -A rss_end=([ours]=$(rss_kib "${server_pid[ours]}") [ganesha]=$(rss_kib "${server_pid[ganesha]}"))

# --- (f) Table of medians. ------------------------------------------------------------------------
# shellcheck disable=SC2086  # the samples are a space-separated list of numbers
med() { median ${samples["$1 $2 $3 $4"]}; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
echo "nfsuite nfsd vs nfs-ganesha $(dpkg-query -W -f='${Version}' nfs-ganesha 2>/dev/null)," \
  "NFSv3 over TCP on loopback, tmpfs export, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "median of $RUNS run(s) per server and setting; file $((FILE_SIZE / 1048576)) MiB," \
  "$FILES files, timed workloads ${SECONDS_TIMED} s; K = operations in flight, C = connections;" \
  "$(nproc) CPUs shared with other work; ${elapsed} s of runs"
echo "rate: ops/s, MB/s or entries/s (higher is better); CPU: µs of server CPU time per op, per MiB" \
  "or per entry (lower is better); ratio: ours/ganesha"
readonly ROW='| %-11s | %-5s | %-9s | %9s | %9s | %6s | %8s | %8s | %6s | %8s | %8s |\n'
# shellcheck disable=SC2059  # ROW is the format
printf "\n$ROW" workload KxC unit ours ganesha ratio "CPU ours" "CPU gan." ratio "p50 ours" "p50 gan."
printf '|%s|\n' "-------------|-------|-----------|-----------|-----------|--------|----------|----------|--------|----------|----------"
# Rates and latencies to the unit, CPU times to 0.1 µs.
whole() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
tenth() { awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }
for setting in "${SETTINGS[@]}"; do
  for workload in "${workload_names[@]}"; do
    ours=$(med ours "$setting" "$workload" rate)
    theirs=$(med ganesha "$setting" "$workload" rate)
    cpu_ours=$(med ours "$setting" "$workload" server_cpu_us_per_unit)
    cpu_theirs=$(med ganesha "$setting" "$workload" server_cpu_us_per_unit)
    # shellcheck disable=SC2059  # ROW is the format
    printf "$ROW" "$workload" "$setting" "${rate_unit[$workload]}" "$(whole "$ours")" \
      "$(whole "$theirs")" "$(ratio "$ours" "$theirs")" "$(tenth "$cpu_ours")" \
      "$(tenth "$cpu_theirs")" "$(ratio "$cpu_ours" "$cpu_theirs")" \
      "$(whole "$(med ours "$setting" "$workload" p50_us)")" \
      "$(whole "$(med ganesha "$setting" "$workload" p50_us)")"
  done
done
echo
echo "CPU: per MiB for write/read, per entry for readdirplus, per operation otherwise;" \
  "p50 in µs (per READDIRPLUS call for readdirplus)"
echo "server RSS: nfsd ${rss_idle[ours]} KiB idle, ${rss_end[ours]} KiB after the runs;" \
  "ganesha ${rss_idle[ganesha]} KiB idle, ${rss_end[ganesha]} KiB after"
# (g) The EXIT trap stops every daemon by pid, unmounts the tmpfs and removes the work directory.
