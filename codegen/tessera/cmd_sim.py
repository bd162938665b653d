"""`tessera sim MANIFEST`: build a manifest for the hosted simulator and run it.

Plans the manifest for the `host` board (a manifest written for a QEMU board
runs unchanged: only the board is swapped), generates the tables into
build/sim/<name>/gen, builds tessera-sim and one process per shard with
CMake/Ninja in build/sim/<name>, then replaces itself with tessera-sim, so
the exit status and Ctrl-C are the simulator's own. Build output is shown
only when the build fails.
"""
import os
import re
import shutil
import subprocess
import sys

from tessera.errors import TesseraError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_UNITS = {"ns": 1, "us": 1000, "ms": 1000 * 1000, "s": 1000 * 1000 * 1000}


def add_parser(sub):
    p = sub.add_parser(
        "sim",
        help="build a manifest for the host board and run it in the simulator",
        description="Build MANIFEST for the hosted simulator (board 'host') and run it until "
        "Ctrl-C, --duration, --messages or until every shard is halted; then print per-shard, "
        "per-channel and per-core figures.",
    )
    p.add_argument("manifest", metavar="MANIFEST", help="manifest YAML file")
    p.add_argument("--duration", metavar="TIME", help="stop after TIME (e.g. 500ms, 5s)")
    p.add_argument("--messages", metavar="N", type=int, help="stop once the sink shards consumed N messages")
    p.add_argument("--sanitize", action="store_true", help="build kernel and shards with ASan and UBSan")
    p.add_argument("--trace", action="store_true", help="print the kernel's trace ring at the end")
    p.add_argument("--console-port", metavar="PORT", type=int,
                   help="also serve the console on tcp 127.0.0.1:PORT (0: a free port, printed at start), "
                   "for `tessera reload --arch host --port socket://127.0.0.1:PORT`")
    return p


def parse_duration(text):
    """'5s', '250ms', '1500us', '100ns' (decimals allowed) -> nanoseconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|s)\s*", text or "")
    if not m:
        raise TesseraError("--duration: '%s' is not a time (examples: 500ms, 5s, 1.5s)" % text)
    ns = int(round(float(m.group(1)) * _UNITS[m.group(2)]))
    if ns <= 0:
        raise TesseraError("--duration must be more than 0")
    return ns


def _plan(path):
    from tessera import pipeline

    return pipeline.load_and_plan(path, board_override="host")


def _check_sim_able(plan, path):
    """A prebuilt target ELF cannot run as a host process: say so up front
    (sim/CMakeLists.txt's tess_add_prebuilt_shard would stop the build)."""
    for sh in getattr(plan, "shards", None) or []:
        if isinstance(sh, dict) and sh.get("prebuilt"):
            raise TesseraError(
                "shard '%s' of %s is a prebuilt ELF (%s): the simulator builds every shard from its C "
                "sources as a host process, so it cannot run a target image" % (sh.get("name"), path, sh.get("source"))
            )


def _note_board(plan, path):
    try:
        named = plan.model["raw"]["board"]
    except (AttributeError, KeyError, TypeError):
        return
    if isinstance(named, str) and named != "host":
        print("tessera: note: %s names board '%s'; the simulator runs it on board 'host'" % (path, named),
              file=sys.stderr)


def _build_name(plan, path):
    name = getattr(plan, "name", None) or os.path.splitext(os.path.basename(path))[0]
    return re.sub(r"[^A-Za-z0-9_.-]", "_", str(name))


def _run_quiet(cmd, what):
    """Run a build step; its output reaches the user only if it fails."""
    try:
        r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except FileNotFoundError:
        raise TesseraError("%s: '%s' not found (run scripts/bootstrap.sh)" % (what, cmd[0]))
    if r.returncode != 0:
        sys.stderr.write(r.stdout.decode(errors="replace"))
        raise TesseraError("%s failed (output above)" % what)


def build_dir(plan, manifest):
    return os.path.join(ROOT, "build", "sim", _build_name(plan, manifest))


def write_reload_key(plan, bdir, gdir):
    """The simulated device's hot-reload key: BUILD/<system>.key (made once,
    like `tessera build`'s OUT/<system>.key) compiled into tessera-sim."""
    from tessera import reload_image
    from tessera import reload_package as rpk
    from tessera.reload_proto import ProtoError

    try:
        key = rpk.ensure_key(reload_image.default_key_path(bdir, plan.name))
    except (OSError, ProtoError) as e:
        raise TesseraError("reload key: %s" % (getattr(e, "strerror", None) or e))
    path = os.path.join(gdir, "kern", "reload_key.c")
    text = rpk.key_c_source(key)
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def build(plan, manifest, sanitize):
    """Generate and build; returns the path of tessera-sim."""
    from tessera import gen

    bdir = build_dir(plan, manifest)
    gdir = os.path.join(bdir, "gen")
    gen.generate(plan, gdir)
    write_reload_key(plan, bdir, gdir)
    for tool in ("cmake", "ninja"):
        if shutil.which(tool) is None:
            raise TesseraError("'%s' not found (run scripts/bootstrap.sh)" % tool)
    _run_quiet(
        [
            "cmake", "-S", ROOT, "-B", bdir, "-G", "Ninja",
            "-DTESS_ARCH=host",
            "-DTESS_GEN_DIR=" + gdir,
            "-DTESS_SANITIZE=" + ("ON" if sanitize else "OFF"),
        ],
        "configuring the simulator build",
    )
    # -j2: the build machines are small and shared.
    _run_quiet(["cmake", "--build", bdir, "--target", "tessera-sim", "--", "-j2"], "building the simulator")
    exe = os.path.join(bdir, "sim", "tessera-sim")
    if not os.access(exe, os.X_OK):
        raise TesseraError("the build produced no %s" % exe)
    return exe


def run(args):
    if args.messages is not None and args.messages <= 0:
        raise TesseraError("--messages must be at least 1")
    duration = parse_duration(args.duration) if args.duration is not None else None
    if not os.path.isfile(args.manifest):
        raise TesseraError("%s: no such file" % args.manifest)
    plan = _plan(args.manifest)
    for w in getattr(plan, "warnings", None) or []:
        print(w, file=sys.stderr)
    _check_sim_able(plan, args.manifest)
    _note_board(plan, args.manifest)
    exe = build(plan, args.manifest, args.sanitize)
    argv = [exe]
    if duration is not None:
        argv += ["--duration", str(duration)]
    if args.messages is not None:
        argv += ["--messages", str(args.messages)]
    if args.trace:
        argv.append("--trace")
    if args.console_port is not None:
        if not 0 <= args.console_port <= 65535:
            raise TesseraError("--console-port must be 0..65535")
        argv += ["--console-port", str(args.console_port)]
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execv(exe, argv)
    except OSError as e:
        raise TesseraError("cannot run %s: %s" % (exe, e.strerror))
