"""A `tessera reload` session on a serial console (docs/reload.md): send
one package with the kernel's console echoed on stdout and a progress bar
on stderr; report the verdict as the exit code.

Exit codes: 0 accepted, 3 refused by the kernel (its reason is printed),
4 transfer failure, 5 timeout (the kernel stopped answering)."""
import sys
import time

from tessera.reload import link as reload_link

EXIT_REFUSED, EXIT_TRANSFER, EXIT_TIMEOUT = 3, 4, 5


class Progress:
    """`[#####.....]  12.0/45.3 KiB  3.1 KiB/s  ETA 0:11` on stderr: redrawn
    in place on a terminal, every quarter otherwise."""

    def __init__(self, stream, tty):
        self.stream, self.tty, self.t0, self.shown, self.quarter = stream, tty, time.monotonic(), False, -1
        self.drawn = 0.0

    def line(self, done, total):
        dt = max(time.monotonic() - self.t0, 1e-6)
        rate = done / dt
        eta = int((total - done) / rate) if rate > 0 else 0
        bar = "#" * (30 * done // total) if total else ""
        return "[%-30s] %6.1f/%.1f KiB  %.1f KiB/s  ETA %d:%02d" % (bar, done / 1024, total / 1024, rate / 1024,
                                                                   eta // 60, eta % 60)

    def update(self, done, total):
        if self.tty:
            now = time.monotonic()
            if done < total and now - self.drawn < 0.1:
                return  # at most 10 redraws a second
            self.drawn = now
            self.stream.write("\r\033[K" + self.line(done, total))
            self.shown = True
        elif total and 4 * done // total != self.quarter:
            self.quarter = 4 * done // total
            self.stream.write(self.line(done, total) + "\n")
        self.stream.flush()

    def clear(self):
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


class Console:
    """Echoes the kernel's console text on stdout, whole lines only while a
    progress bar is on screen, so the two never splice."""

    def __init__(self, out, progress):
        self.out, self.progress, self.held = out, progress, b""

    def text(self, data):
        self.held += data.replace(b"\r", b"")
        cut = self.held.rfind(b"\n") + 1
        if cut:
            self.progress.clear()
            self.out.write(self.held[:cut])
            self.out.flush()
            self.held = self.held[cut:]

    def flush(self):
        if self.held:
            self.out.write(self.held + b"\n")
            self.out.flush()
            self.held = b""


def _open(url, baud):
    import serial

    try:
        port = serial.serial_for_url(url, baudrate=baud, timeout=0.02, write_timeout=5)
    except (serial.SerialException, ValueError, OSError) as e:
        raise reload_link.LinkError("cannot open %s: %s" % (url, e))
    return port


def send(port_url, baud, shard, pkg, ack_timeout, retries, result_timeout):
    """Send `pkg` for `shard` over the console at `port_url`; the exit code."""
    progress = Progress(sys.stderr, sys.stderr.isatty())
    console = Console(sys.stdout.buffer, progress)
    try:
        port = _open(port_url, baud)
        try:
            link = reload_link.Link(port, console.text)
            out = reload_link.send_package(link, shard, pkg, ack_timeout, retries,
                                           result_timeout, progress.update)
            _drain(link, console)
        finally:
            port.close()
    except reload_link.LinkError as e:
        progress.clear()
        console.flush()
        print("reload| %s: %s" % ("timeout" if e.exit_code == EXIT_TIMEOUT else "transfer failed", e),
              file=sys.stderr)
        return e.exit_code
    except OSError as e:  # the port went away mid-transfer
        progress.clear()
        console.flush()
        print("reload| transfer failed: %s" % (e.strerror or e), file=sys.stderr)
        return EXIT_TRANSFER
    progress.clear()
    console.flush()
    resent = " (%d frame%s resent)" % (link.resends, "s"[:link.resends != 1]) if link.resends else ""
    if out.accepted:
        print("reload| accepted: shard '%s' now runs version %d%s" % (shard, out.version, resent))
        return 0
    print("reload| refused: %s" % out.reason, file=sys.stderr)
    return EXIT_REFUSED


def _drain(link, console):
    """Echo what the kernel printed right after its verdict (its log line)."""
    try:
        link.next_frame(link.clock() + 0.2)
    except OSError:
        pass
