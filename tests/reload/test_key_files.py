"""The device key never sits in a file others can read (docs/reload.md
"Authentication"): after `tessera build` and `tessera sim`'s build, every
file under the build and output directories that carries the key (its
bytes, its hex form, its C initializer) is owner-only, and so is what an
earlier build with a looser umask left there."""
import os
import stat
import subprocess

from reload_fixture import ROOT

TESSERA = os.path.join(ROOT, "tessera")
TARGET = os.path.join(ROOT, "manifest", "examples", "packet-pipeline-aarch64.yaml")
SIM = os.path.join(ROOT, "tests", "sim", "manifests", "pipeline-calm.yaml")


def forms(key):
    """How the key appears in files: raw (objects, ELFs, the image), hex
    (the key file), C (gen/kern/reload_key.c)."""
    return (key, key.hex().encode(), ", ".join("0x%02x" % b for b in key).encode())


def carriers(key, *dirs):
    """{path: permission bits} of every regular file under dirs holding the key."""
    found = {}
    for d in dirs:
        for dirpath, _, names in os.walk(d):
            for n in names:
                p = os.path.join(dirpath, n)
                st = os.lstat(p)
                if stat.S_ISREG(st.st_mode):
                    with open(p, "rb") as f:
                        data = f.read()
                    if any(k in data for k in forms(key)):
                        found[os.path.relpath(p, d)] = stat.S_IMODE(st.st_mode)
    return found


def loosen(*dirs):
    """What a build under umask 022 used to leave: group/world-readable."""
    for d in dirs:
        for dirpath, subdirs, names in os.walk(d):
            for p in [dirpath] + [os.path.join(dirpath, n) for n in names]:
                if not os.path.islink(p):
                    os.chmod(p, os.lstat(p).st_mode | 0o055)


def read_key(path):
    with open(path) as f:
        return bytes.fromhex(f.read().strip())


def run(*argv):
    r = subprocess.run(list(argv), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    return r


# What `tessera sim --sanitize` does before it runs the simulator (running
# it is not the point here; commands/sim.py).
SIM_BUILD = ("import sys; sys.path.insert(0, %r); from tessera.backend import sim; sim.build(sim.plan(%r), True)"
             % (os.path.join(ROOT, "codegen"), SIM))


def test_target_build_keeps_the_key_owner_only(tmp_path):
    out = tmp_path / "out"
    bdir = os.path.join(ROOT, "build", "aarch64", "packet-pipeline-aarch64")
    for attempt in ("fresh", "over a loose earlier build"):
        run(TESSERA, "build", TARGET, "--arch", "aarch64", "-o", str(out))
        key = read_key(out / "packet-pipeline-aarch64.key")
        found = {**{"OUT/" + p: m for p, m in carriers(key, str(out)).items()},
                 **{"BUILD/" + p: m for p, m in carriers(key, bdir).items()}}
        for must in ("OUT/packet-pipeline-aarch64.key", "OUT/packet-pipeline-aarch64.img",
                     "OUT/packet-pipeline-aarch64.elf", "BUILD/gen/kern/reload_key.c", "BUILD/kernel.elf"):
            assert must in found, (attempt, must, sorted(found))
        assert any("/reload_key.c.o" in p for p in found), sorted(found)  # .o or .obj
        assert {p: oct(m) for p, m in found.items() if m & 0o077} == {}, attempt
        loosen(str(out), bdir)


def test_sim_build_keeps_the_key_owner_only():
    bdir = os.path.join(ROOT, "build", "sim", "pipeline-calm")
    for attempt in ("fresh", "over a loose earlier build"):
        run("/usr/bin/python3", "-c", SIM_BUILD)
        key = read_key(os.path.join(bdir, "pipeline-calm.key"))
        found = carriers(key, bdir)
        for must in ("pipeline-calm.key", "gen/kern/reload_key.c", "sim/tessera-sim"):
            assert must in found, (attempt, must, sorted(found))
        assert {p: oct(m) for p, m in found.items() if m & 0o077} == {}, attempt
        loosen(bdir)
