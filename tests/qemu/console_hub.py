"""A Tessera system's console UART on a TCP socket, shared: QEMU's socket
chardev takes one client, so the hub is that client, keeps the console as
lines (reload frames dropped) and relays the bytes of one downstream client
(`tessera reload --port socket://...`) both ways. Used by test_reload.py
and bench/qemu_reload.py. Also the reload pipeline's sources as a copy."""
import os
import re
import shutil
import socket
import threading
import time

from harness import DEADLINE

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "shards", "examples")
RSINK = os.path.join(ROOT, "tests", "reload", "sim", "rsink")


def pipeline_copy(arch, tmp, name):
    """The example packet pipeline for `arch` in `tmp` with its sources next
    to it (gen, filter, rsink: the filter's source can then be changed and
    rebuilt for a reload) and generous watchdogs; returns the manifest path."""
    for src, dst in (("pktgen", "gen"), ("filter", "filter"), ("common", "common")):
        shutil.copytree(os.path.join(EXAMPLES, src), os.path.join(tmp, dst))
    shutil.copytree(RSINK, os.path.join(tmp, "rsink"))
    with open(os.path.join(ROOT, "manifest", "examples", "packet-pipeline-%s.yaml" % arch)) as f:
        text = f.read()
    text = text.replace("name: packet-pipeline-%s" % arch, "name: %s" % name)
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
    return manifest


def socket_console_argv(argv, port):
    """A qemu_argv with the console UART on tcp 127.0.0.1:port (QEMU waits
    for the hub before it starts the guest) instead of stdio."""
    i = argv.index("-nographic")
    return argv[:i] + ["-display", "none", "-monitor", "none",
                       "-chardev", "socket,id=con,host=127.0.0.1,port=%d,server=on,wait=on" % port,
                       "-serial", "chardev:con"] + argv[i + 1:]


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
