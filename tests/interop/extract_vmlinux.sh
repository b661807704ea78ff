#!/usr/bin/env bash
# Usage: extract_vmlinux.sh BZIMAGE OUTPUT
# Writes the uncompressed ELF vmlinux held inside a bzImage. QEMU enters an ELF kernel through its
# PVH note, which skips the bzImage's real-mode setup and self-decompression: under TCG that saves
# about 7 s of every boot. The bzImage's payload is one compressed stream somewhere after the
# setup code; like the kernel's scripts/extract-vmlinux we find it by its magic bytes and try each
# candidate until one decompresses to an ELF file.
set -euo pipefail

image=$1
output=$2

is_elf() { [[ $(head -c 4 "$1" | od -A n -t x1 | tr -d ' \n') == 7f454c46 ]]; }

# try_format MAGIC_AS_GREP_PATTERN DECOMPRESSOR...
try_format() {
  local magic=$1
  shift
  command -v "$1" >/dev/null || return 1
  local offset
  # grep -obUaP gives byte offsets of every match; a few candidates are enough in practice.
  for offset in $(LC_ALL=C grep -obUaP "$magic" "$image" | cut -d: -f1 | head -n 8); do
    # The stream is followed by other data, so decompressors complain about trailing garbage
    # while having written the whole kernel: judge by the output, not the exit status.
    tail -c "+$((offset + 1))" "$image" | "$@" >"$output.tmp" 2>/dev/null || true
    if [[ -s $output.tmp ]] && is_elf "$output.tmp"; then
      mv "$output.tmp" "$output"
      return 0
    fi
  done
  rm -f "$output.tmp"
  return 1
}

if is_elf "$image"; then
  cp "$image" "$output"
  exit 0
fi
try_format '\xfd7zXZ\x00' xz -dc ||
  try_format '\x28\xb5\x2f\xfd' zstd -dcq ||
  try_format '\x1f\x8b\x08' gzip -dc ||
  try_format '\x5d\x00\x00\x00' xz -dc --format=lzma ||
  try_format 'BZh' bzip2 -dc ||
  try_format '\x02\x21\x4c\x18' lz4 -dc ||
  {
    echo "extract_vmlinux: no known compressed kernel found in $image" >&2
    exit 1
  }
