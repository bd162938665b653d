#!/usr/bin/python3
"""Hot-reload downtime in the simulator (bench/README.md, "Hot reload").

Runs tests/reload/sim/reload-pipeline.yaml (renamed reload-bench, not
sanitized) from a temporary copy, reloads the filter N times with
shards/examples/filter_v2 (`tessera reload --arch host`, version ids 2..N+1)
while traffic flows, and prints the kernel's downtime figures: from the stop
of the old version to the end of the new version's first entry after init
(`kern| reload: shard filter: downtime N ns`), transfer excluded. Also
checks the sink saw every sequence number once, in order.

    bench/sim_reload.py [-n 10]
"""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESSERA = os.path.join(ROOT, "tessera")
EX = os.path.join(ROOT, "shards", "examples")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10, help="reloads (default 10)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tessera-reload-bench-")
    for src, dst in (("pktgen", "gen"), ("filter_v2", "filter"), ("common", "common")):
        shutil.copytree(os.path.join(EX, src), os.path.join(tmp, dst))
    shutil.copytree(os.path.join(ROOT, "tests", "reload", "sim", "rsink"), os.path.join(tmp, "rsink"))
    with open(os.path.join(ROOT, "tests", "reload", "sim", "reload-pipeline.yaml")) as f:
        text = f.read().replace("name: reload-e2e", "name: reload-bench")
    manifest = os.path.join(tmp, "m.yaml")
    with open(manifest, "w") as f:
        f.write(text)
    sim = subprocess.Popen([TESSERA, "sim", "--console-port", "0", manifest], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, cwd=ROOT)
    lines, port = [], threading.Event()

    def read():
        for raw in sim.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            lines.append(line)
            m = re.match(r"sim\| console on tcp 127\.0\.0\.1:(\d+)$", line)
            if m:
                port.url = "socket://127.0.0.1:" + m.group(1)
                port.set()
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not port.wait(600):
            sys.exit("bench| the simulator did not start:\n" + "\n".join(lines[-30:]))
        for i in range(args.n):
            r = subprocess.run([TESSERA, "reload", "--arch", "host", "--manifest", manifest, "--shard", "filter",
                                "--port", port.url, "--image-version", str(i + 2)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                sys.exit("bench| reload %d failed:\n%s" % (i + 1, r.stdout.decode(errors="replace")))
    finally:
        sim.send_signal(signal.SIGINT)
        sim.wait()
        reader.join(10)
        shutil.rmtree(tmp, ignore_errors=True)
    downs = [int(m.group(1)) for m in (re.match(r"kern\| reload: shard filter: downtime (\d+) ns", x)
                                       for x in lines) if m]
    errors = [x for x in lines if "seq error" in x]
    size = os.path.getsize(os.path.join(ROOT, "build", "sim", "reload-bench", "sim", "shard_filter"))
    print("sim reload downtime (filter, %d-byte executable, %d reloads): min %.3f ms, median %.3f ms, max %.3f ms"
          % (size, len(downs), min(downs) / 1e6, statistics.median(downs) / 1e6, max(downs) / 1e6))
    print("sink: %s" % ("every sequence number once, in order" if not errors else "%d seq errors" % len(errors)))
    return 1 if errors or len(downs) != args.n else 0


if __name__ == "__main__":
    sys.exit(main())
