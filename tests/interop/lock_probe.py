#!/usr/bin/env python3
"""The server side of the interop test's locking checks (see lock_checks.sh).

  lock_probe.py status STATUS_JSON GUEST_ADDRESS MIN_LOCKS MIN_BLOCKED any|over
      Reads `nfsctl status nfsd --json` output and prints "ok: ..." when nfsd's lock manager holds
      at least MIN_LOCKS locks and MIN_BLOCKED blocked requests, monitors the guest, and (with
      "over") has ended its grace period and told every monitored host of its restart; otherwise
      "waiting: WHY; ...". Exit status 0 either way (the caller polls).
  lock_probe.py try-lock PATH
      Tries, as a local process on the server, an exclusive fcntl lock of the whole file without
      waiting: prints "ok: ..." and exits 0 when the kernel refuses it (the guest's NLM lock is a
      real lock on the server's file), prints "FAIL: ..." and exits 1 when it is granted.
"""

import errno
import fcntl
import json
import sys


def find_lock_manager(node):
    """The lock_manager object anywhere in the status report."""
    if isinstance(node, dict):
        if "lock_manager" in node:
            return node["lock_manager"]
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = find_lock_manager(child)
        if found is not None:
            return found
    return None


def hosts(manager, key):
    return ["%s(%s)" % (h.get("name", ""), h.get("address", "")) for h in manager.get(key, [])]


def status(path, guest_address, min_locks, min_blocked, grace):
    try:
        with open(path, encoding="utf-8") as report:
            text = report.read()
        manager = find_lock_manager(json.loads(text))
    except (OSError, ValueError) as error:
        print("waiting: no status from nfsd (%s)" % error)
        return 0
    if manager is None:
        print("waiting: nfsd's status has no lock_manager: %s" % text.strip()[:300])
        return 0
    # proto3 JSON gives 64-bit integers as strings.
    locks = int(manager.get("locks", 0))
    blocked = int(manager.get("blocked", 0))
    grace_left = int(manager.get("grace_seconds_left", 0))
    monitored = manager.get("monitored_hosts", [])
    to_notify = hosts(manager, "hosts_to_notify")
    facts = "locks=%d blocked=%d grace_seconds_left=%d monitored=%s to_notify=%s" % (
        locks, blocked, grace_left, hosts(manager, "monitored_hosts"), to_notify)
    why = []
    if locks < min_locks:
        why.append("fewer than %d locks" % min_locks)
    if blocked < min_blocked:
        why.append("fewer than %d blocked requests" % min_blocked)
    if not any(h.get("address") == guest_address for h in monitored):
        why.append("the guest (%s) is not monitored" % guest_address)
    if grace == "over" and grace_left > 0:
        why.append("the grace period is not over")
    if grace == "over" and to_notify:
        why.append("hosts still to notify")
    print(("waiting: %s; " % ", ".join(why) if why else "ok: ") + facts)
    return 0


def try_lock(path):
    try:
        with open(path, "r+b") as file:
            try:
                fcntl.lockf(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno in (errno.EAGAIN, errno.EACCES):
                    print("ok: a local fcntl lock of %s is refused (%s)" %
                          (path, errno.errorcode[error.errno]))
                    return 0
                print("FAIL: a local fcntl lock of %s failed oddly: %s" % (path, error))
                return 1
            print("FAIL: a local process got an exclusive fcntl lock of %s that the guest holds"
                  " through NLM" % path)
            return 1
    except OSError as error:
        print("FAIL: cannot open %s: %s" % (path, error))
        return 1


def main(argv):
    if len(argv) == 7 and argv[1] == "status":
        return status(argv[2], argv[3], int(argv[4]), int(argv[5]), argv[6])
    if len(argv) == 3 and argv[1] == "try-lock":
        return try_lock(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
