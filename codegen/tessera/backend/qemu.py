"""Booting a built image in QEMU (`tessera qemu`, the QEMU tests, bench/).

The emulator comes from the arch table (tessera/arch.py), the command line
from the board file's `qemu:` section:
    qemu:
      machine: virt,gic-version=3   # -machine
      cpu: cortex-a72               # -cpu (optional)
      smp: 4                        # -smp (optional)
      memory: 256M                  # -m
      bios: default                 # -bios (optional)
      args: [...]                   # anything else, verbatim (optional)
The accelerator is QEMU's emulator (TCG) unless `accel="kvm"`: hardware
virtualization, for a guest of the host's own arch where /dev/kvm opens.
"""
import os
import shutil

from tessera.arch import ARCHES, host_arch
from tessera.backend import net as netdev
from tessera.errors import TesseraError


ACCELS = ("tcg", "kvm")


def kvm_problem(arch):
    """Why KVM cannot run an `arch` guest on this host, or None."""
    host = host_arch()
    if host != arch:
        return "KVM runs guests of the host's architecture only (host %s, guest %s)" % (host, arch)
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError as e:
        return "/dev/kvm is not usable here (%s)" % (e.strerror or e)
    os.close(fd)
    return None


def require_accel(arch, accel, icount=False):
    """Refuse an accelerator that cannot run an `arch` guest here."""
    if accel not in ACCELS:
        raise TesseraError("--accel %s: one of %s" % (accel, ", ".join(ACCELS)))
    if accel == "kvm" and icount:
        raise TesseraError("--accel kvm: -icount counts emulated instructions, TCG only; run without one of them")
    why = kvm_problem(arch) if accel == "kvm" else None
    if why:
        raise TesseraError("--accel kvm: %s; run without it (TCG)" % why)


def qemu_argv(built, icount=False, image=None, gdb=False, accel="tcg", net=()):
    """The QEMU command line for a build (backend/target.py's Built).
    `image` replaces the built image (tests boot corrupted copies); `net`
    holds --net values (backend/net.py's NetSpec)."""
    q = built["qemu"]
    if not isinstance(q, dict) or "machine" not in q:
        raise TesseraError("board %s has no usable `qemu:` section (needs at least `machine:`)" % built["board"])
    exe = ARCHES[built["arch"]].qemu
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
    store = built["plan"].board.get("rollback_store")
    if store and built.get("nv"):
        # The kernel's anti-rollback counters: the store's flash bank (its
        # last reg window: unit n is bank n on QEMU virt) from the file.
        unit = len(built["plan"].board["devices"][store]["reg"]) - 1
        argv += ["-drive", "if=pflash,format=raw,unit=%d,file=%s" % (unit, built["nv"])]
    require_accel(built["arch"], accel, icount)
    argv += ["-accel", accel]
    argv += netdev.qemu_args(built["plan"], net)
    argv += ["-nographic", "-no-reboot", "-kernel", image or built["image"]]
    if icount:
        argv += ["-icount", "shift=0"]
    if gdb:
        argv += ["-s", "-S"]
    return argv


def gdb_command(built):
    """gdb with the kernel's and every shard's symbols, attached to QEMU's stub."""
    parts = ["gdb-multiarch", "-q", "-ex", "'set architecture %s'" % ARCHES[built["arch"]].gdb_arch,
             "-ex", "'file %s'" % built["elf"]]
    for s in built["shards"]:
        parts += ["-ex", "'add-symbol-file %s 0x%x'" % (s["elf"], s["text_va"])]
    parts += ["-ex", "'target remote :1234'"]
    return " ".join(parts)
