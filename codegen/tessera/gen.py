"""`tessera gen`: render the plan through the Jinja2 templates.

Output (docs/design.md): layout.json, kern/tables.c, build.cmake and per
shard shards/<name>/{tessera_shard_cfg.h, shard_cfg.c, shard.ld}. Same plan,
same bytes: no time stamps, sorted JSON, fixed iteration orders.
"""
import json
import os

import jinja2

from tessera.errors import TesseraError
from tessera.paths import TEMPLATES_DIR

KINDS = {"image": "TESS_MAP_KIND_IMAGE", "stack": "TESS_MAP_KIND_STACK", "ctrl": "TESS_MAP_KIND_CTRL",
         "channel": "TESS_MAP_KIND_CHANNEL", "region": "TESS_MAP_KIND_REGION", "persist": "TESS_MAP_KIND_PERSIST",
         "mmio": "TESS_MAP_KIND_MMIO"}
POLICIES = {"restart": "TESS_POLICY_RESTART", "halt": "TESS_POLICY_HALT", "panic": "TESS_POLICY_PANIC"}
_ATTRS = ((0x1, "TESS_MAP_R"), (0x2, "TESS_MAP_W"), (0x4, "TESS_MAP_X"), (0x8, "TESS_MAP_DEVICE"))


def _hex(n):
    return "0x%xull" % n


def _ldhex(n):
    """Linker scripts take no C integer suffixes."""
    return "0x%x" % n


def _attr(a):
    return " | ".join(name for bit, name in _ATTRS if a & bit) or "0"


def _env():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.globals.update(hex=_hex, ldhex=_ldhex, attr=_attr, kinds=KINDS, policies=POLICIES)
    return env


def render(plan):
    """{relative path: text} of every generated file."""
    env = _env()
    ctx = {
        "manifest_name": plan.name, "board": plan.board["name"], "shards": plan.shards, "channels": plan.channels,
        "regions": plan.regions, "cores": plan.core_order, "tick_ns": plan.tick_ns, "kernel_pa": plan.kernel_pa,
        "kernel_size": plan.kernel_size, "console_pa": plan.console_pa,
        "reload_staging_pa": plan.reload_staging_pa, "reload_staging_size": plan.reload_staging_size,
        "hash_bytes": ", ".join("0x%02x" % b for b in plan.manifest_hash),
    }
    out = {}
    out["kern/tables.c"] = env.get_template("tables.c.j2").render(ctx)
    out["build.cmake"] = env.get_template("build.cmake.j2").render(ctx)
    for s in plan.shards:
        groups = []
        for q in s["irqs"]:
            if not groups or groups[-1][0] != q["device"]:
                groups.append((q["device"], []))
            groups[-1][1].append(q)
        sctx = dict(ctx, s=s, irq_groups=groups)
        d = "shards/%s/" % s["name"]
        out[d + "tessera_shard_cfg.h"] = env.get_template("shard_cfg.h.j2").render(sctx)
        out[d + "shard_cfg.c"] = env.get_template("shard_cfg.c.j2").render(sctx)
        out[d + "shard.ld"] = env.get_template("shard.ld.j2").render(sctx)
    out["layout.json"] = json.dumps(plan.to_json(), indent=2, sort_keys=True) + "\n"
    return out


def generate(plan, outdir):
    """Write every generated file under outdir (created; unchanged files are
    not rewritten, so builds do not redo work)."""
    files = render(plan)
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
