"""The manifest JSON Schema (manifest/schema.json) and friendly messages for it.

jsonschema finds structural problems; we turn each into our own message at
the right line:col. Size and time literals are left to validate.py, which
says exactly what is wrong with them.
"""
import json
import re

import jsonschema

from tessera.manifest.diag import did_you_mean
from tessera.manifest.units import show
from tessera.errors import TesseraError
from tessera.paths import SCHEMA_FILE

_TYPES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
          "boolean": "true or false", "number": "a number"}


def load():
    try:
        return json.loads(SCHEMA_FILE.read_text())
    except (OSError, ValueError) as e:
        raise TesseraError("cannot read the manifest schema %s: %s" % (SCHEMA_FILE, e))


def describe(path):
    """Human name of the object at `path` in a manifest."""
    path = tuple(path)
    if not path:
        return "the manifest"
    if path[0] == "kernel":
        return "kernel defaults" if path[1:2] == ("defaults",) and len(path) == 2 else (
            "kernel" if len(path) == 1 else "%s of %s" % (_field(path[-1]), describe(path[:-1])))
    if path[0] == "shards" and len(path) >= 2:
        base = "shard '%s'" % path[1]
        return base if len(path) == 2 else "%s of %s" % (_field(path[-1]), describe(path[:-1]))
    if path[0] == "channels" and len(path) >= 2:
        base = "channel #%d" % (path[1] + 1) if isinstance(path[1], int) else "channels"
        return base if len(path) == 2 else "%s of %s" % (_field(path[-1]), describe(path[:-1]))
    if path[0] in ("regions", "dma") and len(path) >= 2:
        base = "%s '%s'" % ("region" if path[0] == "regions" else "DMA region", path[1])
        return base if len(path) == 2 else "%s of %s" % (_field(path[-1]), describe(path[:-1]))
    if len(path) == 1:
        return "'%s'" % path[0]
    return "%s of %s" % (_field(path[-1]), describe(path[:-1]))


def _field(k):
    return "entry #%d" % (k + 1) if isinstance(k, int) else "'%s'" % k


def check(doc, diags, schema=None):
    """Validate doc.data against the schema; report into diags."""
    schema = schema or load()
    v = jsonschema.Draft202012Validator(schema)
    for err in v.iter_errors(doc.data):
        _report(doc, diags, err)


def _report(doc, diags, err):
    path = tuple(err.absolute_path)
    sub = err.schema if isinstance(err.schema, dict) else {}
    kind = err.validator
    if sub.get("x-kind") or (kind in ("anyOf", "pattern", "type") and _is_literal(err)):
        return  # validate.py reports size/time literals
    inst = err.instance
    f = doc.path
    if kind == "additionalProperties" and sub.get("additionalProperties") is False:
        known = list(sub.get("properties", {}))
        for k in inst:
            if k not in known:
                diags.error(f, doc.key_pos.get(path + (k,), doc.pos(path)),
                            "unknown key '%s' in %s%s" % (k, describe(path), did_you_mean(k, known)))
        return
    if kind == "required":
        m = re.match(r"^'(.*)' is a required property", err.message)
        name = m.group(1) if m else str(err.validator_value)
        diags.error(f, doc.pos(path), "missing required field '%s' in %s" % (name, describe(path)))
        return
    if kind == "const" and path == ("tessera",):
        diags.error(f, doc.vpos(path), "unsupported format version %s (this tool reads version 1)" % show(inst))
        return
    if kind == "propertyNames":
        return  # reported by the nested error below
    if kind == "anyOf" and sub.get("x-what"):
        # One of two forms: the mapping's own errors if it is a mapping,
        # else what the forms are.
        forms = [e for e in err.context if isinstance(inst, dict) and e.relative_schema_path[0] == 1]
        for e in forms:
            _report(doc, diags, e)
        if not forms:
            diags.error(f, doc.vpos(path), "%s must be %s, not %s" % (describe(path), sub["x-what"], show(inst)))
        return
    where = doc.vpos(path)
    if kind in ("pattern", "maxLength") and isinstance(inst, str):
        what = "manifest name" if path == ("name",) else "name"
        # propertyNames errors point at the mapping; find the key itself
        if path + (inst,) in doc.key_pos:
            where = doc.key_pos[path + (inst,)]
        if kind == "maxLength":
            diags.error(f, where, "%s '%s' is too long (%d characters; at most %d)"
                        % (what, inst[:err.validator_value] + "...", len(inst), err.validator_value))
        elif sub.get("pattern", "").startswith("^[A-Za-z_]"):
            diags.error(f, where, "invalid %s %s (use letters, digits and '_', not starting with a digit)"
                        % (what, show(inst)))
        else:
            diags.error(f, where, "invalid %s %s" % (what, show(inst)))
        return
    if kind == "type":
        want = err.validator_value
        want = [want] if isinstance(want, str) else want
        diags.error(f, where, "%s must be %s, not %s" % (describe(path), " or ".join(_TYPES.get(t, t) for t in want),
                                                       show(inst)))
        return
    if kind == "enum":
        diags.error(f, where, "invalid value %s for %s (expected one of: %s)"
                    % (show(inst), describe(path), ", ".join(str(x) for x in err.validator_value)))
        return
    if kind in ("minimum", "maximum"):
        op = "at least" if kind == "minimum" else "at most"
        diags.error(f, where, "%s must be %s %s, not %s" % (describe(path), op, err.validator_value, show(inst)))
        return
    if kind in ("minItems", "minProperties"):
        diags.error(f, where, "%s must not be empty" % describe(path))
        return
    diags.error(f, where, "%s is invalid: %s" % (describe(path), err.message))


def _is_literal(err):
    for s in [err.schema] + [e.schema for e in (err.context or [])]:
        if isinstance(s, dict) and s.get("x-kind"):
            return True
    # an error inside a size/time def reached through anyOf
    parent = getattr(err, "parent", None)
    while parent is not None:
        if isinstance(parent.schema, dict) and parent.schema.get("x-kind"):
            return True
        parent = parent.parent
    return False
