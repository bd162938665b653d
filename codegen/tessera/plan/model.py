"""The shape of the plan: one `Plan` per run, made once by plan/layout.py
from the validated model and read by every template and back end.

Records inside the plan (a shard, a channel, a mapping...) are typed
dicts: the templates, layout.json and the tests read them as mappings;
their keys are declared here, each filled by the stage named beside it.
"""
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, TypedDict

from tessera.arch import ARCHES, Arch


class Range(TypedDict):
    base: int
    size: int


class Device(TypedDict):
    compatible: List[str]
    reg: List[Range]
    irqs: List[int]
    interrupt_controller: bool  # owned by the kernel: never granted
    bus_master: bool  # `dma: master`: reads and writes memory on its own (DMA)
    port_io: bool  # reached through x86 I/O ports: `reg` is a port range, not memory
    # QEMU's bus for -device ...,bus= (virtio-mmio transports of the
    # generated boards, scripts/gen-boards.py), else None.
    qemu_bus: Optional[str]


class Board(TypedDict):
    """manifest/boards/<name>.yaml, normalised (manifest/boards.py)."""

    name: str
    arch: str  # a key of tessera.arch.ARCHES
    cores: int
    ram: List[Range]
    console: str
    user_va_base: int
    kernel_reserve: int
    devices: Dict[str, Device]
    # The device whose last reg window (a NOR flash bank) holds the
    # kernel's anti-rollback counters (kern/rollback.c); never grantable.
    rollback_store: Optional[str]
    qemu: Optional[Dict[str, Any]]  # backend/qemu.py
    source: Optional[str]  # where the board came from (not hashed)


class End(TypedDict):
    channel: int  # index in Plan.channels
    role: int  # 0 producer, 1 consumer


class Map(TypedDict):
    """One mapping of a shard's address space (tables.h struct tess_map)."""

    va: int
    pa: int
    size: int
    attr: int  # layout.MAP_* bits
    kind: str  # key of layout.KIND
    kind_id: int


class DevWindow(TypedDict):
    device: str
    index: int  # which reg entry of the device
    pa: int  # page-aligned window
    size: int
    va: int
    reg_va: int  # the registers inside the window
    reg_size: int


class ConfigItem(TypedDict):
    """One `config:` entry of a shard: TESS_CFG_<KEY> in its header."""

    key: str
    kind: str  # "int", "str", "mac" (6 bytes), "list" (of ints)
    value: Any  # int, str, or a list of ints (the MAC's bytes for "mac")


class IrqGrant(TypedDict):
    device: str
    irq: int
    bit: int  # the shard's local event bit


class Shard(TypedDict):
    # validate/rules.py
    name: str
    id: int
    core: int
    memory: int
    stack: int
    persistent: int
    on_fault: str
    on_hang: str
    watchdog_ns: int
    restart_max: int
    restart_window_ns: int
    devices: List[str]
    dma_unconfined: List[str]  # its bus masters granted with `dma: unconfined`: it can reach all memory
    ends: List[End]
    regions: List[Tuple[int, str]]  # (region id, "r" | "rw")
    dma: List[Tuple[int, str]]  # (DMA region id, "r" | "rw")
    config: List[ConfigItem]
    source: Optional[str]  # directory of C sources, or a prebuilt ELF
    prebuilt: bool
    # plan/layout.py
    mem_pa: int
    mem_va: int
    mem_size: int
    stack_size: int
    entry: int
    stack_top: int
    ctrl_pa: int
    ctrl_va: int
    persist_pa: int
    persist_va: int
    persist_size: int
    pt_pa: int
    pt_size: int
    reload_pa: int  # slot of the last reloaded image (0 in the simulator)
    dev_windows: List[DevWindow]
    irqs: List[IrqGrant]
    maps: List[Map]
    regions_va: Dict[str, int]


# `from` is a keyword: the functional form.
Channel = TypedDict("Channel", {
    # validate/rules.py
    "name": str, "id": int, "from": str, "to": str, "from_id": int, "to_id": int, "from_bit": int, "to_bit": int,
    "slots": int, "slot_size": int,
    # plan/layout.py
    "pa": int, "va": int, "size": int,
})


class Region(TypedDict):
    name: str
    id: int
    size: int  # validated, then rounded up to pages by the planner
    access: Dict[str, str]  # shard name -> "r" | "rw"
    pa: int
    va: int


class Dma(TypedDict):
    """A DMA region: memory devices reach by bus address (= PA: no IOMMU)."""

    name: str
    id: int
    size: int  # validated, then rounded up to pages by the planner
    align: int  # of the physical (bus) address
    cached: bool
    access: Dict[str, str]  # shard name -> "r" | "rw"
    pa: int
    va: int


class BoardDevice(TypedDict):
    """A device the boot-time DTB check looks for (plat/board.h)."""

    name: str
    compatible: Optional[str]  # the board's first compatible string
    pa: int  # its first reg entry
    size: int


class Model(TypedDict):
    """What validation hands the planner (validate/rules.py)."""

    name: str
    manifest_file: str
    tick_ns: int
    board: Board
    console: str
    shards: List[Shard]
    channels: List[Channel]
    regions: List[Region]
    dma: List[Dma]
    raw: Any  # the manifest as parsed (hashed)
    doc: Any  # yamlpos.Doc: positions for plan problems


@dataclass
class Plan:
    """Everything one run generates and builds from."""

    model: Model
    name: str
    manifest_file: str
    manifest_hash: bytes
    board: Board
    hashed_board: dict  # the board as hashed into manifest_hash (and in layout.json)
    tick_ns: int
    shards: List[Shard]
    channels: List[Channel]
    regions: List[Region]
    dma: List[Dma]
    console: str
    console_pa: int
    console_irq: int  # the console's interrupt (hot reload RX), 0: none
    kernel_pa: int
    kernel_size: int
    ram_base: int
    ram_size: int
    ram_used: int
    reload_staging_pa: int
    reload_staging_size: int
    # The kernel's persistent store (the board's rollback_store window):
    # physical address and size, 0 without one.
    nv_pa: int
    nv_size: int
    core_order: List[List[int]]  # per board core: shard ids in run order
    board_check: List[BoardDevice]
    warnings: List[str] = field(default_factory=list)

    @property
    def arch(self) -> str:
        return self.board["arch"]

    @property
    def spec(self) -> Arch:
        """The arch table entry (tessera/arch.py)."""
        return ARCHES[self.arch]

    @property
    def cores_used(self) -> int:
        """1 + the highest core that runs a shard (0 without shards)."""
        return max((c + 1 for c, order in enumerate(self.core_order) if order), default=0)

    @property
    def kernel_load_pa(self) -> int:
        """Where the boot loader puts the image: kernel_pa + text_offset."""
        return self.kernel_pa + self.spec.text_offset

    @property
    def kernel_load_va(self) -> int:
        return self.spec.kva_offset + self.kernel_load_pa

    def to_json(self):
        """layout.json (render/files.py): the plan as plain data."""
        return {
            "name": self.name,
            "manifest_hash": self.manifest_hash.hex(),
            "board": self.hashed_board,
            "arch": self.arch,
            "tick_ns": self.tick_ns,
            "kernel": {"pa": self.kernel_pa, "size": self.kernel_size},
            "reload": {"staging_pa": self.reload_staging_pa, "staging_size": self.reload_staging_size},
            "rollback_store": {"device": self.board.get("rollback_store"), "pa": self.nv_pa, "size": self.nv_size},
            "console": {"name": self.console, "pa": self.console_pa},
            "ram": {"base": self.ram_base, "size": self.ram_size, "used": self.ram_used},
            "cores": [{"core": c, "order": o} for c, o in enumerate(self.core_order)],
            "shards": [{k: s[k] for k in SHARD_JSON} for s in self.shards],
            "channels": [dict(c) for c in self.channels],
            "regions": [dict(r, access=dict(r["access"])) for r in self.regions],
            "dma": [dict(d, access=dict(d["access"])) for d in self.dma],
        }


SHARD_JSON = ("name", "id", "core", "source", "prebuilt", "mem_pa", "mem_va", "mem_size", "entry", "stack_top",
              "stack_size", "ctrl_pa", "ctrl_va", "persist_pa", "persist_va", "persist_size", "pt_pa", "pt_size",
              "watchdog_ns", "on_hang", "on_fault", "restart_max", "restart_window_ns", "maps", "ends", "irqs",
              "devices", "dma_unconfined", "dev_windows", "regions_va", "dma", "config", "reload_pa")
