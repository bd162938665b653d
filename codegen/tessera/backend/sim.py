"""`tessera sim`'s back end: the hosted simulator for a manifest.

Plans the manifest for the `host` board (a manifest written for a QEMU board
runs unchanged: only the board is swapped), renders every generated file
into build/sim/<name>/gen and builds tessera-sim and one process per shard
with CMake/Ninja in build/sim/<name> (backend/build.py). The device key is
build/sim/<name>/<name>.key.
"""
import os
import sys

from tessera import pipeline
from tessera.arch import ARCHES
from tessera.backend import build as common
from tessera.errors import TesseraError
from tessera.reload import package

HOST = ARCHES["host"]


def plan(manifest):
    """The manifest planned for the simulator's board."""
    return pipeline.load_and_plan(manifest, board_override=HOST.default_board)


def check(p, manifest):
    """Refuse what cannot run in the simulator; say when the board was swapped."""
    # A prebuilt target ELF cannot run as a host process: say so up front
    # (sim/CMakeLists.txt's tess_add_prebuilt_shard would stop the build).
    for s in p.shards:
        if s["prebuilt"]:
            raise TesseraError(
                "shard '%s' of %s is a prebuilt ELF (%s): the simulator builds every shard from its C "
                "sources as a host process, so it cannot run a target image" % (s["name"], manifest, s["source"]))
    named = p.model["raw"].get("board")
    if isinstance(named, str) and named != HOST.default_board:
        print("tessera: note: %s names board '%s'; the simulator runs it on board '%s'"
              % (manifest, named, HOST.default_board), file=sys.stderr)


def build_dir(p):
    return common.build_dir("sim", common.system_name(p))


def key_path(p):
    """The simulated device's key: BUILD/<system>.key (made once, like
    `tessera build`'s OUT/<system>.key)."""
    return package.default_key_path(build_dir(p), common.system_name(p))


def build(p, sanitize):
    """Generate and build; returns the path of tessera-sim."""
    bdir = build_dir(p)
    gdir = os.path.join(bdir, "gen")
    with common.private(bdir):  # the key is in reload_key.c and tessera-sim
        common.generate(p, gdir, key_path(p))
        # Optimised (-O2 -g): shards and the kernel run as they would be
        # measured; with --sanitize too (the sanitizers work at -O2).
        common.cmake(bdir, gdir, ["TESS_ARCH=" + HOST.name, "TESS_SANITIZE=" + ("ON" if sanitize else "OFF"),
                                  "CMAKE_BUILD_TYPE=RelWithDebInfo"],
                     ("the simulator build", "the simulator"), target="tessera-sim")
    exe = os.path.join(bdir, "sim", "tessera-sim")
    if not os.access(exe, os.X_OK):
        raise TesseraError("the build produced no %s" % exe)
    return exe


def rebuild(manifest):
    """Rebuild the simulator for `manifest` in place, with the sanitizer
    setting of the existing build (so the running simulator's manifest
    hash and key stay valid); returns (plan, {shard: executable}). A
    simulated shard's image is its host executable (docs/reload.md "Swap")."""
    p = plan(manifest)
    bdir = build_dir(p)
    build(p, _sanitized(bdir))
    return p, {s["name"]: os.path.join(bdir, "sim", "shard_" + s["name"]) for s in p.shards}


def _sanitized(bdir):
    """The TESS_SANITIZE of an existing build directory (False if none)."""
    try:
        with open(os.path.join(bdir, "CMakeCache.txt"), encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("TESS_SANITIZE:"):
                    return line.strip().split("=", 1)[1].upper() in ("ON", "1", "TRUE", "YES")
    except OSError:
        pass
    return False
