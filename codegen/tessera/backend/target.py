"""`tessera build`'s back end: the flashable image for a target arch.

Plans the manifest once for the arch (its own board if that is for ARCH,
else the arch's default board, tessera/arch.py), renders every generated
file into build/<arch>/<name>/gen (backend/build.py), builds kernel and
shards with CMake/Ninja and packs OUT/<name>.img (tessera/image.py). Also
OUT/<name>.elf (kernel symbols), OUT/shards/<shard>.elf, OUT/layout.json
(the plan and the image) and the device key OUT/<name>.key; on a board with
a rollback_store, OUT/<name>.nv, the device's persistent store (the flash
bank `tessera qemu` gives the kernel for its anti-rollback counters),
created once and kept across builds like the flash of a real device.
"""
import os
import re
import shutil
import sys
from typing import Any, Dict, List, Optional, TypedDict

from tessera import image, pipeline
from tessera.arch import targets
from tessera.backend import build as common
from tessera.errors import TesseraError
from tessera.plan.model import Plan
from tessera.reload import package
from tessera.render import files


class BuiltShard(TypedDict):
    name: str
    id: int
    core: int
    mem_pa: int
    mem_va: int
    mem_size: int
    elf: str  # OUT/shards/<name>.elf
    text_va: int  # for gdb's add-symbol-file


class Built(TypedDict):
    plan: Plan
    arch: str
    name: str  # the system's file name
    image: str
    elf: str  # the kernel's
    shards: List[BuiltShard]
    out: str
    board: str
    qemu: Optional[Dict[str, Any]]  # the board's `qemu:` section (backend/qemu.py)
    build_dir: str
    nv: Optional[str]  # OUT/<name>.nv: backs the board's rollback_store (backend/qemu.py), or None


def build(manifest, arch, out, stamps=False, cmake_defs=(), image_version=1):
    """Build the image. cmake_defs: extra -D settings for the target build
    (tests: TESS_A64_SELFTEST=...); image_version: the version id of every
    part (docs/image.md), the version each shard runs at boot and below
    which the kernel refuses hot reloads."""
    if arch not in targets():
        raise TesseraError("--arch %s: one of %s" % (arch, ", ".join(sorted(targets()))))
    plan = pipeline.load_and_plan(manifest, arch=arch)
    for w in plan.warnings:  # as `check` shows them (a shard that can reach all memory, ...)
        print(w, file=sys.stderr)
    spec = plan.spec
    name = common.system_name(plan)
    bdir = common.build_dir(arch, name, cmake_defs)
    key = package.default_key_path(out, name)
    kelf, img = os.path.join(out, name + ".elf"), os.path.join(out, name + ".img")
    outputs = [bdir, key, kelf, img, os.path.join(out, "shards"), os.path.join(out, "layout.json")]
    with common.private(*outputs):  # the key is in reload_key.c, the kernel and the image
        gdir = os.path.join(bdir, "gen")
        common.generate(plan, gdir, key)
        defs = ["TESS_ARCH=" + arch, "CMAKE_TOOLCHAIN_FILE=" + os.path.join(common.ROOT, spec.toolchain),
                # The arch table's and the plan's addresses for the C build.
                "TESS_KERNEL_PA=0x%x" % plan.kernel_pa, "TESS_TEXT_OFFSET=0x%x" % spec.text_offset,
                "TESS_KERNEL_LOAD_PA=0x%x" % plan.kernel_load_pa, "TESS_KVA_OFFSET=0x%x" % spec.kva_offset,
                "TESS_KERNEL_LOAD_VA=0x%x" % plan.kernel_load_va, "TESS_CONSOLE_PA=0x%x" % plan.console_pa,
                "TESS_CONSOLE_STAMPS=" + ("ON" if stamps else "OFF")]
        common.cmake(bdir, gdir, defs + list(cmake_defs),
                     ("the %s build" % arch, "the %s kernel and shards" % arch),
                     tools=("llvm-objcopy", "llvm-nm", "llvm-readelf"))
        os.makedirs(os.path.join(out, "shards"), exist_ok=True)
        shards = []
        for s in plan.shards:
            elf = os.path.join(bdir, "shards", s["name"] + ".elf")
            if not os.path.isfile(elf):
                raise TesseraError("the build produced no %s" % elf)
            dst = os.path.join(out, "shards", s["name"] + ".elf")
            shutil.copyfile(elf, dst)
            shards.append(BuiltShard({k: s[k] for k in ("name", "id", "core", "mem_pa", "mem_va", "mem_size")},
                                     elf=dst, text_va=_text_va(dst)))
        shutil.copyfile(os.path.join(bdir, "kernel.elf"), kelf)
        summary = image.pack(kelf, shards, plan.manifest_hash, plan.kernel_pa, plan.kernel_size, spec.text_offset,
                             img, spec.image_header, version=image_version)
        files.write({"layout.json": files.render_layout(plan, dict(summary, arch=arch,
                                                                   file=os.path.basename(img)))}, out)
    nv = _persistent_store(plan, out, name)
    print("tessera: %s: %d bytes (%d shards), kernel %s" % (img, summary["size"], len(shards), kelf),
          file=sys.stderr)
    return Built(plan=plan, arch=arch, name=name, image=img, elf=kelf, shards=shards, out=out,
                 board=plan.board["name"], qemu=plan.board["qemu"], build_dir=bdir, nv=nv)


def _persistent_store(plan, out, name):
    """OUT/<name>.nv, the size of the board's rollback_store window: made
    once (all zero: the kernel finds no counters and formats it), then kept,
    so the counters survive rebuilds and reboots. None without a store."""
    if not plan.nv_size:
        return None
    path = os.path.join(out, name + ".nv")
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.truncate(plan.nv_size)
    elif os.path.getsize(path) != plan.nv_size:
        raise TesseraError("%s has %d bytes, the board's rollback_store %d: remove it (the device's "
                           "anti-rollback counters start over)" % (path, os.path.getsize(path), plan.nv_size))
    return path


def _text_va(elf):
    for line in image.readelf_sections(elf).splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+\.text\s+\S+\s+([0-9a-f]+)", line)
        if m:
            return int(m.group(1), 16)
    return image.lowest_load_addr(elf)
