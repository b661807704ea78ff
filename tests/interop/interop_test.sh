#!/usr/bin/env bash
# The Linux kernel NFS client against nfsuite: boots the Debian kernel in QEMU (TCG) with a busybox
# initramfs, the guest mounts the real daemons running on this host and runs guest/workload.sh,
# and this script checks the guest's STEP markers and, on the server's disk, its HOSTCHECK claims.
# Two guests, one after the other: the file-system variants (tcp v2 udp) on QEMU's user-mode
# network, and the locking variant (lock: NLM and NSM with callbacks to the guest) on a tap device
# in a network namespace of its own, with its own daemons (lock_checks.sh, guest/locking.sh).
#
# Usage: interop_test.sh --portmapd P --mountd P --nfsd P --nfsctl P --cache-dir DIR
# Exit status: 0 passed, 1 failed, 77 skipped (the reason is printed: no root, no QEMU, ...).
# Environment: INTEROP_VARIANTS ("tcp v2 udp lock"), INTEROP_BIG_MIB (64), INTEROP_V2_BIG_MIB (16),
# INTEROP_LISTED_ENTRIES (10000), INTEROP_CREATED_ENTRIES (1000), INTEROP_TREE_DIRS (10),
# INTEROP_GUEST_TIMEOUT (420 s), INTEROP_STEP_TIMEOUT (120 s), INTEROP_LOG_LEVEL (info),
# INTEROP_KEEP=1 keeps the work directory, INTEROP_ONLY="tcp/mount tcp/rename ..." runs only the
# steps matching these glob patterns. The locking variant: INTEROP_LOCK_GUEST_TIMEOUT (300 s),
# INTEROP_LOCK_GRACE_SECONDS (nfsd's --grace-period, 5), INTEROP_LOCK_LOG_LEVEL (debug),
# INTEROP_LOCK_CHECK_SECONDS (30), INTEROP_LOCK_RECLAIM (1: the nfsd restart and reclaim step).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/server.sh"
source "$here/host_checks.sh"
source "$here/lock_checks.sh"

while (($#)); do
  case $1 in
    --portmapd) PORTMAPD=$2 ;;
    --mountd) MOUNTD=$2 ;;
    --nfsd) NFSD=$2 ;;
    --nfsctl) NFSCTL=$2 ;;
    --cache-dir) CACHE_DIR=$2 ;;
    *)
      echo "interop_test: unknown argument $1" >&2
      exit 2
      ;;
  esac
  shift 2
done
: "${PORTMAPD:?--portmapd}" "${MOUNTD:?--mountd}" "${NFSD:?--nfsd}" "${NFSCTL:?--nfsctl}"
: "${CACHE_DIR:?--cache-dir}"

skip() {
  echo "SKIP: $*" >&2
  exit 77
}

# --- What the host must have; without it the test skips and says why. -------------------------
[[ $(id -u) -eq 0 ]] || skip "needs root (portmapd binds port 111; /boot/vmlinuz-* is root-only)"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64 (Debian: qemu-system-x86)"
command -v cpio >/dev/null || skip "no cpio"
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then
  skip "no static /bin/busybox (Debian: busybox-static)"
fi
# The newest installed Debian kernel that has its modules.
kernel_version=
for image in $(printf '%s\n' /boot/vmlinuz-* | sort -rV); do
  version=${image#/boot/vmlinuz-}
  if [[ -r $image && -r /lib/modules/$version/modules.dep ]]; then
    kernel_version=$version
    break
  fi
done
[[ -n $kernel_version ]] || skip "no /boot/vmlinuz-* with modules (Debian: linux-image-amd64)"
# Which variants. The file-system variants share one guest on QEMU's user-mode network, with the
# daemons on the host's loopback; the locking variant ("lock") has a guest of its own on a tap
# network in a namespace, with daemons of its own there (lock_checks.sh).
user_variants=
lock_variant=0
for variant in ${INTEROP_VARIANTS:-tcp v2 udp lock}; do
  if [[ $variant == lock ]]; then lock_variant=1; else user_variants+="$variant "; fi
done
if [[ -n $user_variants ]] && (echo >/dev/tcp/127.0.0.1/111) 2>/dev/null; then
  skip "port 111 is in use (is a system rpcbind or another portmapd running?)"
fi

# --- The guest's kernel and fixed initramfs, cached in the build directory. ----------------------
mkdir -p "$CACHE_DIR"
vmlinux=$CACHE_DIR/vmlinux-$kernel_version
base_cpio=$CACHE_DIR/base-$kernel_version.cpio
if [[ ! -s $vmlinux || /boot/vmlinuz-$kernel_version -nt $vmlinux ]]; then
  "$here/extract_vmlinux.sh" "/boot/vmlinuz-$kernel_version" "$vmlinux"
fi
if [[ ! -s $base_cpio || $here/build_initramfs.sh -nt $base_cpio ||
  /lib/modules/$kernel_version/modules.dep -nt $base_cpio ]]; then
  "$here/build_initramfs.sh" "$kernel_version" "$base_cpio"
fi
# --- The work directory, and what the EXIT trap undoes. -----------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/nfsuite-interop.XXXXXX")
qemu_pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [[ -n $qemu_pid ]]; then
    kill -TERM "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
  fi
  server_stop
  lock_network_delete
  if [[ ${INTEROP_KEEP:-0} == 1 ]]; then
    echo "interop_test: work directory kept: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
# Interrupted (Ctrl-C, ctest's timeout): exit through the EXIT trap so QEMU, the daemons and the
# network namespace go.
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Whether the locking variant can run here (it says why not). --------------------------------
lock_skipped=
if ((lock_variant)); then
  reason=$(lock_prerequisites "$kernel_version")
  # Not in a $(...) subshell: lock_network_create records the namespace for the EXIT trap.
  if [[ -z $reason ]] && ! lock_network_create "nfsuite-interop-$$" >"$work/netns.out"; then
    reason=$(<"$work/netns.out")
  fi
  if [[ -n $reason ]]; then
    echo "interop_test: SKIP variant lock: $reason"
    lock_skipped="lock:$reason;"
    lock_variant=0
  fi
fi
if [[ -z $user_variants ]] && ((!lock_variant)); then
  skip "no variant can run (INTEROP_VARIANTS=${INTEROP_VARIANTS:-}; ${lock_skipped:-none asked})"
fi

# write_initrd DIR: the fixed initramfs plus DIR/initramfs (the guest's scripts and the
# interop.conf the caller wrote there) as DIR/initrd.
write_initrd() {
  local dir=$1
  cp "$here/guest/init" "$here/guest/lib.sh" "$here/guest/workload.sh" "$here/guest/locking.sh" \
    "$dir/initramfs/"
  (cd "$dir/initramfs" && find . | cpio --create --format=newc --owner=0:0 --quiet) >"$dir/run.cpio"
  # The kernel unpacks concatenated cpio archives in turn.
  cat "$base_cpio" "$dir/run.cpio" >"$dir/initrd"
}

# The settings every guest's workload reads (guest/workload.sh), for the phase in DIR.
common_conf() {
  local dir=$1
  cat <<CONF
RW_EXPORT=$dir/rw
RO_EXPORT=$dir/ro
BIG_MIB=${INTEROP_BIG_MIB:-64}
V2_BIG_MIB=${INTEROP_V2_BIG_MIB:-16}
LISTED_ENTRIES=${INTEROP_LISTED_ENTRIES:-10000}
CREATED_ENTRIES=${INTEROP_CREATED_ENTRIES:-1000}
TREE_DIRS=${INTEROP_TREE_DIRS:-10}
STEP_TIMEOUT=${INTEROP_STEP_TIMEOUT:-120}
ONLY="${INTEROP_ONLY:-}"
CONF
}

# run_guest DIR TIMEOUT QEMU_PREFIX... -- QEMU_NETWORK_ARGS...: boots the guest with DIR/initrd
# and follows its console (DIR/console.log) line by line: prints it, does what the guest asks
# (HOSTACTION) with the server whose work directory is DIR, and prints the server's log lines
# for every failed step. Appends failed steps to failed_steps; returns 1 when the guest did not
# run to its end, 77 when QEMU cannot run here at all.
failed_steps=()
consoles=()
run_guest() {
  local dir=$1 guest_timeout=$2 prefix=() line current_step='' marks restart_started
  shift 2
  while [[ $1 != -- ]]; do
    prefix+=("$1")
    shift
  done
  shift
  local console=$dir/console.log
  consoles+=("$console")
  : >"$console"
  # PVH entry into the ELF vmlinux; TCG because the nested /dev/kvm here cannot run a stock
  # kernel; no option ROM for the NIC (the kernel drives it, nothing boots from the network);
  # -no-reboot turns the guest's final `reboot -f` (or a panic, with panic=-1) into QEMU exiting.
  # no_timer_check: on a loaded host the emulated timer can seem too slow to the kernel's IO-APIC
  # check, which then panics ("IO-APIC + timer doesn't work"), as seen here.
  timeout --kill-after=10 "$guest_timeout" "${prefix[@]}" qemu-system-x86_64 \
    -accel tcg,thread=multi -cpu max -smp 2 -m 1024 \
    -nodefaults -display none -monitor none -no-reboot \
    -kernel "$vmlinux" -initrd "$dir/initrd" \
    -append "console=ttyS0 quiet panic=-1 no_timer_check" \
    -serial "file:$console" \
    "$@" \
    </dev/null >"$dir/qemu.out" 2>&1 &
  qemu_pid=$!
  local boot_started=$SECONDS
  marks=$(server_log_marks "$dir")
  while IFS= read -r line; do
    line=${line%$'\r'}
    echo "guest| $line"
    case $line in
      "GUEST network up"*) echo "interop_test: guest booted in $((SECONDS - boot_started)) s" ;;
      "RUN "*)
        current_step=${line#RUN }
        marks=$(server_log_marks "$dir")
        ;;
      "HOSTACTION restart-nfsd "*)
        # The guest asks, then waits for the file named to appear on the server's disk.
        restart_started=$SECONDS
        if server_restart_nfsd "$dir"; then
          echo "interop_test: nfsd killed and restarted in $((SECONDS - restart_started)) s"
          : >"$dir/rw/${line#HOSTACTION restart-nfsd }"
        else
          echo "interop_test: FAIL: nfsd did not start again"
        fi
        ;;
      "HOSTACTION check-locks "*)
        # shellcheck disable=SC2086 # the guest's words: ANSWER FILE MIN_LOCKS MIN_BLOCKED GRACE
        lock_check "$dir" ${line#HOSTACTION check-locks }
        ;;
      "STEP "*" FAIL"*)
        failed_steps+=("$current_step")
        server_log_since "$dir" "$marks"
        ;;
    esac
  done < <(tail -n +1 -f --pid="$qemu_pid" "$console")
  local qemu_status=0
  wait "$qemu_pid" || qemu_status=$?
  qemu_pid=
  echo "interop_test: guest ran $((SECONDS - boot_started)) s (QEMU exit status $qemu_status)"

  if ! grep -qa '^GUEST kernel' "$console" && ((qemu_status != 0 && qemu_status != 124)); then
    cat "$dir/qemu.out"
    echo "interop_test: QEMU cannot run the guest here (exit status $qemu_status, output above)"
    return 77
  fi
  if ((qemu_status == 124 || qemu_status == 137)); then
    echo "interop_test: FAIL: the guest did not finish within $guest_timeout s" \
      "(last step started: ${current_step:-none})"
    server_log_since "$dir" "$marks" 200
    return 1
  elif ! grep -qa '^INTEROP DONE' "$console"; then
    echo "interop_test: FAIL: the workload did not run to its end (QEMU: $(cat "$dir/qemu.out"))"
    server_log_since "$dir" "$marks" 200
    return 1
  fi
}

started=$SECONDS
verdict=0
server_dirs=()

# --- The file-system variants: server on 127.0.0.1, the guest on QEMU's user-mode network. -------
if [[ -n $user_variants ]]; then
  dir=$work/user
  server_dirs+=("$dir")
  mkdir -p "$dir/rw" "$dir/ro" "$dir/initramfs/etc"
  echo "hello from the host" >"$dir/ro/hello"
  echo "hello from the host" >"$dir/rw/hello"
  # The big directory every variant lists, made here: creating it through the guest would take
  # minutes under TCG.
  listed_entries=${INTEROP_LISTED_ENTRIES:-10000}
  mkdir "$dir/rw/listing"
  for ((i = 0; i < listed_entries; i++)); do : >"$dir/rw/listing/f$i"; done
  if ! server_start "$dir" "$dir/rw" "$dir/ro"; then
    echo "interop_test: FAIL: the server did not start" >&2
    server_log_since "$dir" "portmapd=0 mountd=0 nfsd=0" 200
    exit 1
  fi

  # The variants the guest runs, less those that cannot run here (each said with its reason).
  variants=
  skipped=$lock_skipped
  registered=$(rpcinfo -p 127.0.0.1 2>/dev/null || true)
  for variant in $user_variants; do
    reason=
    case $variant in
      udp)
        if grep -q '^CONFIG_NFS_DISABLE_UDP_SUPPORT=y' "/boot/config-$kernel_version" 2>/dev/null; then
          reason="kernel $kernel_version is built with CONFIG_NFS_DISABLE_UDP_SUPPORT: it mounts no NFS over UDP"
        elif ! awk '$1 == 100003 && $2 == 3 && $3 == "udp"' <<<"$registered" | grep -q .; then
          reason="nfsd registered no NFSv3 over UDP"
        fi
        ;;
      v2)
        awk '$1 == 100003 && $2 == 2' <<<"$registered" | grep -q . ||
          reason="nfsd registered no NFSv2"
        ;;
    esac
    if [[ -n $reason ]]; then
      echo "interop_test: SKIP variant $variant: $reason"
      skipped+="$variant:$reason;"
    else
      variants+="$variant "
    fi
  done
  {
    echo "SERVER=10.0.2.2"
    echo "VARIANTS=\"$variants\""
    echo "SKIPPED=\"$skipped\""
    echo "MOUNTUDP=1"
    common_conf "$dir"
  } >"$dir/initramfs/etc/interop.conf"
  write_initrd "$dir"
  status=0
  run_guest "$dir" "${INTEROP_GUEST_TIMEOUT:-420}" -- \
    -netdev user,id=net0 -device virtio-net-pci,netdev=net0,romfile= || status=$?
  ((status != 77)) || skip "QEMU cannot run the guest here (output above)"
  ((status == 0)) || verdict=1
  if ! host_checks_from "$dir/console.log" "$dir/rw"; then
    echo "interop_test: FAIL: the server's disk disagrees with the guest (HOSTCHECK FAIL above)"
    verdict=1
  fi
  server_stop
fi

# --- The locking variant: server and guest in the test's network namespace, on a tap device. ----
if ((lock_variant)); then
  dir=$work/lock
  server_dirs+=("$dir")
  mkdir -p "$dir/rw" "$dir/ro" "$dir/initramfs/etc"
  echo "hello from the host" >"$dir/ro/hello"
  SERVER_NETNS=$LOCK_NETNS
  # The wildcard, which in this namespace is its loopback (where mountd and nfsd register with
  # portmapd) and the tap. Not the two addresses: mountd and nfsd then register each program
  # twice and take portmapd's refusal of the second as not being registered at all.
  SERVER_ADDRESSES=(0.0.0.0)
  # The kernel's NFS client and lockd call from privileged ports: no `insecure` here.
  SERVER_CLIENTS=$LOCK_NETWORK/$LOCK_PREFIX
  SERVER_EXPORT_OPTIONS=no_root_squash
  # The name nfsd gives in SM_NOTIFY is the one the guest's statd monitors: the address the guest
  # mounted (the kernel's lockd names servers by address). A short grace period keeps the
  # restart step short.
  SERVER_NFSD_EXTRA=(--nsm-name "$LOCK_SERVER_ADDRESS"
    --grace-period "${INTEROP_LOCK_GRACE_SECONDS:-5}")
  SERVER_LOG_LEVEL=${INTEROP_LOCK_LOG_LEVEL:-debug}
  if ! server_start "$dir" "$dir/rw" "$dir/ro"; then
    echo "interop_test: FAIL: the locking variant's server did not start" >&2
    server_log_since "$dir" "portmapd=0 mountd=0 nfsd=0" 200
    exit 1
  fi
  {
    echo "SERVER=$LOCK_SERVER_ADDRESS"
    echo "GUEST_ADDRESS=$LOCK_GUEST_ADDRESS/$LOCK_PREFIX"
    echo "GUEST_GATEWAY=$LOCK_SERVER_ADDRESS"
    # The guest's host name is the caller_name its lockd sends.
    echo "GUEST_NAME=nfsuite-guest"
    echo "VARIANTS=lock"
    echo "SKIPPED="
    echo "MOUNTUDP=0"
    echo "LOCK_RECLAIM=${INTEROP_LOCK_RECLAIM:-1}"
    common_conf "$dir"
  } >"$dir/initramfs/etc/interop.conf"
  write_initrd "$dir"
  status=0
  run_guest "$dir" "${INTEROP_LOCK_GUEST_TIMEOUT:-300}" ip netns exec "$LOCK_NETNS" -- \
    -netdev "tap,id=net0,ifname=$LOCK_TAP,script=no,downscript=no" \
    -device virtio-net-pci,netdev=net0,romfile= \
    -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot || status=$?
  # Even a QEMU that cannot start is a failure here (not a skip): lock_prerequisites checked what
  # this guest needs beyond the first one.
  ((status == 0)) || verdict=1
  if ! host_checks_from "$dir/console.log" "$dir/rw"; then
    echo "interop_test: FAIL: the server's disk disagrees with the guest (HOSTCHECK FAIL above)"
    verdict=1
  fi
  server_stop
  lock_network_delete
fi

# --- Verdict. ---------------------------------------------------------------------------------------
if ((${#failed_steps[@]})); then
  echo "interop_test: FAIL: steps failed: ${failed_steps[*]}"
  verdict=1
fi
echo "interop_test: step times (s):"
cat "${consoles[@]}" | grep -a '^STEP ' | tr -d '\r' |
  awk '{ printf "  %-28s %-4s %7s", $2, $3, $4; $1 = $2 = $3 = $4 = ""; print $0 }' || true
echo "interop_test: whole test $((SECONDS - started)) s;" \
  "$(cat "${consoles[@]}" | grep -a '^INTEROP DONE' | tr -d '\r' | paste -sd ' ' || true)"
if ((verdict != 0)); then
  for dir in "${server_dirs[@]}"; do
    echo "---- the server's logs ($dir), last lines ----"
    server_log_since "$dir" "portmapd=0 mountd=0 nfsd=0" 60
  done
fi
exit "$verdict"
