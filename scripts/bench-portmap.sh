#!/usr/bin/env bash
# Compares NULL-call round trips per second over TCP between our portmapd and Debian's rpcbind,
# at 1 and 16 calls outstanding on one connection, and prints the ratio.
#
# Each daemon runs in a network namespace this script creates, on that namespace's loopback, so
# the benchmark neither disturbs nor is disturbed by whatever holds port 111 on the host (our
# portmapd may be running there). rpcbind also gets a private tmpfs on /run: it creates
# /run/rpcbind.sock, /run/rpcbind.lock and /run/rpcbind/*.xdr, and a network namespace does not
# separate files, so without it our rpcbind would take over the host's paths.
#
# Where the daemon and the client run matters more than anything else at one call outstanding: on
# a virtual machine, waking a thread on an idle CPU costs tens of microseconds, a round trip within
# one CPU a few, so an unpinned run lands at either figure by chance. Both daemons are therefore
# pinned the same way (BENCH_CPU_PLACEMENT):
#   split (default): daemon on the first allowed CPU, client on the second, as when the client is
#                    another machine; every round trip pays the cross-CPU wake-up.
#   same:            daemon and client share the first allowed CPU; throughput then follows the
#                    CPU time both spend per call.
#   none:            no pinning.
#
# Usage: sudo scripts/bench-portmap.sh
# Environment: BUILD_DIR (default <repo>/build-bench), BENCH_RUNS (runs per daemon and workload,
# default 3), BENCH_SECONDS (length of one run, default 3), BENCH_CPU_PLACEMENT (see above).
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_DIR
readonly BENCH_SCRIPT=bench-portmap.sh
# shellcheck source=scripts/bench-lib.sh
source "$REPO_DIR/scripts/bench-lib.sh"
readonly BUILD_DIR=${BUILD_DIR:-$REPO_DIR/build-bench}
readonly RUNS=${BENCH_RUNS:-3}
readonly RUN_SECONDS=${BENCH_SECONDS:-3}
readonly CPU_PLACEMENT=${BENCH_CPU_PLACEMENT:-split}
readonly OUTSTANDING_LEVELS=(1 16)
readonly RPCBIND=/usr/sbin/rpcbind
readonly NS_OURS=nfsuite-bench-ours-$$
readonly NS_RPCBIND=nfsuite-bench-rpcbind-$$
# How long a daemon may take to answer rpcinfo after it starts, in tenths of a second.
readonly READY_TRIES=100
# How long a daemon may take to exit after SIGTERM, in tenths of a second.
readonly STOP_TRIES=50

if [[ $(id -u) -ne 0 ]]; then
  echo "bench-portmap.sh: must run as root (it creates network namespaces and runs rpcbind)" >&2
  exit 2
fi
[[ $RUNS =~ ^[1-9]$ ]] || die "BENCH_RUNS must be 1 to 9"
if ! [[ $RUN_SECONDS =~ ^[1-9][0-9]?$ ]] || ((RUN_SECONDS > 60)); then
  die "BENCH_SECONDS must be 1 to 60"
fi
for tool in ip unshare mount rpcinfo timeout taskset cmake ninja "$RPCBIND"; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done

# The CPUs this script may use, one per line ("0-2,4" in /proc becomes 0 1 2 4).
allowed_cpus() {
  sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | tr ',' '\n' |
    awk -F- '{ last = NF > 1 ? $2 : $1; for (cpu = $1; cpu <= last; cpu++) print cpu }'
}
mapfile -t cpus < <(allowed_cpus)
case $CPU_PLACEMENT in
  split)
    ((${#cpus[@]} >= 2)) || die "BENCH_CPU_PLACEMENT=split needs two CPUs; only ${cpus[*]} allowed"
    daemon_pinning=(taskset -c "${cpus[0]}")
    client_pinning=(taskset -c "${cpus[1]}")
    ;;
  same)
    daemon_pinning=(taskset -c "${cpus[0]}")
    client_pinning=(taskset -c "${cpus[0]}")
    ;;
  none)
    daemon_pinning=()
    client_pinning=()
    ;;
  *) die "BENCH_CPU_PLACEMENT must be split, same or none" ;;
esac

# --- State the cleanup undoes: only what this script created. -----------------------------------
work_dir=
created_namespaces=()
declare -A daemon_pids=()  # name -> pid
declare -A daemon_comms=() # name -> what /proc/PID/comm must say once it runs

cleanup() {
  local status=$? name namespace
  begin_cleanup "$status"
  for name in "${!daemon_pids[@]}"; do stop_daemon "$name"; done
  for namespace in "${created_namespaces[@]}"; do ip netns delete "$namespace"; done
  [[ -n $work_dir ]] && rm -rf "$work_dir"
  exit "$status"
}
trap_exits

work_dir=$(mktemp -d /tmp/nfsuite-bench-portmap.XXXXXX)

# --- (a) Build. -----------------------------------------------------------------------------------
build_targets "$BUILD_DIR" Release "$work_dir/build.log" portmapd rpc_null_bench
readonly PORTMAPD=$BUILD_DIR/daemon/portmapd
readonly BENCH=$BUILD_DIR/tests/bench/rpc_null_bench
[[ -x $PORTMAPD && -x $BENCH ]] || die "build produced no $PORTMAPD or $BENCH"

if pgrep -x rpcbind >/dev/null; then
  # Harmless to us (our rpcbind has its own /run and its own network), but worth knowing.
  echo "note: an rpcbind is already running (pid $(pgrep -x rpcbind | tr '\n' ' '));" \
    "the benchmark's own rpcbind does not touch it"
fi

# --- (b) Namespaces, loopback only. ---------------------------------------------------------------
for namespace in "$NS_OURS" "$NS_RPCBIND"; do
  if ip netns list | awk '{ print $1 }' | grep -qxF -- "$namespace"; then
    die "network namespace $namespace already exists; not touching it"
  fi
  ip netns add "$namespace"
  created_namespaces+=("$namespace")
  ip netns exec "$namespace" ip link set lo up
done

# --- (c) Daemons. taskset, `ip netns exec`, unshare and `sh -c exec` all exec, so $! is the daemon
# itself; its threads inherit the pinning.
mkdir -p "$work_dir/portmapd-state" "$work_dir/portmapd-run"
"${daemon_pinning[@]}" ip netns exec "$NS_OURS" "$PORTMAPD" --state-dir "$work_dir/portmapd-state" \
  --run-dir "$work_dir/portmapd-run" --no-warm-start --log-level warning \
  </dev/null >"$work_dir/portmapd.log" 2>&1 &
daemon_pids[portmapd]=$!
daemon_comms[portmapd]=portmapd

# -f: stay in the foreground so that $! stays its pid. No -w: nothing to warm-start from.
# shellcheck disable=SC2016  # $0 is expanded by the inner shell: it is rpcbind's path
"${daemon_pinning[@]}" ip netns exec "$NS_RPCBIND" \
  unshare --mount --propagation private -- /bin/sh -c '
  mount -t tmpfs -o mode=0755,size=4m nfsuite-bench-run /run &&
  mkdir -m 0755 /run/rpcbind &&
  exec "$0" -f' "$RPCBIND" </dev/null >"$work_dir/rpcbind.log" 2>&1 &
daemon_pids[rpcbind]=$!
daemon_comms[rpcbind]=rpcbind

# --- (d) Wait until both answer. ------------------------------------------------------------------
namespace_of() { if [[ $1 == portmapd ]]; then echo "$NS_OURS"; else echo "$NS_RPCBIND"; fi; }

for name in portmapd rpcbind; do
  ready=0
  for ((tries = 0; tries < READY_TRIES; tries++)); do
    if ! kill -0 "${daemon_pids[$name]}" 2>/dev/null; then
      cat "$work_dir/$name.log" >&2
      die "$name exited before answering"
    fi
    if ip netns exec "$(namespace_of "$name")" timeout 2 rpcinfo -p 127.0.0.1 >/dev/null 2>&1; then
      ready=1
      break
    fi
    sleep 0.1
  done
  ((ready)) || die "$name did not answer rpcinfo within $((READY_TRIES / 10)) s"
  [[ $(cat "/proc/${daemon_pids[$name]}/comm") == "${daemon_comms[$name]}" ]] ||
    die "pid ${daemon_pids[$name]} is not $name"
done
echo "portmapd (pid ${daemon_pids[portmapd]}) in $NS_OURS," \
  "rpcbind (pid ${daemon_pids[rpcbind]}) in $NS_RPCBIND: both answer"

# --- (e) Runs, alternating daemons. ---------------------------------------------------------------
CLOCK_TICKS=$(getconf CLK_TCK)
readonly CLOCK_TICKS
declare -A samples=()  # "daemon K metric" -> space-separated values, one per run
for outstanding in "${OUTSTANDING_LEVELS[@]}"; do
  for ((run = 1; run <= RUNS; run++)); do
    for name in portmapd rpcbind; do
      pid=${daemon_pids[$name]}
      ticks_before=$(cpu_ticks "$pid")
      # --foreground keeps the client in our process group, so Ctrl-C stops it at once.
      bench_status=0
      output=$(ip netns exec "$(namespace_of "$name")" \
        timeout --foreground $((RUN_SECONDS + 30)) "${client_pinning[@]}" \
        "$BENCH" --host 127.0.0.1 --port 111 --outstanding "$outstanding" --connections 1 \
        --seconds "$RUN_SECONDS" 2>&1) || bench_status=$?
      ((bench_status <= 128)) || exit "$bench_status"  # killed by a signal: we are stopping too
      if ((bench_status != 0)); then
        echo "$output" >&2
        die "rpc_null_bench against $name at $outstanding outstanding failed ($bench_status)"
      fi
      ticks_after=$(cpu_ticks "$pid")
      result=$(sed -n 's/^RESULT //p' <<<"$output")
      [[ -n $result ]] || die "no RESULT line from rpc_null_bench: $output"
      calls=$(result_field "$result" calls)
      server_us_per_call=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$CLOCK_TICKS" \
        -v n="$calls" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
      printf '%-8s K=%-2d run %d: %s server_cpu_us_per_call=%s\n' "$name" "$outstanding" "$run" \
        "$result" "$server_us_per_call"
      for metric in calls_per_second p50_us p99_us client_cpu_percent; do
        samples["$name $outstanding $metric"]+=" $(result_field "$result" "$metric")"
      done
      samples["$name $outstanding server_us_per_call"]+=" $server_us_per_call"
    done
  done
done

# --- (f) Table of medians. ------------------------------------------------------------------------
# shellcheck disable=SC2086  # the samples are a space-separated list of numbers
med() { median ${samples["$1 $2 $3"]}; }
echo
echo "NULL calls over TCP on loopback, 1 connection, median of $RUNS runs of $RUN_SECONDS s," \
  "CPU placement: $CPU_PLACEMENT"
printf '%-22s %16s %16s %14s\n' workload "ours calls/s" "rpcbind calls/s" "ours/rpcbind"
for outstanding in "${OUTSTANDING_LEVELS[@]}"; do
  ours=$(med portmapd "$outstanding" calls_per_second)
  theirs=$(med rpcbind "$outstanding" calls_per_second)
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  printf '%-22s %16s %16s %14s\n' "NULL TCP K=$outstanding" "$ours" "$theirs" "$ratio"
done
echo
printf '%-22s %-9s %9s %9s %18s %16s\n' workload daemon "p50 us" "p99 us" \
  "server CPU us/call" "client CPU %"
for outstanding in "${OUTSTANDING_LEVELS[@]}"; do
  for name in portmapd rpcbind; do
    printf '%-22s %-9s %9s %9s %18s %16s\n' "NULL TCP K=$outstanding" "$name" \
      "$(med "$name" "$outstanding" p50_us)" "$(med "$name" "$outstanding" p99_us)" \
      "$(med "$name" "$outstanding" server_us_per_call)" \
      "$(med "$name" "$outstanding" client_cpu_percent)"
  done
done
# (g) The EXIT trap stops both daemons and deletes both namespaces.
