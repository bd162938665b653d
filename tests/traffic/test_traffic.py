"""`tessera traffic` against a stand-in guest (echo_guest.py): counts,
sequence checks, ARP, malformed frames, pcap output, JSON, and errors as
one line (never a traceback)."""
import json
import os
import socket
import subprocess

import pytest

from echo_guest import EchoGuest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESSERA = os.path.join(ROOT, "tessera")


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def traffic(guest, *args, expect_rc=0):
    bind = ("127.0.0.1", free_port())
    guest.peer = bind
    r = subprocess.run([TESSERA, "traffic", "--guest", "%s:%d" % guest.addr, "--bind", "%s:%d" % bind, *args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == expect_rc, r.stderr
    return r


def figures(guest, *args):
    return json.loads(traffic(guest, "--json", *args).stdout)


def test_every_frame_back_in_order():
    with EchoGuest() as g:
        f = figures(g, "--count", "5000", "--size", "60-1514", "--window", "64")
    assert (f["sent"], f["received"], f["lost"], f["reordered"], f["duplicated"], f["corrupted"], f["late"],
            f["unexpected"]) == (5000, 5000, 0, 0, 0, 0, 0, 0)
    assert g.echoed == 5000 and g.dropped == 0
    assert 0 < f["rtt_us"]["p50"] <= f["rtt_us"]["p99"] <= f["rtt_us"]["max"]


def test_paced_and_bursty():
    with EchoGuest() as g:
        paced = figures(g, "--count", "300", "--rate", "3000")
        bursty = figures(g, "--count", "300", "--rate", "3000", "--burst", "30")
    for f in (paced, bursty):
        assert (f["sent"], f["received"], f["lost"]) == (300, 300, 0)


def test_faults_are_counted():
    with EchoGuest(drop=10, corrupt=11, dup=13) as g:
        f = figures(g, "--count", "1000", "--window", "64", "--timeout", "1.5")
    # Frame i (from 1) to the guest is seq i-1; one fault per frame, the
    # first that applies: drop, corrupt, send twice.
    n = set(range(1, 1001))
    dropped = {i for i in n if i % 10 == 0}
    corrupt = {i for i in n if i % 11 == 0} - dropped
    doubled = {i for i in n if i % 13 == 0} - dropped - corrupt
    assert (f["sent"], f["corrupted"], f["lost"]) == (1000, len(corrupt), len(dropped) + len(corrupt))
    assert (f["duplicated"], f["reordered"], f["late"]) == (len(doubled), 0, 0)


def test_reordering_is_counted():
    with EchoGuest(swap=7) as g:  # every 7th echo held back behind the next
        f = figures(g, "--count", "1000", "--window", "16")
    assert (f["received"], f["reordered"], f["lost"]) == (1000, 1000 // 7, 0)


def test_arp_and_malformed(tmp_path):
    pcap = tmp_path / "t.pcap"
    with EchoGuest() as g:
        f = figures(g, "--arp", "--guest-mac", "00:00:00:00:00:01", "--count", "200", "--malformed", "2",
                    "--pcap", str(pcap))
    assert f["arp"]["mac"] == "52:54:00:12:34:56" and f["arp"]["ip"] == "10.0.0.2"
    assert (f["received"], f["lost"], f["unexpected"]) == (200, 0, 0)
    kinds = ("short", "ethertype", "ihl", "ip-length", "ip-checksum", "not-udp", "port")
    assert f["malformed_sent"] == {k: 2 for k in kinds}
    assert g.dropped == 14 and g.arp == 1
    from scapy.utils import rdpcap
    from scapy.layers.inet import UDP
    pkts = rdpcap(str(pcap))
    assert len(pkts) == 2 + 200 + 14 + 200  # ARP request and reply, frames, malformed, echoes
    assert sum(1 for p in pkts if UDP in p and p[UDP].dport == 40000) == 200


def test_answers_arp():
    with EchoGuest(ask=bytes([10, 0, 0, 1])) as g:
        f = figures(g, "--count", "100", "--answer-arp", "--mac", "02:00:00:00:00:07")
    assert f["arp_answered"] == 1 and (f["received"], f["unexpected"]) == (100, 0)
    assert g.answer == (bytes.fromhex("020000000007"), bytes([10, 0, 0, 1]))


def test_counters_query():
    with EchoGuest(ports=(7, 9)) as g:
        asked = figures(g, "--count", "10", "--query", "9", "--timeout", "5")
        unanswered = figures(g, "--count", "10", "--query", "8", "--timeout", "0.3")
    assert asked["query_answered"] is True and unanswered["query_answered"] is False
    assert (asked["received"], asked["unexpected"]) == (10, 0)


def test_text_report():
    with EchoGuest() as g:
        out = traffic(g, "--count", "100").stdout.splitlines()
    assert out[0] == "traffic| sent 100 received 100 lost 0 reordered 0 duplicated 0 corrupted 0 late 0 unexpected 0"
    assert out[1].startswith("traffic| ") and " packets/s sent, " in out[1] and " rtt p50 " in out[1]


def test_nothing_answers():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    r = subprocess.run([TESSERA, "traffic", "--guest", "127.0.0.1:%d" % s.getsockname()[1], "--bind",
                        "127.0.0.1:%d" % free_port(), "--count", "20", "--timeout", "0.2", "--json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    s.close()
    f = json.loads(r.stdout)
    assert r.returncode == 0 and (f["sent"], f["received"], f["lost"]) == (20, 0, 20)


@pytest.mark.parametrize("args,msg", [
    (["--size", "59"], "--size: 59 is outside 60..1514 (or MIN > MAX)"),
    (["--size", "100-90"], "--size: 100-90 is outside 60..1514 (or MIN > MAX)"),
    (["--size", "big"], "--size: 'big' is not BYTES or MIN-MAX"),
    (["--guest", "localhost"], "--guest: 'localhost' is not HOST:PORT (e.g. 127.0.0.1:5555)"),
    (["--guest-mac", "52:54"], "--guest-mac: '52:54' is not a MAC address like 52:54:00:12:34:56"),
    (["--count", "0"], "--count must be at least 1"),
    (["--rate", "-1"], "--rate must be more than 0"),
    (["--port", "70000"], "--port must be 1..65535"),
    (["--arp", "--timeout", "0.3"], "no ARP reply from 10.0.0.2 within 0.3s"),
])
def test_errors(args, msg):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    argv = [TESSERA, "traffic", "--guest", "127.0.0.1:%d" % s.getsockname()[1], "--bind",
            "127.0.0.1:%d" % free_port()] + args
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    s.close()
    assert (r.returncode, r.stderr.strip()) == (1, "tessera: error: " + msg)


def test_bind_in_use():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    r = subprocess.run([TESSERA, "traffic", "--bind", "127.0.0.1:%d" % port], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60)
    s.close()
    assert (r.returncode, r.stderr.strip()) == (1, "tessera: error: cannot bind udp 127.0.0.1:%d: Address already in "
                                                "use" % port)
