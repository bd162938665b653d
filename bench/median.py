#!/usr/bin/python3
"""Median of several channel_bench outputs (files given as arguments): for
each ring and figure, the median over the runs of the run's "best of rounds"
figure, then our ratios. Used by bench/run.sh; no traceback on bad input."""
import re
import statistics
import sys

ROW = re.compile(r"^(\S.{0,13}?)\s+(-|[\d.]+)\s+(-|[\d.]+)\s+([\d.]+)\s{3}")


def best_table(text):
    rows, inside = {}, False
    for line in text.splitlines():
        if line.startswith("best of rounds"):
            inside = True
            continue
        if line.startswith("median"):
            break
        m = ROW.match(line) if inside else None
        if m:
            rows[m.group(1).strip()] = [None if v == "-" else float(v) for v in m.group(2, 3, 4)]
    return rows


def main(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs.append(best_table(f.read()))
    if not runs or not runs[0]:
        print("median.py: no channel_bench table in %s" % ", ".join(paths))
        return 1
    names = list(runs[0])
    med = {}
    for n in names:
        med[n] = []
        for k in range(3):
            vals = [r[n][k] for r in runs if n in r and r[n][k] is not None]
            med[n].append(statistics.median(vals) if vals else None)
    print("median of %d runs (each: best of rounds)" % len(runs))
    print("%-14s %14s %14s %14s" % ("ring", "single Mmsg/s", "burst32 Mmsg/s", "round trip ns"))
    for n in names:
        print("%-14s %14s %14s %14s" % ((n,) + tuple("-" if v is None else "%.2f" % v for v in med[n])))
    head = names[0]  # channel_bench lists the headline ring first: tessera+wake
    ours = med[head]
    if ours and None not in ours:
        print("%s against the others (median of runs):" % head)
        for n in names:
            if n in (head, "floor"):
                continue
            print("  ours vs %-12s single x%.2f  burst32 x%.2f  round trip x%.2f (>1 = ours faster)"
                  % (n, ours[0] / med[n][0], ours[1] / med[n][1], med[n][2] / ours[2]))
        if "floor" in med:
            print("  ours vs floor        round trip x%.2f of the floor" % (ours[2] / med["floor"][2]))
        rte = med.get("rte_ring")
        if rte:
            single, burst = ours[0] / rte[0], ours[1] / rte[1]
            print("goal (issue 14): %s >= x1.20 of rte_ring; measured single x%.2f (%s), burst32 x%.2f (%s)"
                  % (head, single, "met" if single >= 1.2 else "NOT met", burst, "met" if burst >= 1.2 else "NOT met"))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, ValueError, KeyError, ZeroDivisionError) as e:
        print("median.py: %s" % e)
        sys.exit(1)
