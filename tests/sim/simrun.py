"""Helpers for the simulator's integration tests: run `./tessera sim
--sanitize` (ASan/UBSan in the kernel and every shard process) on a manifest
and parse what it printed. (A plain module, not conftest.py: several test
directories have a conftest, and the tests import these names.)"""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESSERA = os.path.join(ROOT, "tessera")
EXAMPLES = os.path.join(ROOT, "manifest", "examples")
MANIFESTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifests")
# Safety net only: every run ends by --messages or --duration long before.
HARD_TIMEOUT = 240

SANITIZER_ERRORS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")
_UNITS = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9}


def parse_time(text):
    m = re.fullmatch(r"\s*(\d+)\s*(ns|us|ms|s)\s*", str(text))
    assert m, "not a time: %r" % text
    return int(m.group(1)) * _UNITS[m.group(2)]


class SimRun:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.lines = self.out.splitlines()

    def __str__(self):
        return "exit %s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (self.rc, self.out, self.err)

    __repr__ = __str__

    def grep(self, pattern):
        """Matches of a regex over stdout lines, in order."""
        rx = re.compile(pattern)
        return [m for m in (rx.search(line) for line in self.lines) if m]

    def index(self, line):
        return self.lines.index(line)

    def _table(self, header):
        """Rows of the `sim| <header> ...` table as lists of fields."""
        rows, inside = [], False
        for line in self.lines:
            if not line.startswith("sim| "):
                inside = False
                continue
            fields = line[5:].split()
            if fields and fields[0] in ("shard", "channel", "core"):
                inside = fields[0] == header
                continue
            if inside:
                rows.append(fields)
        return rows

    def shards(self):
        keys = ("core", "state", "runs", "yields", "notif_tx", "notif_rx", "faults", "hangs", "restarts")
        table = {}
        for f in self._table("shard"):
            row = {k: (v if k == "state" else int(v)) for k, v in zip(keys, f[1:10])}
            row["last_fault"] = " ".join(f[10:])
            table[f[0]] = row
        return table

    def channels(self):
        table = {}
        for f in self._table("channel"):
            row = {"from": f[1], "to": f[3], "messages": int(f[4]), "consumed": int(f[5]), "rate": int(f[6])}
            if len(f) > 8:  # protocol errors (producer/consumer end) and re-formats
                row["errors"] = tuple(int(x) for x in f[7].split("/"))
                row["resets"] = int(f[8])
            table[f[0]] = row
        return table

    def cores(self):
        return {int(f[0]): {"cpu": int(f[1]), "ticks": int(f[2]), "max_late_ns": int(f[3]) * 1000}
                for f in self._table("core")}


def leftover_processes(build_dir):
    """Processes still running an executable from build_dir."""
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            exe = os.readlink("/proc/%s/exe" % pid)
        except OSError:
            continue
        if exe.startswith(build_dir + os.sep):
            left.append((int(pid), exe))
    return left


def run_sim(manifest, *args, expect_rc=0, sanitize=True):
    proc = subprocess.run(
        [TESSERA, "sim"] + (["--sanitize"] if sanitize else []) + [manifest, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=HARD_TIMEOUT,
    )
    run = SimRun(proc)
    for bad in SANITIZER_ERRORS:
        assert bad not in run.err, str(run)
    assert "Traceback" not in run.err, str(run)
    if expect_rc is not None:
        assert run.rc == expect_rc, str(run)
    return run

