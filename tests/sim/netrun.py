"""Helpers for the simulator's network tests: the udp-echo example
(manifest/examples/udp-echo.yaml) under `tessera sim --sanitize --net`,
driven by `tessera traffic`. The simulator runs in the background with its
output collected by a thread; a test waits for console lines, runs the
tool, then stops the run (SIGINT) and reads the end-of-run tables."""
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

from simrun import EXAMPLES, HARD_TIMEOUT, ROOT, SANITIZER_ERRORS, TESSERA, SimRun

ECHO = os.path.join(EXAMPLES, "udp-echo.yaml")
STATS_PORT = 9  # classify's stats_port in the example
UP = r"^shard:net0\| virtio-net [0-9a-f:]+ up \(first start\)"
QUERY_DONE = r"^shard:net0\| stats\(query\) bad_id="


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def echo_variant(tmp, name, net0_config=""):
    """The example as tmp/NAME.yaml: its own name (its own build), the
    sources where they are, more net0 config, watchdogs a loaded host
    cannot trip (a watchdog restart would muddle exactly-once counts), and
    memory for a sanitized executable (a hot reload checks it fits)."""
    with open(ECHO) as f:
        text = f.read()
    text = text.replace("name: udp-echo\n", "name: %s\n" % name)
    text = text.replace("../../shards/", os.path.join(ROOT, "shards") + "/")
    text = text.replace("  defaults:\n", "  defaults:\n    watchdog: {timeout: 5s, on_hang: restart}\n")
    text = text.replace("memory: 128K", "memory: 1M")
    if net0_config:
        text = text.replace("config: {queue_size: 256, stats_ms: 0}",
                            "config: {queue_size: 256, stats_ms: 0, %s}" % net0_config)
        assert net0_config in text
    path = os.path.join(str(tmp), name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


class EchoSim:
    """`tessera sim --sanitize MANIFEST --net ...` in the background."""

    def __init__(self, manifest, *args, console_port=None):
        self.local, self.remote = free_udp_port(), free_udp_port()
        argv = [TESSERA, "sim", "--sanitize", manifest, "--duration", "%ds" % HARD_TIMEOUT,
                "--net", "local=127.0.0.1:%d,remote=127.0.0.1:%d" % (self.local, self.remote), *args]
        if console_port is not None:
            argv += ["--console-port", str(console_port)]
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out, self.err = [], []
        self._cv = threading.Condition()
        self._readers = [threading.Thread(target=self._read, args=(s, b), daemon=True)
                         for s, b in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for t in self._readers:
            t.start()
        self.result = None

    def _read(self, stream, lines):
        for line in stream:
            with self._cv:
                lines.append(line.rstrip("\n"))
                self._cv.notify_all()
        with self._cv:
            self._cv.notify_all()

    def wait_for(self, pattern, after=0, timeout=HARD_TIMEOUT):
        """The first stdout line from index `after` on matching `pattern`
        (the build comes first: the deadline is generous)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for line in self.out[after:]:
                    if rx.search(line):
                        return line
                left = deadline - time.monotonic()
                assert left > 0 and self.proc.poll() is None, "no line %r:\n%s\n%s" % (
                    pattern, "\n".join(self.out), "\n".join(self.err))
                self._cv.wait(min(left, 1.0))

    def traffic(self, *args):
        """`tessera traffic --json` against this simulator: its figures."""
        r = subprocess.run([TESSERA, "traffic", "--json", "--guest", "127.0.0.1:%d" % self.local, "--bind",
                            "127.0.0.1:%d" % self.remote, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=HARD_TIMEOUT)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        return json.loads(r.stdout)

    def stop(self):
        """SIGINT, then the whole output as a SimRun (no sanitizer report)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=HARD_TIMEOUT)
        for t in self._readers:
            t.join()
        done = subprocess.CompletedProcess(self.proc.args, self.proc.returncode, "\n".join(self.out) + "\n",
                                           "\n".join(self.err) + "\n")
        self.result = SimRun(done)
        for bad in SANITIZER_ERRORS:
            assert bad not in self.result.err, str(self.result)
        assert "Traceback" not in self.result.err, str(self.result)
        return self.result

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def counters(run, prefix):
    """key=value pairs of every `PREFIX ...` console line, merged (the
    last query's values)."""
    out = {}
    for line in run.lines:
        if line.startswith(prefix):
            out.update({k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line[len(prefix):])})
    return out


def device(run):
    """The network device's end-of-run counters (sim/dev/virtio_net.c)."""
    m = run.grep(r"^sim\| net virtio_mmio0: rx (\d+) frames, tx (\d+) frames; dropped: rx too big (\d+), "
                 r"rx empty (\d+), tx bad (\d+), tx send errors (\d+); driver errors (\d+)")
    assert len(m) == 1, str(run)
    d = dict(zip(("rx", "tx", "rx_toobig", "rx_empty", "tx_bad", "tx_err", "driver_errors"), map(int, m[0].groups())))
    m = run.grep(r"^sim\| net virtio_mmio0: misbehaving \(([\w-]+), every (\d+)\): injected rx (\d+), tx (\d+)$")
    if m:
        d.update(kind=m[0].group(1), every=int(m[0].group(2)), injected_rx=int(m[0].group(3)),
                 injected_tx=int(m[0].group(4)))
    return d
