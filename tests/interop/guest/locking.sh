# Sourced by workload.sh: the locking variant (busybox ash). The kernel's NFS client locks through
# its lockd (NLM) with the server, and asks a statd to monitor the server (NSM); the server calls
# the guest back (GRANTED for a blocked lock, SM_NOTIFY after its restart). This guest therefore
# sits on a tap network the server can reach (interop.conf: GUEST_ADDRESS), and runs Debian's
# rpcbind (where the kernel's lockd registers and the server finds it) and rpc.statd, taken with
# flock(1) from the host's root, shared read-only over 9p and mounted at /host.
#
# The two lock owners are two flock(1) processes: flock(2) on NFS is a whole-file POSIX lock sent
# over NLM (the client's default local_lock=none). Each reaches the file through a mount of its
# own, the second with nosharecache: the client first checks a lock against the locks it already
# holds on the same inode, and would settle a conflict between two of its processes itself,
# without asking the server; with two superblocks there are two inodes, and only the server can
# tell the owners apart. The steps ask the host to look at the server's side (HOSTACTION
# check-locks, answered in a file on the export, see lock_checks.sh): nfsd's lock count, blocked
# requests and monitored hosts, and that a local process there cannot lock the file.

HOST_ROOT=/host
HOST_LIBS=$HOST_ROOT/usr/lib/x86_64-linux-gnu

# flock(1) of the host, run in the guest's root (it must see the NFS mount) through the host's
# dynamic loader and libraries.
host_flock() {
  "$HOST_LIBS/ld-linux-x86-64.so.2" --library-path "$HOST_LIBS" "$HOST_ROOT/usr/bin/flock" "$@"
}

# start_flock OUTPUT ARGS...: host_flock in the background ($! is flock itself), its output to
# OUTPUT. The exec with its redirections matters: a background function call would leave a shell
# waiting for flock and holding the step's output pipe, and the step would never end.
start_flock() {
  out=$1
  shift
  (exec "$HOST_LIBS/ld-linux-x86-64.so.2" --library-path "$HOST_LIBS" "$HOST_ROOT/usr/bin/flock" \
    "$@" </dev/null >"$out" 2>&1) &
}

# The host's programs that must run in its root (configuration files, state directories).
in_host_root() { chroot "$HOST_ROOT" "$@"; }

# wait_until SECONDS COMMAND...: polls COMMAND every 0.2 s; returns 1 when it has not succeeded
# after SECONDS.
wait_until() {
  limit=$1
  shift
  started=$(now)
  while ! "$@" 2>/dev/null; do
    [ "$(awk -v a="$started" -v b="$(now)" -v l="$limit" 'BEGIN { print (b - a >= l) }')" = 0 ] ||
      return 1
    sleep 0.2
  done
}

# The host's root with the writable places rpcbind and rpc.statd need (tmpfs over the read-only
# share: /run, /tmp, /var/lib/nfs with statd's sm and sm.bak, and the guest's /proc and /dev).
# Nothing is written to the host: the share is read-only.
# The kernel's rpcbind client tries /var/run/rpcbind.sock in the guest's root first: point it at
# the chroot's /run.
step_lock_services() {
  mkdir -p "$HOST_ROOT"
  mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose hostroot "$HOST_ROOT"
  [ -x "$HOST_ROOT/usr/sbin/rpc.statd" ] || fail "no rpc.statd in the host's root over 9p"
  for dir in run tmp var/lib/nfs; do
    mount -t tmpfs tmpfs "$HOST_ROOT/$dir"
  done
  mkdir -p "$HOST_ROOT/var/lib/nfs/sm" "$HOST_ROOT/var/lib/nfs/sm.bak"
  mount -t proc proc "$HOST_ROOT/proc"
  mount -o bind /dev "$HOST_ROOT/dev"
  # statd looks the names it monitors up: the host's name server is not reachable from here and
  # each lookup would wait for its time-outs (10 s for the first lock); on the guest's loopback
  # the lookup is refused at once.
  echo "nameserver 127.0.0.1" >/tmp/resolv.conf
  mount -o bind /tmp/resolv.conf "$HOST_ROOT/etc/resolv.conf"
  mkdir -p /var
  ln -sfn "$HOST_ROOT/run" /var/run
  ln -sfn "$HOST_ROOT/run" /run
  echo "hostname (the NLM caller_name): $(hostname)"
  in_host_root /usr/sbin/rpcbind
  wait_until 20 in_host_root /usr/sbin/rpcinfo -p 127.0.0.1 >/dev/null ||
    fail "rpcbind does not answer after 20 s"
  # In the foreground of a background job, so that its log (-d: to stderr) stays readable here;
  # exec'd with its redirections, for the reason start_flock gives.
  (exec chroot "$HOST_ROOT" /usr/sbin/rpc.statd -F -d --no-notify </dev/null >/tmp/statd.log 2>&1) &
  wait_until 20 sh -c "chroot $HOST_ROOT /usr/sbin/rpcinfo -p 127.0.0.1 | grep -q ' 100024 '" || {
    cat /tmp/statd.log
    fail "rpc.statd not registered after 20 s"
  }
  in_host_root /usr/sbin/rpcinfo -p 127.0.0.1 | sed 's/^/INFO lock_services: /'
}

step_lock_mount() { # DIR OTHER_DIR REL
  mkdir -p "$1" "$2"
  # No nolock: the kernel starts lockd (and registers it with rpcbind) for this mount.
  mount -t nfs -o vers=3,proto=tcp "$SERVER:$RW_EXPORT" "$1"
  mount -t nfs -o vers=3,proto=tcp,nosharecache "$SERVER:$RW_EXPORT" "$2"
  grep -E " ($1|$2) nfs " /proc/mounts | sed 's/^/INFO mount: /'
  ! grep -E " ($1|$2) nfs " /proc/mounts | grep -q nolock || fail "mounted with nolock"
  mkdir "$1/$3"
  echo "locked by the guest" >"$1/$3/file"
  [ "$(stat -c %d "$1/$3/file")" != "$(stat -c %d "$2/$3/file")" ] ||
    fail "the two mounts share one superblock (nosharecache ignored?)"
}

# hold_lock FILE NAME: a process that takes an exclusive lock of FILE and holds it until
# release_lock NAME; returns once it holds the lock. The owners' events go, in order, to
# /tmp/lock.order. flock -F (no fork) makes the shell that waits the one process holding the
# lock, so that killing it (reset_owners) releases the lock too.
hold_lock() {
  rm -f "/tmp/$2.release"
  mkfifo "/tmp/$2.release"
  held_from=$(now)
  start_flock "/tmp/$2.out" -F -x -w 60 "$1" \
    -c "echo $2-held >>/tmp/lock.order; read -r _ </tmp/$2.release"
  echo "$!" >"/tmp/$2.pid"
  wait_until 60 grep -qx "$2-held" /tmp/lock.order ||
    fail "$2 does not hold the lock after 60 s: $(cat "/tmp/$2.out")"
  echo "INFO lock: $2 had the lock in $(since "$held_from") s"
}

# release_lock NAME: lets the holder go and waits until it has exited (its lock is released when
# it closes the file, before it exits).
release_lock() {
  echo "$1-releasing" >>/tmp/lock.order
  echo go >"/tmp/$1.release"
  wait_exited "$(cat "/tmp/$1.pid")" 60 "$1"
}

# wait_exited PID SECONDS NAME: until the process is gone or a zombie; then its exit status must
# be 0.
wait_exited() {
  wait_until "$2" sh -c "! grep -q '^State:.*[^Z] (' /proc/$1/status" ||
    fail "$3 still running after $2 s: $(cat "/tmp/$3.out")"
  wait "$1" || fail "$3 exited with status $?: $(cat "/tmp/$3.out")"
  rm -f "/tmp/$3.pid"
}

# try_lock FILE: a second owner's attempt without waiting: prints "conflict" (flock's exit status
# 99, EWOULDBLOCK) or "granted"; anything else fails.
try_lock() {
  status=0
  host_flock -n -E 99 -x "$1" true >/tmp/try.out 2>&1 || status=$?
  case $status in
    0) echo granted ;;
    99) echo conflict ;;
    *) fail "flock -n $1: exit status $status: $(cat /tmp/try.out)" ;;
  esac
}

# await_file PATH: waits (90 s at most) for a file the host makes on the export; returns 1 if it
# does not come.
await_file() {
  i=0
  while [ ! -e "$1" ]; do
    [ "$i" -lt 300 ] || return 1
    sleep 0.3
    drop_caches # or a cached negative lookup could hide the file for acdirmin
    i=$((i + 1))
  done
}

# check_on_server DIR REL ANSWER MIN_LOCKS MIN_BLOCKED any|over: asks the host to check nfsd's
# side (lock_checks.sh) and waits for its answer in DIR/ANSWER; returns 1 (saying why) when it is
# not "ok".
check_on_server() {
  echo "HOSTACTION check-locks $2/$3 $2/file $4 $5 $6"
  if ! await_file "$1/$3"; then
    echo "FAIL: no answer from the host in $1/$3"
    return 1
  fi
  answer=$(cat "$1/$3")
  if [ "$answer" != ok ]; then
    echo "FAIL: the server's side: $answer"
    return 1
  fi
  echo "server's side checked: locks held there, the guest monitored, a local lock refused"
}

# show_owner NAME: what a lock owner is doing, for a failure's report.
show_owner() {
  pid=$(cat "/tmp/$1.pid" 2>/dev/null)
  echo "$1 (pid $pid): $(grep '^State:' "/proc/$pid/status" 2>/dev/null || echo gone);" \
    "output: $(cat "/tmp/$1.out" 2>/dev/null); events: $(tr '\n' ' ' </tmp/lock.order)"
  sed "s/^/$1 in the kernel: /" "/proc/$pid/stack" 2>/dev/null || true
}

# Ends the lock owners a failed step may have left.
reset_owners() {
  for pidfile in /tmp/*.pid; do
    [ -e "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  : >/tmp/lock.order
}

# Two owners exclude each other through the server: while A holds the lock, B's attempt is
# refused (and a local process on the server is refused too); once A lets go, B gets it.
step_lock_exclusive() { # DIR OTHER_DIR REL: A locks DIR/file, B OTHER_DIR/file
  reset_owners
  hold_lock "$1/file" A
  expect_eq "$(try_lock "$2/file")" conflict "B's lock while A holds it"
  check_on_server "$1" "$3" answer-exclusive 1 0 any || exit 1
  release_lock A
  expect_eq "$(try_lock "$2/file")" granted "B's lock after A let go"
}

# A blocked lock is granted by the server's GRANTED callback: B waits (the server shows the
# blocked request), A lets go, and B has the lock well before the client's own retry of a
# blocked lock (every 30 s) could have got it.
step_lock_blocked_granted() { # DIR OTHER_DIR REL
  reset_owners
  hold_lock "$1/file" A
  t0=$(now)
  start_flock /tmp/B.out -x -w 60 "$2/file" -c "echo B-acquired >>/tmp/lock.order"
  b_pid=$!
  echo "$b_pid" >/tmp/B.pid
  check_on_server "$1" "$3" answer-blocked 1 1 any || {
    show_owner B
    exit 1
  }
  grep -qx B-acquired /tmp/lock.order && fail "B got the lock while A held it"
  release_lock A
  wait_exited "$b_pid" 40 B
  waited=$(since "$t0")
  echo "INFO lock_blocked_granted: B had the lock $waited s after asking"
  expect_eq "$(tr '\n' ' ' </tmp/lock.order)" "A-held A-releasing B-acquired " "order of events"
  [ "$(awk -v w="$waited" 'BEGIN { print (w < 25) }')" = 1 ] ||
    fail "B waited $waited s: as long as the client's own retry, not a GRANTED callback"
}

# nfsd killed and started again while A holds the lock: nfsd tells the guest's statd (SM_NOTIFY),
# the kernel reclaims the lock during the grace period, and afterwards B is still refused, by the
# server (the host checks its lock count and a local process). Then A lets go and B gets it.
step_lock_reclaim() { # DIR OTHER_DIR REL
  reset_owners
  hold_lock "$1/file" A
  echo "HOSTACTION restart-nfsd $3/restarted"
  await_file "$1/restarted" || fail "no $3/restarted: the host did not restart nfsd"
  check_on_server "$1" "$3" answer-reclaim 1 0 over || {
    echo "the guest's rpc.statd log, last lines:"
    tail -n 30 /tmp/statd.log
    echo "the guest's kernel on lockd:"
    dmesg | grep -i lockd | tail -n 10
    exit 1
  }
  expect_eq "$(try_lock "$2/file")" conflict "B's lock while A holds its reclaimed lock"
  release_lock A
  expect_eq "$(try_lock "$2/file")" granted "B's lock after A let go"
}

step_lock_unmount() { # DIR OTHER_DIR
  reset_owners
  step_unmount "$1"
  step_unmount "$2"
}

lock_workload() {
  MOUNTED=/mnt/lock
  OTHER=/mnt/lock-b
  run_step lock/services step_lock_services
  run_step lock/mount step_lock_mount "$MOUNTED" "$OTHER" lock
  grep -q " $OTHER nfs " /proc/mounts || return 0
  run_step lock/exclusive step_lock_exclusive "$MOUNTED/lock" "$OTHER/lock" lock
  run_step lock/blocked_granted step_lock_blocked_granted "$MOUNTED/lock" "$OTHER/lock" lock
  [ "${LOCK_RECLAIM:-1}" != 1 ] ||
    run_step lock/reclaim step_lock_reclaim "$MOUNTED/lock" "$OTHER/lock" lock
  run_step lock/unmount step_lock_unmount "$MOUNTED" "$OTHER"
}
