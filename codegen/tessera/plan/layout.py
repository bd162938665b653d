"""The memory planner (docs/design.md "Memory plan").

Physical: kernel reserve at the start of the board's first RAM range; then
per shard in manifest order its private memory, control page, persistent
memory and page-table pool; then channels; then regions; then DMA regions,
each contiguous at its alignment. Virtual: from the board's user_va_base
upward in the same order, a guard page between objects and between each
shard's image and stack; channels, regions and DMA regions have one VA
shared by every shard that maps them; device windows come last. Everything
is page aligned and depends only
on the manifest and board, so the same input gives the same plan.
"""
import hashlib
import json

from tessera.arch import ARCHES
from tessera.manifest import limits
from tessera.plan.model import BoardDevice, Plan

MAP_R, MAP_W, MAP_X, MAP_DEVICE, MAP_NC = 0x1, 0x2, 0x4, 0x8, 0x10
KIND = {"image": 0, "stack": 1, "ctrl": 2, "channel": 3, "region": 4, "persist": 5, "mmio": 6, "dma": 7}
POLICY = {"restart": 0, "halt": 1, "panic": 2}
# A reload package is header + payload + MAC (docs/reload.md, "Package").
RELOAD_PKG_OVERHEAD = 160 + 32


class PlanProblem(Exception):
    """A manifest that validates but does not fit: (manifest path, message)."""

    def __init__(self, path, msg):
        super().__init__(msg)
        self.path = path
        self.msg = msg


def rup(n, a):
    return (n + a - 1) // a * a


def pt_pages(arch, maps, page=4096):
    """Translation tables needed to map `maps` (va, size) with 4K pages only.

    Each level splits the VA into 9-bit indices above the 12-bit page offset
    (Arm ARM D8.2 for the 4K granule, RISC-V Sv39 10.6, Intel SDM 4.5): a
    table at level k (leaf = 1) covers 2^(12 + 9k) bytes, so the distinct
    tables at that level are the distinct values of va >> (12 + 9k) over all
    mapped pages; plus one root table.
    """
    levels = ARCHES[arch].pt_levels
    if levels == 0:
        return 0
    total = 1
    for k in range(1, levels):
        shift = 12 + 9 * k
        # Count the union of the maps' index ranges, range by range (a
        # terabyte map is one range, not half a million indices).
        end = -1
        for lo, hi in sorted((va >> shift, (va + size - 1) >> shift) for va, size in maps if size):
            if hi > end:
                total += hi - max(lo, end + 1) + 1
                end = hi
    return total


def canonical_hash(raw, board):
    blob = json.dumps({"manifest": raw, "board": board}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).digest()


def _board_for_hash(b):
    return {k: v for k, v in b.items() if k != "source"}


def board_check(board, console, shards):
    """What the boot-time DTB check covers (platform/common/dtb.c): the
    console, the interrupt controllers, every granted device; each by its
    first compatible string and first reg entry."""
    devs = board["devices"]
    used = [console] if console in devs else []
    used += [n for n, d in sorted(devs.items()) if d["interrupt_controller"] and n not in used]
    for s in shards:
        used += [d for d in s["devices"] if d not in used]
    return [BoardDevice(name=n, compatible=(devs[n]["compatible"] or [None])[0], pa=devs[n]["reg"][0]["base"],
                        size=devs[n]["reg"][0]["size"])
            for n in used if devs[n]["reg"]]


def plan(model):
    """The Plan of a validated model; raises PlanProblem if it does not fit."""
    L = limits.get()
    page = L["TESS_PAGE_SIZE"]
    b = model["board"]
    spec = ARCHES[b["arch"]]
    shards, channels, regions, dma = model["shards"], model["channels"], model["regions"], model["dma"]
    ram = b["ram"][0]
    kernel_pa, kernel_size = ram["base"], rup(b["kernel_reserve"], page)
    cursor = [kernel_pa + kernel_size]
    vcur = [b["user_va_base"]]

    def pa(size):
        a = cursor[0]
        cursor[0] += size
        return a

    def va(size):
        a = vcur[0]
        vcur[0] += size + page  # guard page
        return a

    devs = b["devices"]
    console = model["console"]
    creg = devs[console]["reg"] if console in devs else None
    cirqs = devs[console]["irqs"] if console in devs else []

    # Virtual addresses first: they depend on sizes only, and the page-table
    # pools (which take physical memory) depend on them. Private memory is
    # image (+ bss) then stack; in VA an unmapped page lies between them, so
    # a stack that overflows faults instead of overwriting the shard's own
    # data (the platforms report it as a stack overflow). It costs VA only:
    # the stack's physical pages follow the image's.
    for s in shards:
        s["mem_size"] = rup(s["memory"], page)
        s["stack_size"] = rup(s["stack"], page)
        s["persist_size"] = rup(s["persistent"], page)
        s["mem_va"] = va(s["mem_size"] + page)
        s["ctrl_va"] = va(page)
        s["persist_va"] = va(s["persist_size"]) if s["persist_size"] else 0
        s["entry"] = s["mem_va"]
        s["stack_top"] = s["mem_va"] + s["mem_size"] + page
    for c in channels:
        c["size"] = rup(L["TESS_CHAN_HDR_SIZE"] + c["slots"] * c["slot_size"], page)
        c["va"] = va(c["size"])
    for r in regions:
        r["size"] = rup(r["size"], page)
        r["va"] = va(r["size"])
    for d in dma:
        d["size"] = rup(d["size"], page)
        d["va"] = va(d["size"])
    for s in shards:
        s["dev_windows"] = []
        for dv in s["devices"]:
            for i, reg in enumerate(devs[dv]["reg"]):
                base = reg["base"] // page * page
                size = rup(reg["base"] + reg["size"], page) - base
                v = va(size)
                s["dev_windows"].append({"device": dv, "index": i, "pa": base, "size": size, "va": v,
                                         "reg_va": v + (reg["base"] - base), "reg_size": reg["size"]})
    # Physical memory in the design's order: per shard private memory,
    # control page, persistent memory, page-table pool; then channels,
    # regions, DMA regions (one contiguous range each: a device sees bus
    # addresses, here physical ones, so a region must not be scattered).
    for s in shards:
        s["mem_pa"], s["ctrl_pa"], s["persist_pa"] = 0, 0, 0
        npt = pt_pages(b["arch"], [(m["va"], m["size"]) for m in _maps(s, channels, regions, dma, page)], page)
        s["pt_size"] = npt * page
        s["mem_pa"] = pa(s["mem_size"])
        s["ctrl_pa"] = pa(page)
        s["persist_pa"] = pa(s["persist_size"]) if s["persist_size"] else 0
        s["pt_pa"] = pa(s["pt_size"]) if s["pt_size"] else 0
    for c in channels:
        c["pa"] = pa(c["size"])
    for r in regions:
        r["pa"] = pa(r["size"])
    for d in dma:
        cursor[0] = rup(cursor[0], d["align"])
        d["pa"] = pa(d["size"])
    # Hot reload (docs/reload.md): staging for one package of the largest
    # shard, then on targets per shard a slot for its last accepted reloaded
    # image (restarts and rollbacks load that one instead of the boot part).
    # The simulator keeps reloaded executables in memfds: no slots.
    largest = max((s["mem_size"] for s in shards), default=0)
    staging_size = rup(largest + RELOAD_PKG_OVERHEAD, page) if shards else 0
    staging_pa = pa(staging_size) if shards else 0
    for s in shards:
        s["reload_pa"] = 0 if spec.hosted else pa(s["mem_size"])
    for s in shards:
        s["maps"] = _maps(s, channels, regions, dma, page)  # now with final PAs
        s["regions_va"] = {regions[rid]["name"]: regions[rid]["va"] for rid, _ in s["regions"]}
        nbits = len(s["ends"])
        s["irqs"] = []
        for dv in s["devices"]:
            for irq in devs[dv]["irqs"]:
                s["irqs"].append({"device": dv, "irq": irq, "bit": nbits + len(s["irqs"])})
    ram_used = cursor[0] - ram["base"]
    if ram_used > ram["size"]:
        raise PlanProblem(("shards",), "the memory plan needs %d bytes (kernel reserve %d + shards, channels, "
                          "regions, DMA regions and reload staging %d) but board '%s' has %d bytes of RAM"
                          % (ram_used, kernel_size, ram_used - kernel_size, b["name"], ram["size"]))
    if vcur[0] > spec.user_va_limit:
        raise PlanProblem(("shards",), "the plan's user addresses end at 0x%x, beyond the %s user address space "
                          "(0x%x)" % (vcur[0], spec.name, spec.user_va_limit))
    # The kernel's persistent store: the last reg window of the board's
    # rollback_store device (QEMU virt: the second flash bank).
    store = b.get("rollback_store")
    nv = devs[store]["reg"][-1] if store else {"base": 0, "size": 0}
    hashed_board = _board_for_hash(b)
    return Plan(
        model=model, name=model["name"], manifest_file=model["manifest_file"],
        manifest_hash=canonical_hash(model["raw"], hashed_board), board=b, hashed_board=hashed_board,
        tick_ns=model["tick_ns"], shards=shards, channels=channels, regions=regions, dma=dma,
        console=console, console_pa=creg[0]["base"] if creg else 0, console_irq=cirqs[0] if cirqs else 0,
        kernel_pa=kernel_pa, kernel_size=kernel_size, ram_base=ram["base"], ram_size=ram["size"], ram_used=ram_used,
        reload_staging_pa=staging_pa, reload_staging_size=staging_size, nv_pa=nv["base"], nv_size=nv["size"],
        core_order=[[s["id"] for s in shards if s["core"] == c] for c in range(b["cores"])],
        board_check=board_check(b, console, shards),
    )


def _maps(s, channels, regions, dma, page):
    """The shard's address space, in a fixed order (tables.h struct tess_map)."""
    img = s["mem_size"] - s["stack_size"]
    m = [
        {"va": s["mem_va"], "pa": s["mem_pa"], "size": img, "attr": MAP_R | MAP_W | MAP_X, "kind": "image"},
        # the stack guard page: [mem_va + img, + page), never mapped
        {"va": s["stack_top"] - s["stack_size"], "pa": s["mem_pa"] + img, "size": s["stack_size"],
         "attr": MAP_R | MAP_W, "kind": "stack"},
        {"va": s["ctrl_va"], "pa": s["ctrl_pa"], "size": page, "attr": MAP_R | MAP_W, "kind": "ctrl"},
    ]
    if s["persist_size"]:
        m.append({"va": s["persist_va"], "pa": s["persist_pa"], "size": s["persist_size"], "attr": MAP_R | MAP_W,
                  "kind": "persist"})
    for e in s["ends"]:
        c = channels[e["channel"]]
        m.append({"va": c["va"], "pa": c.get("pa", 0), "size": c["size"], "attr": MAP_R | MAP_W, "kind": "channel"})
    for rid, mode in s["regions"]:
        r = regions[rid]
        m.append({"va": r["va"], "pa": r.get("pa", 0), "size": r["size"],
                  "attr": MAP_R | (MAP_W if mode == "rw" else 0), "kind": "region"})
    for did, mode in s["dma"]:
        d = dma[did]
        m.append({"va": d["va"], "pa": d.get("pa", 0), "size": d["size"], "kind": "dma",
                  "attr": MAP_R | (MAP_W if mode == "rw" else 0) | (0 if d["cached"] else MAP_NC)})
    for w in s["dev_windows"]:
        m.append({"va": w["va"], "pa": w["pa"], "size": w["size"], "attr": MAP_DEVICE | MAP_R | MAP_W, "kind": "mmio"})
    for x in m:
        x["kind_id"] = KIND[x["kind"]]
    return m
