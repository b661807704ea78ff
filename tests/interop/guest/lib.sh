# Sourced by the guest's workload: running steps and checking results (busybox ash).
#
# A step is a shell function run in a subshell with `set -e`; it ends with status 0 (OK), 77 (SKIP:
# its last output line is the reason) or anything else (FAIL). Its output is shown as it comes,
# indented, except lines starting with INFO (measurements), HOSTCHECK (facts the host verifies on
# the server's side, see host_checks.sh) or HOSTACTION (requests to the host: restart-nfsd). A step still running after STEP_TIMEOUT seconds fails
# with the kernel stacks of the stuck processes, and the workload stops there: on a hard mount
# whatever comes next would hang too.

OK_COUNT=0
FAIL_COUNT=0
SKIP_COUNT=0
STEP_TIMEOUT=${STEP_TIMEOUT:-120}

now() { cut -d' ' -f1 /proc/uptime; }

# ONLY (from interop.conf) may list glob patterns of step names to run, for working on one step.
selected() {
  [ -n "${ONLY:-}" ] || return 0
  set -f # the patterns are for step names, not file names
  for pattern in $ONLY; do
    # shellcheck disable=SC2254 # the pattern is meant to match as a glob
    case $1 in $pattern)
      set +f
      return 0
      ;;
    esac
  done
  set +f
  return 1
}

run_step() {
  name=$1
  shift
  selected "$name" || return 0
  echo "RUN $name"
  t0=$(now)
  rm -f /tmp/step.rc
  {
    (
      set -e
      "$@"
    ) </dev/null
    # Not over the watchdog's "timeout" (its kill of show_output does not stop this).
    rc=$?
    [ -e /tmp/step.rc ] || echo "$rc" >/tmp/step.rc
  } 2>&1 | show_output &
  pipeline=$!
  (
    sleep "$STEP_TIMEOUT"
    echo timeout >/tmp/step.rc
    kill "$pipeline"
  ) &
  watchdog=$!
  wait "$pipeline"
  kill "$watchdog" 2>/dev/null
  rc=$(cat /tmp/step.rc 2>/dev/null || echo lost)
  seconds=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
  case $rc in
    0)
      OK_COUNT=$((OK_COUNT + 1))
      echo "STEP $name OK $seconds"
      ;;
    77)
      SKIP_COUNT=$((SKIP_COUNT + 1))
      echo "STEP $name SKIP $seconds $(tail -n 1 /tmp/step.out)"
      ;;
    timeout)
      FAIL_COUNT=$((FAIL_COUNT + 1))
      show_stuck_processes
      echo "STEP $name FAIL $seconds timed out after $STEP_TIMEOUT s"
      echo "INTEROP ABORTED ok=$OK_COUNT fail=$FAIL_COUNT skip=$SKIP_COUNT"
      exit 1
      ;;
    *)
      FAIL_COUNT=$((FAIL_COUNT + 1))
      echo "STEP $name FAIL $seconds"
      ;;
  esac
}

# Passes a step's output on line by line as it comes (sed would hold it in its buffer, and the host
# must see a HOSTACTION at once), keeping a copy in /tmp/step.out.
show_output() {
  : >/tmp/step.out
  while IFS= read -r line; do
    echo "$line" >>/tmp/step.out
    case $line in
      "INFO "* | "HOSTCHECK "* | "HOSTACTION "*) echo "$line" ;;
      *) echo "  | $line" ;;
    esac
  done
}

show_stuck_processes() {
  for dir in /proc/[0-9]*; do
    state=$(awk '/^State:/ { print $2 }' "$dir/status" 2>/dev/null)
    [ "$state" = D ] || continue
    echo "  | stuck in the kernel: ${dir#/proc/} $(tr '\0' ' ' <"$dir/cmdline")"
    sed 's/^/  |   /' "$dir/stack" 2>/dev/null
  done
}

fail() {
  echo "FAIL: $*"
  exit 1
}

skip() {
  echo "$*"
  exit 77
}

expect_eq() { # ACTUAL EXPECTED WHAT
  [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

# expect_error MESSAGE COMMAND...: COMMAND must fail and say MESSAGE, the strerror() text the
# application sees (busybox tools print it), e.g. "Read-only file system" for EROFS.
expect_error() {
  message=$1
  shift
  if output=$("$@" 2>&1); then
    fail "'$*' succeeded; expected '$message'"
  fi
  case $output in
    *"$message"*) echo "expected error: $output" ;;
    *) fail "'$*' failed with '$output'; expected '$message'" ;;
  esac
}

# Seconds since T0 (from `now`), for INFO lines.
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

drop_caches() {
  sync
  echo 3 >/proc/sys/vm/drop_caches
}
