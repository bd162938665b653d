"""Size (`4096`, `64K`, `2M`, `1G`) and time (`500us`, `10ms`, `1s`) literals."""
import re

_SIZE = re.compile(r"^\s*([0-9]+)\s*([KMG]?)\s*$")
_TIME = re.compile(r"^\s*([0-9]+)\s*(ns|us|ms|s)\s*$")
SIZE_MULT = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
TIME_MULT = {"ns": 1, "us": 1000, "ms": 1000000, "s": 1000000000}

SIZE_HELP = "expected bytes like 4096, 64K, 2M or 1G"
TIME_HELP = "expected a time like 500us, 10ms or 1s"


# Digits a literal's number may have: 2^64 has 20. Longer ones are refused
# before conversion (int() of a long decimal string is quadratic).
MAX_DIGITS = 20


class UnitError(ValueError):
    pass


class TooLarge(UnitError):
    """A literal whose number has more than MAX_DIGITS digits."""


def _number(digits, v):
    if len(digits.lstrip("0")) > MAX_DIGITS:
        raise TooLarge("%s has more than %d digits" % (show(v), MAX_DIGITS))
    return int(digits)


def parse_size(v):
    """Bytes from an int or a size literal; raises UnitError with a message."""
    if isinstance(v, bool) or v is None:
        raise UnitError("invalid size %s (%s)" % (_show(v), SIZE_HELP))
    if isinstance(v, int):
        if v < 0:
            raise UnitError("invalid size %d (must not be negative)" % v)
        return v
    if isinstance(v, str):
        m = _SIZE.match(v)
        if m:
            return _number(m.group(1), v) * SIZE_MULT[m.group(2)]
    raise UnitError("invalid size %s (%s)" % (_show(v), SIZE_HELP))


def parse_time(v):
    """Nanoseconds from a time literal; a bare number is rejected (unit needed)."""
    if isinstance(v, str):
        m = _TIME.match(v)
        if m:
            return _number(m.group(1), v) * TIME_MULT[m.group(2)]
    if isinstance(v, int) and not isinstance(v, bool):
        raise UnitError("invalid time %s (a unit is required: %s)" % (_show(v), TIME_HELP))
    raise UnitError("invalid time %s (%s)" % (_show(v), TIME_HELP))


SHOW_MAX = 40  # characters of a string a message quotes


def clip(text):
    """A string for a message: a long one by its start and its length."""
    if len(text) > SHOW_MAX:
        return "%s... (%d characters)" % (text[:SHOW_MAX - 8], len(text))
    return text


def show(v):
    """A manifest value as messages quote it: 'text', 42, true, nothing,
    a mapping, a list; a long string by its start and its length."""
    if isinstance(v, str):
        if len(v) > SHOW_MAX:
            return "'%s...' (%d characters)" % (v[:SHOW_MAX - 8], len(v))
        return "'%s'" % v
    if v is None:
        return "nothing"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    return str(v)


def _show(v):
    """show(), with no value and collections in parentheses (inside "invalid size ...")."""
    if v is None:
        return "(empty)"
    return "(%s)" % show(v) if isinstance(v, (dict, list)) else show(v)


def fmt_size(n):
    """Human form for layout printouts: 256K, 2M, 4096."""
    for suf, mult in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if n and n % mult == 0:
            return "%d%s" % (n // mult, suf)
    return str(n)
