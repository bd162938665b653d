"""What `tessera reload` sends (docs/reload.md, "Host tool"): a prebuilt
package, or a shard taken from a Tessera image, a shard ELF or a flat
binary and signed here with the device key. The shard's placement (mem_pa,
mem_va, mem_size) and the manifest hash come from the plan: the one a
rebuild just made (layout_of), or the running system's layout.json
(read_layout)."""
import json
import time

from tessera import image
from tessera.arch import ARCHES
from tessera.errors import TesseraError
from tessera.reload import package as rpk
from tessera.reload import proto as rp

PLACE = ("mem_pa", "mem_va", "mem_size")


def layout_of(plan, key_path):
    """{name, manifest_hash, arch, key, shards: {name: {mem_pa, mem_va,
    mem_size}}} of a plan."""
    return {"name": plan.name, "manifest_hash": plan.manifest_hash, "arch": plan.arch, "key": key_path,
            "shards": {s["name"]: {k: s[k] for k in PLACE} for s in plan.shards}}


def layout_from_dict(d):
    """The same from a parsed layout.json: the plan's (shards a list, see
    plan/model.py Plan.to_json) or a hand-written one (shards a mapping of
    name to placement, numbers or hex strings)."""
    try:
        shards = d["shards"]
        items = shards.items() if isinstance(shards, dict) else [(s["name"], s) for s in shards]
        return {"name": str(d.get("name") or ""), "manifest_hash": bytes.fromhex(d["manifest_hash"]),
                "arch": str(d.get("arch") or ""), "key": None,
                "shards": {name: {k: _num(s[k]) for k in PLACE} for name, s in items}}
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise TesseraError("not a layout this tool understands (%s: %s)" % (type(e).__name__, e))


def _num(v):
    return int(v, 0) if isinstance(v, str) else int(v)


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


def _shard_payload(path, data, shard, place, exec_pages):
    """(flat payload, exec pages, manifest hash or None) of `shard` from an
    image, an ELF or a raw binary (whose exec pages the user states)."""
    if data[:4] == b"\x7fELF":
        base = image.lowest_load_addr(path)
        if base != place["mem_va"]:
            raise TesseraError("%s is linked at 0x%x, but shard '%s' is planned at 0x%x"
                               % (path, base, shard, place["mem_va"]))
        return image.flat_binary(path), image.exec_pages(path, place["mem_va"]), None
    if image.MAGIC in data[:1 << 24]:
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
    if layout["arch"] in ARCHES and ARCHES[layout["arch"]].hosted:  # a simulated shard's image is its host executable
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
