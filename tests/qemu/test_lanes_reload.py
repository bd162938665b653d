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

import pytest

from console_hub import ConsoleHub, free_port, socket_console_argv
from harness import ARCHES, ICOUNT_AUTO, build
from tessera.backend import qemu as cmd_qemu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "shards", "examples")
MANIFEST = os.path.join(ROOT, "tests", "reload", "sim", "reload-lanes.yaml")
TESSERA = os.path.join(ROOT, "tessera")
TOTAL = 300000


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
        src = os.path.join(tmp, "worker", "lane_worker.c")
        with open(src) as f:
            v1 = f.read()
        v2 = v1.replace("tess_out(0), 0,", "tess_out(0), FILTER_V2_TAG,")
        assert v2 != v1
        with open(src, "w") as f:  # version 2 tags what it forwards
            f.write(v2)
        start = len(hub.lines)
        r = subprocess.run([TESSERA, "reload", "--arch", arch, "--manifest", manifest, "--out", out, "--port", hub.url,
                            "--shard", "worker"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=600)
        assert r.returncode == 0, (r.stdout, r.stderr, "\n".join(hub.lines[start:]))
        hub.wait_for(r"^kern\| reload: shard worker: version 1 stopped at a yield, version \d+ installed$", start)
        hub.wait_for(r"^kern\| reload: shard worker: version \d+ running$", start)
        hub.wait_for(r"^shard:worker\| up \(reason 2\), 2 lanes$", start)
        for lane in (0, 1):
            hub.wait_for(r"^shard:worker\| lane %d on core %d$" % (lane, lane + 1), start)
        done = hub.wait_for(r"^shard:sink\| done: (\d+) packets, (\d+) gaps$")
        assert (int(done.group(1)), int(done.group(2))) == (TOTAL, 0)
        ins = [hub.wait_for(r"^shard:sink\| in %d: (\d+) packets, last seq (\d+)$" % i) for i in (0, 1)]
        assert sum(int(m.group(1)) for m in ins) == TOTAL
        assert all(int(m.group(2)) == int(m.group(1)) - 1 for m in ins)
        assert not hub.grep(r"seq gap|lane \d failed|restarted|panic")
    finally:
        qemu.kill()
        qemu.wait()
        shutil.rmtree(built["build_dir"], ignore_errors=True)
