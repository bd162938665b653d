"""Hot reload through a lagging console client while shards print as fast
as they can (issue 10 item 8; sim/port.c). The console port never drops the
kernel's units (its lines, reload frames): like a UART it waits for the
client. Shard text gives way: at most a few KiB a second per shard reach
the client, the rest is dropped and counted (a note to the client, the
end-of-run line). So `tessera reload` through a proxy that passes the
console's bytes at 64 KB/s (a slow line whose reader lags) succeeds next to
two shards logging megabytes a second; before, the port dropped the frames
with the text and the transfer timed out."""
import os
import re
import signal
import subprocess
import sys
import threading
import time

from simrun import MANIFESTS, ROOT, SANITIZER_ERRORS, TESSERA

sys.path.insert(0, os.path.join(ROOT, "tests", "reload"))
from reload_host import SlowProxy  # noqa: E402

MANIFEST = os.path.join(MANIFESTS, "chatty.yaml")
SAFETY = 300


class Sim:
    """tessera sim --console-port 0, its kernel and sim lines kept (the
    shard lines, megabytes, only counted)."""

    def __init__(self):
        self.lines, self.shard_lines, self.err = [], 0, []
        self.cv = threading.Condition()
        self.proc = subprocess.Popen([TESSERA, "sim", "--sanitize", "--console-port", "0", MANIFEST], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        threading.Thread(target=self._out, daemon=True).start()
        threading.Thread(target=self._err, daemon=True).start()

    def _out(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.cv:
                if line.startswith("shard:"):
                    self.shard_lines += 1
                else:
                    self.lines.append(line)
                self.cv.notify_all()

    def _err(self):
        for raw in self.proc.stderr:
            self.err.append(raw.decode("utf-8", "replace"))

    def wait(self, pred):
        deadline = time.monotonic() + SAFETY
        with self.cv:
            while not pred():
                assert self.proc.poll() is None, "the simulator ended:\n%s\n%s" % (
                    "\n".join(self.lines[-30:]), "".join(self.err[-30:]))
                assert time.monotonic() < deadline
                self.cv.wait(1.0)

    def wait_for(self, pattern):
        rx = re.compile(pattern)
        found = []
        self.wait(lambda: found.extend(m for m in map(rx.search, self.lines) if m) or found)
        return found[0]


def test_reload_next_to_chatty_shards_through_a_lagging_client():
    sim = Sim()
    try:
        port = sim.wait_for(r"^sim\| console on tcp 127\.0\.0\.1:(\d+)$").group(1)
        sim.wait(lambda: sim.shard_lines > 1000)
        proxy = SlowProxy("socket://127.0.0.1:%s" % port, 64 * 1024)
        r = subprocess.run([TESSERA, "reload", "--arch", "host", "--manifest", MANIFEST, "--port", proxy.url,
                            "--shard", "chatty"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=SAFETY)
        assert r.returncode == 0, (r.returncode, r.stdout[-3000:], r.stderr[-3000:])
        last = r.stdout.strip().splitlines()[-1]
        m = re.fullmatch(r"reload\| accepted: shard 'chatty' now runs version (\d+)", last)
        assert m, last
        sim.wait_for(r"^kern\| reload: shard chatty: version %s running$" % m.group(1))
        # The client was told what it missed.
        assert re.search(rb"sim\| console port: \d+ lines of shard text dropped\n", bytes(proxy.seen))
    finally:
        if sim.proc.poll() is None:
            sim.proc.send_signal(signal.SIGINT)
        sim.proc.wait(SAFETY)
    end = sim.wait_for(r"^sim\| console port: (\d+) lines of shard text dropped \(the client did not keep up\):"
                       r" chatty (\d+) chatty2 (\d+)$")
    assert int(end.group(1)) == int(end.group(2)) + int(end.group(3)) > 0
    for bad in SANITIZER_ERRORS:
        assert bad not in "".join(sim.err), "".join(sim.err)[-3000:]
