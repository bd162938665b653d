"""`tessera build MANIFEST --arch ARCH -o OUT`: the flashable image
(backend/target.py)."""
from tessera.arch import targets
from tessera.backend import target
from tessera.errors import TesseraError


def add_parser(sub):
    return add_arguments(sub.add_parser("build", help="build the flashable image for a target architecture",
                                        description="Plan, generate and build MANIFEST for ARCH; write "
                                        "OUT/<name>.img (flashable), OUT/<name>.elf, OUT/shards/*.elf and "
                                        "OUT/layout.json."))


def add_arguments(p):
    """What `tessera build` and `tessera qemu` both take."""
    p.add_argument("manifest", metavar="MANIFEST", help="manifest YAML file")
    p.add_argument("--arch", required=True, choices=sorted(targets()), help="target architecture")
    p.add_argument("-o", "--out", metavar="DIR", default="out", help="output directory (default: out)")
    p.add_argument("--stamps", action="store_true", help="prefix console lines with the boot time")
    p.add_argument("--image-version", metavar="N", type=int, default=1,
                   help="version id of every shard in the image: what it runs at boot, and the floor below "
                   "which hot reload refuses packages (default 1; e.g. a release number or UNIX time)")
    return p


def run(args):
    try:
        target.build(args.manifest, args.arch, args.out, stamps=args.stamps, image_version=args.image_version)
    except OSError as e:  # an output directory we cannot write, a full disk...
        raise TesseraError("%s: %s" % (e.filename or "build", e.strerror or e))
    return 0
