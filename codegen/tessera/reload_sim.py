"""`tessera reload --arch host`: the rebuild path for the simulator
(docs/reload.md, "Swap"). A simulated shard's image is its host executable,
so the package payload is the rebuilt `shard_<name>` itself. The manifest is
planned for the `host` board and built into the same build directory as
`tessera sim` (build/sim/<name>), with the same sanitizer setting, so the
manifest hash and the device key (BUILD/<system>.key) are the running
simulator's."""
import json
import os

from tessera.errors import TesseraError


def _sanitized(bdir):
    """The TESS_SANITIZE of an existing build directory (False if none)."""
    try:
        with open(os.path.join(bdir, "CMakeCache.txt"), encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("TESS_SANITIZE:"):
                    return line.strip().split("=", 1)[1].upper() in ("ON", "1", "TRUE", "YES")
    except OSError:
        pass
    return False


def rebuild(manifest):
    """Rebuild the simulator for `manifest`; returns (layout, {shard: executable}),
    the layout with 'arch' = 'host' and 'key' = the device key's path."""
    from tessera import cmd_sim, reload_image

    if not os.path.isfile(manifest):
        raise TesseraError("%s: no such file" % manifest)
    plan = cmd_sim._plan(manifest)
    bdir = cmd_sim.build_dir(plan, manifest)
    cmd_sim.build(plan, manifest, _sanitized(bdir))
    with open(os.path.join(bdir, "gen", "layout.json"), encoding="utf-8") as f:
        layout = reload_image.layout_from_dict(json.load(f))
    layout["arch"] = "host"
    layout["key"] = reload_image.default_key_path(bdir, plan.name)
    exes = {s["name"]: os.path.join(bdir, "sim", "shard_" + s["name"]) for s in plan.shards}
    return layout, exes
