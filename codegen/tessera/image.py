"""The flashable image (docs/image.md): arch boot header + kernel, then the
Tessera header (versioned part table with SHA-256 per part), then the shard
parts. The kernel checks all of it at boot (kern/image/image.c).

Layout of <name>.img (all integers little endian):
  0                kernel binary (it starts with the arch's boot header,
                   tessera/arch.py image_header: a Linux Image header, or
                   the kernel's own ELF header; the packer sets its size)
  ...              zeros up to the end of the kernel's .bss (__tess_image_hdr)
  hdr_off          struct tess_img_hdr + nparts * struct tess_img_part
                   + nparts * u64 part version (the anti-rollback floor
                   each shard starts from; covered by the header hash)
  ...              each shard part, 4 KiB aligned: the shard ELF as a flat
                   binary from its mem_va (text, rodata, data; bss is zeroed
                   by the kernel at every start)
"""
import hashlib
import os
import re
import struct
import subprocess
import tempfile

from tessera.arch import LINUX_IMAGE
from tessera.errors import TesseraError

MAGIC = b"TESSIMG\0"
VERSION = 2  # 2: part versions after the part table
HDR_FMT = "<8sIIQQ32s32s"  # magic, version, nparts, total_size, hdr_size, manifest, hdr sha
PART_FMT = "<32sIIQQQ32s"  # name, kind, exec_pages, offset, size, load_pa, sha
PART_VERSION_FMT = "<Q"  # one per part, after the part table
HDR_SIZE = struct.calcsize(HDR_FMT)
PART_SIZE = struct.calcsize(PART_FMT)
PART_VERSION_SIZE = struct.calcsize(PART_VERSION_FMT)
KIND_KERNEL, KIND_SHARD = 0, 1
MAX_SHARDS = 16
PAGE = 4096
assert HDR_SIZE == 96 and PART_SIZE == 96
PT_LOAD = 1


def _align(n, a=PAGE):
    return (n + a - 1) // a * a


def _run(cmd):
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise TesseraError("%s not found: run scripts/bootstrap.sh" % cmd[0])
    except subprocess.CalledProcessError as e:
        raise TesseraError("%s failed: %s" % (" ".join(cmd), e.stderr.strip()))


def symbols(elf):
    """{name: value} of an ELF's symbols (llvm-nm)."""
    out = {}
    for line in _run(["llvm-nm", "--defined-only", elf]).splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[2]] = int(parts[0], 16)
    return out


def flat_binary(elf):
    """The loadable sections of `elf` as one flat binary from its lowest address."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.bin")
        _run(["llvm-objcopy", "-O", "binary", elf, path])
        with open(path, "rb") as f:
            return f.read()


def readelf_sections(elf):
    """`llvm-readelf -SW`: the section table as text."""
    return _run(["llvm-readelf", "-SW", elf])


def lowest_load_addr(elf):
    """Lowest address of an allocated section with contents (what
    `llvm-objcopy -O binary` starts the flat binary at)."""
    addrs = []
    rx = re.compile(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)")
    for line in readelf_sections(elf).splitlines():
        m = rx.match(line)
        if m and m.group(2) != "NOBITS" and "A" in m.group(5) and int(m.group(4), 16) > 0:
            addrs.append(int(m.group(3), 16))
    if not addrs:
        raise TesseraError("%s has nothing to load" % elf)
    return min(addrs)


def _part(name, kind, offset, data, load_pa, exec_pages=0):
    nm = name.encode()
    if len(nm) > 32:
        raise TesseraError("image: part name %r is longer than 32 bytes" % name)
    return struct.pack(PART_FMT, nm, kind, exec_pages, offset, len(data), load_pa, hashlib.sha256(data).digest())


def exec_pages(elf, mem_va):
    """Pages of the shard image that hold code + read-only data: up to the
    page-aligned symbol __tess_exec_end (the shard.ld of
    codegen/templates/shard.ld.j2); the rest is mapped read-write, no-execute."""
    sym = symbols(elf)
    end = sym.get("__tess_exec_end")
    if end is None or end % PAGE or end < mem_va:
        raise TesseraError("%s: no page-aligned __tess_exec_end (not linked with the target shard.ld)" % elf)
    return (end - mem_va) // PAGE


def _size_linux_image(img, header, total):
    """arm64/RISC-V Image header: image_size (u64) at header.size_offset."""
    struct.pack_into("<Q", img, header.size_offset, total)


def _size_elf_pvh(img, header, total):
    """An image that is an ELF64 file (the kernel's own ELF header with the
    PVH entry note, arch.py ELF_PVH): p_filesz and p_memsz of the one
    PT_LOAD that starts at file offset 0 become the whole image, so the
    loader (QEMU's -kernel) places the Tessera header and shard parts with
    the kernel.
    Offsets: the ELF-64 Object File Format, e_phoff at 32, e_phentsize and
    e_phnum at 54; in a program header p_offset at 8, p_filesz at 32."""
    if img[:4] != b"\x7fELF" or img[4] != 2 or img[5] != 1:
        raise TesseraError("image: the kernel does not start with an ELF64 little-endian header")
    phoff, = struct.unpack_from("<Q", img, 32)
    phentsize, phnum = struct.unpack_from("<HH", img, 54)
    loads = 0
    for i in range(phnum):
        off = phoff + i * phentsize
        p_type, = struct.unpack_from("<I", img, off)
        p_offset, = struct.unpack_from("<Q", img, off + 8)
        if p_type == PT_LOAD and p_offset == 0:
            struct.pack_into("<QQ", img, off + 32, total, total)
            loads += 1
    if loads != 1:
        raise TesseraError("image: the kernel's ELF header has %d PT_LOAD segments at offset 0, not 1" % loads)


# How the packer writes the image size into each kind of boot header (arch.py ImageHeader.kind).
SIZE_WRITERS = {"linux-image": _size_linux_image, "elf-pvh": _size_elf_pvh}


def pack(kernel_elf, shards, manifest_hash, kernel_pa, kernel_size, text_offset, out_path, header=LINUX_IMAGE,
         version=1):
    """Write the image. shards: list of dicts name, elf, mem_pa, mem_va,
    mem_size in manifest order; header: the arch's boot header (arch.py);
    version: every part's version id (`tessera build --image-version`: the
    version each shard runs at boot, below which the kernel refuses hot
    reloads). Returns a summary dict (for layout/figures)."""
    if len(shards) > MAX_SHARDS:
        raise TesseraError("image: %d shards, at most %d" % (len(shards), MAX_SHARDS))
    if not 0 < version < 1 << 64:
        raise TesseraError("image: version %d is not a positive 64-bit number" % version)
    sym = symbols(kernel_elf)
    for s in ("_start", "__kernel_ro_end", "__tess_image_hdr"):
        if s not in sym:
            raise TesseraError("%s: symbol %s missing (not a Tessera kernel?)" % (kernel_elf, s))
    kbin = bytearray(flat_binary(kernel_elf))
    hdr_off = sym["__tess_image_hdr"] - sym["_start"]
    ro_size = sym["__kernel_ro_end"] - sym["_start"]
    if len(kbin) > hdr_off:
        raise TesseraError("image: kernel binary (%d bytes) overlaps its header offset 0x%x" % (len(kbin), hdr_off))
    nparts = 1 + len(shards)
    off = _align(hdr_off + HDR_SIZE + nparts * (PART_SIZE + PART_VERSION_SIZE))
    blobs = []
    for s in shards:
        data = flat_binary(s["elf"])
        base = lowest_load_addr(s["elf"])
        if base != s["mem_va"]:
            raise TesseraError("image: shard %s is linked at 0x%x, planned at 0x%x" % (s["name"], base, s["mem_va"]))
        if len(data) > s["mem_size"]:
            raise TesseraError("image: shard %s image (%d bytes) exceeds its memory (%d bytes)"
                               % (s["name"], len(data), s["mem_size"]))
        blobs.append((s, off, data, exec_pages(s["elf"], s["mem_va"])))
        off = _align(off + len(data), 16)
    total = off
    if text_offset + total > kernel_size:
        raise TesseraError("image: %d bytes at offset 0x%x do not fit the kernel reserve of %d bytes "
                           "(raise the board's kernel reserve)" % (total, text_offset, kernel_size))
    img = bytearray(total)
    img[:len(kbin)] = kbin
    write_size = SIZE_WRITERS.get(header.kind)
    if write_size is None:
        raise TesseraError("image: no packer for boot header kind %r" % header.kind)
    write_size(img, header, total)
    parts = [_part("kernel", KIND_KERNEL, 0, bytes(img[:ro_size]), kernel_pa + text_offset)]
    for s, o, data, xp in blobs:
        img[o:o + len(data)] = data
        parts.append(_part(s["name"], KIND_SHARD, o, data, s["mem_pa"], xp))
    table = b"".join(parts) + struct.pack(PART_VERSION_FMT, version) * nparts
    hdr_size = HDR_SIZE + len(table)
    hdr0 = struct.pack(HDR_FMT, MAGIC, VERSION, nparts, total, hdr_size, manifest_hash, b"\0" * 32)
    digest = hashlib.sha256(hdr0 + table).digest()
    hdr = struct.pack(HDR_FMT, MAGIC, VERSION, nparts, total, hdr_size, manifest_hash, digest)
    img[hdr_off:hdr_off + hdr_size] = hdr + table
    with open(out_path, "wb") as f:
        f.write(img)
    return {"size": total, "header_offset": hdr_off, "kernel_ro_size": ro_size, "version": version,
            "parts": [{"name": s["name"], "offset": o, "size": len(d), "load_pa": s["mem_pa"], "exec_pages": xp}
                      for s, o, d, xp in blobs]}


def _find_header(data):
    """Offset of the first header whose own SHA-256 checks (the kernel's
    code or strings may hold the magic bytes as well), else of the first
    magic (a header whose hash is wrong, for the reader to refuse), or -1."""
    first = idx = data.find(MAGIC)
    while idx >= 0 and idx + HDR_SIZE <= len(data):
        magic, ver, nparts, total, hdr_size, mh, hsha = struct.unpack_from(HDR_FMT, data, idx)
        if HDR_SIZE <= hdr_size <= len(data) - idx:
            hdr0 = struct.pack(HDR_FMT, magic, ver, nparts, total, hdr_size, mh, b"\0" * 32)
            if hashlib.sha256(hdr0 + data[idx + HDR_SIZE:idx + hdr_size]).digest() == hsha:
                return idx
        idx = data.find(MAGIC, idx + 1)
    return first


def read_header(path):
    """Parse an image's Tessera header (tests, tools). Returns (hdr dict, parts list)."""
    with open(path, "rb") as f:
        data = f.read()
    idx = _find_header(data)
    if idx < 0:
        raise TesseraError("%s: no Tessera header" % path)
    magic, ver, nparts, total, hdr_size, mh, hsha = struct.unpack_from(HDR_FMT, data, idx)
    parts = []
    versions = idx + HDR_SIZE + nparts * PART_SIZE
    for i in range(nparts):
        nm, kind, xp, off, size, pa, sha = struct.unpack_from(PART_FMT, data, idx + HDR_SIZE + i * PART_SIZE)
        pv = struct.unpack_from(PART_VERSION_FMT, data, versions + i * PART_VERSION_SIZE)[0] if ver >= 2 else 0
        parts.append({"name": nm.rstrip(b"\0").decode(), "kind": kind, "exec_pages": xp, "offset": off, "size": size,
                      "load_pa": pa, "sha256": sha, "version": pv})
    return {"offset": idx, "version": ver, "total_size": total, "manifest_hash": mh}, parts
