"""`tessera qemu MANIFEST --arch ARCH`: build the image (backend/target.py)
and boot it in QEMU (backend/qemu.py) with the console on stdio. --gdb adds
`-s -S` (gdb stub on :1234, CPUs stopped) and prints the gdb command that
loads the kernel and every shard's symbols. --accel kvm runs the guest
under KVM instead of QEMU's emulator (TCG): only for the host's own arch,
where /dev/kvm opens; checked before the build."""
import os
import sys

from tessera.backend import net, qemu, target
from tessera.commands import build
from tessera.errors import TesseraError


def add_parser(sub):
    p = build.add_arguments(sub.add_parser("qemu", help="build the flashable image and boot it in QEMU",
                                           description="Build MANIFEST for ARCH (like `tessera build`) and boot "
                                           "the image in QEMU with the console on stdio (quit: Ctrl-A X)."))
    p.add_argument("--gdb", action="store_true", help="wait for gdb on :1234 and print the gdb command")
    p.add_argument("--icount", action="store_true", help="deterministic virtual time (-icount shift=0)")
    p.add_argument("--net", metavar="[DEVICE=]local=HOST:PORT,remote=HOST:PORT", action="append", default=[],
                   help="a virtio-net device on the granted virtio-mmio transport (DEVICE, if several) over "
                   "-netdev dgram: one Ethernet frame per UDP datagram from and to HOST:PORT; optional ,mac=M")
    p.add_argument("--accel", choices=qemu.ACCELS, default="tcg",
                   help="tcg (default: QEMU emulates the CPU) or kvm (hardware virtualization, host arch only)")
    return p


def run(args):
    specs = [net.parse(v) for v in args.net]
    qemu.require_accel(args.arch, args.accel, args.icount)  # before the build, not after it
    built = target.build(args.manifest, args.arch, args.out, stamps=args.stamps, image_version=args.image_version)
    argv = qemu.qemu_argv(built, icount=args.icount, gdb=args.gdb, accel=args.accel, net=specs)
    if args.gdb:
        print("tessera: QEMU waits for gdb on :1234; in another terminal:", file=sys.stderr)
        print("  " + qemu.gdb_command(built), file=sys.stderr)
    print("tessera: %s (quit: Ctrl-A X)" % " ".join(argv), file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvp(argv[0], argv)
    except OSError as e:
        raise TesseraError("cannot run %s: %s" % (argv[0], e.strerror))
