"""Boot a Tessera image under QEMU and read its console.

Arch-generic: the QEMU command line comes from the arch table and the board
file's `qemu:` section (codegen/tessera/backend/qemu.py builds it), so a
test body never names an architecture. Reads the serial console (stdio)
line by line in a reader thread; every wait has a deadline (a safety net
against hangs, never a pass/fail criterion), and the QEMU process is always
killed at the end.
"""
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

from tessera import arch  # noqa: E402
from tessera.backend import qemu, target  # noqa: E402

# Every architecture the QEMU tests run on: the targets of the arch table
# (codegen/tessera/arch.py).
ARCHES = arch.targets()
# Per arch: how `info registers -a` shows a vCPU's PC, and the kernel
# function every core ends in after plat_halt_all (test_panic.py).
PC_PATTERN = {a: arch.ARCHES[a].qemu_pc_pattern for a in ARCHES}
PARK_FUNCTION = {a: arch.ARCHES[a].park_function for a in ARCHES}
# The CMake option that builds a kernel with a boot self-test (test_panic.py).
SELFTEST_OPTION = {a: arch.ARCHES[a].selftest_option for a in ARCHES}
DEADLINE = 30.0  # seconds; generous for a loaded 2-core machine


def build(manifest, arch, out, **kw):
    """`./tessera build MANIFEST --arch ARCH -o OUT` as a library call."""
    return target.build(manifest, arch, out, **kw)


class Qemu:
    def __init__(self, built, icount=False, image=None, extra=(), monitor=None, net=()):
        """monitor: path of a unix socket for the QEMU monitor (pcs());
        net: `--net` values (backend/net.py NetSpec)."""
        self.arch = built["arch"]
        self.monitor = monitor
        extra = list(extra) + (["-monitor", "unix:%s,server=on,wait=off" % monitor] if monitor else [])
        self.argv = qemu.qemu_argv(built, icount=icount, image=image, net=net) + extra
        self.lines = []
        self._cv = threading.Condition()
        self._done = False
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self._t = threading.Thread(target=self._read, daemon=True)
        self._t.start()

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            with self._cv:
                self.lines.append(line)
                self._cv.notify_all()
        with self._cv:
            self._done = True
            self._cv.notify_all()

    def wait(self, pred, deadline=DEADLINE):
        """Wait until pred(lines) is truthy; return its value. On deadline or
        QEMU exit, fail with the console so far."""
        end = time.monotonic() + deadline
        with self._cv:
            while True:
                v = pred(self.lines)
                if v:
                    return v
                left = end - time.monotonic()
                if self._done or left <= 0:
                    why = "QEMU exited" if self._done else "deadline of %.0f s passed" % deadline
                    raise AssertionError("%s; console:\n%s" % (why, "\n".join(self.lines[-80:])))
                self._cv.wait(min(left, 0.5))

    def wait_line(self, pattern, count=1, deadline=DEADLINE):
        """The count-th console line matching regex `pattern` (re.Match)."""
        rx = re.compile(pattern)

        def found(lines):
            hits = [m for m in (rx.search(ln) for ln in lines) if m]
            return hits[count - 1] if len(hits) >= count else None

        return self.wait(found, deadline)

    def matching(self, pattern):
        rx = re.compile(pattern)
        with self._cv:
            return [m for m in (rx.search(ln) for ln in self.lines) if m]

    def pcs(self):
        """Every vCPU's program counter, from the monitor's `info registers -a`."""
        import socket

        s = socket.socket(socket.AF_UNIX)
        end = time.monotonic() + DEADLINE
        while True:
            try:
                s.connect(self.monitor)
                break
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)

        def until_prompt():
            buf = b""
            while not buf.rstrip().endswith(b"(qemu)"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
            return buf.decode(errors="replace")

        try:
            s.settimeout(DEADLINE)
            until_prompt()
            s.sendall(b"info registers -a\n")
            out = until_prompt()
        finally:
            s.close()
        return [int(m, 16) for m in re.findall(PC_PATTERN[self.arch], out)]

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._t.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
