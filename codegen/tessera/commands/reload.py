"""`tessera reload --port PORT --shard NAME [IMAGE]`: replace one shard of a
running system over its serial console (docs/reload.md). Without IMAGE the
shard is rebuilt from the manifest by the arch's back end (the simulator's
for a hosted arch); the transfer itself is reload/session.py's."""
import json
import os

from tessera.arch import ARCHES, DEFAULT_TARGET, reload_arches
from tessera.backend import sim, target
from tessera.errors import TesseraError
from tessera.reload import package as rpk
from tessera.reload import proto as rp
from tessera.reload import session, source


def add_parser(sub):
    p = sub.add_parser(
        "reload",
        help="hot-reload one shard over the serial console",
        description="Send a signed image of shard NAME to the running kernel on PORT and report its "
        "verdict. IMAGE may be a package (.tpk), a Tessera image, the shard's ELF or a flat binary; "
        "without IMAGE the shard is rebuilt from --manifest. Exit status: 0 accepted, 3 refused, "
        "4 transfer failure, 5 timeout.",
    )
    p.add_argument("image", metavar="IMAGE", nargs="?", help="what to send (default: rebuild the shard)")
    p.add_argument("--port", metavar="PORT", help="serial device or pyserial URL (socket://HOST:PORT, ...)")
    p.add_argument("--shard", metavar="NAME", required=True, help="the shard to replace")
    p.add_argument("--manifest", metavar="M", default="manifest.yaml", help="manifest (default: manifest.yaml)")
    p.add_argument("--arch", metavar="ARCH", default=DEFAULT_TARGET,
                   help="target architecture (default: %s; host: the simulator)" % DEFAULT_TARGET)
    p.add_argument("--layout", metavar="FILE", help="layout.json of the running system (default: OUT/layout.json)")
    p.add_argument("--out", metavar="DIR", default="out", help="build output directory (default: out)")
    p.add_argument("--key", metavar="FILE", help="device key (default: OUT/<system>.key)")
    p.add_argument("--image-version", metavar="N", type=int, help="version id (default: UNIX time)")
    p.add_argument("--exec-pages", metavar="N", type=int,
                   help="for a flat binary IMAGE: pages of code + rodata from its start")
    p.add_argument("--baud", type=int, default=115200, help="baud rate (default 115200)")
    p.add_argument("--ack-timeout", metavar="S", type=float, default=1.0, help="seconds per frame (default 1)")
    p.add_argument("--retries", metavar="N", type=int, default=8, help="resends per frame (default 8)")
    p.add_argument("--result-timeout", metavar="S", type=float, default=30.0,
                   help="seconds to wait for the verdict after the last chunk (default 30)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the signed package to FILE instead of sending")
    return p


def _package(args):
    if args.image:
        with open(args.image, "rb") as f:
            if rpk.is_package(f.read(4)):
                return source.package_for(args.image, args.shard, None, None)
    image = args.image
    built = os.path.join(args.out, "layout.json")
    if args.layout:
        layout = source.read_layout(args.layout)
    elif image:
        if not os.path.isfile(built):
            raise TesseraError("signing %s needs the running system's layout: %s (from `tessera build`) "
                               "is missing; pass --layout FILE" % (image, built))
        layout = source.read_layout(built)
    else:
        layout, elfs = _rebuild(args.manifest, args.arch, args.out)
        if args.shard not in elfs:
            raise TesseraError("shard '%s' is not in %s (shards: %s)" % (args.shard, args.manifest, ", ".join(elfs)))
        image = elfs[args.shard]
    if image is None:
        raise TesseraError("IMAGE is required with --layout")
    key_path = args.key or layout["key"] or rpk.default_key_path(args.out, layout["name"])
    try:
        key = rpk.load_key(key_path)
    except rp.ProtoError as e:
        raise TesseraError("%s (`tessera build` writes the device key; or pass --key)" % e)
    return source.package_for(image, args.shard, layout, key, args.image_version, args.exec_pages)


def _rebuild(manifest, arch, out):
    """Build the manifest for `arch` as the running system was built; returns
    (layout, {shard: image file})."""
    if arch not in ARCHES or not ARCHES[arch].supported:
        raise TesseraError("--arch %s: one of %s" % (arch, ", ".join(sorted(reload_arches()))))
    if ARCHES[arch].hosted:  # the simulator: build/sim/<name>, not OUT
        plan, exes = sim.rebuild(manifest)
        return source.layout_of(plan, sim.key_path(plan)), exes
    built = target.build(manifest, arch, out, image_version=_image_version(out))
    return (source.layout_of(built["plan"], rpk.default_key_path(out, built["name"])),
            {s["name"]: s["elf"] for s in built["shards"]})


def _image_version(out):
    """The version id OUT's image was packed with (layout.json), so that the
    rebuild leaves that image as it was flashed; 1 if there is none."""
    try:
        with open(os.path.join(out, "layout.json")) as f:
            return int(json.load(f)["image"]["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return 1


def run(args):
    if args.image and not os.path.isfile(args.image):
        raise TesseraError("%s: no such file" % args.image)
    if args.retries < 0 or args.ack_timeout <= 0 or args.result_timeout <= 0:
        raise TesseraError("--retries must be >= 0 and the timeouts > 0")
    if not args.port and not args.output:
        raise TesseraError("--port is required (or -o FILE to only write the package)")
    pkg = _package(args)
    if args.output:
        with open(args.output, "wb") as f:
            f.write(pkg)
        print("reload| wrote %s (%d bytes, shard '%s')" % (args.output, len(pkg), args.shard))
        return 0
    return session.send(args.port, args.baud, args.shard, pkg, args.ack_timeout, args.retries, args.result_timeout)
