"""Where `tessera reload` gets the package to send (docs/reload.md, "Host
tool"): a prebuilt package, or a shard taken from a Tessera image, a shard
ELF or a flat binary and signed here with the device key. The shard's
placement (mem_pa, mem_va, mem_size) and the manifest hash come from the
plan's layout.json."""
import json
import os
import time

from tessera import reload_proto as rp
from tessera.errors import TesseraError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _num(v):
    return int(v, 0) if isinstance(v, str) else int(v)


def read_layout(path):
    """{name, manifest_hash (bytes), shards: {name: {mem_pa, mem_va, mem_size}}} from layout.json."""
    try:
        with open(path) as f:
            d = json.load(f)
    except OSError as e:
        raise TesseraError("cannot read %s: %s" % (path, e.strerror))
    except ValueError as e:
        raise TesseraError("%s is not valid JSON: %s" % (path, e))
    sysd = d.get("system", d)
    try:
        mhash = bytes.fromhex(sysd["manifest_hash"])
        shards = sysd.get("shards", d.get("shards"))
        items = shards.items() if isinstance(shards, dict) else [(s["name"], s) for s in shards]
        out = {}
        for name, s in items:
            mem = s.get("mem", s)
            out[name] = {k: _num(mem.get(k, mem.get(k[4:]))) for k in ("mem_pa", "mem_va", "mem_size")}
        return {"name": sysd.get("name", ""), "manifest_hash": mhash, "shards": out}
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise TesseraError("%s: not a layout this tool understands (%s)" % (path, e))


def layout_from_manifest(manifest, arch):
    """Plan the manifest as `tessera gen` does and read the layout it writes."""
    if not os.path.isfile(manifest):
        raise TesseraError("%s: no such file" % manifest)
    try:
        from tessera import gen, pipeline
    except ImportError:
        raise TesseraError("planning a manifest needs `tessera gen`, which is not available yet; "
                           "pass --layout gen/layout.json")
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        plan = pipeline.load_and_plan(manifest)
        gen.generate(plan, tmp)
        return read_layout(os.path.join(tmp, "layout.json"))


def default_key_path(system_name):
    return os.path.join(ROOT, "out", "%s.key" % system_name)


def _shard_payload(path, data, shard, place):
    """The flat payload of `shard` from an image, an ELF or a raw binary."""
    if data[:4] == b"\x7fELF":
        from tessera import image
        base = image.lowest_load_addr(path)
        if base != place["mem_va"]:
            raise TesseraError("%s is linked at 0x%x, but shard '%s' is planned at 0x%x"
                               % (path, base, shard, place["mem_va"]))
        return image.flat_binary(path), None
    if b"TESSIMG\0" in data[:1 << 24]:
        from tessera import image
        hdr, parts = image.read_header(path)
        for p in parts:
            if p["name"] == shard and p["kind"] == image.KIND_SHARD:
                return data[p["offset"]:p["offset"] + p["size"]], hdr["manifest_hash"]
        raise TesseraError("%s has no part for shard '%s'" % (path, shard))
    return data, None


def package_for(path, shard, layout, key, version=None):
    """The bytes to send for `shard` from the file at `path`."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise TesseraError("cannot read %s: %s" % (path, e.strerror))
    if rp.is_package(data):
        try:
            info = rp.parse_package(data)
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
    payload, image_hash = _shard_payload(path, data, shard, place)
    if image_hash is not None and image_hash != layout["manifest_hash"]:
        raise TesseraError("%s was built from another manifest than the plan's" % path)
    if len(payload) > place["mem_size"]:
        raise TesseraError("shard '%s' image (%d bytes) exceeds its memory (%d bytes)"
                           % (shard, len(payload), place["mem_size"]))
    version = int(time.time()) if version is None else version
    return rp.build_package(shard, layout["manifest_hash"], place["mem_pa"], place["mem_va"], payload, version,
                            key)
