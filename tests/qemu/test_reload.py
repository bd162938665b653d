"""Hot reload on QEMU (issue 6; docs/reload.md "Swap"), on aarch64 and
riscv64 (and any arch harness.ARCHES adds): the packet pipeline (gen -> filter -> sequence-checking
rsink) boots with its console UART on a TCP socket; a package signed with
the wrong key is refused and the pipeline keeps counting; then the filter is
rebuilt from shards/examples/filter_v2 and reloaded with `tessera reload`:
accepted, the sink sees the tag from one packet on and every sequence
number exactly once, in order.

The console socket has one client (QEMU accepts one), so the test runs a
small hub: it reads the console into lines and relays the bytes of one
downstream client (`tessera reload --port socket://...`) both ways. Waits
are for console lines, with the harness's deadline as a safety net."""
import os
import re
import secrets
import shutil
import subprocess

import pytest

from console_hub import ConsoleHub, free_port, pipeline_copy, socket_console_argv
from harness import ARCHES, build
from tessera import cmd_qemu
from tessera import reload_image
from tessera import reload_package as rpk

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "shards", "examples")
TESSERA = os.path.join(ROOT, "tessera")
# Reload runs on riscv64 too, before the boot tests there do.
RELOAD_ARCHES = list(dict.fromkeys(ARCHES + ["riscv64"]))


@pytest.fixture(scope="module", params=RELOAD_ARCHES)
def system(request, tmp_path_factory):
    arch = request.param
    tmp = str(tmp_path_factory.mktemp("reload-" + arch))
    manifest = pipeline_copy(arch, tmp, "reload-" + arch)
    out = os.path.join(tmp, "out")
    built = build(manifest, arch, out)
    port = free_port()
    qemu = subprocess.Popen(socket_console_argv(cmd_qemu.qemu_argv(built), port), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        hub = ConsoleHub(port)
        hub.arch, hub.manifest, hub.out, hub.tmp, hub.built = arch, manifest, out, tmp, built
        hub.wait_for(r"shard:sink\| count=\d+ ")
        yield hub
    finally:
        qemu.kill()
        qemu.wait()


def reload(system, *args):
    cmd = [TESSERA, "reload", "--arch", system.arch, "--manifest", system.manifest, "--out", system.out,
           "--port", system.url] + list(args)
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def test_bad_signature_refused(system, tmp_path):
    lay = reload_image.read_layout(os.path.join(system.out, "layout.json"))
    place = lay["shards"]["filter"]
    pkg = rpk.build_package("filter", lay["manifest_hash"], place["mem_pa"], place["mem_va"], bytes(4096), 99,
                            secrets.token_bytes(32))
    path = os.path.join(str(tmp_path), "bad.tpk")
    with open(path, "wb") as f:
        f.write(pkg)
    start = len(system.lines)
    rc, out, err = reload(system, "--shard", "filter", path)
    assert rc == 3, (rc, out, err)
    assert err.strip().splitlines()[-1] == "reload| refused: bad signature"
    system.wait_for(r"kern\| reload: refused 'filter': bad signature$", start)
    system.still_counting()


def test_filter_v2_accepted_exactly_once(system):
    shutil.rmtree(os.path.join(system.tmp, "filter"))
    shutil.copytree(os.path.join(EXAMPLES, "filter_v2"), os.path.join(system.tmp, "filter"))
    start = len(system.lines)
    rc, out, err = reload(system, "--shard", "filter", "--image-version", "2")
    assert rc == 0, (rc, out, err)
    assert out.strip().splitlines()[-1].startswith("reload| accepted: shard 'filter' now runs version 2")
    system.wait_for(r"kern\| reload: shard filter: version 1 stopped at a yield, version 2 installed$", start)
    system.wait_for(r"shard:filter\| v2 up \(reason 2, version 2\)$", start)
    system.wait_for(r"kern\| reload: shard filter: version 2 running$", start)
    tagged = system.wait_for(r"shard:sink\| first tagged packet: seq (\d+)$", start)
    assert int(tagged.group(1)) > 0
    system.still_counting()
    system.still_counting()
    assert not system.grep(r"seq error|untagged after tagged"), "\n".join(
        ln for ln in system.lines if not re.search(r"count=", ln))[-6000:]
    counts = system.grep(r"shard:sink\| count=(\d+) last_seq=(\d+)$")
    assert counts and all(int(m.group(2)) == int(m.group(1)) - 1 for m in counts)
    down = system.grep(r"kern\| reload: shard filter: downtime (\d+) ns ")
    assert len(down) == 1
    print("\n%s reload downtime: %s ns" % (system.arch, down[0].group(1)))
