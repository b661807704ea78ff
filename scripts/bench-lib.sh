# Helpers shared by scripts/bench-*.sh; sourced, not run. Before sourcing, a script sets
# BENCH_SCRIPT (its name, for messages) and declares `declare -A daemon_pids=()` (name -> pid of
# each daemon it started). STOP_TRIES (tenths of a second a daemon gets to exit after SIGTERM,
# default 50) may be set before or after.
# shellcheck shell=bash

die() {
  echo "$BENCH_SCRIPT: $*" >&2
  exit 1
}

# True while `pid` is a child of this shell: once bash has reaped a daemon that died, its pid may be
# reused by anyone, and that process must not be signalled.
is_our_child() { [[ $(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null) == "$$" ]]; }

# Stops the daemon this script started as `name` (SIGTERM, then SIGKILL after STOP_TRIES), by pid
# only, and forgets it.
stop_daemon() {
  local name=$1 pid=${daemon_pids[$1]:-} tries
  [[ -n $pid ]] || return 0
  if is_our_child "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    for ((tries = 0; tries < ${STOP_TRIES:-50}; tries++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$BENCH_SCRIPT: $name (pid $pid) ignored SIGTERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  wait "$pid" 2>/dev/null
  # shellcheck disable=SC2004  # daemon_pids is the caller's associative array, keyed by name
  daemon_pids[$name]=
}

# Configures `build_dir` as `build_type` if it has no build yet, then builds the targets that
# follow with two jobs; `log` keeps the output, whose tail is shown on failure.
build_targets() {
  local build_dir=$1 build_type=$2 log=$3
  shift 3
  if [[ ! -f $build_dir/build.ninja ]] &&
    ! timeout 1800 cmake -S "$REPO_DIR" -B "$build_dir" -G Ninja \
      -DCMAKE_BUILD_TYPE="$build_type" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "configuring $build_dir failed"
  fi
  if ! timeout 3600 ninja -j2 -C "$build_dir" "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "building in $build_dir failed"
  fi
}

# CPU time (user + system, all threads) a process has used, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# The value of KEY in a "RESULT key=value ..." line.
result_field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# The median of the numbers given (the lower middle one of an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The start of every script's `cleanup` (its EXIT trap), given the exit status: no more traps,
# no exit on errors while undoing, and a word when a signal is the reason.
begin_cleanup() {
  set +e
  trap - EXIT INT TERM HUP
  (($1 > 128)) && echo "$BENCH_SCRIPT: stopped by signal $(($1 - 128)); cleaning up" >&2
  return 0
}

# Runs the script's `cleanup` function on every exit, INT, TERM and HUP included (as exits with
# the usual status, so that the EXIT trap runs once).
trap_exits() {
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

# Unmounts the tmpfs at `dir` when `mounted` is 1, then removes `dir` only if nothing is mounted
# there any more, so nothing is ever deleted through the mount. False if it stays mounted.
remove_tmpfs() {
  local dir=$1 mounted=$2
  [[ -n $dir ]] || return 0
  if ((mounted)); then umount "$dir" || return 1; fi
  rmdir "$dir"
}

# Starts one daemon inside the network namespace $NAMESPACE, its output in $work_dir/NAME.log; `ip netns exec` execs, so $! is the daemon itself.
start_daemon() {
  local name=$1 program=$2
  shift 2
  ip netns exec "$NAMESPACE" "$program" "$@" </dev/null >"$work_dir/$name.log" 2>&1 &
  daemon_pids[$name]=$!
}

# Waits until `rpcinfo -p` inside $NAMESPACE lists `program` (every daemon of DAEMON_NAMES started
# must live), at most READY_TRIES tenths of a second.
wait_for_program() {
  local program=$1 tries name
  for ((tries = 0; tries < READY_TRIES; tries++)); do
    for name in "${DAEMON_NAMES[@]}"; do
      [[ -n ${daemon_pids[$name]:-} ]] || continue
      if ! kill -0 "${daemon_pids[$name]}" 2>/dev/null; then
        cat "$work_dir/$name.log" >&2
        die "$name exited while starting"
      fi
    done
    if ip netns exec "$NAMESPACE" timeout 2 rpcinfo -p 127.0.0.1 2>/dev/null |
      awk -v p="$program" '$1 == p { found = 1 } END { exit !found }'; then
      return 0
    fi
    sleep 0.1
  done
  die "program $program not registered within $((READY_TRIES / 10)) s"
}
