"""The arch table: every per-architecture fact the tool knows, in one place
(docs/porting.md, "The arch table").

The planner (page-table levels, user VA limit, reload slots), the back ends
(toolchain file, kernel load offset and VA base for the C build, image
header), `tessera qemu` (QEMU executable, gdb architecture), `tessera
reload` (accepted --arch values) and the QEMU test harness (how QEMU shows
a PC, where a halted core parks) all read this table. Board files
(manifest/boards/*.yaml) name an arch from it; everything about one
machine (RAM, devices, QEMU machine options) stays in its board.

Adding an architecture: one entry below, platform/<arch>/, a toolchain
file cmake/toolchain-<arch>.cmake and a board file.
"""
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class ImageHeader:
    """The boot header at the start of the kernel binary, as far as the
    image packer (tessera/image.py) fills it in: `kind` says how the packer
    writes the whole image's size into it (image.py dispatches on it)."""

    kind: str
    # "linux-image": byte offset of the little-endian u64 total image size.
    size_offset: Optional[int] = None


# arm64 and RISC-V Linux Image headers share the layout the packer needs:
# image_size (u64) at byte 16 (Linux Documentation/arch/arm64/booting.rst,
# Documentation/arch/riscv/boot-image-header.rst).
LINUX_IMAGE = ImageHeader("linux-image", size_offset=16)
# An image that is an ELF64 file from its first byte (x86_64: the kernel's
# own ELF header with the Xen PVH entry note, platform/x86_64/boot.S): the
# packer sets p_filesz and p_memsz of the one PT_LOAD at file offset 0 to
# the whole image, so QEMU's -kernel loads the shard parts with the kernel.
ELF_PVH = ImageHeader("elf-pvh")


@dataclass(frozen=True)
class Arch:
    name: str
    # `tessera build`/`qemu`/`reload` accept it: the port has landed.
    supported: bool
    # The hosted simulator (sim/): shards are host processes, memory is a
    # memfd, reloaded images live in memfds (no per-shard reload slot).
    hosted: bool
    # Translation-table levels for 4K pages (the planner's page-table pools).
    pt_levels: int
    # End of the user (shard) address space: the plan's VAs must stay below.
    user_va_limit: int
    # The board `tessera build --arch` uses when the manifest's board is
    # for another arch (and `tessera sim` always: host).
    default_board: str
    # Target facts (None for the simulator and for ports not landed yet).
    # Where the boot loader puts the image inside the board's kernel
    # reserve (the Image header's text_offset; the PVH ELF's load address
    # minus the reserve's start).
    text_offset: Optional[int] = None
    # The kernel's linear map: VA = PA + kva_offset. The kernel is linked
    # at kva_offset + its load PA (TESS_KERNEL_LOAD_VA).
    kva_offset: Optional[int] = None
    image_header: Optional[ImageHeader] = None
    toolchain: Optional[str] = None  # CMake toolchain file, relative to the repository
    qemu: Optional[str] = None  # QEMU system emulator
    gdb_arch: Optional[str] = None  # gdb `set architecture`
    # QEMU tests (tests/qemu/harness.py): how `info registers -a` shows a
    # vCPU's PC, and the kernel function every core ends in after
    # plat_halt_all.
    qemu_pc_pattern: Optional[str] = None
    park_function: Optional[str] = None
    # A DMA region may be mapped uncached (`cached: false`, TESS_MAP_NC):
    # the port has a page attribute for it. The simulator's device models
    # share the host's coherent memory, so it accepts and ignores it.
    uncached_dma: bool = False
    # The platform's CMake option that picks a boot self-test
    # (plat/selftest.h; tests/qemu/test_panic.py builds with "kstack").
    selftest_option: Optional[str] = None


ARCHES = {
    a.name: a
    for a in (
        # The simulator uses host mmap: no page tables of its own; user VAs
        # are x86-64/arm64 Linux user addresses (manifest/boards/host.yaml).
        Arch("host", supported=True, hosted=True, pt_levels=0, user_va_limit=1 << 47, default_board="host",
             uncached_dma=True),
        # 4K granule, 39-bit VA: translation starts at level 1, three levels
        # (Arm ARM D8.2); TTBR0 covers [0, 2^39) for shards, the kernel runs
        # in the TTBR1 half from 0xffffff8000000000 (T1SZ = 25). Uncached DMA:
        # Normal Non-cacheable, MAIR attr2 (platform/aarch64/boot.S).
        Arch("aarch64", supported=True, hosted=False, pt_levels=3, user_va_limit=1 << 39,
             default_board="qemu-virt-aarch64", text_offset=0x200000, kva_offset=0xffffff8000000000,
             image_header=LINUX_IMAGE, toolchain="cmake/toolchain-aarch64.cmake", qemu="qemu-system-aarch64",
             gdb_arch="aarch64", qemu_pc_pattern=r"\bPC=([0-9a-f]+)", park_function="a64_park",
             uncached_dma=True, selftest_option="TESS_A64_SELFTEST"),
        # Sv39: three levels (RISC-V privileged spec 10.6); the user half is
        # [0, 2^38), the kernel's the sign-extended upper half from
        # 0xffffffc000000000. OpenSBI (fw_dynamic) loads the next stage
        # 2 MiB into RAM. No uncached DMA: without Svpbmt a page has no
        # cacheability of its own (the PMAs decide, privileged spec 3.6).
        Arch("riscv64", supported=True, hosted=False, pt_levels=3, user_va_limit=1 << 38,
             default_board="qemu-virt-riscv64", text_offset=0x200000, kva_offset=0xffffffc000000000,
             image_header=LINUX_IMAGE, toolchain="cmake/toolchain-riscv64.cmake", qemu="qemu-system-riscv64",
             gdb_arch="riscv:rv64", qemu_pc_pattern=r"\bpc\s+([0-9a-f]+)", park_function="rv_park",
             selftest_option="TESS_RV_SELFTEST"),
        # 4-level paging, 48-bit canonical user half (Intel SDM Vol. 3A
        # 4.5). The last page below 2^47 is not the shards': a SYSCALL
        # ending there would SYSRET to the non-canonical 2^47, which faults
        # at CPL 0 on the shard's stack (SDM Vol. 2B SYSRET;
        # platform/x86_64/trap.c). The kernel runs in the top 2 GiB
        # (-mcmodel=kernel): its RAM map VA = PA + kva_offset is also its
        # link address, so RAM it maps must lie below 1 GiB
        # (platform/x86_64/include/x86/layout.h; the board check refuses
        # more). microvm's RAM and the kernel reserve start at 1 MiB, above
        # the BIOS area; the PVH ELF loads 1 MiB into it, at PA 2 MiB.
        Arch("x86_64", supported=True, hosted=False, pt_levels=4, user_va_limit=(1 << 47) - 4096,
             default_board="qemu-microvm-x86_64", text_offset=0x100000, kva_offset=0xffffffff80000000,
             image_header=ELF_PVH, toolchain="cmake/toolchain-x86_64.cmake", qemu="qemu-system-x86_64",
             gdb_arch="i386:x86-64", qemu_pc_pattern=r"\bRIP=([0-9a-f]+)", park_function="x86_park",
             selftest_option="TESS_X86_SELFTEST"),
    )
}


# `tessera reload --arch` without the option.
DEFAULT_TARGET = "aarch64"


def targets():
    """Arches `tessera build` and `tessera qemu` accept (and the QEMU tests run on)."""
    return [a.name for a in ARCHES.values() if a.supported and not a.hosted]


def host_arch():
    """The arch-table name of the machine running the tool (Linux `uname -m`
    spells the three targets as the table does): KVM runs only guests of
    this arch (backend/qemu.py)."""
    import platform

    return platform.machine()


def reload_arches():
    """Arches `tessera reload --arch` accepts: the targets and the simulator."""
    return [a.name for a in ARCHES.values() if a.supported]
