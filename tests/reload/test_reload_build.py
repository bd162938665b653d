"""Without IMAGE, `tessera reload` rebuilds the shard with `tessera build`;
the package must carry exactly the image's part for that shard (same bytes,
SHA-256, load PA, exec_pages, manifest hash), and the image and the ELF as
IMAGE must give the same part."""
import os
import subprocess

from reload_fixture import KEY, ROOT
from tessera import image
from tessera.reload import package as rpk

MANIFEST = os.path.join(ROOT, "manifest", "examples", "packet-pipeline-aarch64.yaml")


def test_rebuilt_package_is_the_image_part(tmp_path):
    key = tmp_path / "dev.key"
    key.write_text(KEY.hex() + "\n")
    out = tmp_path / "out"
    t = os.path.join(ROOT, "tessera")
    r = subprocess.run([t, "reload", "--shard", "filter", "--manifest", MANIFEST, "--arch", "aarch64", "--out",
                        str(out), "--key", str(key), "--image-version", "7", "-o", str(tmp_path / "a.tpk")],
                       capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    pkg = (tmp_path / "a.tpk").read_bytes()
    info = rpk.verify_package(pkg, KEY)
    img = out / "packet-pipeline-aarch64.img"
    hdr, parts = image.read_header(str(img))
    part = next(p for p in parts if p["name"] == "filter")
    data = img.read_bytes()
    assert pkg[rpk.PKG_HDR:-rpk.PKG_MAC] == data[part["offset"]:part["offset"] + part["size"]]
    assert (info["sha256"], info["load_pa"], info["exec_pages"], info["manifest_hash"], info["version"]) == (
        part["sha256"], part["load_pa"], part["exec_pages"], hdr["manifest_hash"], 7)
    for src in (img, out / "shards" / "filter.elf"):
        r = subprocess.run([t, "reload", "--shard", "filter", "--out", str(out), "--key", str(key),
                            "--image-version", "7", str(src), "-o", str(tmp_path / "b.tpk")], capture_output=True)
        assert r.returncode == 0, r.stderr.decode()
        assert (tmp_path / "b.tpk").read_bytes() == pkg
