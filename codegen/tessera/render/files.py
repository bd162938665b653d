"""Every generated file, rendered from the plan through a Jinja2 template
in codegen/templates (the gen/ map at the top of docs/design.md).

`tessera gen` writes the system and per-shard files below; a build
(backend/build.py) adds the device's reload key and, for a target, the
board check. Same plan, same bytes: no time stamps, sorted JSON, fixed
iteration orders.
"""
import json
import os

import jinja2

from tessera.errors import TesseraError
from tessera.manifest import limits
from tessera.paths import TEMPLATES_DIR

# (output path, template)
LAYOUT_FILE = ("layout.json", "layout.json.j2")
SYSTEM_FILES = (
    ("kern/tables.c", "tables.c.j2"),
    ("build.cmake", "build.cmake.j2"),
    LAYOUT_FILE,
)
# Per shard, under shards/<name>/.
SHARD_FILES = (
    ("tessera_shard_cfg.h", "shard_cfg.h.j2"),
    ("shard_cfg.c", "shard_cfg.c.j2"),
    ("shard.ld", "shard.ld.j2"),
)
# What a build adds: the device key (every build) and the table the
# boot-time DTB check reads (targets: platform/common/dtb.c).
KEY_FILE = ("kern/reload_key.c", "reload_key.c.j2")
BOARD_FILE = ("platform/board.c", "board.c.j2")

KINDS = {"image": "TESS_MAP_KIND_IMAGE", "stack": "TESS_MAP_KIND_STACK", "ctrl": "TESS_MAP_KIND_CTRL",
         "channel": "TESS_MAP_KIND_CHANNEL", "region": "TESS_MAP_KIND_REGION", "persist": "TESS_MAP_KIND_PERSIST",
         "mmio": "TESS_MAP_KIND_MMIO", "dma": "TESS_MAP_KIND_DMA"}
POLICIES = {"restart": "TESS_POLICY_RESTART", "halt": "TESS_POLICY_HALT", "panic": "TESS_POLICY_PANIC"}
_ATTRS = ((0x1, "TESS_MAP_R"), (0x2, "TESS_MAP_W"), (0x4, "TESS_MAP_X"), (0x8, "TESS_MAP_DEVICE"),
          (0x10, "TESS_MAP_NC"))


def _hex(n):
    return "0x%xull" % n


def _ldhex(n):
    """Linker scripts take no C integer suffixes."""
    return "0x%x" % n


def _attr(a):
    return " | ".join(name for bit, name in _ATTRS if a & bit) or "0"


def _c_str(s):
    """A C string literal, or NULL's 0 for None."""
    return "0" if s is None else '"%s"' % str(s).replace("\\", "\\\\").replace('"', '\\"')


def _c_int(n):
    """An integer as a C constant of a type that holds it (C11 6.4.4.1):
    plain while it fits an int, else long long, unsigned above that;
    negatives in parentheses so a macro expands safely. The most negative
    long long has no literal of its own magnitude: it is written as a sum."""
    if -(1 << 31) <= n < (1 << 31):
        text = "%d" % n
    elif n == -(1 << 63):
        text = "%dll - 1" % (n + 1)
    elif -(1 << 63) < n < (1 << 63):
        text = "%dll" % n
    else:
        text = "%dull" % n
    return "(%s)" % text if n < 0 else text


def _c_bytes(data):
    """Bytes as a C initializer list: 0x12, 0x34, ..."""
    return ", ".join("0x%02x" % b for b in data)


def _json(data):
    return json.dumps(data, indent=2, sort_keys=True)


def _irq_groups(s):
    """The shard's IRQ grants grouped by device, in grant order."""
    groups = []
    for q in s["irqs"]:
        if not groups or groups[-1][0] != q["device"]:
            groups.append((q["device"], []))
        groups[-1][1].append(q)
    return groups


def _fan_groups(s, channels):
    """The shard's fan-out channels: (name, first bit, lane count, its
    role: "from"/"to"), in channel order. A fan-out's rings are
    consecutive channels, so their ends are consecutive bits."""
    groups = []
    for bit, e in enumerate(s["ends"]):
        c = channels[e["channel"]]
        if c["fan"] is None:
            continue
        if groups and groups[-1][0] == c["fan"]:
            groups[-1][2] += 1
        else:
            groups.append([c["fan"], bit, 1, "to" if e["role"] else "from"])
    return [tuple(g) for g in groups]


def _env():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.globals.update(hex=_hex, ldhex=_ldhex, attr=_attr, cstr=_c_str, kinds=KINDS, policies=POLICIES,
                       limits=limits.get())
    env.filters.update(json=_json, c_bytes=_c_bytes, c_int=_c_int, irq_groups=_irq_groups,
                       fan_groups=_fan_groups)
    return env


def render(plan, key=None):
    """{relative path: text} of every generated file; with the device `key`
    (bytes) also the files a build adds."""
    env = _env()
    ctx = {"plan": plan, "key": key, "layout": plan.to_json()}
    table = list(SYSTEM_FILES)
    if key is not None:
        table += [KEY_FILE] + ([] if plan.spec.hosted else [BOARD_FILE])
    out = {path: env.get_template(t).render(ctx) for path, t in table}
    for s in plan.shards:
        for path, t in SHARD_FILES:
            out["shards/%s/%s" % (s["name"], path)] = env.get_template(t).render(ctx, s=s)
    return out


def render_key(key):
    """The device key as C (the same template a build renders)."""
    return _env().get_template(KEY_FILE[1]).render(key=key)


def render_layout(plan, image):
    """OUT/layout.json of a target build: the plan and the packed image."""
    return _env().get_template(LAYOUT_FILE[1]).render(layout=dict(plan.to_json(), image=image))


def write(files, outdir):
    """Write {relative path: text} under outdir (created); unchanged files
    are not rewritten, so builds do not redo work."""
    try:
        for rel, text in sorted(files.items()):
            p = os.path.join(outdir, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            try:
                with open(p, encoding="utf-8") as f:
                    if f.read() == text:
                        continue
            except OSError:
                pass
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
    except OSError as e:
        raise TesseraError("cannot write %s: %s" % (e.filename or outdir, e.strerror))
    return sorted(files)


def generate(plan, outdir, key=None):
    """Render and write every generated file for `plan` under outdir."""
    return write(render(plan, key), outdir)
