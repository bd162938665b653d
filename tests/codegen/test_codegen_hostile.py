"""Hostile manifests: every answer is exit 0/1 with file:line:col messages,
in bounded time and memory (each run in a child with resource limits).
Limits of the loader: docs/manifest.md "Limits of the loader"."""
import os
import resource
import subprocess
import sys

from codegen_helpers import ROOT

MEMORY = 512 << 20  # address space of one `tessera` run; a check needs some 60M
CPU_SECONDS = 60  # a safety net: a bounded check takes well under a second


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def limited(*argv, python=None):
    """`tessera ARGV` (or `python3 PYTHON ARGV`) under the limits: (rc, stdout, stderr)."""
    cmd = [sys.executable, python] if python else [os.path.join(ROOT, "tessera")]
    r = subprocess.run(cmd + list(argv), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       errors="replace", preexec_fn=_limits)
    return r.returncode, r.stdout, r.stderr


def write(tmp_path, text, name="m.yaml"):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(p)


VALID = """tessera: 1
name: hostile
board: host
shards:
  a: {cores: [0], memory: 64K, source: %s/shards/examples/pktgen}
  b: {cores: [1], memory: 64K, source: %s/shards/examples/sink}
channels:
  - {from: a, to: b, slots: 4, slot_size: 64}
""" % (ROOT, ROOT)

# Like the 735-byte document: nine levels of nine aliases each, 9^9
# (387 million) nodes once expanded, under a key of an otherwise valid manifest.
BOMB = VALID + "".join("%s: &%s [%s]\n" % (c, c, ", ".join(["*" + p] * 9 if p else ['"lol"'] * 9))
                       for p, c in zip([""] + list("abcdefgh"), "abcdefghi"))


def test_alias_bomb_is_refused_at_the_alias(tmp_path):
    p = write(tmp_path, BOMB)
    for cmd in (["check", p], ["gen", p, "--print-layout"], ["graph", p, "-o", str(tmp_path / "g.dot")]):
        rc, out, err = limited(*cmd)
        assert (rc, err) == (1, "%s:13:8: error: YAML aliases expand to more than 10000 nodes (at alias '*d')\n" % p)


def test_aliases_within_the_limit_work(tmp_path):
    text = VALID.replace("memory: 64K", "memory: &m 64K", 1).replace("memory: 64K", "memory: *m") + \
        "".join("x%d: &x%d [%s]\n" % (i, i, ", ".join(["*x%d" % (i - 1)] * 3 if i else ["1"] * 3)) for i in range(7))
    rc, out, err = limited("check", write(tmp_path, text))
    p = str(tmp_path / "m.yaml")
    assert (rc, err.splitlines()) == (1, ["%s:%d:1: error: unknown key 'x%d' in the manifest" % (p, 9 + i, i)
                                          for i in range(7)])  # and x6 alone is 3^7 = 2187 nodes


def test_deep_nesting_through_aliases(tmp_path):
    text = VALID + "a: &a " + "[" * 20 + "1" + "]" * 20 + "\nb: [[[[[[[[[[[[[[*a]]]]]]]]]]]]]]\n"
    rc, out, err = limited("check", write(tmp_path, text))
    assert (rc, err) == (1, "%s:10:18: error: YAML nesting is too deep (more than 32 levels)\n" % (tmp_path / "m.yaml"))


def test_thousand_digit_numbers(tmp_path):
    """Never converted whole (int() of a 5000-digit string is refused by
    Python, and quadratic below that): a positioned message."""
    p = write(tmp_path, VALID.replace("cores: [0]", "cores: [%s]" % ("9" * 5000))
              .replace("cores: [1], memory: 64K", "cores: [1], memory: 0x%s" % ("f" * 4000))
              .replace("slots: 4", "slots: -%s" % ("1" * 20000)))
    rc, out, err = limited("check", p)
    assert (rc, err.splitlines()) == (1, [
        "%s:5:15: error: integer 9999999999...9999 (5000 digits) does not fit in 64 bits" % p,
        "%s:6:27: error: integer 0xffffffff...ffff (4000 digits) does not fit in 64 bits" % p,
        "%s:8:29: error: integer -111111111...1111 (20000 digits) does not fit in 64 bits" % p])


def test_thousand_digit_literals(tmp_path):
    p = write(tmp_path, VALID.replace("memory: 64K", "memory: %sK" % ("9" * 5000), 1)
              .replace("board: host", "board: host\nkernel: {tick: %sms}" % ("1" * 5000)))
    rc, out, err = limited("check", p)
    assert (rc, err.splitlines()) == (1, [
        "%s:4:16: error: 'tick' of kernel is absurdly long (11111111111111111111111111111111... (5002 characters); "
        "at most 3600s)" % p,
        "%s:6:27: error: 'memory' of shard 'a' is absurdly large (99999999999999999999999999999999... (5001 "
        "characters); at most 1T)" % p])


def test_long_and_odd_board_names(tmp_path):
    """A board is looked up among manifest/boards/*.yaml, never opened by
    the name written (300 characters made the file system refuse it)."""
    known = " (known boards: host, qemu-microvm-x86_64, qemu-virt-aarch64, qemu-virt-riscv64)"
    for board, shown in (("b" * 300, "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...' (300 characters)" + known),
                         ("../boards/host", "'../boards/host'" + known),
                         ('"ho\\0st"', "'ho\\x00st'" + known + " (did you mean 'host'?)"),
                         ('"\\e[2Jkern| forged"', "'\\x1b[2Jkern| forged'" + known)):
        p = write(tmp_path, VALID.replace("board: host", "board: " + board))
        assert limited("check", p) == (1, "", "%s:3:8: error: unknown board %s\n" % (p, shown))


def test_terabyte_plan_is_cheap(tmp_path):
    """Page-table pools are counted by index ranges: 16 shards of 1024G in a
    256M board are refused at once, not after half a gigabyte of sets."""
    shards = "".join("  s%d: {source: %s/shards/examples/sink, cores: [0], memory: 1024G, persistent: 1024G}\n"
                     % (i, ROOT) for i in range(16))
    regions = "".join("  r%d: {size: 1024G, access: {%s}}\n" % (r, ", ".join("s%d: rw" % i for i in range(16)))
                      for r in range(8))
    p = write(tmp_path, "tessera: 1\nname: tera\nboard: qemu-virt-aarch64\nshards:\n%sregions:\n%s" % (shards, regions))
    rc, out, err = limited("check", p)
    assert rc == 1 and err.endswith(
        "%s:4:1: error: the memory plan needs 63016440033280 bytes (kernel reserve 8388608 + shards, channels, "
        "regions, DMA regions and reload staging 63016431644672) but board 'qemu-virt-aarch64' has 268435456 bytes of RAM\n" % p)


def test_thousands_of_mistakes_cost_linear_time(tmp_path):
    """3000 shards and 3000 channels between unknown shards: 6000 errors,
    each without a did-you-mean search through 3000 names (that search made
    the run quadratic: minutes for 230K of YAML)."""
    n = 3000
    p = write(tmp_path, "tessera: 1\nname: many\nboard: host\nkernel: {defaults: {memory: 64K}}\nshards:\n" +
              "".join("  s%d: {cores: [0], source: x}\n" % i for i in range(n)) + "channels:\n" +
              "".join("  - {from: t%d, to: u%d, slots: 4, slot_size: 64}\n" % (i, i) for i in range(n)))
    rc, out, err = limited("check", p)
    unknown = [line for line in err.splitlines() if "names unknown shard" in line]
    assert rc == 1 and len(unknown) == 2 * n
    assert unknown[-1] == "%s:%d:23: error: channel #%d: 'to' names unknown shard 'u%d'" % (p, 6 + 2 * n, n, n - 1)


def test_bytes_and_sizes(tmp_path):
    p = write(tmp_path, VALID.encode().replace(b"name: hostile", b"name: host\xc3\x28ile"))
    assert limited("check", p) == (1, "", "%s:2:11: error: not UTF-8 text (byte 0xc3)\n" % p)
    p = write(tmp_path, VALID.replace("name: hostile", "name: hostile\x07"))
    assert limited("check", p) == (1, "", "%s:2:14: error: YAML syntax error: character U+0007 is not allowed\n" % p)
    p = write(tmp_path, VALID + "#" * (256 << 10))
    assert limited("check", p) == (1, "", "%s:1:1: error: file is larger than 256K\n" % p)


def test_messages_escape_control_characters(tmp_path):
    p = write(tmp_path, VALID.replace("to: b,", 'to: "b\\r\\e[1Akern| panic",'))
    rc, out, err = limited("check", p)
    assert rc == 1 and "names unknown shard 'b\\r\\x1b[1Akern| panic'" in err
    assert all(line.isprintable() for line in err.splitlines())


def test_fuzzed_manifests_through_every_command(tmp_path):
    """fuzz_manifest.py: mutated manifests through check, gen, graph and the
    build and sim front ends; derandomized, so a failure reproduces."""
    rc, out, err = limited(str(tmp_path), "150", python=os.path.join(ROOT, "tests", "codegen", "fuzz_manifest.py"))
    assert rc == 0, out + err


def test_thousand_digit_duration():
    """`tessera sim --duration` is a time literal too (checked before any build)."""
    rc, out, err = limited("sim", "manifest/examples/packet-pipeline.yaml", "--duration", "9" * 400 + "s")
    assert (rc, err) == (1, "tessera: error: --duration: 99999999999999999999999999999999... (401 characters) is too "
                         "long (the simulator counts in 64-bit nanoseconds)\n")
