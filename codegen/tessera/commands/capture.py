"""`tessera capture --port PORT --channel NAME -o cap.pcap`: frames
passing a packet channel (the dataplane's zero-copy convention) into a
pcap file that tcpdump and Wireshark read (docs/inspect.md "capture").

The kernel copies the frame waiting at a ring index when asked and
nothing else (kern/inspect/capture.c): the pipeline never waits for the
capture, and frames that pass between two queries are not seen. Those
are counted as dropped: the ring index of each frame caught against the
one after the frame caught before it."""
import signal
import sys
import time

from tessera.commands import inspect as cmd_inspect
from tessera.errors import TesseraError
from tessera.inspect import client
from tessera.inspect import proto as ip
from tessera.traffic.capture import Capture


def add_parser(sub):
    p = sub.add_parser("capture", help="copy frames passing a packet channel into a pcap file",
                       description="Ask the kernel on PORT for the frames waiting in packet channel NAME, one "
                       "after the other, and write them to a pcap file (Ethernet). Read-only, and the pipeline "
                       "never waits: frames that pass between two queries are counted as dropped.")
    cmd_inspect.add_port_arguments(p)
    p.add_argument("--channel", metavar="NAME", required=True, help="a packet channel, as `inspect channels` names it")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the pcap file to write")
    p.add_argument("--count", metavar="N", type=int, default=100, help="stop after N frames (default 100)")
    p.add_argument("--snaplen", metavar="BYTES", type=int,
                   help="bytes kept of each frame (default: what one answer carries, %d: the headers); more "
                   "takes one query per %d bytes, and a frame released meanwhile is lost" % (ip.CAPTURE_SNAP, ip.CAPTURE_SNAP))
    p.add_argument("--duration", metavar="S", type=float, help="stop after S seconds even with fewer frames")
    p.add_argument("--json", action="store_true", help="the summary as JSON")
    return p


def run(args):
    if args.count < 1:
        raise TesseraError("--count must be at least 1")
    if args.snaplen is not None and not 1 <= args.snaplen <= 65535:
        raise TesseraError("--snaplen must be 1..65535")
    port, c = cmd_inspect.connect(args)
    try:
        snap = client.snapshot(c, ("system", "shards", "channels"))
        chans = {ch["name"]: ch["id"] for ch in snap["channels"]}
        if args.channel not in chans:
            raise TesseraError("no channel '%s' (there are: %s)" % (args.channel, ", ".join(sorted(chans))))
        out = Capture(args.output, "-o")
        try:
            summary = _capture(c, chans[args.channel], out, args)
        finally:
            out.close()
    finally:
        port.close()
    summary.update(channel=args.channel, output=args.output)
    if args.json:
        import json

        print(json.dumps(summary, indent=1))
    else:
        print("capture| %(frames)d frames of %(channel)s to %(output)s; dropped %(dropped)d (passed between "
              "queries), %(released)d released while read, %(queries)d queries" % summary, file=sys.stderr)
    return 0


def _capture(c, chan, out, args):
    """Frames into `out` until --count or --duration (or Ctrl-C)."""
    end = time.monotonic() + args.duration if args.duration else None
    stop = []
    old = signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    s = {"frames": 0, "dropped": 0, "released": 0, "buffers_returned": 0}
    cursor, first = 0, True
    try:
        while s["frames"] < args.count and not stop and (end is None or time.monotonic() < end):
            f = c.capture(chan, cursor, args.snaplen)
            if f is None:
                continue
            if "frame" not in f:
                s["released"] += 1
                continue
            if not first:
                s["dropped"] += (f["index"] - cursor) & 0xFFFFFFFF
            first, cursor = False, (f["index"] + 1) & 0xFFFFFFFF
            if f["flags"] & 1:  # TESS_PKT_F_FREE: a dropped packet's buffer going home
                s["buffers_returned"] += 1
                continue
            out.add(f["frame"], f["time_ns"] / 1e9, wirelen=f["len"])
            s["frames"] += 1
    finally:
        signal.signal(signal.SIGINT, old)
    s["queries"] = c.queries
    return s
