"""Where `tessera reload` gets the package to send (docs/reload.md, "Host
tool"): a prebuilt package, or a shard taken from a Tessera image, a shard
ELF or a flat binary and signed here with the device key. The shard's
placement (mem_pa, mem_va, mem_size) and the manifest hash come from the
plan's layout.json."""
import json
import os
import time

from tessera import reload_package as rpk
from tessera import reload_proto as rp
from tessera.errors import TesseraError

def _num(v):
    return int(v, 0) if isinstance(v, str) else int(v)


def _hash(v):
    return bytes(v) if isinstance(v, (bytes, bytearray)) else bytes.fromhex(v)


def layout_from_dict(d):
    """{name, manifest_hash (bytes), shards: {name: {mem_pa, mem_va, mem_size}}}
    from a parsed layout.json (through codegen's layout_view when present)."""
    sysd = d.get("system", d)
    src = sysd
    try:
        from tessera import layout_view
        src = layout_view.info(d)
    except ImportError:
        pass
    try:
        shards = src.get("shards", d.get("shards"))
        items = shards.items() if isinstance(shards, dict) else [(s["name"], s) for s in shards]
        out = {}
        for name, s in items:
            mem = s.get("mem", s)
            out[name] = {k: _num(mem[k] if k in mem else mem[k[4:]]) for k in ("mem_pa", "mem_va", "mem_size")}
        return {"name": str(src.get("name") or sysd.get("name") or ""), "manifest_hash": _hash(
            src.get("manifest_hash", sysd.get("manifest_hash"))), "shards": out,
            "arch": str(src.get("arch") or sysd.get("arch") or "")}
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise TesseraError("not a layout this tool understands (%s: %s)" % (type(e).__name__, e))


def read_layout(path):
    try:
        with open(path) as f:
            d = json.load(f)
    except OSError as e:
        raise TesseraError("cannot read %s: %s" % (path, e.strerror))
    except ValueError as e:
        raise TesseraError("%s is not valid JSON: %s" % (path, e))
    try:
        return layout_from_dict(d)
    except TesseraError as e:
        raise TesseraError("%s: %s" % (path, e))


def rebuild(manifest, arch, out):
    """`tessera build` the manifest for `arch` into `out`; returns (layout,
    {shard: elf path})."""
    if arch == "host":  # the simulator: build/sim/<name>, not OUT (reload_sim.py)
        from tessera import reload_sim
        return reload_sim.rebuild(manifest)
    try:
        from tessera import cmd_build
    except ImportError:
        raise TesseraError("rebuilding needs `tessera build`, which is not available yet: pass IMAGE")
    try:
        res = cmd_build.build(manifest, arch, out)
    except ImportError as e:  # a codegen part that has not landed yet
        raise TesseraError("rebuilding needs `tessera build`, which cannot run yet (%s): pass IMAGE" % e)
    layout = layout_from_dict(res["layout"])
    layout["name"] = layout["name"] or res["name"]
    return layout, {s["name"]: s["elf"] for s in res["shards"]}


def default_key_path(out, system_name):
    """Where `tessera build` keeps the device key: OUT/<system>.key."""
    return os.path.join(out, "%s.key" % system_name)


def _shard_payload(path, data, shard, place, exec_pages):
    """(flat payload, exec pages, manifest hash or None) of `shard` from an
    image, an ELF or a raw binary (whose exec pages the user states)."""
    if data[:4] == b"\x7fELF":
        from tessera import image
        base = image.lowest_load_addr(path)
        if base != place["mem_va"]:
            raise TesseraError("%s is linked at 0x%x, but shard '%s' is planned at 0x%x"
                               % (path, base, shard, place["mem_va"]))
        return image.flat_binary(path), image.exec_pages(path, place["mem_va"]), None
    if b"TESSIMG\0" in data[:1 << 24]:
        from tessera import image
        hdr, parts = image.read_header(path)
        for p in parts:
            if p["name"] == shard and p["kind"] == image.KIND_SHARD:
                return data[p["offset"]:p["offset"] + p["size"]], p["exec_pages"], hdr["manifest_hash"]
        raise TesseraError("%s has no part for shard '%s'" % (path, shard))
    if exec_pages is None:
        raise TesseraError("%s is a flat binary, which does not say how much of it is code: pass --exec-pages N "
                           "(pages of code and read-only data from its start)" % path)
    return data, exec_pages, None


def package_for(path, shard, layout, key, version=None, exec_pages=None):
    """The bytes to send for `shard` from the file at `path`."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise TesseraError("cannot read %s: %s" % (path, e.strerror))
    if rpk.is_package(data):
        try:
            info = rpk.parse_package(data)
        except rp.ProtoError as e:
            raise TesseraError("%s: %s" % (path, e))
        if info["name"] != shard:
            raise TesseraError("%s is a package for shard '%s', not '%s'" % (path, info["name"], shard))
        return data
    if layout is None:
        raise TesseraError("%s is not a package: signing it needs the plan (--manifest or --layout)" % path)
    if shard not in layout["shards"]:
        raise TesseraError("shard '%s' is not in the plan (shards: %s)" % (shard, ", ".join(layout["shards"])))
    place = layout["shards"][shard]
    if layout.get("arch") == "host":  # a simulated shard's image is its host executable
        payload, xp, image_hash = data, 0, None  # exec pages: the host loader's business
    else:
        payload, xp, image_hash = _shard_payload(path, data, shard, place, exec_pages)
    if image_hash is not None and image_hash != layout["manifest_hash"]:
        raise TesseraError("%s was built from another manifest than the plan's" % path)
    if len(payload) > place["mem_size"]:
        raise TesseraError("shard '%s' image (%d bytes) exceeds its memory (%d bytes)"
                           % (shard, len(payload), place["mem_size"]))
    version = int(time.time()) if version is None else version
    return rpk.build_package(shard, layout["manifest_hash"], place["mem_pa"], place["mem_va"], payload, version,
                             key, xp)
