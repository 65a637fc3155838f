#!/usr/bin/python3
# memscan.py PID NEEDLE: reads every readable mapping of a process
# through /proc/PID/mem and prints "found" or "absent" for NEEDLE.
# Exits 2 when the process cannot be read at all, so a test cannot pass
# by reading nothing.
import re
import sys


def main():
    pid, needle = sys.argv[1], sys.argv[2].encode()
    scanned = 0
    found = False
    with open("/proc/%s/maps" % pid) as maps, \
            open("/proc/%s/mem" % pid, "rb", 0) as mem:
        for line in maps:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
            start, end, perms = int(m[1], 16), int(m[2], 16), m[3]
            if perms[0] != "r" or "[vvar]" in line or "[vsyscall]" in line:
                continue
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except (OSError, OverflowError, ValueError):
                continue
            scanned += len(data)
            if needle in data:
                found = True
                break
    if scanned == 0:
        print("unreadable")
        sys.exit(2)
    print("found" if found else "absent")


if __name__ == "__main__":
    main()
