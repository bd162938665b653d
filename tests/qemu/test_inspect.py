"""`tessera inspect`, `top`, `trace`, `capture` against QEMU (issue 13),
on every target arch with the example pipeline: the console is on a
socket and the test's hub (console_hub.py, the hub of `tessera qemu
--console-port`) lends it to the tools. One boot per arch serves the
figures (against the sink's printed counts), the trace JSON, a fault_null
shard's crash symbolized to its source line, garbage and truncated query
frames (no answer, nothing changed) and a query flood (the pipeline keeps
counting); a boot of the UDP echo example (where the arch has one)
serves a capture of N frames, read back as N. Counts, never times."""
import os
import socket
import subprocess
import sys

import pytest

from console_hub import ConsoleHub, free_port, socket_console_argv
from harness import ARCHES, build
from tessera.backend import net as netdev
from tessera.backend import qemu as cmd_qemu

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import inspect_checks as ic  # noqa: E402

ROOT = ic.ROOT
PIPELINE = os.path.join(ROOT, "manifest", "examples", "packet-pipeline-%s.yaml")
ECHO = os.path.join(ROOT, "manifest", "examples", "udp-echo-%s.yaml")
ECHO_ARCHES = [a for a in ARCHES if os.path.exists(ECHO % a)]
FAULT_NULL = os.path.join(ROOT, "shards", "examples", "fault_null", "fault_null.c")
COUNT = r"shard:sink\| count=\d+ "


def copy(path, arch, tmp, name, extra=""):
    """The example as tmp/m.yaml: its own name and build, sources where
    they are, watchdogs a loaded host cannot trip, `extra` shards."""
    with open(path % arch) as f:
        text = f.read()
    old = [ln for ln in text.splitlines() if ln.startswith("name: ")][0]
    text = text.replace(old + "\n", "name: %s\n" % name).replace("../../shards/", os.path.join(ROOT, "shards") + "/")
    text = text.replace("watchdog: {timeout: 100ms, on_hang: restart}", "watchdog: {timeout: 5s, on_hang: restart}")
    text = text.replace("  defaults:\n", "  defaults:\n    watchdog: {timeout: 5s, on_hang: restart}\n")
    text = text.replace("\nchannels:", "\n" + extra + "channels:")
    manifest = os.path.join(str(tmp), "m.yaml")
    with open(manifest, "w") as f:
        f.write(text)
    return manifest


class Booted:
    def __init__(self, arch, tmp, manifest, net=()):
        self.out = os.path.join(str(tmp), "out")
        self.built = build(manifest, arch, self.out)
        port = free_port()
        self.qemu = subprocess.Popen(socket_console_argv(cmd_qemu.qemu_argv(self.built, net=list(net)), port),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.hub = ConsoleHub(port)
        except Exception:
            self.close()
            raise
        self.url = self.hub.url

    def close(self):
        self.qemu.kill()
        self.qemu.wait()


@pytest.fixture(scope="module", params=ARCHES)
def pipeline(request, tmp_path_factory):
    arch = request.param
    tmp = tmp_path_factory.mktemp("inspect-" + arch)
    crash = ("  crash:\n    source: %s\n    cores: [3]\n    memory: 64K\n    on_fault: halt\n"
             % os.path.dirname(FAULT_NULL))
    b = Booted(arch, tmp, copy(PIPELINE, arch, tmp, "inspect-" + arch, crash))
    b.arch, b.name = arch, "inspect-" + arch
    b.hub.wait_for(COUNT)
    yield b
    b.close()


def lines(b):
    with b.hub.cv:
        return list(b.hub.lines)


def test_system_shards_channels_cores(pipeline):
    b = pipeline
    ic.check_system(b.url, b.name, 4, ("gen", "filter", "sink", "crash"), ("gen_to_filter", "filter_to_sink"), b.arch)
    ic.check_pipeline(b.url, lambda: lines(b), idle_core=None)
    _, top, _ = ic.tool("top", "--port", b.url, "--count", "2", "--interval", "0.5")  # not a tty: plain
    assert top.count("tessera top: %s (%s)" % (b.name, b.arch)) == 2 and "filter_to_sink" in top, top


def test_crash_symbolized(pipeline):
    b = pipeline
    b.hub.wait_for(r"kern\| shard crash: halted")
    ic.check_crash(b.url, "crash", FAULT_NULL, "return *p;", "--out", b.out)


def test_trace_json(pipeline, tmp_path):
    out = os.path.join(str(tmp_path), "run.json")
    ic.tool("trace", "--port", pipeline.url, "-o", out)
    ic.check_trace_json(out, ("gen", "filter", "sink", "crash"), 4)


def test_garbage_then_flood(pipeline):
    b = pipeline
    ic.check_garbage(b.url, lambda: ic.shard_state(b.url))
    before = {c["name"]: c["consumed"] for c in ic.inspect_json(b.url, "channels")}["filter_to_sink"]
    assert ic.flood(b.url, 500) >= 1
    start = len(lines(b))
    b.hub.wait_for(COUNT, start)
    after = {c["name"]: c["consumed"] for c in ic.inspect_json(b.url, "channels")}["filter_to_sink"]
    assert after > before


@pytest.mark.parametrize("arch", ECHO_ARCHES)
def test_capture(arch, tmp_path):
    guest, host = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
    net = [netdev.parse("local=127.0.0.1:%d,remote=127.0.0.1:%d" % (guest, host))]
    b = Booted(arch, tmp_path, copy(ECHO, arch, tmp_path, "inspect-echo-" + arch), net)
    traffic = None
    try:
        b.hub.wait_for(r"shard:net0\| virtio-net [0-9a-f:]+ up")
        traffic = subprocess.Popen([ic.TESSERA, "traffic", "--guest", "127.0.0.1:%d" % guest, "--bind",
                                    "127.0.0.1:%d" % host, "--count", "1000000", "--size", "600", "--window", "64",
                                    "--timeout", "5"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ic.check_capture(b.url, "net0_to_classify", 10, tmp_path, 600)
    finally:
        if traffic:
            traffic.kill()
            traffic.wait()
        b.close()
