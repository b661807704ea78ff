#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the benchmarks need, and nothing else.
# Usage: scripts/install-deps.sh [--bench]
#   --bench  also installs BENCH_PACKAGES (nfs-ganesha, the reference server of
#            scripts/bench-ganesha.sh); the build, test and run paths do not need them.
# Package installs must not start daemons: Debian's rpcbind would take port 111 from our portmapd.
# A policy-rc.d answering 101 ("action forbidden") makes invoke-rc.d/deb-systemd-invoke skip the
# start; we put one in place only for the duration of the install and restore what was there.
set -euo pipefail

BUILD_PACKAGES=(
  cmake g++ make pkg-config ninja-build
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libcli11-dev libgtest-dev libgmock-dev googletest
  clang-format
)
CLIENT_PACKAGES=(
  libnfs-dev libnfs-utils  # libnfs clients (nfs-ls, nfs-cp) and the library for benchmarks
  rpcbind                  # rpcinfo, and Debian's rpcbind as the benchmark's reference
  nfs-common               # showmount
  netbase                  # /etc/services: libtirpc clients resolve "sunrpc" even for numeric hosts
  iproute2                 # network namespaces for tests and benchmarks
  procps                   # ps/pgrep used by scripts
  systemd                  # systemd-analyze verify for the unit files in scripts/systemd
)
# tests/interop: the Linux kernel NFS client in a QEMU guest (TCG), booted from the Debian kernel
# with a busybox initramfs. xz-utils/zstd/gzip unpack the vmlinux from the bzImage.
INTEROP_PACKAGES=(
  qemu-system-x86 linux-image-amd64 busybox-static cpio
  xz-utils zstd gzip
  python3          # the locking variant's server-side checks (tests/interop/lock_probe.py)
)

# scripts/fuzz.sh (a stage of scripts/test.sh): clang with libFuzzer and the sanitizer runtimes,
# and llvm-symbolizer (llvm-14) so that a finding's stack names functions and lines.
FUZZ_PACKAGES=(
  clang-14 libclang-rt-14-dev llvm-14
)

# scripts/bench-ganesha.sh only: nfs-ganesha 4.3 with its VFS backend, the server we compare
# against. Its packages start no daemon on install (and the policy below would stop them anyway).
BENCH_PACKAGES=(
  nfs-ganesha nfs-ganesha-vfs
)

wanted=("${BUILD_PACKAGES[@]}" "${CLIENT_PACKAGES[@]}" "${INTEROP_PACKAGES[@]}"
  "${FUZZ_PACKAGES[@]}")
case ${1:-} in
  "") ;;
  --bench) wanted+=("${BENCH_PACKAGES[@]}") ;;
  *)
    echo "usage: install-deps.sh [--bench]" >&2
    exit 2
    ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  SUDO=sudo
else
  SUDO=
fi

policy=/usr/sbin/policy-rc.d
backup=
if [[ -e $policy ]]; then
  backup=$(mktemp)
  $SUDO cp -p "$policy" "$backup"
fi
restore_policy() {
  if [[ -n $backup ]]; then
    $SUDO cp -p "$backup" "$policy"
    rm -f "$backup"
  else
    $SUDO rm -f "$policy"
  fi
}
trap restore_policy EXIT
printf '#!/bin/sh\n# installed by install-deps.sh: no daemon starts during the install\nexit 101\n' |
  $SUDO tee "$policy" >/dev/null
$SUDO chmod 755 "$policy"

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
