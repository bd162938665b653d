"""`tessera inspect`, `top`, `trace`, `capture` against the simulator's
--console-port (issue 13), with ASan and UBSan in every process: the
figures agree with what the shards print (exact where they cannot move,
bounds otherwise), a fault_null crash symbolizes to its source line, the
trace JSON parses with every core's events in order, a capture of N
frames reads back as N frames, garbage and truncated query frames get no
answer and change nothing, and a flood of queries leaves the pipeline
counting. Counts, never times."""
import os
import re
import subprocess
import sys

from netrun import UP, EchoSim, echo_variant
from simrun import EXAMPLES, HARD_TIMEOUT, ROOT, TESSERA

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import inspect_checks as ic  # noqa: E402

CONSOLE = r"^sim\| console on tcp (127\.0\.0\.1:\d+)$"
COUNT = r"^shard:sink\| count=\d+ "


def pipeline(tmp, name):
    with open(os.path.join(EXAMPLES, "packet-pipeline.yaml")) as f:
        text = f.read().replace("name: packet-pipeline\n", "name: %s\n" % name)
    text = text.replace("../../shards/", os.path.join(ROOT, "shards") + "/")
    path = os.path.join(str(tmp), name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def url_of(sim):
    return "socket://" + re.search(CONSOLE, sim.wait_for(CONSOLE)).group(1)


def test_inspect_pipeline(tmp_path):
    with EchoSim(pipeline(tmp_path, "inspect-sim"), console_port=0, net=False) as sim:
        url = url_of(sim)
        sim.wait_for(COUNT)
        ic.check_system(url, "inspect-sim", 4, ("gen", "filter", "sink"), ("gen_to_filter", "filter_to_sink"),
                        "host")
        ic.check_pipeline(url, lambda: list(sim.out), cores=4)
        _, top, _ = ic.tool("top", "--port", url, "--count", "2", "--interval", "0.5")  # not a tty: plain
        assert top.count("tessera top: inspect-sim (host)") == 2 and "gen_to_filter" in top, top
        out = os.path.join(str(tmp_path), "run.json")
        ic.tool("trace", "--port", url, "-o", out)
        ic.check_trace_json(out, ("gen", "filter", "sink"), 4)
        ic.check_garbage(url, lambda: ic.shard_state(url))
        # A flood: every query answered at most once, and afterwards the
        # sink still counts and the channel has moved on.
        consumed = {c["name"]: c["consumed"] for c in ic.inspect_json(url, "channels")}["filter_to_sink"]
        assert ic.flood(url, 2000) >= 1
        start = len(sim.out)
        sim.wait_for(COUNT, after=start)
        later = {c["name"]: c["consumed"] for c in ic.inspect_json(url, "channels")}["filter_to_sink"]
        assert later > consumed
        run = sim.stop()
    assert run.shards()["sink"]["faults"] == 0 and run.rc == 0, str(run)


def test_inspect_crash_symbolized():
    manifest = os.path.join(EXAMPLES, "faults.yaml")
    with EchoSim(manifest, console_port=0, net=False) as sim:
        url = url_of(sim)
        sim.wait_for(r"^kern\| shard crash: halted")
        ic.check_crash(url, "crash", os.path.join(ROOT, "shards", "examples", "fault_null", "fault_null.c"),
                       "return *p;", "--manifest", manifest,
                       # GCC -O2 sets up no frame in a leaf that needs no stack
                       # (docs/inspect.md): read_null's caller is not in the
                       # chain; the runtime that called shard_poll is.
                       caller="tess_runtime_main")
        sim.stop()


def test_sim_trace_out(tmp_path):
    out = os.path.join(str(tmp_path), "sim.json")
    r = subprocess.run([TESSERA, "sim", "--sanitize", pipeline(tmp_path, "inspect-trace"), "--messages", "20000",
                        "--trace-out", out], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=HARD_TIMEOUT)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert re.search(r"^sim\| \d+ trace events to %s$" % re.escape(out), r.stderr, re.M), r.stderr
    timed = ic.check_trace_json(out, ("gen", "filter", "sink"), 4)
    assert {e["tid"] for e in timed} >= {0, 1, 2}


def test_capture(tmp_path):
    with EchoSim(echo_variant(tmp_path, "inspect-capture"), console_port=0) as sim:
        url = url_of(sim)
        sim.wait_for(UP)
        traffic = subprocess.Popen([TESSERA, "traffic", "--guest", "127.0.0.1:%d" % sim.local, "--bind",
                                    "127.0.0.1:%d" % sim.remote, "--count", "1000000", "--size", "1000", "--rate",
                                    "5000", "--window", "64", "--timeout", "5"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            ic.check_capture(url, "classify_to_echo", 20, tmp_path, 1000)
            ic.check_capture(url, "classify_to_echo", 3, tmp_path, 1000, snaplen=1000)
        finally:
            traffic.kill()
            traffic.wait()
        # not a packet channel by the convention: refused with its reason
        rc, _, err = ic.tool("capture", "--port", url, "--channel", "nope", "-o", os.path.join(str(tmp_path), "x"),
                             check=False)
        assert rc != 0 and "no channel 'nope'" in err
        sim.stop()
