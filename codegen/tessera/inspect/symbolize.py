"""Crash backtraces as source lines (docs/inspect.md "crashes"): each
code address of a crash record, less the record's load bias, looked up
in the shard's ELF with llvm-symbolizer (Debian's llvm package). A return
address is looked up one byte back, inside the call, so the line is the
call's, not the next statement's."""
import os
import shutil
import subprocess


def find_symbolizer():
    for name in ("llvm-symbolizer", "llvm-symbolizer-14"):
        if shutil.which(name):
            return name
    return None


def _frame(func, where):
    parts = where.split(":")
    if parts[0] == "??" or len(parts) < 2 or parts[1] == "0":
        return ("??", "??")
    return (func, "%s:%s" % (parts[0], parts[1]))


def lookup(elf, addrs, tool=None):
    """Per address, its frames [(function, "file.c:LINE")], innermost
    first: a function the compiler inlined at that address is a frame of
    its own, as in the source ([("??", "??")] when unknown)."""
    unknown = [[("??", "??")] for _ in addrs]
    tool = tool or find_symbolizer()
    if not tool or not addrs:
        return unknown
    try:
        out = subprocess.run([tool, "--obj=" + elf, "--functions=linkage", "--inlines", "--basenames"] +
                             ["0x%x" % a for a in addrs], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return unknown
    # One block per address, a (function, file:line:col) pair of lines per
    # inlined level.
    blocks = [b.splitlines() for b in out.strip("\n").split("\n\n")]
    res = [[_frame(b[k], b[k + 1] if k + 1 < len(b) else "??") for k in range(0, len(b), 2)] or [("??", "??")]
           for b in blocks[:len(addrs)]]
    return res + unknown[len(res):]


def backtrace(crash, elf):
    """The crash's frames as [{"addr", "function", "line"}], innermost first
    (an address the compiler inlined a call at gives a frame per level)."""
    base = crash["base"]
    addrs = [crash["pc"]] + list(crash["frames"])
    looked = [a - base for a in addrs]
    query = [looked[0]] + [a - 1 for a in looked[1:]]
    names = lookup(elf, query) if elf and os.path.isfile(elf) else [[("??", "??")] for _ in addrs]
    return [{"addr": a, "function": f, "line": w} for a, levels in zip(addrs, names) for f, w in levels]


def text(frames):
    """`filter.c:42 shard_notified <- main.c:31 tess_runtime_main <- ...`"""
    return " <- ".join("%s %s" % (f["line"], f["function"]) if f["function"] != "??" else "0x%x" % f["addr"]
                       for f in frames)
