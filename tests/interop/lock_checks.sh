# shellcheck shell=bash
# Sourced by interop_test.sh: the host's side of the locking variant.
#
# NLM needs the server to call the client back (GRANTED for a blocked lock, SM_NOTIFY after a
# restart), which QEMU's user-mode network cannot carry. So this variant puts the daemons and
# QEMU in a network namespace of the test's own, joined by a tap device: the server is
# LOCK_SERVER_ADDRESS there and the guest LOCK_GUEST_ADDRESS. A fresh namespace holds nothing but
# its loopback and the tap, so fixed addresses cannot collide with anything, and its port 111 is
# its own.

LOCK_PROBE=$(dirname "${BASH_SOURCE[0]}")/lock_probe.py
LOCK_NETNS=
LOCK_TAP=tap0
# shellcheck disable=SC2034 # the exports' network, used by interop_test.sh
LOCK_NETWORK=10.77.0.0
LOCK_SERVER_ADDRESS=10.77.0.1
LOCK_GUEST_ADDRESS=10.77.0.2
LOCK_PREFIX=24

# lock_prerequisites KERNEL_VERSION: prints why the locking variant cannot run here (nothing when
# it can).
lock_prerequisites() {
  local kernel_version=$1 program module
  command -v ip >/dev/null || {
    echo "no ip (Debian: iproute2)"
    return
  }
  [[ -c /dev/net/tun ]] || {
    echo "no /dev/net/tun for the guest's tap device"
    return
  }
  # The guest runs the host's rpcbind, rpc.statd and flock (shared over 9p, see guest/locking.sh).
  for program in /usr/sbin/rpcbind /usr/sbin/rpc.statd /usr/bin/flock \
    /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2; do
    [[ -x $program ]] || {
      echo "no $program on the host (Debian: rpcbind, nfs-common, util-linux)"
      return
    }
  done
  command -v python3 >/dev/null || {
    echo "no python3 (the server-side checks: lock_probe.py)"
    return
  }
  qemu-system-x86_64 -device help 2>/dev/null | grep -q '"virtio-9p-pci"' || {
    echo "qemu-system-x86_64 has no virtio-9p-pci device"
    return
  }
  for module in 9p 9pnet_virtio; do
    grep -q "/$module\.ko" "/lib/modules/$kernel_version/modules.dep" \
      "/lib/modules/$kernel_version/modules.builtin" 2>/dev/null || {
      echo "kernel $kernel_version has no $module module"
      return
    }
  done
}

# lock_network_create NAME: the namespace with its loopback up and the tap device addressed;
# prints why on failure (and leaves nothing behind).
lock_network_create() {
  local name=$1 output
  if ! output=$(ip netns add "$name" 2>&1); then
    echo "cannot create a network namespace: $output"
    return 1
  fi
  LOCK_NETNS=$name
  if ! output=$({
    ip -n "$name" link set lo up &&
      ip -n "$name" tuntap add dev "$LOCK_TAP" mode tap &&
      ip -n "$name" addr add "$LOCK_SERVER_ADDRESS/$LOCK_PREFIX" dev "$LOCK_TAP" &&
      ip -n "$name" link set "$LOCK_TAP" up
  } 2>&1); then
    lock_network_delete
    echo "cannot make the tap device in the network namespace: $output"
    return 1
  fi
}

# Deletes the namespace (and the tap in it). Its processes must be stopped first: a namespace
# with processes in it outlives its name.
lock_network_delete() {
  [[ -n $LOCK_NETNS ]] || return 0
  ip netns delete "$LOCK_NETNS" 2>/dev/null || true
  LOCK_NETNS=
}

# lock_check DIR ANSWER FILE MIN_LOCKS MIN_BLOCKED any|over: asked by the guest (HOSTACTION
# check-locks) while it holds a lock. Waits (INTEROP_LOCK_CHECK_SECONDS, 30 s) for nfsd's status
# to show the locks and blocked requests, the guest monitored and, with "over", the grace period
# ended and every host notified; then checks that a local process cannot lock FILE (relative to
# the export DIR/rw). Writes "ok" or the failure to DIR/rw/ANSWER, which the guest waits for.
lock_check() {
  local dir=$1 answer=$2 file=$3 min_locks=$4 min_blocked=$5 grace=$6
  local deadline=$((SECONDS + ${INTEROP_LOCK_CHECK_SECONDS:-30})) status first='' local_lock result
  while :; do
    "$NFSCTL" --run-dir "$dir/run" --json status nfsd >"$dir/lock-status.json" 2>&1 || true
    status=$(python3 "$LOCK_PROBE" status "$dir/lock-status.json" "$LOCK_GUEST_ADDRESS" \
      "$min_locks" "$min_blocked" "$grace")
    [[ -n $first ]] || first=$status
    [[ $status == ok* ]] && break
    ((SECONDS < deadline)) || break
    sleep 0.5
  done
  # What nfsd showed first tells, after a restart, whether the lock came back during the grace.
  [[ $first == "$status" ]] || echo "interop_test: lock check, nfsd's status at first: $first"
  echo "interop_test: lock check, nfsd's status: $status"
  if [[ $status != ok* ]]; then
    result="FAIL: nfsd's status after ${INTEROP_LOCK_CHECK_SECONDS:-30} s: $status"
  elif local_lock=$(python3 "$LOCK_PROBE" try-lock "$dir/rw/$file"); then
    echo "interop_test: lock check, on the server's disk: $local_lock"
    result=ok
  else
    result=$local_lock
  fi
  echo "interop_test: lock check: $result"
  if [[ $result != ok ]]; then
    echo "interop_test: nfsd's statistics:"
    "$NFSCTL" --run-dir "$dir/run" stats nfsd 2>&1 | sed 's/^/  /'
  fi
  echo "$result" >"$dir/rw/$answer.tmp"
  mv "$dir/rw/$answer.tmp" "$dir/rw/$answer"
}
