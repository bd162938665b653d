"""Hostile manifests through every command that reads one (hypothesis).

Run by test_codegen_hostile.py in a child process with resource limits
(address space, CPU time), so a run-away input fails that test instead of
taking the machine. Each example starts from a real manifest (the examples,
the fixtures) and mutates it: a value or key replaced by something hostile
(numbers of thousands of digits, long or odd-unicode strings, deep nesting,
aliases), or the text itself (an alias bomb, raw bytes, a cut). Every
command must answer with exit 0 or 1 and file:line:col messages: never an
internal error, never a traceback, each within a few seconds.

Usage: fuzz_manifest.py WORKDIR EXAMPLES
"""
import contextlib
import glob
import io
import os
import random
import signal
import sys

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

from tessera import cli  # noqa: E402

# Valid systems (most examples start from one of these) and the fixtures of
# every check rule.
VALID = sorted(glob.glob(os.path.join(ROOT, "manifest", "examples", "*.yaml")) +
               glob.glob(os.path.join(ROOT, "tests", "qemu", "manifests", "*.yaml")))
FIXTURES = sorted(glob.glob(os.path.join(ROOT, "tests", "codegen", "fixtures", "*.yaml")))
SECONDS = 10  # per command: generous for a loaded 2-CPU machine; a run-away takes minutes

HOSTILE_SCALARS = st.one_of(
    st.integers(min_value=-(1 << 200), max_value=1 << 200),
    st.integers(20, 6000).map(lambda n: int("9" * n) if n < 4000 else "9" * n),  # dumped as digits either way
    st.integers(1, 3000).map(lambda n: "0x" + "f" * n),
    st.sampled_from([0, -1, 1 << 63, 1 << 64, 1.5, float("inf"), float("nan"), True, None, "", "1e999", "0x",
                     "4096G", "99999999999999999999999K", "1s" * 50, "-0", "+7", "0o777", "0b101", "64k"]),
    st.integers(1, 5000).map(lambda n: "b" * n),
    st.text(min_size=1, max_size=40),  # any unicode: controls, RTL marks, astral planes
    st.sampled_from(["\x1b[31mkern| forged", "a\rb", "\u202egnirts", "\ufeffhost", "pl011\x00", "..", "/etc/passwd",
                     "../../../../etc", "host/../host", "shard name", "\U0001f600", "e\u0301"]),
)


def nested(depth):
    v = 0
    for _ in range(depth):
        v = [v]
    return v


HOSTILE_VALUES = st.one_of(
    HOSTILE_SCALARS,
    st.integers(1, 200).map(nested),
    st.lists(HOSTILE_SCALARS, max_size=5),
    st.dictionaries(st.text(max_size=10), HOSTILE_SCALARS, max_size=3),
)

# Text appended or spliced in: anchors and aliases (bombs among them), raw bytes.
BOMB = "".join("%s: &%s [%s]\n" % (c, c, ",".join(["*" + p] * 9 if p else ['"lol"'] * 9))
               for p, c in zip([""] + list("abcdefgh"), "abcdefghi"))
SPLICES = st.one_of(
    st.just(BOMB),
    st.just("x: &r [*r]\n"),
    st.just("defaults: &d {memory: 64K}\nalso: *d\nmore: *d\n"),
    st.just("a: &x 1\nb: &x 2\nc: *x\n"),
    st.binary(min_size=1, max_size=20).map(lambda b: b.decode("latin-1")),
    st.just("\x00"),
    st.just("\ud800"),
    st.just("k: " + "[" * 300 + "]" * 300 + "\n"),
    st.just("k: " + "{a: " * 100 + "1" + "}" * 100 + "\n"),
    st.just("? [a, b]\n: c\n"),
    st.just("!!python/object:os.system x\n"),
    st.just("k: !!binary AAAA\n"),
    st.just("%YAML 1.1\n---\n"),
)


def paths(v, base=()):
    """Every (path, is_key) of a parsed manifest."""
    yield base, False
    if isinstance(v, dict):
        for k, x in v.items():
            yield base + (k,), True
            yield from paths(x, base + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from paths(x, base + (i,))


def replace(data, path, value, is_key):
    if not path:
        return value
    parent = data
    for p in path[:-1]:
        parent = parent[p]
    if is_key:
        parent[value if isinstance(value, (str, int, bool, float)) or value is None else str(value)] = \
            parent.pop(path[-1])
    else:
        parent[path[-1]] = value
    return data


@st.composite
def manifests(draw):
    seed = draw(st.sampled_from(VALID) if draw(st.integers(0, 3)) else st.sampled_from(FIXTURES))
    with open(seed, encoding="utf-8") as f:
        text = f.read()
    out = text
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:  # the fixture of a syntax error: text mutations only
        data = None
    if data is not None and draw(st.booleans()):
        for _ in range(draw(st.integers(1, 3))):
            ps = list(paths(data))
            path, is_key = ps[draw(st.integers(0, len(ps) - 1))]
            data = replace(data, path, draw(HOSTILE_VALUES), is_key and draw(st.booleans()))
        out = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), default_flow_style=draw(st.booleans()),
                             width=1 << 20)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # text surgery mostly ends in a syntax error
        cut = draw(st.integers(0, len(out)))
        what = draw(st.sampled_from(["splice", "append", "truncate"]))
        if what == "truncate":
            out = out[:cut]
        else:
            s = draw(SPLICES)
            out = out[:cut] + s + out[cut:] if what == "splice" else out + s
    return seed, out.encode("utf-8", "surrogatepass")


def _timeout(signum, frame):
    raise TimeoutError("a command took more than %d s" % SECONDS)


def run(argv):
    """cli.main(argv) in this process: (exit status, stderr)."""
    err = io.StringIO()
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(SECONDS)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = cli.main(argv)
    finally:
        signal.alarm(0)
    return rc, err.getvalue()


def commands(path, work):
    """Every command that reads a manifest, as far as the front end goes
    (`tessera build` and `sim` plan, then would build: their front end is
    pipeline.load_and_plan with the arch or host board, called here)."""
    from tessera import pipeline
    from tessera.backend import sim
    from tessera.errors import ManifestError, TesseraError

    yield "check", run(["check", path])
    yield "gen", run(["gen", path, "-o", os.path.join(work, "gen"), "--print-layout"])
    yield "graph", run(["graph", path, "-o", os.path.join(work, "g.dot")])
    for what, call in (("build front end", lambda: pipeline.load_and_plan(path, arch="aarch64")),
                       ("sim front end", lambda: sim.plan(path))):
        signal.signal(signal.SIGALRM, _timeout)
        signal.alarm(SECONDS)
        try:
            call()
            yield what, (0, "")
        except (ManifestError, TesseraError) as e:
            yield what, (1, "\n".join(getattr(e, "messages", [str(e)])))
        finally:
            signal.alarm(0)


def main(work, examples):
    @settings(max_examples=examples, deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"), database=None,
              phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    @given(manifests())
    def check_one(case):
        seed, blob = case
        # Where the seed sits, so its relative shard sources still resolve.
        path = os.path.join(work, os.path.relpath(seed, ROOT))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(blob)
        for what, (rc, err) in commands(path, work):
            assert rc in (0, 1), "%s: exit %d: %s" % (what, rc, err[-2000:])
            assert "internal error" not in err and "Traceback" not in err, "%s: %s" % (what, err[-2000:])
            for line in err.splitlines():
                assert line.isprintable(), "%s: unprintable message %r" % (what, line)

    if not os.path.exists(os.path.join(work, "shards")):
        os.symlink(os.path.join(ROOT, "shards"), os.path.join(work, "shards"))
    random.seed(0)
    check_one()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
