"""Boards: manifest/boards/<name>.yaml (generated from QEMU DTBs, or hand
written for the `host` simulator board)."""
from tessera.arch import ARCHES
from tessera.manifest import yamlpos
from tessera.paths import BOARDS_DIR

ARCHS = tuple(ARCHES)  # what a board's `arch:` may name (tessera/arch.py)


def known():
    return sorted(p.stem for p in BOARDS_DIR.glob("*.yaml"))


def path_of(name):
    return BOARDS_DIR / ("%s.yaml" % name)


def _int(v):
    if isinstance(v, bool):
        raise ValueError
    if isinstance(v, int):
        return v
    return int(str(v), 0)


def _dma(v):
    """A device's `dma:`: absent, or `master` (it reads and writes memory on
    its own: scripts/gen-boards.py says which devices and why)."""
    if v is None:
        return False
    if v == "master":
        return True
    raise ValueError


def load(name, diags):
    """The board as a normalised dict, or None after reporting problems."""
    p = path_of(name)
    try:
        doc = yamlpos.load(str(p))
    except OSError as e:
        diags.error(p, (1, 1), "cannot read board file: %s" % e.strerror)
        return None
    shown = "manifest/boards/%s.yaml" % name
    for line, col, msg in doc.problems:
        diags.error(shown, (line, col), msg)
    d = doc.data
    if doc.problems or not isinstance(d, dict):
        if not doc.problems:
            diags.error(shown, (1, 1), "a board file must be a mapping")
        return None
    nerr = len(diags.errors)

    def bad(path, msg):
        diags.error(shown, doc.pos(path), msg)

    b = {"name": name}
    for key in ("arch", "cores", "ram", "console", "user_va_base", "kernel_reserve"):
        if key not in d:
            bad((), "board is missing '%s'" % key)
    if nerr != len(diags.errors):
        return None
    b["arch"] = d["arch"]
    if b["arch"] not in ARCHS:
        bad(("arch",), "unknown arch '%s' (expected one of: %s)" % (b["arch"], ", ".join(ARCHS)))
    try:
        b["cores"] = _int(d["cores"])
        b["user_va_base"] = _int(d["user_va_base"])
        b["kernel_reserve"] = _int(d["kernel_reserve"])
        b["ram"] = [{"base": _int(r["base"]), "size": _int(r["size"])} for r in d["ram"]]
        devs = {}
        for dn, dv in (d.get("devices") or {}).items():
            devs[dn] = {
                "compatible": list(dv.get("compatible", [])),
                "reg": [{"base": _int(r["base"]), "size": _int(r["size"])} for r in dv.get("reg", [])],
                "irqs": [_int(i) for i in dv.get("irqs", [])],
                "interrupt_controller": bool(dv.get("interrupt_controller", False)),
                "bus_master": _dma(dv.get("dma")),
                "port_io": bool(dv.get("port_io", False)),
                "qemu_bus": str(dv["qemu_bus"]) if dv.get("qemu_bus") else None,
            }
        b["devices"] = devs
    except (ValueError, TypeError, KeyError, AttributeError):
        bad((), "board has a malformed number, RAM range or device entry")
        return None
    if not b["ram"]:
        bad(("ram",), "board has no RAM range")
    b["console"] = d["console"]
    b["rollback_store"] = d.get("rollback_store")
    store = b["rollback_store"]
    if store is not None and (not isinstance(store, str) or store not in devs or not devs[store]["reg"]):
        bad(("rollback_store",), "rollback_store must name a device of the board with a reg window")
    b["qemu"] = d.get("qemu")
    b["source"] = d.get("source")
    if len(diags.errors) != nerr:
        return None
    return b
