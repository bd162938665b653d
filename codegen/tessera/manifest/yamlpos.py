"""Load YAML into plain Python values plus a position for every node.

We compose the node graph with ruamel.yaml (round-trip loader) instead of
constructing objects, so that duplicate keys are reported (all of them, not
just the first) instead of aborting the load, and every key and value keeps
its 1-based line:column for messages.
"""
import math
import re

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

_INT = re.compile(r"^[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")


class Doc:
    """A loaded YAML file: `data`, and positions keyed by path tuples."""

    def __init__(self, path):
        self.path = path
        self.data = None
        self.val_pos = {}  # path -> (line, col) of the value
        self.key_pos = {}  # path -> (line, col) of the mapping key naming it
        self.problems = []  # (line, col, message): syntax and duplicate keys

    def pos(self, path):
        """Where to point for `path`: its key if it has one, else its value."""
        path = tuple(path)
        while path:
            if path in self.key_pos:
                return self.key_pos[path]
            if path in self.val_pos:
                return self.val_pos[path]
            path = path[:-1]
        return self.val_pos.get((), (1, 1))

    def vpos(self, path):
        path = tuple(path)
        if path in self.val_pos:
            return self.val_pos[path]
        return self.pos(path)


def _mark(m):
    return (m.line + 1, m.column + 1)


def _scalar(node):
    tag = node.tag if isinstance(node.tag, str) else getattr(node.tag, "value", str(node.tag))
    v = node.value
    if node.style in ("'", '"', "|", ">"):
        return v
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return v.lower() in ("true", "yes", "on")
    if tag.endswith(":int") and _INT.match(v):
        s = v.replace("_", "")
        sign = -1 if s.startswith("-") else 1
        s = s.lstrip("+-")
        if s.startswith(("0x", "0o", "0b")):
            return sign * int(s, 0)
        return sign * int(s, 10)
    if tag.endswith(":float"):
        low = v.lower().lstrip("+-")
        if low in (".inf",):
            return -math.inf if v.startswith("-") else math.inf
        if low == ".nan":
            return math.nan
        if _FLOAT.match(v):
            return float(v.replace("_", ""))
    return v


def _convert(doc, node, path, active=()):
    doc.val_pos[path] = _mark(node.start_mark)
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if id(node) in active:  # an alias inside its own anchor
        line, col = _mark(node.start_mark)
        doc.problems.append((line, col, "recursive YAML alias"))
        return None
    active = active + (id(node),)
    if isinstance(node, SequenceNode):
        return [_convert(doc, n, path + (i,), active) for i, n in enumerate(node.value)]
    if isinstance(node, MappingNode):
        out = {}
        for knode, vnode in node.value:
            key = _scalar(knode) if isinstance(knode, ScalarNode) else None
            if not isinstance(key, (str, int, bool)) or isinstance(key, bool):
                key = str(key) if key is not None else "null"
            if isinstance(key, int):
                key = str(key)
            kp = _mark(knode.start_mark)
            if key in out:
                first = doc.key_pos[path + (key,)]
                doc.problems.append((kp[0], kp[1], "duplicate key '%s' (first defined at line %d)" % (key, first[0])))
                continue
            doc.key_pos[path + (key,)] = kp
            out[key] = _convert(doc, vnode, path + (key,), active)
        return out
    return None


def load(path, text=None):
    """Parse `path` (or `text`). Never raises on bad YAML: see doc.problems."""
    doc = Doc(path)
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    y = YAML(typ="rt")
    try:
        node = y.compose(text)
    except MarkedYAMLError as e:
        m = e.problem_mark or e.context_mark
        line, col = _mark(m) if m else (1, 1)
        what = e.problem or e.context or "invalid YAML"
        doc.problems.append((line, col, "YAML syntax error: %s" % what))
        return doc
    except YAMLError as e:
        doc.problems.append((1, 1, "YAML syntax error: %s" % str(e).splitlines()[0]))
        return doc
    except RecursionError:
        doc.problems.append((1, 1, "YAML nesting is too deep"))
        return doc
    if node is not None:
        try:
            doc.data = _convert(doc, node, ())
        except RecursionError:
            doc.problems.append((1, 1, "YAML nesting is too deep"))
            doc.data = None
    return doc
