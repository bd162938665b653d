"""What tests/sim/test_sim_inspect.py and tests/qemu/test_inspect.py both
assert about `tessera inspect`, `trace` and `capture` (issue 13, "Tests"),
whatever runs the system: the simulator's --console-port or QEMU's
console through the hub. Counts and sequence numbers, never times."""
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESSERA = os.path.join(ROOT, "tessera")
sys.path.insert(0, os.path.join(ROOT, "codegen"))

from tessera.inspect import proto as ip  # noqa: E402
from tessera.reload import proto as rp  # noqa: E402

DEADLINE = 300  # seconds: a safety net for a loaded machine, never a pass/fail criterion
SILENCE = 3.0  # seconds a garbage frame is given to be (wrongly) answered


def tool(*args, check=True):
    """`./tessera ARGS`: (exit status, stdout, stderr); no traceback ever."""
    if "--port" in args:  # a vCPU of a loaded host may stall for seconds: a patient resend
        args += ("--timeout", "5")
    r = subprocess.run([TESSERA, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=DEADLINE)
    assert "Traceback" not in r.stderr, r.stderr
    if check:
        assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.returncode, r.stdout, r.stderr


def inspect_json(url, what, *extra):
    return json.loads(tool("inspect", "--port", url, what, "--json", *extra)[1])


def check_system(url, name, ncores, shard_names, channel_names, arch):
    s = inspect_json(url, "system")
    assert (s["name"], s["arch"], s["cores"], s["shards"], s["channels"]) == (
        name, arch, ncores, len(shard_names), len(channel_names)), s
    assert s["protocol"] == ip.VERSION and s["trace_entries"] == 256 and s["tick_ns"] == 1000000, s
    assert re.fullmatch(r"[0-9a-f]{64}", s["manifest_hash"]) and re.fullmatch(r"[0-9a-f]{40}", s["build_id"]), s
    parts = [p["name"] for p in s["image"]]
    assert parts == (["kernel"] if arch != "host" else []) + list(shard_names), parts
    assert all(re.fullmatch(r"[0-9a-f]{64}", p["sha256"]) and p["size"] > 0 for p in s["image"]), s["image"]
    return s


def check_pipeline(url, lines, count_rx=r"shard:sink\| count=(\d+) last_seq=(\d+)", cores=4, idle_core=3):
    """The example pipeline (gen -> filter -> sink): inspect's figures
    against the counts the sink prints (`lines()`: the console so far),
    exact where they cannot move (names, cores, versions, no faults),
    bounded where they do: what the sink printed before a query is at most
    what the query says was consumed, which is at most what the sink
    prints after it."""
    before = max(int(m.group(1)) for m in map(re.compile(count_rx).search, lines()) if m)
    sh = {s["name"]: s for s in inspect_json(url, "shards")}
    ch = {c["name"]: c for c in inspect_json(url, "channels")}
    co = inspect_json(url, "cores")
    start = len(lines())
    assert set(sh) >= {"gen", "filter", "sink"}, sh
    for name, core in (("gen", 0), ("filter", 1), ("sink", 2)):
        s = sh[name]
        assert (s["core"], s["version"], s["faults"], s["hangs"], s["restarts"]) == (core, 1, 0, 0, 0), s
        assert s["state"] in ("running", "waiting") and s["runs"] >= s["yields"] >= 1, s
    assert sh["filter"]["notify_recv"] >= 1 and sh["sink"]["notify_recv"] >= 1, sh
    g, f = ch["gen_to_filter"], ch["filter_to_sink"]
    assert (g["from"], g["to"], f["from"], f["to"]) == ("gen", "filter", "filter", "sink"), ch
    for c in (g, f):
        assert c["produced"] >= c["consumed"] and c["produced"] - c["consumed"] <= c["slots"], c
        assert 0 <= c["occupancy"] <= c["slots"] and c["high_water"] <= c["slots"], c
    assert f["consumed"] >= before, (f, before)
    # A count the sink prints after the answer covers what it had consumed.
    deadline = time.monotonic() + DEADLINE
    while True:
        after = [int(m.group(1)) for m in map(re.compile(count_rx).search, lines()[start:]) if m]
        if after:
            break
        assert time.monotonic() < deadline, "the sink printed no count after the queries"
        time.sleep(0.2)
    assert f["consumed"] <= after[-1] + 100000, (f, after)  # it prints every 100 000
    assert [c["id"] for c in co] == list(range(cores)), co
    assert co[0]["current"] in ("gen", None) and co[1]["current"] in ("filter", None), co
    if idle_core is not None:  # a core without shards is never busy
        assert co[idle_core]["current"] is None and co[idle_core]["busy_ns"] == 0, co
    assert all(c["ticks"] >= 1 for c in co), co
    return sh, ch, co


def check_trace_json(path, shard_names, ncores):
    """Chrome trace-event JSON: one named thread per core, every event on
    a core's track in time order, slices named after shards."""
    with open(path) as f:
        doc = json.load(f)
    ev = doc["traceEvents"]
    threads = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
    assert all(threads[t] == "core %d" % t and 0 <= t < ncores for t in threads), threads
    timed = [e for e in ev if e["ph"] in ("X", "i")]
    assert timed and {e["tid"] for e in timed} <= set(threads), timed[:5]
    for tid in threads:
        ts = [e["ts"] for e in timed if e["tid"] == tid]
        assert ts == sorted(ts), "core %d's events out of order" % tid
    assert {e["name"] for e in timed if e["ph"] == "X"} <= set(shard_names)
    assert all(e["dur"] >= 0 for e in timed if e["ph"] == "X")
    return timed


def check_crash(url, shard, source, line_text, *extra, caller="shard_poll"):
    """`inspect crashes`: shard's record symbolized, its first frame the
    line of `source` holding `line_text`, `caller` among the frames."""
    with open(source) as f:
        want = 1 + [i for i, ln in enumerate(f) if line_text in ln][0]
    crashes = {c["shard"]: c["crash"] for c in inspect_json(url, "crashes", *extra)}
    rec = crashes[shard]
    assert rec and rec["count"] >= 1 and rec["addr"] == 0, rec
    top = rec["backtrace"][0]
    assert top["line"] == "%s:%d" % (os.path.basename(source), want), rec["backtrace"]
    assert any(f.get("function") == caller for f in rec["backtrace"]), rec["backtrace"]
    _, text, _ = tool("inspect", "--port", url, "crashes", *extra)
    assert "%s:%d" % (os.path.basename(source), want) in text, text
    return rec


# ---- the protocol itself: garbage and floods ----

def connect(url):
    host, port = url[len("socket://"):].rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=DEADLINE)


def answers(sock, seconds):
    """ANSWER frames that arrive within `seconds` (the console's text and
    other frames dropped)."""
    split, got = rp.StreamSplitter(), []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        if not data:
            break
        got += [f for kind, f in split.feed(data) if kind == "frame" and f.type == ip.ANSWER]
    return got


def query(seq, what, ident=0, off=0, cursor=0):
    return rp.host_frame(ip.QUERY, seq, struct.pack("<BHHQ", what, ident, off, cursor))


def garbage_frames():
    """Frames the kernel must not answer: (what they are, bytes)."""
    good = query(7001, ip.SYSTEM)
    body = bytearray(good)
    body[len(body) // 2] ^= 0x20  # a flipped bit: the CRC fails
    return [
        ("random bytes", bytes(range(2, 200)) * 3),
        ("truncated: cut before its end", good[:-4]),
        ("truncated: payload 12 bytes", rp.host_frame(ip.QUERY, 7002, struct.pack("<BHHQ", 1, 0, 0, 0)[:-1])),
        ("payload 14 bytes", rp.host_frame(ip.QUERY, 7003, struct.pack("<BHHQ", 1, 0, 0, 0) + b"x")),
        ("bad CRC", bytes(body) + b"\x00"),
        ("unknown record", query(7004, 99)),
        ("record 0", query(7005, 0)),
        ("an ANSWER sent to the kernel", rp.host_frame(ip.ANSWER, 7006, b"\x01\x00\x00\x00")),
        ("empty frame", b"\x01\x00"),
        ("SOH run", b"\x01" * 600 + b"\x00"),
    ]


def check_garbage(url, state):
    """Each garbage frame gets no answer, and `state()` (what the system
    shows of its shards: names, states, versions, faults, restarts) is the
    same before and after; a good query then is answered."""
    before = state()
    with connect(url) as s:
        for what, frame in garbage_frames():
            s.sendall(frame)
            got = answers(s, SILENCE)
            assert got == [], "%s was answered: %r" % (what, got)
        s.sendall(query(7100, ip.SYSTEM))
        deadline = time.monotonic() + DEADLINE
        got = []
        while not got:
            assert time.monotonic() < deadline, "a good query after the garbage got no answer"
            got = [f for f in answers(s, 2.0) if f.seq == 7100]
            if not got:
                s.sendall(query(7100, ip.SYSTEM))
    assert ip.answer(got[0])[:2] == (ip.SYSTEM, ip.OK)
    assert state() == before


def flood(url, n):
    """n queries back to back without waiting for answers; returns how many
    were answered (each query is answered once at most)."""
    with connect(url) as s:
        frames = b"".join(query(20000 + i, (ip.SHARD, ip.CHANNEL, ip.CORE, ip.TRACE)[i % 4]) for i in range(n))
        s.sendall(frames)
        got = answers(s, 10.0)
    seqs = [f.seq for f in got]
    assert len(seqs) == len(set(seqs)) and all(20000 <= q < 20000 + n for q in seqs), seqs[:20]
    return len(seqs)


def shard_state(url):
    return sorted((s["name"], s["state"] if s["state"] != "running" else "waiting", s["version"], s["faults"],
                   s["hangs"], s["restarts"]) for s in inspect_json(url, "shards"))


def check_capture(url, channel, n, tmp, size, snaplen=None):
    """`tessera capture` of n frames; the pcap read back with scapy: n
    Ethernet/IPv4/UDP frames of `size` bytes on the wire to (or back from)
    the echo port, their first `snaplen` bytes (default: what one answer carries) kept."""
    from scapy.all import IP, UDP, rdpcap

    out = os.path.join(str(tmp), "cap-%s.pcap" % (snaplen or "default"))
    _, text, err = tool("capture", "--port", url, "--channel", channel, "-o", out, "--count", str(n), "--json",
                        *(("--snaplen", str(snaplen)) if snaplen else ()))
    summary = json.loads(text)
    assert summary["frames"] == n and summary["dropped"] >= 0, (summary, err)
    with open(out, "rb") as f:
        magic, major, minor, _, _, _, linktype = struct.unpack("<IHHiIII", f.read(24))
    assert (magic, major, minor, linktype) == (0xA1B2C3D4, 2, 4, 1)  # pcap 2.4, Ethernet
    pkts = rdpcap(out)
    assert len(pkts) == n
    for p in pkts:
        assert (p.wirelen, len(p)) == (size, min(size, snaplen or ip.CAPTURE_SNAP)), (p.wirelen, len(p))
        # zero copy: the next stage (echo) may already have turned the
        # frame around in its buffer while the descriptor still waits
        assert p.haslayer(IP) and p.haslayer(UDP) and 7 in (p[UDP].dport, p[UDP].sport), p.summary()
    return summary
