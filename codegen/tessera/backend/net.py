"""`--net` of `tessera sim` and `tessera qemu`: a virtio network device on
a virtio-mmio transport the manifest grants to a shard, its wire a UDP
socket carrying one Ethernet frame per datagram (QEMU's `-netdev dgram`
framing), so `tessera traffic` drives QEMU and the simulator alike.

    --net [DEVICE=]local=HOST:PORT,remote=HOST:PORT[,mac=MAC]

`local` is where the device receives, `remote` where it sends. DEVICE is
a board device name; without it, the one virtio-mmio transport granted
to a shard. QEMU plugs the device into the transport's bus, named in the
board file (`qemu_bus`, scripts/gen-boards.py reads it from QEMU); the
simulator models the host board's transports (sim/dev/, sim/devices.c).
"""
import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Optional, Tuple

from tessera.errors import TesseraError

VIRTIO_MMIO = "virtio,mmio"
_KEYS = ("local", "remote", "mac")
_MAC = re.compile(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}")


@dataclass(frozen=True)
class NetSpec:
    device: Optional[str]
    local: Tuple[str, int]
    remote: Tuple[str, int]
    mac: Optional[str]


def endpoint(text, what):
    """'HOST:PORT' -> (IPv4 address, port); HOST may be a name."""
    host, sep, port = (text or "").rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise TesseraError("%s: '%s' is not HOST:PORT (e.g. 127.0.0.1:5555)" % (what, text))
    try:
        addr = str(ipaddress.IPv4Address(host))
    except ValueError:
        try:
            addr = socket.gethostbyname(host)
        except OSError:
            raise TesseraError("%s: cannot resolve host '%s'" % (what, host)) from None
    return addr, int(port)


def parse(text):
    """One --net value -> NetSpec."""
    items = (text or "").split(",")
    device = None
    key = items[0].split("=", 1)[0]
    if key not in _KEYS and "=" in items[0]:
        device, items[0] = items[0].split("=", 1)
    got = {}
    for item in items:
        k, sep, v = item.partition("=")
        if not sep or k not in _KEYS or k in got:
            raise TesseraError("--net: '%s' is not [DEVICE=]local=HOST:PORT,remote=HOST:PORT[,mac=MAC]" % text)
        got[k] = v
    for k in ("local", "remote"):
        if k not in got:
            raise TesseraError("--net %s: %s=HOST:PORT is missing" % (text, k))
    if "mac" in got and not _MAC.fullmatch(got["mac"]):
        raise TesseraError("--net %s: mac '%s' is not six hex bytes like 52:54:00:12:34:56" % (text, got["mac"]))
    return NetSpec(device=device, local=endpoint(got["local"], "--net local"),
                   remote=endpoint(got["remote"], "--net remote"), mac=got.get("mac"))


def transports(board):
    """The board's virtio-mmio transports, by name."""
    return {n: d for n, d in board["devices"].items() if VIRTIO_MMIO in d["compatible"]}


def granted(plan):
    """Virtio-mmio transports granted to a shard of the plan, in plan order."""
    ts = transports(plan.board)
    return [dv for s in plan.shards for dv in s["devices"] if dv in ts]


def resolve(plan, specs):
    """[(device, NetSpec)]: each --net on its granted transport."""
    choices = granted(plan)
    out = []
    for spec in specs:
        if spec.device is None:
            if len(choices) != 1:
                raise TesseraError(
                    "--net: %s; name one as DEVICE=local=..." % (
                        "no shard of %s is granted a virtio-mmio transport" % plan.name if not choices else
                        "several virtio-mmio transports are granted (%s)" % ", ".join(choices)))
            dev = choices[0]
        elif spec.device not in choices:
            raise TesseraError("--net: '%s' is not a virtio-mmio transport granted to a shard of %s (granted: %s)"
                               % (spec.device, plan.name, ", ".join(choices) or "none"))
        else:
            dev = spec.device
        if dev in [d for d, _ in out]:
            raise TesseraError("--net: two devices on transport '%s'" % dev)
        out.append((dev, spec))
    return out


def _hp(ep):
    return "%s:%d" % ep


def qemu_args(plan, specs):
    """QEMU options for the --net values (none without any)."""
    if not specs:
        return []
    ts = transports(plan.board)
    argv = ["-global", "virtio-mmio.force-legacy=false"]
    for i, (dev, spec) in enumerate(resolve(plan, specs)):
        bus = ts[dev].get("qemu_bus")
        if not bus:
            raise TesseraError("board %s names no QEMU bus for transport '%s' (scripts/gen-boards.py writes "
                               "qemu_bus)" % (plan.board["name"], dev))
        argv += ["-netdev", "dgram,id=tnet%d,local.type=inet,local.host=%s,local.port=%d,"
                 "remote.type=inet,remote.host=%s,remote.port=%d" % ((i,) + spec.local + spec.remote),
                 "-device", "virtio-net-device,netdev=tnet%d,bus=%s%s" % (i, bus, ",mac=" + spec.mac if spec.mac else "")]
    return argv


def sim_args(plan, specs, misbehave=None):
    """tessera-sim options: every transport of the board (an empty one reads
    DeviceID 0, as in QEMU), a network device behind each --net one."""
    argv = []
    for name, d in sorted(transports(plan.board).items(), key=lambda t: t[1]["reg"][0]["base"]):
        if not d["reg"] or not d["irqs"]:
            raise TesseraError("board %s: transport '%s' needs a reg and an IRQ" % (plan.board["name"], name))
        argv += ["--virtio-mmio", "%s,0x%x,%d" % (name, d["reg"][0]["base"], d["irqs"][0])]
    for dev, spec in resolve(plan, specs):
        argv += ["--net", "%s=local=%s,remote=%s%s" % (dev, _hp(spec.local), _hp(spec.remote),
                                                       ",mac=" + spec.mac if spec.mac else "")]
    if misbehave:  # KIND[:N], checked by tessera-sim (sim/dev/virtio_net.c knows the kinds)
        if not specs:
            raise TesseraError("--net-misbehave needs a --net device")
        argv += ["--net-misbehave", misbehave]
    return argv
