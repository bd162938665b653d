"""`tessera reload --port PORT --shard NAME [IMAGE]`: replace one shard of a
running system over its serial console (docs/reload.md).

Exit codes: 0 accepted, 3 refused by the kernel (its reason is printed),
4 transfer failure, 5 timeout (the kernel stopped answering)."""
import os
import sys
import time

from tessera import reload_image, reload_link
from tessera import reload_package as rpk
from tessera import reload_proto as rp
from tessera.errors import TesseraError

EXIT_REFUSED, EXIT_TRANSFER, EXIT_TIMEOUT = 3, 4, 5


def add_parser(sub):
    p = sub.add_parser(
        "reload",
        help="hot-reload one shard over the serial console",
        description="Send a signed image of shard NAME to the running kernel on PORT and report its "
        "verdict. IMAGE may be a package (.tpk), a Tessera image, the shard's ELF or a flat binary; "
        "without IMAGE the shard is rebuilt from --manifest. Exit status: 0 accepted, 3 refused, "
        "4 transfer failure, 5 timeout.",
    )
    p.add_argument("image", metavar="IMAGE", nargs="?", help="what to send (default: rebuild the shard)")
    p.add_argument("--port", metavar="PORT", help="serial device or pyserial URL (socket://HOST:PORT, ...)")
    p.add_argument("--shard", metavar="NAME", required=True, help="the shard to replace")
    p.add_argument("--manifest", metavar="M", default="manifest.yaml", help="manifest (default: manifest.yaml)")
    p.add_argument("--arch", metavar="ARCH", default="aarch64", help="target architecture (default: aarch64)")
    p.add_argument("--layout", metavar="FILE", help="layout.json of the running system (default: OUT/layout.json)")
    p.add_argument("--out", metavar="DIR", default="out", help="build output directory (default: out)")
    p.add_argument("--key", metavar="FILE", help="device key (default: OUT/<system>.key)")
    p.add_argument("--image-version", metavar="N", type=int, help="version id (default: UNIX time)")
    p.add_argument("--exec-pages", metavar="N", type=int,
                   help="for a flat binary IMAGE: pages of code + rodata from its start")
    p.add_argument("--baud", type=int, default=115200, help="baud rate (default 115200)")
    p.add_argument("--ack-timeout", metavar="S", type=float, default=1.0, help="seconds per frame (default 1)")
    p.add_argument("--retries", metavar="N", type=int, default=8, help="resends per frame (default 8)")
    p.add_argument("--result-timeout", metavar="S", type=float, default=30.0,
                   help="seconds to wait for the verdict after the last chunk (default 30)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the signed package to FILE instead of sending")
    return p


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


def _package(args):
    if args.image:
        with open(args.image, "rb") as f:
            if rpk.is_package(f.read(4)):
                return reload_image.package_for(args.image, args.shard, None, None)
    image = args.image
    built = os.path.join(args.out, "layout.json")
    if args.layout:
        layout = reload_image.read_layout(args.layout)
    elif image:
        if not os.path.isfile(built):
            raise TesseraError("signing %s needs the running system's layout: %s (from `tessera build`) "
                               "is missing; pass --layout FILE" % (image, built))
        layout = reload_image.read_layout(built)
    else:
        layout, elfs = reload_image.rebuild(args.manifest, args.arch, args.out)
        if args.shard not in elfs:
            raise TesseraError("shard '%s' is not in %s (shards: %s)" % (args.shard, args.manifest, ", ".join(elfs)))
        image = elfs[args.shard]
    if image is None:
        raise TesseraError("IMAGE is required with --layout")
    key_path = args.key or layout.get("key") or reload_image.default_key_path(args.out, layout["name"])
    try:
        key = rpk.load_key(key_path)
    except rp.ProtoError as e:
        raise TesseraError("%s (`tessera build` writes the device key; or pass --key)" % e)
    return reload_image.package_for(image, args.shard, layout, key, args.image_version, args.exec_pages)


def _open(url, baud):
    import serial

    try:
        port = serial.serial_for_url(url, baudrate=baud, timeout=0.02, write_timeout=5)
    except (serial.SerialException, ValueError, OSError) as e:
        raise reload_link.LinkError("cannot open %s: %s" % (url, e))
    return port


def run(args):
    if args.image and not os.path.isfile(args.image):
        raise TesseraError("%s: no such file" % args.image)
    if args.retries < 0 or args.ack_timeout <= 0 or args.result_timeout <= 0:
        raise TesseraError("--retries must be >= 0 and the timeouts > 0")
    if not args.port and not args.output:
        raise TesseraError("--port is required (or -o FILE to only write the package)")
    pkg = _package(args)
    if args.output:
        with open(args.output, "wb") as f:
            f.write(pkg)
        print("reload| wrote %s (%d bytes, shard '%s')" % (args.output, len(pkg), args.shard))
        return 0
    progress = Progress(sys.stderr, sys.stderr.isatty())
    console = Console(sys.stdout.buffer, progress)
    try:
        port = _open(args.port, args.baud)
        try:
            link = reload_link.Link(port, console.text)
            out = reload_link.send_package(link, args.shard, pkg, args.ack_timeout, args.retries,
                                           args.result_timeout, progress.update)
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
        print("reload| accepted: shard '%s' now runs version %d%s" % (args.shard, out.version, resent))
        return 0
    print("reload| refused: %s" % out.reason, file=sys.stderr)
    return EXIT_REFUSED


def _drain(link, console):
    """Echo what the kernel printed right after its verdict (its log line)."""
    try:
        link.next_frame(link.clock() + 0.2)
    except OSError:
        pass
