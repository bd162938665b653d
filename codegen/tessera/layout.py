"""The memory planner (docs/design.md "Memory plan").

Physical: kernel reserve at the start of the board's first RAM range; then
per shard in manifest order its private memory, control page, persistent
memory and page-table pool; then channels; then regions. Virtual: from the
board's user_va_base upward in the same order, a guard page between
objects; channels and regions have one VA shared by every shard that maps
them; device windows come last. Everything is page aligned and depends only
on the manifest and board, so the same input gives the same plan.
"""
import hashlib
import json

from tessera import limits
from tessera.boards import PT_LEVELS

MAP_R, MAP_W, MAP_X, MAP_DEVICE = 0x1, 0x2, 0x4, 0x8
KIND = {"image": 0, "stack": 1, "ctrl": 2, "channel": 3, "region": 4, "persist": 5, "mmio": 6}
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
    levels = PT_LEVELS[arch]
    if levels == 0:
        return 0
    total = 1
    for k in range(1, levels):
        shift = 12 + 9 * k
        seen = set()
        for va, size in maps:
            seen.update(range(va >> shift, ((va + size - 1) >> shift) + 1))
        total += len(seen)
    return total


def canonical_hash(raw, board):
    blob = json.dumps({"manifest": raw, "board": board}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).digest()


class Plan:
    """Everything codegen emits, as plain data (see to_json)."""

    def __init__(self, model):
        self.model = model
        self.name = model["name"]
        self.board = model["board"]
        self.arch = self.board["arch"]
        self.tick_ns = model["tick_ns"]
        self.manifest_file = model["manifest_file"]
        self.shards = model["shards"]
        self.channels = model["channels"]
        self.regions = model["regions"]
        self.manifest_hash = canonical_hash(model["raw"], _board_for_hash(self.board))

    def to_json(self):
        return {
            "name": self.name,
            "manifest_hash": self.manifest_hash.hex(),
            "board": _board_for_hash(self.board),
            "arch": self.arch,
            "tick_ns": self.tick_ns,
            "kernel": {"pa": self.kernel_pa, "size": self.kernel_size},
            "reload": {"staging_pa": self.reload_staging_pa, "staging_size": self.reload_staging_size},
            "console": {"name": self.console, "pa": self.console_pa},
            "ram": {"base": self.ram_base, "size": self.ram_size, "used": self.ram_used},
            "cores": [{"core": c, "order": o} for c, o in enumerate(self.core_order)],
            "shards": [_shard_json(s) for s in self.shards],
            "channels": [dict(c) for c in self.channels],
            "regions": [dict(r, access=dict(r["access"])) for r in self.regions],
        }


def _board_for_hash(b):
    return {k: v for k, v in b.items() if k != "source"}


def _shard_json(s):
    keys = ("name", "id", "core", "source", "prebuilt", "mem_pa", "mem_va", "mem_size", "entry", "stack_top",
            "stack_size", "ctrl_pa", "ctrl_va", "persist_pa", "persist_va", "persist_size", "pt_pa", "pt_size",
            "watchdog_ns", "on_hang", "on_fault", "restart_max", "restart_window_ns", "maps", "ends", "irqs",
            "devices", "dev_windows", "regions_va", "reload_pa")
    return {k: s[k] for k in keys}


def plan(model):
    L = limits.get()
    page = L["TESS_PAGE_SIZE"]
    p = Plan(model)
    b = p.board
    ram = b["ram"][0]
    p.ram_base, p.ram_size = ram["base"], ram["size"]
    p.kernel_pa, p.kernel_size = ram["base"], rup(b["kernel_reserve"], page)
    cursor = [p.kernel_pa + p.kernel_size]
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
    p.console = model["console"]
    creg = devs.get(p.console, {}).get("reg") if p.console in devs else None
    p.console_pa = creg[0]["base"] if creg else 0

    # Virtual addresses first: they depend on sizes only, and the page-table
    # pools (which take physical memory) depend on them.
    for s in p.shards:
        s["mem_size"] = rup(s["memory"], page)
        s["stack_size"] = rup(s["stack"], page)
        s["persist_size"] = rup(s["persistent"], page)
        s["mem_va"] = va(s["mem_size"])
        s["ctrl_va"] = va(page)
        s["persist_va"] = va(s["persist_size"]) if s["persist_size"] else 0
        s["entry"] = s["mem_va"]
        s["stack_top"] = s["mem_va"] + s["mem_size"]
    for c in p.channels:
        c["size"] = rup(L["TESS_CHAN_HDR_SIZE"] + c["slots"] * c["slot_size"], page)
        c["va"] = va(c["size"])
    for r in p.regions:
        r["size"] = rup(r["size"], page)
        r["va"] = va(r["size"])
    for s in p.shards:
        s["dev_windows"] = []
        for dv in s["devices"]:
            for i, reg in enumerate(devs[dv]["reg"]):
                base = reg["base"] // page * page
                size = rup(reg["base"] + reg["size"], page) - base
                v = va(size)
                s["dev_windows"].append({"device": dv, "index": i, "pa": base, "size": size, "va": v,
                                         "reg_va": v + (reg["base"] - base), "reg_size": reg["size"]})
    # Physical memory in the design's order: per shard private memory,
    # control page, persistent memory, page-table pool; then channels, regions.
    for s in p.shards:
        s["mem_pa"], s["ctrl_pa"], s["persist_pa"] = 0, 0, 0
        npt = pt_pages(p.arch, [(m["va"], m["size"]) for m in _maps(s, p, page)], page)
        s["pt_size"] = npt * page
        s["mem_pa"] = pa(s["mem_size"])
        s["ctrl_pa"] = pa(page)
        s["persist_pa"] = pa(s["persist_size"]) if s["persist_size"] else 0
        s["pt_pa"] = pa(s["pt_size"]) if s["pt_size"] else 0
    for c in p.channels:
        c["pa"] = pa(c["size"])
    for r in p.regions:
        r["pa"] = pa(r["size"])
    # Hot reload (docs/reload.md): staging for one package of the largest
    # shard, then on targets per shard a slot for its last accepted reloaded
    # image (restarts and rollbacks load that one instead of the boot part).
    # The simulator keeps reloaded executables in memfds: no slots.
    largest = max((s["mem_size"] for s in p.shards), default=0)
    p.reload_staging_size = rup(largest + RELOAD_PKG_OVERHEAD, page) if p.shards else 0
    p.reload_staging_pa = pa(p.reload_staging_size) if p.shards else 0
    for s in p.shards:
        s["reload_pa"] = pa(s["mem_size"]) if p.arch != "host" else 0
    for s in p.shards:
        s["maps"] = _maps(s, p, page)  # now with final PAs
        s["regions_va"] = {p.regions[rid]["name"]: p.regions[rid]["va"] for rid, _ in s["regions"]}
        nbits = len(s["ends"])
        s["irqs"] = []
        for dv in s["devices"]:
            for irq in devs[dv]["irqs"]:
                s["irqs"].append({"device": dv, "irq": irq, "bit": nbits + len(s["irqs"])})
    p.ram_used = cursor[0] - p.ram_base
    if p.ram_used > p.ram_size:
        raise PlanProblem(("shards",), "the memory plan needs %d bytes (kernel reserve %d + shards, channels, "
                          "regions and reload staging %d) but board '%s' has %d bytes of RAM"
                          % (p.ram_used, p.kernel_size, p.ram_used - p.kernel_size, b["name"], p.ram_size))
    # x86_64: the last lower-half page stays unmapped (a SYSCALL there would
    # return to a non-canonical RIP; platform/x86_64/trap.c).
    va_limit = {"aarch64": 1 << 39, "riscv64": 1 << 38, "x86_64": (1 << 47) - 4096, "host": 1 << 47}[p.arch]
    if vcur[0] > va_limit:
        raise PlanProblem(("shards",), "the plan's user addresses end at 0x%x, beyond the %s user address space "
                          "(0x%x)" % (vcur[0], p.arch, va_limit))
    ncores = b["cores"]
    p.core_order = [[s["id"] for s in p.shards if s["core"] == c] for c in range(ncores)]
    return p


def _maps(s, p, page):
    """The shard's address space, in a fixed order (tables.h struct tess_map)."""
    img = s["mem_size"] - s["stack_size"]
    m = [
        {"va": s["mem_va"], "pa": s["mem_pa"], "size": img, "attr": MAP_R | MAP_W | MAP_X, "kind": "image"},
        {"va": s["mem_va"] + img, "pa": s["mem_pa"] + img, "size": s["stack_size"], "attr": MAP_R | MAP_W,
         "kind": "stack"},
        {"va": s["ctrl_va"], "pa": s["ctrl_pa"], "size": page, "attr": MAP_R | MAP_W, "kind": "ctrl"},
    ]
    if s["persist_size"]:
        m.append({"va": s["persist_va"], "pa": s["persist_pa"], "size": s["persist_size"], "attr": MAP_R | MAP_W,
                  "kind": "persist"})
    for e in s["ends"]:
        c = p.channels[e["channel"]]
        m.append({"va": c["va"], "pa": c.get("pa", 0), "size": c["size"], "attr": MAP_R | MAP_W, "kind": "channel"})
    for rid, mode in s["regions"]:
        r = p.regions[rid]
        m.append({"va": r["va"], "pa": r.get("pa", 0), "size": r["size"],
                  "attr": MAP_R | (MAP_W if mode == "rw" else 0), "kind": "region"})
    for w in s["dev_windows"]:
        m.append({"va": w["va"], "pa": w["pa"], "size": w["size"], "attr": MAP_DEVICE | MAP_R | MAP_W, "kind": "mmio"})
    for x in m:
        x["kind_id"] = KIND[x["kind"]]
    return m
