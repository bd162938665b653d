"""`tessera qemu MANIFEST --arch ARCH`: build the image (if needed) and boot
it under qemu-system-<arch> with the console on stdio.

The QEMU command line comes from the board file's `qemu:` section:
    qemu:
      machine: virt,gic-version=3   # -machine
      cpu: cortex-a72               # -cpu (optional)
      smp: 4                        # -smp (optional)
      memory: 256M                  # -m
      bios: default                 # -bios (optional)
      args: [...]                   # anything else, verbatim (optional)
--gdb adds `-s -S` (gdb stub on :1234, CPUs stopped) and prints the gdb
command that loads the kernel and every shard's symbols. --accel kvm runs
the guest under KVM (the host's own architecture only; /dev/kvm must be
usable) instead of TCG, QEMU's emulator.
"""
import os
import shutil
import sys

from tessera.errors import TesseraError


def add_parser(sub):
    p = sub.add_parser("qemu", help="build the flashable image and boot it in QEMU",
                       description="Build MANIFEST for ARCH (like `tessera build`) and boot the image "
                       "in QEMU with the console on stdio (quit: Ctrl-A X).")
    p.add_argument("manifest", metavar="MANIFEST", help="manifest YAML file")
    p.add_argument("--arch", required=True, choices=["aarch64", "riscv64", "x86_64"], help="target architecture")
    p.add_argument("-o", "--out", metavar="DIR", default="out", help="output directory (default: out)")
    p.add_argument("--gdb", action="store_true", help="wait for gdb on :1234 and print the gdb command")
    p.add_argument("--icount", action="store_true", help="deterministic virtual time (-icount shift=0)")
    p.add_argument("--stamps", action="store_true", help="prefix console lines with the boot time")
    p.add_argument("--accel", choices=["tcg", "kvm"], default="tcg",
                   help="tcg (default: QEMU emulates the CPU) or kvm (hardware virtualization, host arch only)")
    return p


def kvm_problem(arch):
    """Why `--accel kvm` cannot run an `arch` guest here, or None."""
    import platform

    host = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
    if host != arch:
        return "KVM runs guests of the host's architecture only (host %s, guest %s)" % (host, arch)
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError as e:
        return "/dev/kvm is not usable here (%s)" % (e.strerror or e)
    os.close(fd)
    return None


def require_kvm(arch):
    why = kvm_problem(arch)
    if why:
        raise TesseraError("--accel kvm: %s; run without it (TCG)" % why)


def qemu_argv(built, icount=False, image=None, gdb=False, accel="tcg"):
    """The qemu-system-<arch> command line for a build (cmd_build.build's
    result). `image` replaces the built image (tests boot corrupted copies)."""
    q = built.get("qemu")
    if not isinstance(q, dict) or "machine" not in q:
        raise TesseraError("board %s has no usable `qemu:` section (needs at least `machine:`)"
                           % built.get("board", "?"))
    exe = "qemu-system-" + built["arch"]
    if shutil.which(exe) is None:
        raise TesseraError("%s not found (run scripts/bootstrap.sh)" % exe)
    argv = [exe, "-machine", str(q["machine"])]
    if q.get("cpu"):
        argv += ["-cpu", str(q["cpu"])]
    if q.get("smp"):
        argv += ["-smp", str(q["smp"])]
    if q.get("memory"):
        argv += ["-m", str(q["memory"])]
    if q.get("bios"):
        argv += ["-bios", str(q["bios"])]
    argv += [str(a) for a in q.get("args") or []]
    if accel == "kvm":
        require_kvm(built["arch"])
        argv += ["-accel", "kvm"]
    argv += ["-nographic", "-no-reboot", "-kernel", image or built["image"]]
    if icount:
        argv += ["-icount", "shift=0"]
    if gdb:
        argv += ["-s", "-S"]
    return argv


def gdb_command(built):
    gdb_arch = {"aarch64": "aarch64", "riscv64": "riscv:rv64", "x86_64": "i386:x86-64"}[built["arch"]]
    parts = ["gdb-multiarch", "-q", "-ex", "'set architecture %s'" % gdb_arch,
             "-ex", "'file %s'" % built["elf"]]
    for s in built["shards"]:
        parts += ["-ex", "'add-symbol-file %s 0x%x'" % (s["elf"], s["text_va"])]
    parts += ["-ex", "'target remote :1234'"]
    return " ".join(parts)


def run(args):
    from tessera import cmd_build

    if args.accel == "kvm":  # before the build, not after it
        require_kvm(args.arch)
    built = cmd_build.build(args.manifest, args.arch, args.out, stamps=args.stamps)
    argv = qemu_argv(built, icount=args.icount, gdb=args.gdb, accel=args.accel)
    if args.gdb:
        print("tessera: QEMU waits for gdb on :1234; in another terminal:", file=sys.stderr)
        print("  " + gdb_command(built), file=sys.stderr)
    print("tessera: %s (quit: Ctrl-A X)" % " ".join(argv), file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvp(argv[0], argv)
    except OSError as e:
        raise TesseraError("cannot run %s: %s" % (argv[0], e.strerror))
