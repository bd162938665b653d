"""`tessera sim MANIFEST`: build a manifest for the hosted simulator
(backend/sim.py) and run it: the command replaces itself with tessera-sim,
so the exit status and Ctrl-C are the simulator's own."""
import os
import re
import sys

from tessera.backend import net, sim
from tessera.errors import TesseraError
from tessera.manifest.units import TIME_MULT, clip


def add_parser(sub):
    p = sub.add_parser(
        "sim",
        help="build a manifest for the host board and run it in the simulator",
        description="Build MANIFEST for the hosted simulator (board 'host') and run it until "
        "Ctrl-C, --duration, --messages or until every shard is halted; then print per-shard, "
        "per-channel and per-core figures.",
    )
    p.add_argument("manifest", metavar="MANIFEST", help="manifest YAML file")
    p.add_argument("--duration", metavar="TIME", help="stop after TIME (e.g. 500ms, 5s)")
    p.add_argument("--messages", metavar="N", type=int, help="stop once the sink shards consumed N messages")
    p.add_argument("--sanitize", action="store_true", help="build kernel and shards with ASan and UBSan")
    p.add_argument("--trace", action="store_true", help="print the kernel's trace ring at the end")
    p.add_argument("--console-port", metavar="PORT", type=int,
                   help="also serve the console on tcp 127.0.0.1:PORT (0: a free port, printed at start), "
                   "for `tessera reload --arch host --port socket://127.0.0.1:PORT`")
    p.add_argument("--net", metavar="[DEVICE=]local=HOST:PORT,remote=HOST:PORT", action="append", default=[],
                   help="a virtio network device on the granted virtio-mmio transport (DEVICE, if several), "
                   "one Ethernet frame per UDP datagram from and to HOST:PORT, like QEMU's -netdev dgram; "
                   "optional ,mac=52:54:00:12:34:56")
    p.add_argument("--net-misbehave", metavar="KIND[:N]",
                   help="test mode: the network device lies on every N-th completion (default 16); KIND: "
                   "bad-id, long-len, reorder, no-version-1")
    p.add_argument("--rollback-store", metavar="FILE",
                   help="keep the shards' anti-rollback counters (the newest version each accepted by hot "
                   "reload) in FILE, created if missing, so they survive a restart of the simulator")
    return p


def parse_duration(text):
    """'5s', '250ms', '1500us', '100ns' (decimals allowed) -> nanoseconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|s)\s*", text or "")
    if not m:
        raise TesseraError("--duration: '%s' is not a time (examples: 500ms, 5s, 1.5s)" % text)
    ns = float(m.group(1)) * TIME_MULT[m.group(2)]  # inf for thousands of digits
    if ns >= 1 << 63:
        raise TesseraError("--duration: %s is too long (the simulator counts in 64-bit nanoseconds)" % clip(text))
    ns = int(round(ns))
    if ns <= 0:
        raise TesseraError("--duration must be more than 0")
    return ns


def run(args):
    if args.messages is not None and args.messages <= 0:
        raise TesseraError("--messages must be at least 1")
    duration = parse_duration(args.duration) if args.duration is not None else None
    specs = [net.parse(v) for v in args.net]
    plan = sim.plan(args.manifest)
    for w in plan.warnings:
        print(w, file=sys.stderr)
    sim.check(plan, args.manifest)
    devices = net.sim_args(plan, specs, args.net_misbehave)
    exe = sim.build(plan, args.sanitize)
    argv = [exe]
    if duration is not None:
        argv += ["--duration", str(duration)]
    if args.messages is not None:
        argv += ["--messages", str(args.messages)]
    if args.trace:
        argv.append("--trace")
    if args.console_port is not None:
        if not 0 <= args.console_port <= 65535:
            raise TesseraError("--console-port must be 0..65535")
        argv += ["--console-port", str(args.console_port)]
    argv += devices
    if args.rollback_store:
        argv += ["--rollback-store", os.path.abspath(args.rollback_store)]
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execv(exe, argv)
    except OSError as e:
        raise TesseraError("cannot run %s: %s" % (exe, e.strerror))
