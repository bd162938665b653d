"""A guest's console UART on a TCP socket, shared. QEMU's socket chardev
takes one client; the hub is that client: it hands the console's text
(frames left out) to `on_text` and relays the bytes of one downstream
client at a time both ways, so `tessera inspect`, `top`, `trace`,
`capture` and `reload --port socket://127.0.0.1:PORT` reach the system
while its console stays on the terminal (`tessera qemu --console-port`,
docs/inspect.md "QEMU"). The QEMU tests read the console through it too
(tests/qemu/console_hub.py)."""
import socket
import threading
import time

from tessera.errors import TesseraError
from tessera.reload import proto as rp


def free_port(kind=socket.SOCK_STREAM):
    """A port of 127.0.0.1 free right now (tcp, or udp with SOCK_DGRAM)."""
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def socket_console(argv, port):
    """A QEMU command line (backend/qemu.py) with the console UART on tcp
    127.0.0.1:port instead of stdio; QEMU waits for the hub before the
    guest starts."""
    i = argv.index("-nographic")
    return argv[:i] + ["-display", "none", "-monitor", "none",
                       "-chardev", "socket,id=con,host=127.0.0.1,port=%d,server=on,wait=on" % port,
                       "-serial", "chardev:con"] + argv[i + 1:]


class Hub:
    """Connects to QEMU's console socket (until `deadline` seconds pass or
    `alive()` turns false) and listens on 127.0.0.1:listen_port (0: any;
    self.port says which). start() runs it in daemon threads."""

    def __init__(self, qemu_port, on_text, listen_port=0, deadline=30.0, alive=lambda: True):
        self.on_text = on_text
        end = time.monotonic() + deadline
        while True:
            try:
                self.up = socket.create_connection(("127.0.0.1", qemu_port))
                break
            except OSError:
                if time.monotonic() > end or not alive():
                    raise TesseraError("QEMU's console socket never opened")
                time.sleep(0.05)
        self.split = rp.StreamSplitter()
        self.down, self.lock = None, threading.Lock()
        self.closed = threading.Event()
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.lsock.bind(("127.0.0.1", listen_port))
        except OSError as e:
            self.up.close()
            raise TesseraError("console port %d: %s" % (listen_port, e.strerror))
        self.lsock.listen(1)
        self.port = self.lsock.getsockname()[1]
        self.url = "socket://127.0.0.1:%d" % self.port

    def start(self):
        threading.Thread(target=self._from_qemu, daemon=True).start()
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _from_qemu(self):
        """Until QEMU closes the console (then self.closed is set)."""
        while True:
            try:
                data = self.up.recv(4096)
            except OSError:
                data = b""
            if not data:
                self.closed.set()
                self.on_text(b"")
                return
            text = b"".join(item for kind, item in self.split.feed(data) if kind == "text")
            if text:
                self.on_text(text.replace(b"\r", b""))
            with self.lock:
                down = self.down
            if down:
                try:
                    down.sendall(data)
                except OSError:
                    pass

    def _accept(self):
        while True:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            with self.lock:
                if self.down:
                    self.down.close()  # a new client replaces the old one
                self.down = c
            threading.Thread(target=self._to_qemu, args=(c,), daemon=True).start()

    def _to_qemu(self, c):
        while True:
            try:
                data = c.recv(4096)
            except OSError:
                data = b""
            if not data:
                break
            try:
                self.up.sendall(data)
            except OSError:
                break
        with self.lock:
            if self.down is c:
                self.down = None
        c.close()
