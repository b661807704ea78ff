#!/usr/bin/env bash
# Usage: build_initramfs.sh KERNEL_VERSION OUTPUT.cpio
# Writes the guest's fixed part of the initramfs: busybox (static, so no libraries to copy) and
# the kernel modules the NFS client and the virtio NIC need, with their dependencies resolved from
# the installed kernel's modules.dep, plus /etc/modules.order listing them in loading order. The
# init script and the workload are appended as a second cpio archive by the test on each run (the
# kernel unpacks concatenated archives), so editing the workload never rebuilds this part.
set -euo pipefail

kernel_version=$1
output=$2
module_dir=/lib/modules/$kernel_version
# The NFS client for v2 and v3 (lockd, grace for NLM; nfs_acl for v3's ACL side protocol), the
# virtio network card QEMU gives the guest, and 9p over virtio, through which the locking
# variant's guest reaches the host's rpcbind, rpc.statd and flock (guest/locking.sh).
wanted=(sunrpc grace lockd nfs_acl netfs fscache nfs nfsv3 nfsv2 virtio_pci virtio_net
  9pnet 9pnet_virtio 9p)

# Debian's busybox-static installs /bin/busybox; a dynamic busybox would need its libraries.
busybox=/bin/busybox
if [[ ! -x $busybox ]] || ldd "$busybox" >/dev/null 2>&1; then
  echo "build_initramfs: no static $busybox (install busybox-static)" >&2
  exit 1
fi
[[ -r $module_dir/modules.dep ]] || {
  echo "build_initramfs: no $module_dir/modules.dep" >&2
  exit 1
}

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging"/{bin,dev,proc,sys,etc,mnt,tmp,lib/modules}
cp "$busybox" "$staging/bin/busybox"
# A non-root user for the permission checks (busybox su needs no password when root asks).
printf 'root:x:0:0::/:/bin/sh\nuser:x:1000:1000::/tmp:/bin/sh\n' >"$staging/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\n' >"$staging/etc/group"

# Path of a module (relative to $module_dir) by its name; names use - and _ interchangeably.
module_path() {
  local name=${1//-/_}
  awk -F: -v n="$name" '{
    base = $1; sub(/.*\//, "", base); sub(/\.ko(\.[a-z]+)?$/, "", base); gsub(/-/, "_", base)
    if (base == n) { print $1; exit }
  }' "$module_dir/modules.dep"
}

# modules.dep lists every (transitive) dependency of a module, the one to load last first, so
# loading them in reverse order and then the module itself satisfies every symbol.
declare -A seen=()
order=()
add_in_order() {
  local path=$1
  [[ -n ${seen[$path]:-} ]] && return 0
  local deps
  deps=$(awk -F: -v p="$path" '$1 == p { print $2; exit }' "$module_dir/modules.dep")
  local dep_list=()
  read -r -a dep_list <<<"$deps" || true
  local i
  for ((i = ${#dep_list[@]} - 1; i >= 0; i--)); do
    add_in_order "${dep_list[i]}"
  done
  seen[$path]=1
  order+=("$path")
}
for name in "${wanted[@]}"; do
  path=$(module_path "$name")
  if [[ -z $path ]]; then
    # Built into this kernel (or absent: the guest reports what fails to work).
    grep -q "/$name.ko" "$module_dir/modules.builtin" 2>/dev/null ||
      echo "build_initramfs: note: module $name not found for $kernel_version" >&2
    continue
  fi
  add_in_order "$path"
done

# busybox insmod takes plain .ko files only: decompress what the distribution compressed.
: >"$staging/etc/modules.order"
for path in "${order[@]}"; do
  name=${path##*/}
  case $name in
    *.ko) cp "$module_dir/$path" "$staging/lib/modules/$name" ;;
    *.ko.xz) xz -dc "$module_dir/$path" >"$staging/lib/modules/${name%.xz}" ;;
    *.ko.zst) zstd -dcq "$module_dir/$path" >"$staging/lib/modules/${name%.zst}" ;;
    *.ko.gz) gzip -dc "$module_dir/$path" >"$staging/lib/modules/${name%.gz}" ;;
    *)
      echo "build_initramfs: unknown module format $path" >&2
      exit 1
      ;;
  esac
  name=${name%.xz}
  name=${name%.zst}
  name=${name%.gz}
  echo "/lib/modules/$name" >>"$staging/etc/modules.order"
done

(cd "$staging" && find . -print0 | LC_ALL=C sort -z |
  cpio --null --create --format=newc --owner=0:0 --quiet) >"$output.tmp"
mv "$output.tmp" "$output"
