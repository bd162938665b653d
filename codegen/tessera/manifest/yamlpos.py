"""Load YAML into plain Python values plus a position for every node.

We compose the node graph with ruamel.yaml (round-trip loader) instead of
constructing objects, so that duplicate keys are reported (all of them, not
just the first) instead of aborting the load, and every key and value keeps
its 1-based line:column for messages.

A manifest is read from wherever it came from, so loading is bounded before
anything looks at the values (docs/manifest.md "Limits of the loader"): the
file's size, the nesting depth, the nodes that aliases add (a few hundred
bytes of anchors and aliases can otherwise stand for billions of nodes: the
"billion laughs"), and integers to 64 bits. Past a limit the file is
refused at the offending line:col, like a syntax error: no value of it is
checked further.
"""
import math
import re

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

_INT = re.compile(r"^[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")

MAX_BYTES = 256 << 10  # a manifest is a few K, a board file some 10K; loading is linear
MAX_DEPTH = 32  # a manifest nests 7 deep; jsonschema and our checks recurse
MAX_ALIAS_NODES = 10000  # nodes aliases may add to the document
INT_BITS = 64  # every number of a manifest or board is an address, size or count
MAX_INT_DIGITS = 20  # len(str(2**64)): longer decimal literals are not parsed at all


class LimitError(Exception):
    """Past one of the loader's limits, at `mark`."""

    def __init__(self, mark, msg):
        super().__init__(msg)
        self.mark = mark
        self.msg = msg


class Doc:
    """A loaded YAML file: `data`, and positions keyed by path tuples."""

    def __init__(self, path):
        self.path = path
        self.data = None
        self.val_pos = {}  # path -> (line, col) of the value
        self.key_pos = {}  # path -> (line, col) of the mapping key naming it
        self.problems = []  # (line, col, message): syntax, limits, duplicate keys and anchors
        self.fatal = False  # a limit was passed: data is None

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


def _scalar(doc, node):
    tag = node.tag if isinstance(node.tag, str) else getattr(node.tag, "value", str(node.tag))
    v = node.value
    if node.style in ("'", '"', "|", ">"):
        return v
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return v.lower() in ("true", "yes", "on")
    if tag.endswith(":int") and _INT.match(v):
        return _integer(doc, node, v)
    if tag.endswith(":float"):
        low = v.lower().lstrip("+-")
        if low in (".inf",):
            return -math.inf if v.startswith("-") else math.inf
        if low == ".nan":
            return math.nan
        if _FLOAT.match(v):
            return float(v.replace("_", ""))
    return v


def _integer(doc, node, v):
    """The value of an integer literal that fits in 64 bits (signed or not);
    a longer one is a problem at its position, and never converted whole
    (decimal conversion is quadratic in the digits)."""
    s = v.replace("_", "")
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    if s.startswith(("0x", "0o", "0b")):
        digits, base = s[2:].lstrip("0"), {"x": 16, "o": 8, "b": 2}[s[1]]
        fits = len(digits) <= INT_BITS  # at least one bit per digit
    else:
        digits, base = s.lstrip("0"), 10
        fits = len(digits) <= MAX_INT_DIGITS
    n = int(digits or "0", base) if fits else None
    if n is None or n >> INT_BITS:
        line, col = _mark(node.start_mark)
        shown = v if len(v) <= 24 else "%s...%s (%d digits)" % (v[:10], v[-4:], len(digits))
        doc.problems.append((line, col, "integer %s does not fit in %d bits" % (shown, INT_BITS)))
        doc.fatal = True
        return None
    return sign * n


def _convert(doc, node, path, active=()):
    doc.val_pos[path] = _mark(node.start_mark)
    if isinstance(node, ScalarNode):
        return _scalar(doc, node)
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
            key = _scalar(doc, knode) if isinstance(knode, ScalarNode) else None
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


class _Composer(Composer):
    """ruamel's composer, bounded: nesting depth (counting what aliases
    bring in) and the nodes aliases add, checked at each alias before it is
    used; a reused anchor is a problem (the later one wins, as in YAML)."""

    def __init__(self, loader=None):
        super().__init__(loader)
        self.doc = None
        self._depth = 0
        self._added = 0
        self._size = {}  # id(finished node) -> (nodes, depth) with aliases expanded

    def compose_node(self, parent, index):
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            # An anchor that is still open (recursive alias: _convert
            # reports it) or undefined (ruamel does) has no size.
            size = self._size.get(id(self.anchors.get(event.anchor)))
            if size:
                self._added += size[0]
                if self._added > MAX_ALIAS_NODES:
                    raise LimitError(event.start_mark, "YAML aliases expand to more than %d nodes (at alias '*%s')"
                                     % (MAX_ALIAS_NODES, event.anchor))
                self._deeper(event, size[1])
            return super().compose_node(parent, index)
        if event.anchor is not None and event.anchor in self.anchors:
            first = _mark(self.anchors.pop(event.anchor).start_mark)
            line, col = _mark(event.start_mark)
            self.doc.problems.append((line, col, "duplicate YAML anchor '&%s' (first defined at line %d)"
                                      % (event.anchor, first[0])))
        self._deeper(event, 1)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        kids = node.value if isinstance(node, SequenceNode) else (
            [n for kv in node.value for n in kv] if isinstance(node, MappingNode) else [])
        sizes = [self._size.get(id(k), (1, 1)) for k in kids]
        self._size[id(node)] = (1 + sum(n for n, _ in sizes), 1 + max((d for _, d in sizes), default=0))
        return node

    def _deeper(self, event, depth):
        if self._depth + depth > MAX_DEPTH:
            raise LimitError(event.start_mark, "YAML nesting is too deep (more than %d levels)" % MAX_DEPTH)


def _read(doc, path):
    """The file's text, or None after a problem: at most MAX_BYTES of UTF-8."""
    with open(path, "rb") as f:
        raw = f.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        doc.problems.append((1, 1, "file is larger than %dK" % (MAX_BYTES >> 10)))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = len(raw[raw.rfind(b"\n", 0, e.start) + 1:e.start].decode("utf-8", "replace")) + 1
        doc.problems.append((line, col, "not UTF-8 text (byte 0x%02x)" % raw[e.start]))
        return None


def _at(text, pos):
    """(line, col) of character offset `pos` of `text`."""
    return text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)


def load(path, text=None):
    """Parse `path` (or `text`). Never raises on bad YAML: see doc.problems.
    OSError if the file cannot be read."""
    doc = Doc(path)
    if text is None:
        text = _read(doc, path)
        if text is None:
            return doc
    y = YAML(typ="rt")
    y.Composer = _Composer
    y.composer.doc = doc
    try:
        node = y.compose(text)
    except LimitError as e:
        line, col = _mark(e.mark)
        doc.problems.append((line, col, e.msg))
        return doc
    except ReaderError as e:  # a character YAML does not allow
        line, col = _at(text, e.position)
        what = "U+%04X" % e.character if isinstance(e.character, int) else repr(e.character)
        doc.problems.append((line, col, "YAML syntax error: character %s is not allowed" % what))
        return doc
    except MarkedYAMLError as e:
        m = e.problem_mark or e.context_mark
        line, col = _mark(m) if m else (1, 1)
        what = e.problem or e.context or "invalid YAML"
        doc.problems.append((line, col, "YAML syntax error: %s" % what))
        return doc
    except YAMLError as e:
        doc.problems.append((1, 1, "YAML syntax error: %s" % str(e).splitlines()[0]))
        return doc
    if node is not None:
        doc.data = _convert(doc, node, ())
        if doc.fatal:
            doc.data = None
    return doc
