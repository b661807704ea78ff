# shellcheck shell=bash
# Sourced by interop_test.sh: verifies on the server's side what the guest claims it left there.
# The guest prints "HOSTCHECK KIND PATH ARGS" (PATH relative to the rw export); seeing the same
# bytes and attributes on the server's disk shows the data went through, not just into the
# client's cache.

# host_check ROOT KIND PATH ARGS...: prints a line and returns 1 when the check fails.
host_check() {
  local root=$1 kind=$2 rel=$3
  shift 3
  local path=$root/$rel actual expected
  case $kind in
    sha256) actual=$(sha256sum <"$path" 2>&1 | cut -d' ' -f1) expected=$1 ;;
    md5) actual=$(md5sum <"$path" 2>&1 | cut -d' ' -f1) expected=$1 ;;
    stat) actual=$(stat -c "$1" "$path" 2>&1) expected=$2 ;;
    readlink) actual=$(readlink "$path" 2>&1) expected=$1 ;;
    absent) actual=$([[ -e $path || -L $path ]] && echo present || echo absent) expected=absent ;;
    entries) actual=$(find "$path" -mindepth 1 -maxdepth 1 2>&1 | wc -l) expected=$1 ;;
    *)
      echo "HOSTCHECK FAIL unknown check '$kind'"
      return 1
      ;;
  esac
  if [[ $actual != "$expected" ]]; then
    echo "HOSTCHECK FAIL $kind $rel: the server's disk has '$actual', the guest saw '$expected'"
    return 1
  fi
  echo "HOSTCHECK OK $kind $rel"
}

# host_checks_from CONSOLE_LOG ROOT: runs every HOSTCHECK line of the guest's output; returns the
# number of failures (0 when all hold).
host_checks_from() {
  local console=$1 root=$2 failures=0 line
  local -a words
  while IFS= read -r line; do
    line=${line%$'\r'}
    read -r -a words <<<"${line#HOSTCHECK }"
    host_check "$root" "${words[@]}" || failures=$((failures + 1))
  done < <(grep -a '^HOSTCHECK ' "$console")
  return "$failures"
}
