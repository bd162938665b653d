"""A Tessera system's console UART on a TCP socket, shared through the
hub of `tessera qemu --console-port` (codegen/tessera/backend/hub.py):
the console as lines (frames dropped) for the test, and the bytes of one
downstream client (`tessera reload/inspect --port socket://...`) relayed
both ways. Used by test_reload.py
and bench/qemu_reload.py. Also the reload pipeline's sources as a copy."""
import os
import re
import shutil
import threading
import time

from harness import DEADLINE
from tessera.backend import hub
from tessera.backend.hub import free_port, socket_console as socket_console_argv  # noqa: F401 (for the tests)

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


class ConsoleHub:
    """QEMU's console socket (codegen's backend/hub.py): lines for the
    test, bytes relayed to and from one downstream client at a time."""

    def __init__(self, qemu_port):
        self.lines, self.partial = [], b""
        self.deadline = DEADLINE
        self.cv = threading.Condition()
        self.hub = hub.Hub(qemu_port, self._text, deadline=DEADLINE).start()
        self.url = self.hub.url

    def _text(self, text):
        with self.cv:
            self.partial += text
            *done, self.partial = self.partial.split(b"\n")
            self.lines += [ln.decode(errors="replace") for ln in done]
            self.cv.notify_all()

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
