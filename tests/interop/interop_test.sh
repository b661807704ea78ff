#!/usr/bin/env bash
# The Linux kernel NFS client against nfsuite: boots the Debian kernel in QEMU (TCG) with a busybox
# initramfs, the guest mounts the real daemons running on this host and runs guest/workload.sh,
# and this script checks the guest's STEP markers and, on the server's disk, its HOSTCHECK claims.
#
# Usage: interop_test.sh --portmapd P --mountd P --nfsd P --nfsctl P --cache-dir DIR
# Exit status: 0 passed, 1 failed, 77 skipped (the reason is printed: no root, no QEMU, ...).
# Environment: INTEROP_VARIANTS ("tcp v2 udp"), INTEROP_BIG_MIB (64), INTEROP_V2_BIG_MIB (16),
# INTEROP_LISTED_ENTRIES (10000), INTEROP_CREATED_ENTRIES (1000), INTEROP_TREE_DIRS (10),
# INTEROP_GUEST_TIMEOUT (420 s), INTEROP_STEP_TIMEOUT (120 s), INTEROP_LOG_LEVEL (info),
# INTEROP_KEEP=1 keeps the work directory, INTEROP_ONLY="tcp/mount tcp/rename ..." runs only the
# steps matching these glob patterns.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/server.sh"
source "$here/host_checks.sh"

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
if (echo >/dev/tcp/127.0.0.1/111) 2>/dev/null; then
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

# --- The server and the per-run part of the initramfs. -------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/nfsuite-interop.XXXXXX")
qemu_pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [[ -n $qemu_pid ]]; then
    kill -TERM "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
  fi
  server_stop
  if [[ ${INTEROP_KEEP:-0} == 1 ]]; then
    echo "interop_test: work directory kept: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
# Interrupted (Ctrl-C, ctest's timeout): exit through the EXIT trap so QEMU and the daemons stop.
trap 'exit 130' INT
trap 'exit 143' TERM

rw_export=$work/rw
ro_export=$work/ro
mkdir -p "$rw_export" "$ro_export"
echo "hello from the host" >"$ro_export/hello"
echo "hello from the host" >"$rw_export/hello"
# The big directory every variant lists, made here: creating it through the guest would take
# minutes under TCG.
listed_entries=${INTEROP_LISTED_ENTRIES:-10000}
mkdir "$rw_export/listing"
for ((i = 0; i < listed_entries; i++)); do : >"$rw_export/listing/f$i"; done
started=$SECONDS
if ! server_start "$work" "$rw_export" "$ro_export"; then
  echo "interop_test: FAIL: the server did not start" >&2
  server_log_since "$work" "portmapd=0 mountd=0 nfsd=0" 200
  exit 1
fi

# The variants the guest runs, less those that cannot run here (each said with its reason).
variants=
skipped=
registered=$(rpcinfo -p 127.0.0.1 2>/dev/null || true)
for variant in ${INTEROP_VARIANTS:-tcp v2 udp}; do
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
mkdir -p "$work/initramfs/etc"
cp "$here/guest/init" "$here/guest/lib.sh" "$here/guest/workload.sh" "$work/initramfs/"
cat >"$work/initramfs/etc/interop.conf" <<CONF
SERVER=10.0.2.2
RW_EXPORT=$rw_export
RO_EXPORT=$ro_export
VARIANTS="$variants"
SKIPPED="$skipped"
BIG_MIB=${INTEROP_BIG_MIB:-64}
V2_BIG_MIB=${INTEROP_V2_BIG_MIB:-16}
LISTED_ENTRIES=$listed_entries
CREATED_ENTRIES=${INTEROP_CREATED_ENTRIES:-1000}
TREE_DIRS=${INTEROP_TREE_DIRS:-10}
STEP_TIMEOUT=${INTEROP_STEP_TIMEOUT:-120}
ONLY="${INTEROP_ONLY:-}"
CONF
(cd "$work/initramfs" && find . | cpio --create --format=newc --owner=0:0 --quiet) >"$work/run.cpio"
# The kernel unpacks concatenated cpio archives in turn.
cat "$base_cpio" "$work/run.cpio" >"$work/initrd"

# --- Boot. The console is a file this script follows line by line. ------------------------------
console=$work/console.log
: >"$console"
guest_timeout=${INTEROP_GUEST_TIMEOUT:-420}
# PVH entry into the ELF vmlinux; TCG because the nested /dev/kvm here cannot run a stock kernel;
# no option ROM for the NIC (the kernel drives it, nothing boots from the network);
# -no-reboot turns the guest's final `reboot -f` (or a panic, with panic=-1) into QEMU exiting.
timeout --kill-after=10 "$guest_timeout" qemu-system-x86_64 \
  -accel tcg,thread=multi -cpu max -smp 2 -m 1024 \
  -nodefaults -display none -monitor none -no-reboot \
  -kernel "$vmlinux" -initrd "$work/initrd" \
  -append "console=ttyS0 quiet panic=-1" \
  -serial "file:$console" \
  -netdev user,id=net0 -device virtio-net-pci,netdev=net0,romfile= \
  </dev/null >"$work/qemu.out" 2>&1 &
qemu_pid=$!
boot_started=$SECONDS

failed_steps=()
current_step=
marks=$(server_log_marks "$work")
while IFS= read -r line; do
  line=${line%$'\r'}
  echo "guest| $line"
  case $line in
    "GUEST network up"*) echo "interop_test: guest booted in $((SECONDS - boot_started)) s" ;;
    "RUN "*)
      current_step=${line#RUN }
      marks=$(server_log_marks "$work")
      ;;
    "HOSTACTION restart-nfsd "*)
      # The guest asks, then waits for the file named to appear on the server's disk.
      restart_started=$SECONDS
      if server_restart_nfsd "$work"; then
        echo "interop_test: nfsd killed and restarted in $((SECONDS - restart_started)) s"
        : >"$rw_export/${line#HOSTACTION restart-nfsd }"
      else
        echo "interop_test: FAIL: nfsd did not start again"
      fi
      ;;
    "STEP "*" FAIL"*)
      failed_steps+=("$current_step")
      server_log_since "$work" "$marks"
      ;;
  esac
done < <(tail -n +1 -f --pid="$qemu_pid" "$console")
qemu_status=0
wait "$qemu_pid" || qemu_status=$?
qemu_pid=
echo "interop_test: guest ran $((SECONDS - boot_started)) s (QEMU exit status $qemu_status)"

# --- Verdict. ---------------------------------------------------------------------------------------
if ! grep -qa '^GUEST kernel' "$console" && ((qemu_status != 0 && qemu_status != 124)); then
  cat "$work/qemu.out"
  skip "QEMU cannot run the guest here (exit status $qemu_status, output above)"
fi
verdict=0
if ((qemu_status == 124 || qemu_status == 137)); then
  echo "interop_test: FAIL: the guest did not finish within $guest_timeout s" \
    "(last step started: ${current_step:-none})"
  server_log_since "$work" "$marks" 200
  verdict=1
elif ! grep -qa '^INTEROP DONE' "$console"; then
  echo "interop_test: FAIL: the workload did not run to its end (QEMU: $(cat "$work/qemu.out"))"
  server_log_since "$work" "$marks" 200
  verdict=1
fi
if ((${#failed_steps[@]})); then
  echo "interop_test: FAIL: steps failed: ${failed_steps[*]}"
  verdict=1
fi
if ! host_checks_from "$console" "$rw_export"; then
  echo "interop_test: FAIL: the server's disk disagrees with the guest (HOSTCHECK FAIL above)"
  verdict=1
fi
echo "interop_test: step times (s):"
grep -a '^STEP ' "$console" | tr -d '\r' | awk '{ printf "  %-28s %-4s %7s", $2, $3, $4; $1 = $2 = $3 = $4 = ""; print $0 }' || true
echo "interop_test: whole test $((SECONDS - started)) s;" \
  "$(grep -a '^INTEROP DONE' "$console" | tr -d '\r' || echo 'no INTEROP DONE line')"
if ((verdict != 0)); then
  echo "---- the server's logs, last lines ----"
  server_log_since "$work" "portmapd=0 mountd=0 nfsd=0" 60
fi
exit "$verdict"
