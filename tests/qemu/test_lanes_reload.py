"""Hot reload of a multi-core shard on QEMU (issue 15), the counterpart of
tests/reload/test_sim_reload_lanes.py: a 2-lane worker behind a fan-out
(tests/reload/sim/reload-lanes.yaml, built for the arch's board) is swapped
while traffic flows; both lanes stop at a yield and start the new version
together, and the sequence-checking sink sees every lane's stream
complete, in order, each message once. The console is on a socket, shared
through the hub (console_hub.py) with `tessera reload`. Waits are for
console lines with a safety net; nothing is timed."""
import os
import shutil
import subprocess
import sys

import pytest

from console_hub import ConsoleHub, free_port, socket_console_argv
from harness import ARCHES, ICOUNT_AUTO, build
from tessera.backend import qemu as cmd_qemu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "shards", "examples")
MANIFEST = os.path.join(ROOT, "tests", "reload", "sim", "reload-lanes.yaml")
TESSERA = os.path.join(ROOT, "tessera")
TOTAL = 300000

sys.path.insert(0, os.path.join(ROOT, "tests", "reload"))
import lanes_checks  # noqa: E402


@pytest.mark.parametrize("arch", ARCHES)
def test_reload_of_two_lanes_during_traffic_loses_and_repeats_nothing(tmp_path, arch):
    tmp = str(tmp_path)
    for src, dst in (("fan_gen", "gen"), ("lane_worker", "worker"), ("lane_sink", "sink"), ("common", "common")):
        shutil.copytree(os.path.join(EXAMPLES, src), os.path.join(tmp, dst))
    name = "reload-lanes-%s-%d" % (arch, os.getpid())  # build/ARCH/NAME of this run's own
    with open(MANIFEST) as f:
        text = f.read().replace("name: reload-lanes\n", "name: %s\n" % name)
    manifest = os.path.join(tmp, "m.yaml")
    with open(manifest, "w") as f:
        f.write(text)
    out = os.path.join(tmp, "out")
    built = build(manifest, arch, out)
    port = free_port()
    qemu = subprocess.Popen(socket_console_argv(cmd_qemu.qemu_argv(built) + ICOUNT_AUTO[arch], port),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        hub = ConsoleHub(port)
        hub.deadline = 300  # a safety net on a loaded host, not a criterion
        hub.wait_for(r"^shard:sink\| count=100000$")
        lanes_checks.make_v2(os.path.join(tmp, "worker", "lane_worker.c"))
        start = len(hub.lines)
        r = subprocess.run([TESSERA, "reload", "--arch", arch, "--manifest", manifest, "--out", out, "--port", hub.url,
                            "--shard", "worker"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=600)
        assert r.returncode == 0, (r.stdout, r.stderr, "\n".join(hub.lines[start:]))
        lanes_checks.check_swapped(hub.wait_for, hub.grep, start, TOTAL)
    finally:
        qemu.kill()
        qemu.wait()
        shutil.rmtree(built["build_dir"], ignore_errors=True)
