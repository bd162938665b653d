"""`./tessera reload` end to end: the real host tool on a pty whose other
end is kern/reload (tests/reload/driver.c), with faults injected on the
wire; exact exit codes and messages."""
import hashlib
import json
import os
import pty
import struct
import subprocess
import tty

import pytest

from reload_fixture import FILTER, KEY, MANIFEST_HASH, ROOT
from tessera.reload import package as rpk

PAYLOAD = bytes((i * 7) & 0xFF for i in range(2500))


def pkg(key=KEY, version=5):
    return rpk.build_package("filter", MANIFEST_HASH, FILTER["mem_pa"], FILTER["mem_va"], PAYLOAD, version, key, 1)


def reload(driver, tool_args, driver_args=()):
    """Run the driver on a pty and `tessera reload` on its other end.
    Returns (exit code, tool stdout, tool stderr, driver stderr)."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    d = subprocess.Popen([driver, *driver_args], stdin=master, stdout=master, stderr=subprocess.PIPE)
    os.close(master)
    try:
        r = subprocess.run([os.path.join(ROOT, "tessera"), "reload", "--port", os.ttyname(slave), *tool_args],
                           capture_output=True, timeout=60)
    finally:
        os.close(slave)  # hang up: the driver reads EIO and exits
        try:
            derr = d.communicate(timeout=30)[1]
        finally:
            if d.poll() is None:
                d.kill()
                d.wait()
    return r.returncode, r.stdout.decode(), r.stderr.decode(), derr.decode()


@pytest.fixture
def files(tmp_path):
    (tmp_path / "ok.tpk").write_bytes(pkg())
    (tmp_path / "forged.tpk").write_bytes(pkg(key=bytes(32)))
    (tmp_path / "filter.bin").write_bytes(PAYLOAD)
    (tmp_path / "dev.key").write_text(KEY.hex() + "\n")
    (tmp_path / "layout.json").write_text(json.dumps({
        "name": "reloadtest", "manifest_hash": MANIFEST_HASH.hex(),
        "shards": {"filter": {k: hex(v) for k, v in FILTER.items()}}}))
    return tmp_path


APPLIED = "driver| apply 'filter' version 5 (2500 bytes) exec 1 sha256 %s\n" % hashlib.sha256(PAYLOAD).hexdigest()


def test_accepted(driver, files):
    code, out, err, derr = reload(driver, ["--shard", "filter", str(files / "ok.tpk")])
    assert code == 0, err
    # (pyserial flushes input on open: the banner may or may not be seen.)
    assert out.replace("kern| driver ready\n", "") == (
                   "kern| reload: receiving 'filter' (%d bytes)\n"
                   "kern| reload: verified 'filter' version 5 (2500 bytes), handing it to the swap\n"
                   "kern| reload: 'filter' now runs version 5\n"
                   "reload| accepted: shard 'filter' now runs version 5\n" % (len(PAYLOAD) + rpk.PKG_OVERHEAD))
    assert derr == APPLIED
    # Not a terminal: the progress bar reports every quarter, ending at 100%.
    lines = err.splitlines()
    assert len(lines) == 5 and lines[-1].startswith("[%s]    2.6/2.6 KiB  " % ("#" * 30))


def test_flat_binary_is_signed_with_the_device_key(driver, files):
    code, out, err, derr = reload(driver, ["--shard", "filter", "--layout", str(files / "layout.json"), "--key",
                                           str(files / "dev.key"), "--image-version", "5", "--exec-pages", "1",
                                           str(files / "filter.bin")])
    assert code == 0, err
    assert derr == APPLIED


def test_write_package_only(files):
    r = subprocess.run([os.path.join(ROOT, "tessera"), "reload", "--shard", "filter", "--layout",
                        str(files / "layout.json"), "--key", str(files / "dev.key"), "--image-version", "5",
                        "--exec-pages", "1", str(files / "filter.bin"), "-o", str(files / "out.tpk")],
                       capture_output=True)
    assert r.returncode == 0 and r.stderr == b""
    assert r.stdout.decode() == "reload| wrote %s (%d bytes, shard 'filter')\n" % (files / "out.tpk", len(pkg()))
    assert (files / "out.tpk").read_bytes() == pkg()


@pytest.mark.parametrize("fault", [
    ["--corrupt-frame", "3"],  # DATA 2 damaged: NAK, resent at once
    ["--drop-frame", "4"],     # DATA 3 lost: no answer, resent after the timeout
    ["--drop-reply", "3"],     # the ACK of DATA 2 lost: resent, ACKed again as a duplicate
])
def test_one_fault_costs_one_resend(driver, files, fault):
    code, out, err, derr = reload(driver, ["--shard", "filter", "--ack-timeout", "0.5", str(files / "ok.tpk")],
                                  fault)
    assert code == 0, err
    assert out.endswith("reload| accepted: shard 'filter' now runs version 5 (1 frame resent)\n")
    assert derr == APPLIED  # applied once, with the right bytes


def test_refused_bad_signature(driver, files):
    code, out, err, derr = reload(driver, ["--shard", "filter", str(files / "forged.tpk")])
    assert code == 3
    assert "kern| reload: refused 'filter': bad signature\n" in out
    assert err.endswith("reload| refused: bad signature\n")
    assert derr == ""


def test_refused_at_begin_unknown_shard(driver, files):
    p = rpk.build_package("router", MANIFEST_HASH, 0, 0, b"x", 1, KEY)
    (files / "router.tpk").write_bytes(p)
    code, out, err, _ = reload(driver, ["--shard", "router", str(files / "router.tpk")])
    assert code == 3 and err == "reload| refused: unknown shard 'router'\n"


def test_kernel_goes_deaf_timeout_and_both_sides_abandon(driver, files):
    # The kernel hears nothing after frame 2; its stall timer (3 s of its
    # clock, run 100x fast here) drops the transfer while the host retries.
    code, out, err, derr = reload(driver, ["--shard", "filter", "--ack-timeout", "0.3", "--retries", "2",
                                           str(files / "ok.tpk")], ["--deaf-after", "2", "--clock-scale", "100"])
    assert code == 5
    assert err.splitlines()[-1] == "reload| timeout: no answer from the kernel to DATA 2 after 3 tries (0.3s each)"
    assert "kern| reload: abandoned (stalled)\n" in out
    assert derr == ""


def test_port_cannot_be_opened(files):
    r = subprocess.run([os.path.join(ROOT, "tessera"), "reload", "--port", str(files / "no-such-tty"), "--shard",
                        "filter", str(files / "ok.tpk")], capture_output=True)
    assert r.returncode == 4
    assert r.stderr.decode().startswith("reload| transfer failed: cannot open %s" % (files / "no-such-tty"))


def test_user_errors_are_one_line(files):
    t = os.path.join(ROOT, "tessera")
    r = subprocess.run([t, "reload", "--port", "x", "--shard", "filter", str(files / "missing.bin")],
                       capture_output=True)
    assert (r.returncode, r.stderr.decode()) == (1, "tessera: error: %s: no such file\n" % (files / "missing.bin"))
    r = subprocess.run([t, "reload", "--port", "x", "--shard", "sink", str(files / "ok.tpk")], capture_output=True)
    assert r.returncode == 1
    assert r.stderr.decode() == "tessera: error: %s is a package for shard 'filter', not 'sink'\n" % (files / "ok.tpk")
    r = subprocess.run([t, "reload", "--port", "x", "--shard", "filter", "--layout", str(files / "layout.json"),
                        "--key", str(files / "nokey"), str(files / "filter.bin")], capture_output=True)
    assert r.returncode == 1 and "cannot read reload key" in r.stderr.decode()
    assert b"Traceback" not in r.stderr


def test_layout_defaults_to_the_build_output(files):
    t = os.path.join(ROOT, "tessera")
    r = subprocess.run([t, "reload", "--shard", "filter", "--out", str(files / "nobuild"), "--exec-pages", "1",
                        str(files / "filter.bin"), "-o", str(files / "x.tpk")], capture_output=True)
    assert r.returncode == 1
    assert r.stderr.decode() == ("tessera: error: signing %s needs the running system's layout: %s (from `tessera "
                                 "build`) is missing; pass --layout FILE\n"
                                 % (files / "filter.bin", files / "nobuild" / "layout.json"))
    # OUT/layout.json and OUT/<system>.key, as `tessera build -o OUT` leaves them.
    os.rename(files / "layout.json", files / "out_layout.json")
    (files / "b").mkdir()
    os.rename(files / "out_layout.json", files / "b" / "layout.json")
    (files / "b" / "reloadtest.key").write_text(KEY.hex() + "\n")
    r = subprocess.run([t, "reload", "--shard", "filter", "--out", str(files / "b"), "--image-version", "5",
                        "--exec-pages", "1", str(files / "filter.bin"), "-o", str(files / "x.tpk")],
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    assert (files / "x.tpk").read_bytes() == pkg()


def test_three_faults_in_one_transfer(driver, files):
    code, out, err, derr = reload(driver, ["--shard", "filter", "--ack-timeout", "0.5", str(files / "ok.tpk")],
                                  ["--corrupt-frame", "2", "--drop-reply", "6", "--drop-frame", "9"])
    assert code == 0, err
    assert out.endswith("reload| accepted: shard 'filter' now runs version 5 (3 frames resent)\n")
    assert derr == APPLIED


def test_socket_url(driver, files):
    """socket://127.0.0.1:PORT, as a board's UART exported by a terminal
    server or QEMU's `-serial tcp:...,server` looks to the tool."""
    import socket
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    d = subprocess.Popen([driver], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def bridge():
        conn, _ = srv.accept()
        conn.settimeout(30)

        def up():  # driver -> tool
            while True:
                b = os.read(d.stdout.fileno(), 4096)
                if not b:
                    return
                conn.sendall(b)
        t = threading.Thread(target=up, daemon=True)
        t.start()
        try:
            while True:
                b = conn.recv(4096)
                if not b:
                    break
                d.stdin.write(b)
                d.stdin.flush()
        finally:
            d.stdin.close()
            conn.close()

    th = threading.Thread(target=bridge, daemon=True)
    th.start()
    try:
        r = subprocess.run([os.path.join(ROOT, "tessera"), "reload", "--port", "socket://127.0.0.1:%d"
                            % srv.getsockname()[1], "--shard", "filter", str(files / "ok.tpk")],
                           capture_output=True, timeout=60)
        th.join(30)
    finally:
        srv.close()
        if not d.stdin.closed:
            d.stdin.close()
        try:
            d.wait(timeout=30)
        finally:
            if d.poll() is None:
                d.kill()
                d.wait()
    derr = d.stderr.read().decode()
    d.stdout.close()
    d.stderr.close()
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().endswith("reload| accepted: shard 'filter' now runs version 5\n")
    assert derr == APPLIED


def _write_pkg(files, src, *extra):
    return subprocess.run([os.path.join(ROOT, "tessera"), "reload", "--shard", "filter", "--layout",
                           str(files / "layout.json"), "--key", str(files / "dev.key"), "--image-version", "5",
                           str(src), "-o", str(files / "out.tpk"), *extra], capture_output=True)


def test_part_taken_from_a_tessera_image(files):
    from tessera import image

    def img(mhash):
        parts = [struct.pack(image.PART_FMT, b"kernel", image.KIND_KERNEL, 0, 0, 64, 0x40200000, bytes(32)),
                 struct.pack(image.PART_FMT, b"filter", image.KIND_SHARD, 1, 4096, len(PAYLOAD), FILTER["mem_pa"],
                             hashlib.sha256(PAYLOAD).digest())]
        hdr = struct.pack(image.HDR_FMT, image.MAGIC, 1, 2, 4096 + len(PAYLOAD), image.HDR_SIZE + 2 * 96, mhash,
                          bytes(32))
        data = bytearray(4096 + len(PAYLOAD))
        data[256:256 + len(hdr) + 192] = hdr + b"".join(parts)
        data[4096:] = PAYLOAD
        return bytes(data)
    (files / "sys.img").write_bytes(img(MANIFEST_HASH))
    r = _write_pkg(files, files / "sys.img")
    assert r.returncode == 0, r.stderr
    assert (files / "out.tpk").read_bytes() == pkg()
    (files / "other.img").write_bytes(img(bytes(32)))
    r = _write_pkg(files, files / "other.img")
    assert (r.returncode, r.stderr.decode()) == (
        1, "tessera: error: %s was built from another manifest than the plan's\n" % (files / "other.img"))


def test_shard_elf_is_flattened(files, tmp_path):
    src = tmp_path / "s.c"
    src.write_text("const unsigned char blob[2500] = {%s};\nvoid _tess_start(void) { for (;;) ; }\n"
                   % ", ".join(str(b) for b in PAYLOAD))
    elf = tmp_path / "filter.elf"

    def link(va):
        (tmp_path / "s.ld").write_text("SECTIONS { . = 0x%x; .rodata : { *(.rodata*) } .text : { *(.text*) }\n"
                                       ". = ALIGN(4096); __tess_exec_end = .; }\n" % va)
        cc = subprocess.run(["clang", "--target=aarch64-none-elf", "-nostdlib", "-ffreestanding", "-fuse-ld=lld",
                             "-Wl,-T," + str(tmp_path / "s.ld"), "-Wl,-e,_tess_start", "-o", str(elf), str(src)],
                            capture_output=True)
        assert cc.returncode == 0, cc.stderr
    link(FILTER["mem_va"])
    r = _write_pkg(files, elf)
    assert r.returncode == 0, r.stderr
    info = rpk.parse_package((files / "out.tpk").read_bytes())
    assert (info["name"], info["load_va"], info["load_pa"], info["exec_pages"]) == (
        "filter", FILTER["mem_va"], FILTER["mem_pa"], 1)
    assert (files / "out.tpk").read_bytes()[rpk.PKG_HDR:rpk.PKG_HDR + 2500] == PAYLOAD
    # Linked somewhere else: refused before anything is sent.
    link(0x700000000000)
    r = _write_pkg(files, elf)
    assert (r.returncode, r.stderr.decode()) == (1, "tessera: error: %s is linked at 0x700000000000, but shard "
                                                    "'filter' is planned at 0x600000000000\n" % elf)


def test_flat_binary_needs_exec_pages(files):
    r = subprocess.run([os.path.join(ROOT, "tessera"), "reload", "--shard", "filter", "--layout",
                        str(files / "layout.json"), "--key", str(files / "dev.key"), str(files / "filter.bin"),
                        "-o", str(files / "x.tpk")], capture_output=True)
    assert (r.returncode, r.stderr.decode()) == (
        1, "tessera: error: %s is a flat binary, which does not say how much of it is code: pass --exec-pages N "
           "(pages of code and read-only data from its start)\n" % (files / "filter.bin"))
