#!/usr/bin/python3
"""Draw a Chrome trace-event JSON file of `tessera trace -o` / `tessera sim
--trace-out` as an SVG timeline like Perfetto's: one lane per core, each
shard's turns ("X" slices) as coloured bars, instants as ticks. For the
docs (docs/inspect.md shows one); open the JSON itself in Perfetto or
chrome://tracing to explore it.

Usage: scripts/trace_svg.py run.json out.svg [--last-us N]"""
import argparse
import json
from xml.sax.saxutils import escape

COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"]
LANE, TOP, LEFT, WIDTH = 34, 40, 70, 1100


def main():
    ap = argparse.ArgumentParser(description="Chrome trace JSON -> SVG timeline")
    ap.add_argument("json")
    ap.add_argument("svg")
    ap.add_argument("--last-us", type=float, default=200.0, help="the last N microseconds (default 200)")
    args = ap.parse_args()
    with open(args.json) as f:
        events = json.load(f)["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    title = [e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"][0]
    timed = [e for e in events if e["ph"] in ("X", "i")]
    end = max(e["ts"] + e.get("dur", 0) for e in timed)
    start = end - args.last_us
    scale = (WIDTH - LEFT - 10) / args.last_us
    shards = sorted({e["name"] for e in timed if e["ph"] == "X"})
    colour = {s: COLOURS[i % len(COLOURS)] for i, s in enumerate(shards)}
    lanes = sorted(names)
    height = TOP + LANE * len(lanes) + 50
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="11">' % (WIDTH, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="8" y="18" font-size="13">%s: the last %.0f us of the trace (one lane per core)</text>'
           % (escape(title), args.last_us)]
    for i, tid in enumerate(lanes):
        y = TOP + i * LANE
        out.append('<text x="8" y="%d">%s</text>' % (y + 20, escape(names[tid])))
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#ddd"/>' % (LEFT, y + LANE - 2, WIDTH - 10,
                                                                               y + LANE - 2))
        for e in timed:
            if e["tid"] != tid or e["ts"] + e.get("dur", 0) < start:
                continue
            x = LEFT + (max(e["ts"], start) - start) * scale
            if e["ph"] == "X":
                w = max(1.0, (e["ts"] + e["dur"] - max(e["ts"], start)) * scale)
                out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %.1f us</title>'
                           '</rect>' % (x, y + 4, w, LANE - 12, colour[e["name"]], escape(e["name"]), e["dur"]))
            else:
                out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333"><title>%s</title></line>'
                           % (x, y + 2, x, y + LANE - 6, escape(e["name"])))
    y = TOP + LANE * len(lanes) + 20
    for i, s in enumerate(shards):
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text>'
                   % (LEFT + i * 120, y, colour[s], LEFT + i * 120 + 16, y + 10, escape(s)))
    out.append('<text x="%d" y="%d">| instants: notify, irq, fault, restart, ...</text>'
               % (LEFT + len(shards) * 120, y + 10))
    out.append("</svg>")
    with open(args.svg, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
