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
import socket
import subprocess
import threading
import time

import pytest

from harness import ARCHES, DEADLINE, build
from tessera import cmd_qemu
from tessera import reload_image
from tessera import reload_package as rpk

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(ROOT, "shards", "examples")
RSINK = os.path.join(ROOT, "tests", "reload", "sim", "rsink")
TESSERA = os.path.join(ROOT, "tessera")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class ConsoleHub:
    """QEMU's console socket: lines for the test, bytes relayed to and
    from one downstream client at a time."""

    def __init__(self, qemu_port):
        deadline = time.monotonic() + DEADLINE
        while True:
            try:
                self.up = socket.create_connection(("127.0.0.1", qemu_port))
                break
            except OSError:
                assert time.monotonic() < deadline, "QEMU's console socket never opened"
                time.sleep(0.05)
        self.lines, self.partial, self.in_frame = [], b"", False
        self.deadline = DEADLINE
        self.cv = threading.Condition()
        self.down = None
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(1)
        self.url = "socket://127.0.0.1:%d" % self.lsock.getsockname()[1]
        threading.Thread(target=self._from_qemu, daemon=True).start()
        threading.Thread(target=self._accept, daemon=True).start()

    def _text(self, data):
        out = bytearray()
        for b in data:  # drop reload frames (SOH .. 0x00)
            if b == 1:
                self.in_frame = True
            elif b == 0:
                self.in_frame = False
            elif not self.in_frame:
                out.append(b)
        return bytes(out)

    def _from_qemu(self):
        while True:
            try:
                data = self.up.recv(4096)
            except OSError:
                data = b""
            with self.cv:
                if not data:
                    self.cv.notify_all()
                    return
                down = self.down
                self.partial += self._text(data).replace(b"\r", b"")
                *done, self.partial = self.partial.split(b"\n")
                self.lines += [ln.decode(errors="replace") for ln in done]
                self.cv.notify_all()
            if down:
                try:
                    down.sendall(data)
                except OSError:
                    pass

    def _accept(self):
        while True:
            c, _ = self.lsock.accept()
            with self.cv:
                self.down = c
            while True:
                try:
                    data = c.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    break
                self.up.sendall(data)
            with self.cv:
                self.down = None
            c.close()

    def wait_for(self, pattern, start=0):
        rx = re.compile(pattern)
        end = time.monotonic() + self.deadline
        with self.cv:
            while True:
                for line in self.lines[start:]:
                    m = rx.search(line)
                    if m:
                        return m
                start = len(self.lines)
                left = end - time.monotonic()
                assert left > 0, "no %r on the console; last lines:\n%s" % (pattern, "\n".join(self.lines[-60:]))
                self.cv.wait(min(left, 0.5))

    def grep(self, pattern):
        with self.cv:
            return [m for m in map(re.compile(pattern).search, self.lines) if m]

    def still_counting(self):
        with self.cv:
            start = len(self.lines)
        self.wait_for(r"shard:sink\| count=\d+ ", start)


# Reload runs on riscv64 too, before the boot tests there do.
RELOAD_ARCHES = list(dict.fromkeys(ARCHES + ["riscv64"]))


@pytest.fixture(scope="module", params=RELOAD_ARCHES)
def system(request, tmp_path_factory):
    arch = request.param
    tmp = str(tmp_path_factory.mktemp("reload-" + arch))
    for src, dst in (("pktgen", "gen"), ("filter", "filter"), ("common", "common")):
        shutil.copytree(os.path.join(EXAMPLES, src), os.path.join(tmp, dst))
    shutil.copytree(RSINK, os.path.join(tmp, "rsink"))
    with open(os.path.join(ROOT, "manifest", "examples", "packet-pipeline-%s.yaml" % arch)) as f:
        text = f.read()
    text = text.replace("name: packet-pipeline-%s" % arch, "name: reload-%s" % arch)
    for a, b in (("pktgen", "gen"), ("filter", "filter"), ("sink", "rsink")):
        text = text.replace("../../shards/examples/%s" % a, b)
    # A loaded host can deschedule a vCPU for 100s of ms (TCG time follows
    # the host clock): generous watchdogs, so no restart (which may replay
    # a burst) muddles the exactly-once check.
    text = text.replace("watchdog: {timeout: 100ms, on_hang: restart}", "watchdog: {timeout: 2s, on_hang: restart}")
    text = text.replace("  defaults:\n", "  defaults:\n    watchdog: {timeout: 5s, on_hang: restart}\n")
    assert "timeout: 2s" in text and "timeout: 5s" in text
    manifest = os.path.join(tmp, "m.yaml")
    with open(manifest, "w") as f:
        f.write(text)
    out = os.path.join(tmp, "out")
    built = build(manifest, arch, out)
    port = free_port()
    # TESS_QEMU_ICOUNT=1: -icount shift=0, for bench/README's downtime figure
    # (guest time = instructions; slower on the host, so longer safety nets).
    icount = os.environ.get("TESS_QEMU_ICOUNT") == "1"
    argv = cmd_qemu.qemu_argv(built, icount=icount)
    argv[argv.index("-nographic"):argv.index("-nographic") + 1] = [
        "-display", "none", "-monitor", "none",
        "-chardev", "socket,id=con,host=127.0.0.1,port=%d,server=on,wait=on" % port, "-serial", "chardev:con"]
    qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        hub = ConsoleHub(port)
        hub.deadline = DEADLINE * (10 if icount else 1)
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
