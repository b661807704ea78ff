# shellcheck shell=bash
# Sourced by interop_test.sh: the real nfsuite daemons on 127.0.0.1 for the guest, as operators
# run them (portmapd on 111, mountd and nfsd registered with it on ephemeral ports, an exports
# file). QEMU's user-mode network turns the guest's connections to 10.0.2.2 into connections to
# 127.0.0.1 from unprivileged ports: hence `insecure` on every export by default.
#
# The locking variant sets the SERVER_* settings below before server_start: the daemons then run in
# its network namespace (whose port 111 is its own), listen on all of that namespace's addresses,
# admit only the guest's network, and nfsd gets the locking flags.

declare -A SERVER_PIDS=()
SERVER_DAEMONS=(portmapd mountd nfsd)
SERVER_NFSD_ARGS=()
SERVER_NETNS=                          # empty: the host's network
SERVER_ADDRESSES=(127.0.0.1)           # mountd and nfsd register with portmapd on 127.0.0.1
SERVER_CLIENTS='*'                     # the exports' client specification
SERVER_EXPORT_OPTIONS=insecure,no_root_squash
SERVER_NFSD_EXTRA=()                   # more nfsd flags (--grace-period, --nsm-name)
SERVER_LOG_LEVEL=                      # empty: INTEROP_LOG_LEVEL, or info

# server_start WORK_DIR RW_EXPORT RO_EXPORT: needs PORTMAPD MOUNTD NFSD NFSCTL (binary paths).
server_start() {
  local work=$1 rw=$2 ro=$3
  local level=${SERVER_LOG_LEVEL:-${INTEROP_LOG_LEVEL:-info}}
  mkdir -p "$work/state" "$work/run"
  printf '%s %s(rw,%s)\n%s %s(ro,%s)\n' "$rw" "$SERVER_CLIENTS" "$SERVER_EXPORT_OPTIONS" \
    "$ro" "$SERVER_CLIENTS" "$SERVER_EXPORT_OPTIONS" >"$work/exports"
  local common=(--state-dir "$work/state" --run-dir "$work/run" --log-level "$level")
  local listen=() address
  for address in "${SERVER_ADDRESSES[@]}"; do listen+=(--listen "$address"); done
  server_spawn portmapd "$work" "$PORTMAPD" --port 111 "${listen[@]}" "${common[@]}"
  server_spawn mountd "$work" "$MOUNTD" --port 0 "${listen[@]}" \
    --exports-file "$work/exports" "${common[@]}"
  SERVER_NFSD_ARGS=("${listen[@]}" "${common[@]}" "${SERVER_NFSD_EXTRA[@]}")
  server_spawn nfsd "$work" "$NFSD" --port "${INTEROP_NFSD_PORT:-0}" "${SERVER_NFSD_ARGS[@]}"
  # Ready means every daemon serves and mountd and nfsd are registered (nfsctl waits for both).
  if ! "$NFSCTL" --run-dir "$work/run" status --wait 30 >"$work/status.txt" 2>&1; then
    cat "$work/status.txt"
    return 1
  fi
}

server_spawn() { # NAME WORK_DIR BINARY ARGS... (the log is appended to: restarts keep it whole)
  local name=$1 work=$2
  shift 2
  local prefix=()
  # `ip netns exec` execs the command (it forks only in batch mode): $! is the daemon itself.
  [[ -z $SERVER_NETNS ]] || prefix=(ip netns exec "$SERVER_NETNS")
  "${prefix[@]}" "$@" >>"$work/$name.log" 2>&1 &
  SERVER_PIDS[$name]=$!
}

# server_restart_nfsd WORK_DIR: kill -9 and, 2 s later, start again on the same port, as after a
# crash: the client keeps its connection's address, and its file handles must stay valid (they
# are keyed by the state directory, not the process).
server_restart_nfsd() {
  local work=$1 port pid=${SERVER_PIDS[nfsd]}
  port=$(sed -n 's/.*listening on tcp [0-9.]*:\([0-9]*\).*/\1/p' "$work/nfsd.log" | tail -n 1)
  [[ -n $port ]] || {
    echo "server_restart_nfsd: nfsd's port is not in its log"
    return 1
  }
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  # Down long enough for the client's calls to fail, back off and be retried.
  sleep "${INTEROP_NFSD_DOWN_SECONDS:-2}"
  echo "==== nfsd killed with SIGKILL and started again on port $port ====" >>"$work/nfsd.log"
  server_spawn nfsd "$work" "$NFSD" --port "$port" "${SERVER_NFSD_ARGS[@]}"
  "$NFSCTL" --run-dir "$work/run" status --wait 30 nfsd >"$work/status.txt" 2>&1 || {
    cat "$work/status.txt"
    return 1
  }
}

# Stops the daemons this script started (by pid), nfsd first: TERM, then KILL after 10 s.
server_stop() {
  local name pid i
  for name in nfsd mountd portmapd; do
    pid=${SERVER_PIDS[$name]:-}
    [[ -n $pid ]] || continue
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "SERVER_PIDS[$name]"
  done
}

# Line counts of the daemons' logs, "portmapd=N mountd=N nfsd=N", to print a step's lines later.
server_log_marks() {
  local work=$1 name counts=()
  for name in "${SERVER_DAEMONS[@]}"; do
    counts+=("$name=$(wc -l <"$work/$name.log" 2>/dev/null || echo 0)")
  done
  echo "${counts[*]}"
}

# server_log_since WORK_DIR MARKS [LIMIT]: what each daemon logged after MARKS (the last LIMIT
# lines of it).
server_log_since() {
  local work=$1 marks=$2 limit=${3:-80} mark name from
  for mark in $marks; do
    name=${mark%%=*}
    from=$((${mark#*=} + 1))
    echo "---- $name log since the step started (last $limit lines at most) ----"
    tail -n "+$from" "$work/$name.log" | tail -n "$limit" | sed "s/^/$name| /"
  done
}
