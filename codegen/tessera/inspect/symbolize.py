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


def lookup(elf, addrs, tool=None):
    """[(function, "file.c:LINE")] per address ("??" when unknown)."""
    tool = tool or find_symbolizer()
    if not tool or not addrs:
        return [("??", "??")] * len(addrs)
    try:
        out = subprocess.run([tool, "--obj=" + elf, "--functions=linkage", "--no-inlines", "--basenames"] +
                             ["0x%x" % a for a in addrs], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return [("??", "??")] * len(addrs)
    blocks = [b.splitlines() for b in out.strip("\n").split("\n\n")]
    res = []
    for b in blocks[:len(addrs)]:
        func = b[0] if b else "??"
        where = b[1] if len(b) > 1 else "??"
        parts = where.split(":")
        if parts[0] == "??" or len(parts) < 2 or parts[1] == "0":
            func, where = "??", "??"
        else:
            where = "%s:%s" % (parts[0], parts[1])
        res.append((func, where))
    return res + [("??", "??")] * (len(addrs) - len(res))


def backtrace(crash, elf):
    """The crash's frames as [{"addr", "function", "line"}], innermost first."""
    base = crash["base"]
    addrs = [crash["pc"]] + list(crash["frames"])
    looked = [a - base for a in addrs]
    query = [looked[0]] + [a - 1 for a in looked[1:]]
    names = lookup(elf, query) if elf and os.path.isfile(elf) else [("??", "??")] * len(addrs)
    return [{"addr": a, "function": f, "line": w} for a, (f, w) in zip(addrs, names)]


def text(frames):
    """`filter.c:42 shard_notified <- main.c:31 tess_runtime_main <- ...`"""
    return " <- ".join("%s %s" % (f["line"], f["function"]) if f["function"] != "??" else "0x%x" % f["addr"]
                       for f in frames)
