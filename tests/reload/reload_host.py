"""Host-side pieces of the end-to-end reload tests, shared by the simulator's
(tests/reload/test_sim_reload.py) and QEMU's (tests/qemu/test_reload.py):
signed test packages, a transfer the host gives up half way, and a proxy
that corrupts one byte of a real `tessera reload` transfer.

Each works on a console URL (`socket://127.0.0.1:PORT`), so it does not
care whether a simulator or QEMU (through tests/qemu/console_hub.py) is on
the other end."""
import os
import socket
import struct
import threading

import reload_fixture  # noqa: F401  (puts codegen/ on sys.path)
from tessera.reload import link as rl
from tessera.reload import package as rpk
from tessera.reload import proto as rp

# A payload the verifier accepts up to the swap (the checks never look
# inside it): the refusal tests send it.
DUMMY_PAYLOAD = b"\x7fELF" + bytes(1020)


def write_package(directory, lay, key, name="filter", payload=DUMMY_PAYLOAD, mhash=None, version=99, place="filter"):
    """Sign `payload` as shard `name`'s package with `key` and the layout
    `lay` (reload_image.read_layout) and write it into `directory`; returns
    the path. A name the layout lacks is placed like shard `place`."""
    at = lay["shards"].get(name, lay["shards"][place])
    pkg = rpk.build_package(name, mhash if mhash is not None else lay["manifest_hash"], at["mem_pa"],
                            at["mem_va"], payload, version, key)
    path = os.path.join(str(directory), "%s-%d-v%d.tpk" % (name, len(pkg), version))
    with open(path, "wb") as f:
        f.write(pkg)
    return path


def partial_transfer(url, pkg, name, then, fraction=0.5, ack_timeout=1.0):
    """Open a transfer of `pkg` for shard `name` on the console at `url`,
    send the first `fraction` of it (whole chunks), then
      "end":   send END early: returns the kernel's Outcome (refused, truncated);
      "abort": send ABORT (what `tessera reload` does when it gives up);
      "stop":  just go away, leaving the kernel to its stall timeout.
    Each frame is ACKed before the next goes (asserted). The ACK timeout
    must stay well below the kernel's stall timeout (3 s): a frame or ACK
    that goes missing is then resent before the kernel gives up."""
    import serial

    port = serial.serial_for_url(url, timeout=0.02)
    try:
        link = rl.Link(port)

        def exchange(ftype, seq, payload=b""):
            return rl._exchange(link, ftype, seq, payload, ack_timeout, 8)

        assert exchange(rp.BEGIN, 0, struct.pack("<I", len(pkg)) + name.encode()) is None
        upto = int(len(pkg) * fraction) // rp.CHUNK * rp.CHUNK
        seq = 0
        for off in range(0, upto, rp.CHUNK):
            seq += 1
            assert exchange(rp.DATA, seq, struct.pack("<I", off) + pkg[off:off + rp.CHUNK]) is None
        seq += 1
        if then == "end":
            return exchange(rp.END, seq) or rl._await_result(link, seq, ack_timeout, 30.0)
        if then == "abort":
            assert exchange(rp.ABORT, seq) is None
        else:
            assert then == "stop", then
        return None
    finally:
        port.close()


class Proxy:
    """Forwards one TCP connection to the console at `url`. Subclasses see
    each chunk on its way: `to_kernel(data)` (the host's bytes) and
    `to_host(data)` (the console's), returning what to pass on; `chunk` is
    how much of the console's stream is read at a time."""

    chunk = 4096

    def __init__(self, url):
        self.target = ("127.0.0.1", int(url.rsplit(":", 1)[1]))
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(1)
        self.url = "socket://127.0.0.1:%d" % self.lsock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def to_kernel(self, data):
        return data

    def to_host(self, data):
        return data

    def _pump(self, src, dst, size, see):
        try:
            while True:
                data = src.recv(size)
                if not data:
                    break
                dst.sendall(see(data))
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _serve(self):
        host, _ = self.lsock.accept()
        kern = socket.create_connection(self.target)
        threading.Thread(target=self._pump, args=(kern, host, self.chunk, self.to_host), daemon=True).start()
        self._pump(host, kern, 4096, self.to_kernel)


class CorruptingProxy(Proxy):
    """Flips one byte of the host's stream once `at` bytes have passed
    (inside a DATA frame): the kernel must NAK it as a bad frame, the host
    resend it."""

    def __init__(self, url, at):
        self.at, self.seen, self.flipped = at, 0, False
        super().__init__(url)

    def to_kernel(self, data):
        if not self.flipped and self.seen + len(data) > self.at:
            buf = bytearray(data)
            i = max(self.at - self.seen, 0)
            while i < len(buf) and (buf[i] in (0, 1) or buf[i] ^ 0x20 in (0, 1)):
                i += 1
            if i < len(buf):
                buf[i] ^= 0x20
                self.flipped = True
            data = bytes(buf)
        self.seen += len(data)
        return data


class SlowProxy(Proxy):
    """Passes the console's bytes at most `rate` bytes a second, like a slow
    serial line whose reader lags. `seen` collects what it passed on."""

    def __init__(self, url, rate):
        self.rate, self.seen = rate, bytearray()
        self.chunk = max(1, rate // 20)
        super().__init__(url)

    def to_host(self, data):
        import time

        self.seen += data
        time.sleep(len(data) / self.rate)
        return data
