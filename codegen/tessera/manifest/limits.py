"""The kernel's fixed limits, parsed from kern/public/tessera/limits.h.

That header is the single source of truth; we evaluate each simple
`#define NAME <integer expression>` (numbers, + - * << and parentheses).
"""
import ast
import operator
import re

from tessera.errors import TesseraError
from tessera.paths import REPO

LIMITS_H = REPO / "kern" / "public" / "tessera" / "limits.h"
_DEFINE = re.compile(r"^\s*#\s*define\s+(TESS_[A-Z0-9_]+)\s+(.+?)\s*$")
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.LShift: operator.lshift}


def _eval(node, env):
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name) and node.id in env:
        return env[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left, env), _eval(node.right, env))
    raise ValueError("unsupported expression")


def parse(text):
    env = {}
    for line in text.splitlines():
        m = _DEFINE.match(line)
        if not m:
            continue
        expr = re.sub(r"/\*.*?\*/|//.*$", "", m.group(2)).strip()
        expr = re.sub(r"(?<=[0-9])[uUlL]+\b", "", expr)
        try:
            env[m.group(1)] = _eval(ast.parse(expr, mode="eval").body, env)
        except (ValueError, SyntaxError):
            continue
    return env


_cache = None


def get():
    global _cache
    if _cache is None:
        try:
            _cache = parse(LIMITS_H.read_text())
        except OSError as e:
            raise TesseraError("cannot read kernel limits %s: %s" % (LIMITS_H, e.strerror))
        need = ["TESS_MAX_CORES", "TESS_MAX_SHARDS", "TESS_MAX_CHANNELS", "TESS_MAX_REGIONS",
                "TESS_MAX_SHARD_EVENTS", "TESS_MAX_SHARD_MAPS", "TESS_PAGE_SIZE", "TESS_CACHE_LINE",
                "TESS_CHAN_HDR_SIZE", "TESS_MAX_SLOT_SIZE", "TESS_MAX_SLOTS"]
        missing = [n for n in need if n not in _cache]
        if missing:
            raise TesseraError("%s does not define %s" % (LIMITS_H, ", ".join(missing)))
    return _cache
