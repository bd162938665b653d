#!/usr/bin/python3
"""Instructions per call from libc_bench's callgrind dumps (bench/libc.sh):
one dump per case, size and variant, each of CALLS calls (libc_bench.c)."""
import re
import sys

CALLS = 16


def dump(path):
    label = ir = None
    with open(path) as f:
        for line in f:
            m = re.match(r"desc: Trigger: Client Request: (.*)", line)
            if m:
                label = m.group(1).strip()
            m = re.match(r"(?:summary|totals): (\d+)", line)
            if m:
                ir = int(m.group(1))
    return label, ir


def main():
    rows = {}  # (case, size) -> {variant: instructions per call}, in dump order
    for path in sorted(sys.argv[1:], key=lambda p: int(p.rsplit(".", 1)[1])):
        label, ir = dump(path)
        if label and ir is not None:
            case, size, variant = label.rsplit(" ", 2)
            rows.setdefault((case, int(size)), {})[variant] = ir / CALLS
    print("%-16s %7s %12s %12s %7s" % ("instr. per call", "bytes", "bytes", "kern/libc", "ratio"))
    for (case, size), r in rows.items():
        print("%-16s %7d %12.0f %12.0f %6.1fx" % (case, size, r["bytes"], r["kern/libc"],
                                                   r["bytes"] / r["kern/libc"]))


if __name__ == "__main__":
    main()
