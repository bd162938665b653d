"""Every rule of manifest format v1, every error in one run.

check(path, board_override, arch) returns (model, diags). The model is a
plain, normalised description of the system (sizes in bytes, times in ns,
shard and channel ids) that plan/layout.py plans; it is None when there
are errors. The board is decided here, once: `board_override` if given,
else the manifest's board, unless `arch` is given and that board is for
another arch: then the arch's default board (tessera/arch.py).
"""
import os
import re

from tessera.arch import ARCHES
from tessera.manifest import boards, limits, yamlpos
from tessera.manifest.diag import Diags, did_you_mean
from tessera.manifest.units import TooLarge, UnitError, clip, fmt_size, parse_size, parse_time, show
from tessera.validate import schema

POLICIES = ("restart", "halt", "panic")
ABSURD_SIZE = 1 << 40  # 1T: larger than any board we target
ABSURD_TIME = 3600 * 10**9
DEFAULTS = {"stack": 16 << 10, "persistent": 0, "on_fault": "halt", "watchdog": {"timeout": 10**9, "on_hang": "halt"},
            "restart": {"max": 3, "window": 10 * 10**9}}
DEFAULT_TICK = 10**6
MAC = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")
# Config integers become C constants of a 64-bit type (signed or unsigned).
CFG_MIN, CFG_MAX = -(1 << 63), (1 << 64) - 1
CFG_KINDS = "an integer, a string (a MAC address like \"52:54:00:12:34:56\" is one) or a list of integers"


class Checker:
    def __init__(self, path, board_override=None, arch=None):
        self.path = path
        self.file = path
        self.board_override = board_override
        self.arch = arch
        # Planning for another board than the manifest names (the console
        # falls back to that board's).
        self.board_swapped = bool(board_override)
        self.diags = Diags()
        self.lim = limits.get()

    def err(self, path, msg, value=False):
        self.diags.error(self.file, self.doc.vpos(path) if value else self.doc.pos(path), msg)

    def warn(self, path, msg):
        self.diags.warning(self.file, self.doc.pos(path), msg)

    # ---- literals ----
    def size(self, path, v, zero_ok=False):
        return self.literal(path, v, parse_size, zero_ok, ABSURD_SIZE, "absurdly large (%s; at most 1T)")

    def time(self, path, v):
        return self.literal(path, v, parse_time, False, ABSURD_TIME, "absurdly long (%s; at most 3600s)")

    def literal(self, path, v, parse, zero_ok, absurd, too_big):
        """The number a size/time literal stands for, or None after reporting it."""
        try:
            n = parse(v)
        except TooLarge:
            self.err(path, "%s is %s" % (schema.describe(path), too_big % clip(str(v))), value=True)
            return None
        except UnitError as e:
            self.err(path, "%s: %s" % (schema.describe(path), e), value=True)
            return None
        if n == 0 and not zero_ok:
            self.err(path, "%s must not be zero" % schema.describe(path), value=True)
            return None
        if n > absurd:
            self.err(path, "%s is %s" % (schema.describe(path), too_big % clip(str(v))), value=True)
            return None
        return n

    # ---- top ----
    def run(self):
        try:
            self.doc = yamlpos.load(self.path)
        except OSError as e:
            self.diags.error(self.file, (1, 1), "cannot read manifest: %s" % e.strerror)
            return None
        for line, col, msg in self.doc.problems:
            self.diags.error(self.file, (line, col), msg)
        d = self.doc.data
        if d is None:
            if not self.doc.problems:
                self.diags.error(self.file, (1, 1), "manifest is empty")
            return None
        if not isinstance(d, dict):
            self.diags.error(self.file, (1, 1), "a manifest must be a mapping (tessera: 1, name: ..., shards: ...)")
            return None
        schema.check(self.doc, self.diags)
        model = self.semantic(d)
        if self.diags.errors:
            return None
        return model

    def semantic(self, d):
        m = {"name": d.get("name") if isinstance(d.get("name"), str) else "?", "manifest_file": os.path.abspath(self.path)}
        kern = d.get("kernel") if isinstance(d.get("kernel"), dict) else {}
        tick = self.time(("kernel", "tick"), kern["tick"]) if "tick" in kern else DEFAULT_TICK
        if tick and tick > 10**9:
            self.err(("kernel", "tick"), "kernel tick %s is too long (at most 1s)" % kern["tick"], value=True)
        m["tick_ns"] = tick or DEFAULT_TICK
        board = self.board(d)
        m["board"] = board
        defaults = kern.get("defaults") if isinstance(kern.get("defaults"), dict) else {}
        dflt = self.shard_fields(("kernel", "defaults"), defaults, {})
        shards = d.get("shards") if isinstance(d.get("shards"), dict) else {}
        m["shards"] = []
        for i, (name, s) in enumerate(shards.items()):
            if isinstance(s, dict):
                m["shards"].append(self.shard(name, i, s, dflt, board, m["tick_ns"]))
        by_name = {s["name"]: s for s in m["shards"]}
        m["channels"] = self.channels(d.get("channels"), by_name, shards)
        m["regions"] = self.regions(d.get("regions"), shards)
        m["dma"] = self.dma(d.get("dma"), shards, board)
        self.console(m, kern, board)
        self.devices(m, board)
        self.limits(m, d)
        # Judge isolation on what was written, so a shard whose only channel
        # is invalid gets the error, not also this warning.
        linked = set()
        for c in d.get("channels") if isinstance(d.get("channels"), list) else []:
            if isinstance(c, dict):
                linked.add(str(c.get("from")))
                linked.add(str(c.get("to")))
        for name, s in shards.items():
            if isinstance(s, dict) and s.get("devices"):
                linked.add(name)
        for s in m["shards"]:
            if s["name"] not in linked and not s["regions"] and not s["dma"]:
                self.warn(("shards", s["name"]), "shard '%s' has no channels and no devices" % s["name"])
        return m

    def board(self, d):
        name = self.board_override or d.get("board")
        if not isinstance(name, str):
            return None
        known = boards.known()
        if name not in known:  # a lookup, not a path: any string is safe here
            where = ("board",) if "board" in d else ()
            self.err(where, "unknown board %s (known boards: %s)%s"
                     % (show(name), ", ".join(known), did_you_mean(name, known)), value=True)
            return None
        b = boards.load(name, self.diags)
        if b and self.arch and b["arch"] != self.arch:
            name = ARCHES[self.arch].default_board
            self.board_swapped = True
            b = boards.load(name, self.diags)
        if b and b["cores"] > self.lim["TESS_MAX_CORES"]:
            self.err(("board",), "board '%s' has %d cores, more than the kernel limit TESS_MAX_CORES = %d"
                     % (name, b["cores"], self.lim["TESS_MAX_CORES"]), value=True)
        return b

    # ---- shards ----
    def shard_fields(self, base, s, inherit):
        """Sizes, times and policies of a shard (or of kernel.defaults)."""
        out = dict(inherit)
        for key in ("memory", "stack", "persistent"):
            if key in s:
                out[key] = self.size(base + (key,), s[key], zero_ok=(key == "persistent"))
        if isinstance(s.get("on_fault"), str) and s["on_fault"] in POLICIES:
            out["on_fault"] = s["on_fault"]
        wd = dict(inherit.get("watchdog", {}))
        if isinstance(s.get("watchdog"), dict):
            w = s["watchdog"]
            if "timeout" in w:
                wd["timeout"] = self.time(base + ("watchdog", "timeout"), w["timeout"])
            if w.get("on_hang") in POLICIES:
                wd["on_hang"] = w["on_hang"]
        out["watchdog"] = wd
        rs = dict(inherit.get("restart", {}))
        if isinstance(s.get("restart"), dict):
            r = s["restart"]
            if isinstance(r.get("max"), int) and not isinstance(r.get("max"), bool) and 0 <= r["max"] <= 65535:
                rs["max"] = r["max"]
            if "window" in r:
                rs["window"] = self.time(base + ("restart", "window"), r["window"])
        out["restart"] = rs
        return out

    def shard(self, name, idx, s, dflt, board, tick):
        base = ("shards", name)
        f = self.shard_fields(base, s, dflt)
        mem = f.get("memory")
        if "memory" not in f:
            self.err(base, "missing required field 'memory' in shard '%s' (or set it in kernel.defaults)" % name)
        stack = f.get("stack", DEFAULTS["stack"])
        wd_t = f["watchdog"].get("timeout", DEFAULTS["watchdog"]["timeout"])
        sh = {
            "name": name, "id": idx, "core": 0, "memory": mem or 0, "stack": stack or 0,
            "persistent": f.get("persistent") or 0,
            "on_fault": f.get("on_fault", DEFAULTS["on_fault"]),
            "watchdog_ns": wd_t or 0,
            "on_hang": f["watchdog"].get("on_hang", DEFAULTS["watchdog"]["on_hang"]),
            "restart_max": f["restart"].get("max", DEFAULTS["restart"]["max"]),
            "restart_window_ns": f["restart"].get("window", DEFAULTS["restart"]["window"]) or 0,
            "devices": [], "ends": [], "regions": [], "dma": [], "source": None, "prebuilt": False,
            "config": self.config(name, s.get("config")),
        }
        page = self.lim["TESS_PAGE_SIZE"]
        if mem and stack:
            rmem, rstack = _round(mem, page), _round(stack, page)
            if rmem < rstack + page:
                self.err(base + (("memory",) if "memory" in s else ()),
                         "memory %s of shard '%s' is too small for its stack %s (needs at least %s: "
                         "one page of image above the stack)" % (fmt_size(mem), name, fmt_size(stack),
                                                                 fmt_size(rstack + page)), value="memory" in s)
        if wd_t and tick and wd_t < tick:
            wpath = base + ("watchdog", "timeout") if "timeout" in s.get("watchdog", {}) else base
            self.err(wpath, "watchdog timeout %s of shard '%s' is shorter than the kernel tick %s"
                     % (_ns(wd_t), name, _ns(tick)), value=True)
        cores = s.get("cores")
        if isinstance(cores, list) and cores:
            if len(cores) > 1:
                self.err(base + ("cores",), "shard '%s' lists %d cores, but multi-core shards are not supported "
                         "yet (v1 runs a shard on one core)" % (name, len(cores)), value=True)
            c = cores[0]
            if isinstance(c, int) and not isinstance(c, bool):
                sh["core"] = c
                if board and not 0 <= c < board["cores"]:
                    self.err(base + ("cores", 0), "core %d of shard '%s' is outside board '%s' (cores 0-%d)"
                             % (c, name, board["name"], board["cores"] - 1), value=True)
        src = s.get("source")
        if isinstance(src, str):
            p = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(self.path)), src))
            sh["source"] = p
            if os.path.isfile(p):
                try:
                    with open(p, "rb") as fh:
                        magic = fh.read(4)
                except OSError:
                    magic = b""
                if magic != b"\x7fELF":
                    self.err(base + ("source",), "source '%s' of shard '%s' is neither a directory of C sources "
                             "nor an ELF file" % (src, name), value=True)
                sh["prebuilt"] = True
            elif not os.path.isdir(p):
                self.err(base + ("source",), "source '%s' of shard '%s' does not exist"
                         % (src, name), value=True)
        devs = s.get("devices")
        if isinstance(devs, list):
            # (entry index, device name, `dma: unconfined` written?)
            for i, dv in enumerate(devs):
                if isinstance(dv, str):
                    sh["devices"].append((i, dv, False))
                elif isinstance(dv, dict) and isinstance(dv.get("name"), str):
                    if dv.get("dma", "unconfined") == "unconfined":  # else the schema's error alone
                        sh["devices"].append((i, dv["name"], "dma" in dv))
        return sh

    # ---- channels, regions, devices ----
    def channels(self, chans, by_name, shards_raw):
        out = []
        if not isinstance(chans, list):
            return out
        seen = {}
        for i, c in enumerate(chans):
            if not isinstance(c, dict):
                continue
            base = ("channels", i)
            ok = True
            ends = {}
            for role in ("from", "to"):
                n = c.get(role)
                if not isinstance(n, str):
                    ok = False
                    continue
                if n not in by_name:
                    ok = False
                    if n not in shards_raw:
                        self.err(base + (role,), "channel #%d: '%s' names unknown shard %s%s"
                                 % (i + 1, role, show(n), did_you_mean(n, list(shards_raw))), value=True)
                ends[role] = n
            name = c.get("name")
            if not isinstance(name, str):
                name = "%s_to_%s" % (c.get("from"), c.get("to"))
            if ends.get("from") and ends.get("from") == ends.get("to"):
                self.err(base + ("to",), "channel '%s' connects shard '%s' to itself" % (name, ends["to"]), value=True)
                ok = False
            key = name.upper()  # TESS_CH_<NAME> must be unique too
            if key in seen:
                first, fpos, fname = seen[key]
                what = "duplicate channel name '%s'" % name if fname == name else (
                    "channel name '%s' clashes with '%s' in TESS_CH_%s" % (name, fname, key))
                self.err(base + (("name",) if "name" in c else ()), "%s (first used by channel #%d at line %d)"
                         % (what, first + 1, fpos[0]), value="name" in c)
                ok = False
            else:
                seen[key] = (i, self.doc.pos(base + (("name",) if "name" in c else ())), name)
            slots = c.get("slots")
            if isinstance(slots, int) and not isinstance(slots, bool) and slots > 0:
                ok &= self.ring_size(base, name, "slots", slots, "TESS_MAX_SLOTS",
                                     "must be a power of two, not %d" % slots if slots & (slots - 1) else None)
            else:
                ok = False
            ss = self.size(base + ("slot_size",), c["slot_size"]) if "slot_size" in c else None
            line = self.lim["TESS_CACHE_LINE"]
            if ss is not None:
                ok &= self.ring_size(base, name, "slot_size", ss, "TESS_MAX_SLOT_SIZE",
                                     "must be a multiple of %d bytes, not %d" % (line, ss) if ss % line else None)
            else:
                ok = False
            if not ok:
                continue
            ch = {"name": name, "id": len(out), "from": ends["from"], "to": ends["to"], "slots": slots,
                  "slot_size": ss, "from_id": by_name[ends["from"]]["id"], "to_id": by_name[ends["to"]]["id"]}
            for role, key in (("from", 0), ("to", 1)):
                s = by_name[ends[role]]
                ch[role + "_bit"] = len(s["ends"])
                s["ends"].append({"channel": ch["id"], "role": key})
            out.append(ch)
        return out

    def ring_size(self, base, name, key, n, limit, problem):
        """Channel `name`'s `key` (slots, slot_size) is `n`: reports `problem`
        (or None) and the kernel limit; True if it is usable."""
        if problem is None and n > self.lim[limit]:
            problem = "is %d, more than the kernel limit %s = %d" % (n, limit, self.lim[limit])
        if problem is not None:
            self.err(base + (key,), "%s of channel '%s' %s" % (key, name, problem), value=True)
        return problem is None

    def regions(self, regs, shards_raw):
        out = []
        if not isinstance(regs, dict):
            return out
        upper = {}
        for name, r in regs.items():
            if not isinstance(r, dict):
                continue
            base = ("regions", name)
            if name.upper() in upper:
                self.err(base, "region name '%s' clashes with '%s' in TESS_REGION_%s"
                         % (name, upper[name.upper()], name.upper()))
                continue
            upper[name.upper()] = name
            size = self.size(base + ("size",), r["size"]) if "size" in r else None
            acc = r.get("access") if isinstance(r.get("access"), dict) else {}
            good = {}
            for sn, mode in acc.items():
                if sn not in shards_raw:
                    self.err(base + ("access", sn), "region '%s' grants access to unknown shard %s%s"
                             % (name, show(sn), did_you_mean(sn, list(shards_raw))))
                elif mode in ("r", "rw"):
                    good[sn] = mode
            if size:
                out.append({"name": name, "id": len(out), "size": size, "access": good})
        return out

    def dma(self, regs, shards_raw, board):
        """DMA regions: like regions, plus physical alignment and caching."""
        out = []
        if not isinstance(regs, dict):
            return out
        page = self.lim["TESS_PAGE_SIZE"]
        upper = {}
        for name, r in regs.items():
            if not isinstance(r, dict):
                continue
            base = ("dma", name)
            if name.upper() in upper:
                self.err(base, "DMA region name '%s' clashes with '%s' in TESS_DMA_%s"
                         % (name, upper[name.upper()], name.upper()))
                continue
            upper[name.upper()] = name
            size = self.size(base + ("size",), r["size"]) if "size" in r else None
            align = self.size(base + ("align",), r["align"]) if "align" in r else page
            if align and (align & (align - 1) or align < page):
                self.err(base + ("align",), "align %s of DMA region '%s' must be a power of two of at least %s"
                         % (fmt_size(align), name, fmt_size(page)), value=True)
                align = None
            cached = r.get("cached", True) is not False
            if not cached and board and not ARCHES[board["arch"]].uncached_dma:
                self.err(base + ("cached",), "DMA region '%s' cannot be uncached on board '%s': %s maps every "
                         "page of RAM cached" % (name, board["name"], board["arch"]), value=True)
            acc = r.get("access") if isinstance(r.get("access"), dict) else {}
            if isinstance(r.get("access"), dict) and not acc:
                self.err(base + ("access",), "DMA region '%s' is mapped by no shard (access is empty)" % name,
                         value=True)
            good = {}
            for sn, mode in acc.items():
                if sn not in shards_raw:
                    self.err(base + ("access", sn), "DMA region '%s' grants access to unknown shard '%s'%s"
                             % (name, sn, did_you_mean(sn, list(shards_raw))))
                elif mode in ("r", "rw"):
                    good[sn] = mode
            if size and align:
                out.append({"name": name, "id": len(out), "size": size, "align": align, "cached": cached,
                            "access": good})
        return out

    def config(self, name, cfg):
        """A shard's config: entries, typed (plan/model.py ConfigItem)."""
        out = []
        if not isinstance(cfg, dict):
            return out
        upper = {}
        for key, v in cfg.items():
            path = ("shards", name, "config", key)
            what = "config '%s' of shard '%s'" % (key, name)
            if not isinstance(key, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
                continue  # the schema's name error
            if key.upper() in upper:
                self.err(path, "config key '%s' of shard '%s' clashes with '%s' in TESS_CFG_%s"
                         % (key, name, upper[key.upper()], key.upper()))
                continue
            upper[key.upper()] = key
            ints = v if isinstance(v, list) else [v]
            if isinstance(v, str):
                if MAC.match(v):
                    out.append({"key": key, "kind": "mac", "value": [int(x, 16) for x in v.split(":")]})
                elif all(" " <= ch <= "~" for ch in v):
                    out.append({"key": key, "kind": "str", "value": v})
                else:
                    self.err(path, "%s must be printable ASCII text (it becomes a C string)" % what, value=True)
            elif v == [] and isinstance(v, list):
                self.err(path, "%s must not be an empty list" % what, value=True)
            elif not isinstance(v, list) and not _is_int(v):
                self.err(path, "%s must be %s, not %s" % (what, CFG_KINDS, show(v)), value=True)
            elif not all(_is_int(x) for x in ints):
                i = next(i for i, x in enumerate(ints) if not _is_int(x))
                self.err(path + (i,), "%s: entry #%d must be an integer, not %s" % (what, i + 1, show(ints[i])),
                         value=True)
            elif not all(CFG_MIN <= x <= CFG_MAX for x in ints):
                bad = next(x for x in ints if not CFG_MIN <= x <= CFG_MAX)
                self.err(path, "%s: %d does not fit 64 bits" % (what, bad), value=True)
            else:
                out.append({"key": key, "kind": "list" if isinstance(v, list) else "int", "value": v})
        return out

    def devices(self, m, board):
        """Grants of board devices: each to one shard, never the kernel's,
        a bus master only with `dma: unconfined` (then a warning every run),
        never sharing an MMIO page with another shard's or the kernel's
        device, never overlapping RAM."""
        for s in m["shards"]:
            s["dma_unconfined"] = []
        if not board:
            return
        owner = {}
        bdevs = board["devices"]
        for s in m["shards"]:
            names, first = [], None
            for i, dv, unconfined in s["devices"]:
                path = ("shards", s["name"], "devices", i)
                if dv not in bdevs:
                    self.err(path, "unknown device %s on board '%s'%s"
                             % (show(dv), board["name"], did_you_mean(dv, list(bdevs))), value=True)
                elif bdevs[dv]["interrupt_controller"]:
                    self.err(path, "device '%s' is an interrupt controller and belongs to the kernel" % dv, value=True)
                elif dv == m["console"]:
                    self.err(("shards", s["name"], "devices"), "device '%s' is the kernel console and cannot be "
                             "granted to shard '%s'" % (dv, s["name"]))
                elif dv == board.get("rollback_store"):
                    self.err(path, "device '%s' holds the kernel's anti-rollback counters (the board's "
                             "rollback_store) and belongs to the kernel" % dv, value=True)
                elif bdevs[dv]["port_io"]:  # its `reg` is a port range: a window would map RAM at that address
                    self.err(path, "device '%s' is reached through I/O ports, which are not granted to shards" % dv,
                             value=True)
                elif dv in owner:
                    if owner[dv] == s["name"]:
                        self.err(path, "device '%s' is listed twice for shard '%s'" % (dv, s["name"]), value=True)
                    else:
                        self.err(path, "device '%s' is granted to two shards: '%s' and '%s'"
                                 % (dv, owner[dv], s["name"]), value=True)
                elif self.dma_ok(path, s["name"], dv, bdevs[dv]["bus_master"], unconfined):
                    owner[dv] = s["name"]
                    names.append(dv)
                    if unconfined:
                        s["dma_unconfined"].append(dv)
                        first = first or path
            s["devices"] = names
            if s["dma_unconfined"]:
                self.warn(first, "shard '%s' can reach all memory: %s granted with dma: unconfined (no IOMMU "
                          "confines DMA: the shard is trusted like the kernel)" % (s["name"], bus_masters(s)))
        # The kernel's devices (console, interrupt controllers, the rollback
        # store) and RAM are never inside a shard's device window; two
        # devices in one MMIO page cannot be isolated from each other.
        # Windows are page ranges [lo, hi), compared as ranges (a board's
        # PCIe window is 64K pages).
        page = self.lim["TESS_PAGE_SIZE"]

        def pages(r):
            return r["base"] // page, -(-(r["base"] + r["size"]) // page)

        kernel = [pages(r) + (dv,) for dv, d in bdevs.items()
                  if d["interrupt_controller"] or dv in (m["console"], board.get("rollback_store")) for r in d["reg"]]
        ram = [pages(r) for r in board["ram"]]
        taken = []  # (lo, hi, device, shard) of the windows granted so far
        for s in m["shards"]:
            where = ("shards", s["name"], "devices")
            for dv in s["devices"]:
                for lo, hi in map(pages, bdevs[dv]["reg"]):
                    for klo, khi, kdv in kernel:
                        if kdv != dv and lo < khi and klo < hi:
                            self.err(where, "device '%s' of shard '%s' shares MMIO page 0x%x with the kernel's "
                                     "device '%s'" % (dv, s["name"], max(lo, klo) * page, kdv))
                    for rlo, rhi in ram:
                        if lo < rhi and rlo < hi:
                            self.err(where, "device '%s' of shard '%s' has its registers in board RAM (page 0x%x): "
                                     "its window would map memory of the kernel or other shards"
                                     % (dv, s["name"], max(lo, rlo) * page))
                    for tlo, thi, tdv, ts in taken:
                        if ts != s["name"] and lo < thi and tlo < hi:
                            self.err(where, "device '%s' of shard '%s' shares MMIO page 0x%x with device '%s' of "
                                     "shard '%s'" % (dv, s["name"], max(lo, tlo) * page, tdv, ts))
                    taken.append((lo, hi, dv, s["name"]))

    def dma_ok(self, path, shard, dv, master, unconfined):
        """Whether granting device `dv` to `shard` is as written: a bus
        master (it reads and writes memory on its own, and no IOMMU
        confines it) needs `dma: unconfined`, and only a bus master takes it."""
        if master and not unconfined:
            self.err(path, "device '%s' is a bus master (its DMA can reach all memory and no IOMMU confines it): "
                     "grant it as {name: %s, dma: unconfined} to accept that shard '%s' can reach all memory"
                     % (dv, dv, shard), value=True)
            return False
        if unconfined and not master:
            self.err(path, "device '%s' is not a bus master: 'dma: unconfined' does not apply (list it as %s)"
                     % (dv, dv), value=True)
            return False
        return True

    def console(self, m, kern, board):
        m["console"] = None
        if not board:
            return
        name = kern.get("console", board["console"])
        if not isinstance(name, str):
            return
        if self.board_swapped and name != board["console"] and name not in board["devices"]:
            name = board["console"]  # planning for another board (e.g. the simulator): its console
        if name != board["console"] and name not in board["devices"]:
            self.err(("kernel", "console"), "unknown console device %s on board '%s'%s"
                     % (show(name), board["name"], did_you_mean(name, list(board["devices"]) + [board["console"]])),
                     value=True)
            return
        m["console"] = name

    def limits(self, m, d):
        L = self.lim
        for key, what, lim in (("shards", "shards", "TESS_MAX_SHARDS"), ("channels", "channels", "TESS_MAX_CHANNELS"),
                               ("regions", "regions", "TESS_MAX_REGIONS")):
            n = len(d.get(key)) if isinstance(d.get(key), (dict, list)) else 0
            if n > L[lim]:
                self.err((key,), "too many %s: %d (kernel limit %s = %d)" % (what, n, lim, L[lim]))
        board = m["board"]
        by_name = {s["name"]: s for s in m["shards"]}
        for r in m["regions"]:  # each shard's regions in region order
            for name, mode in r["access"].items():
                if name in by_name:
                    by_name[name]["regions"].append((r["id"], mode))
        for r in m["dma"]:  # and DMA regions in DMA region order
            for name, mode in r["access"].items():
                if name in by_name:
                    by_name[name]["dma"].append((r["id"], mode))
        for s in m["shards"]:
            irqs = sum(len(board["devices"][dv]["irqs"]) for dv in s["devices"]) if board else 0
            nev = len(s["ends"]) + irqs
            if nev > L["TESS_MAX_SHARD_EVENTS"]:
                self.err(("shards", s["name"]), "shard '%s' has %d events (%d channel ends + %d IRQs), more than the "
                         "kernel limit TESS_MAX_SHARD_EVENTS = %d" % (s["name"], nev, len(s["ends"]), irqs,
                                                                      L["TESS_MAX_SHARD_EVENTS"]))
            nmaps = 3 + (1 if s["persistent"] else 0) + len(s["ends"]) + len(s["regions"]) + len(s["dma"])
            if board:
                nmaps += sum(len(board["devices"][dv]["reg"]) for dv in s["devices"])
            if nmaps > L["TESS_MAX_SHARD_MAPS"]:
                self.err(("shards", s["name"]), "shard '%s' needs %d mappings, more than the kernel limit "
                         "TESS_MAX_SHARD_MAPS = %d" % (s["name"], nmaps, L["TESS_MAX_SHARD_MAPS"]))


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def bus_masters(s):
    """'bus master 'a'' or 'bus masters 'a', 'b'': a shard's unconfined devices."""
    ds = s["dma_unconfined"]
    return "bus master%s %s" % ("s" if len(ds) > 1 else "", ", ".join("'%s'" % d for d in ds))


def _round(n, a):
    return (n + a - 1) // a * a


def _ns(n):
    for suf, mult in (("s", 10**9), ("ms", 10**6), ("us", 10**3)):
        if n % mult == 0:
            return "%d%s" % (n // mult, suf)
    return "%dns" % n


def check(path, board_override=None, arch=None):
    c = Checker(path, board_override, arch)
    model = c.run()
    if model is not None:
        model["raw"] = c.doc.data
        model["doc"] = c.doc
    return model, c.diags
