"""What `tessera build` (target.py) and `tessera sim` (sim.py) share:
where a system builds, its device key, generating the plan's files, and
configuring and building with CMake/Ninja (-j2: the build machines are
small and shared). Build output reaches the user only when a step fails.

The device key is compiled in: gen/kern/reload_key.c, its object, the
kernel ELF, the image and tessera-sim all carry it. So a build runs
`private()`: everything it and its tools create is owner-only, and
`owner_only()` takes group and other permissions off what an earlier build
left (docs/reload.md "Authentication").
"""
import contextlib
import os
import re
import shutil
import stat
import subprocess
import sys

from tessera.errors import TesseraError
from tessera.paths import REPO
from tessera.reload import package
from tessera.reload.proto import ProtoError
from tessera.render import files

ROOT = str(REPO)


def system_name(plan):
    """The system's name as a file name (build directory, OUT/<name>.img)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", plan.name)


def build_dir(kind, name, cmake_defs=()):
    """build/<kind>/<name>; a variant build (extra CMake settings) gets a
    directory of its own, so its cache does not leak into the normal one."""
    bdir = os.path.join(ROOT, "build", kind, name)
    if cmake_defs:
        bdir += "+" + re.sub(r"[^A-Za-z0-9_.=-]", "_", "+".join(cmake_defs))
    return bdir


@contextlib.contextmanager
def private(*paths):
    """Files and directories created inside (by this process and the
    compilers, linkers and packer it runs, which inherit the umask) are
    owner-only; at the end, so are `paths` (what earlier builds left there
    included)."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)
        owner_only(*[p for p in paths if os.path.lexists(p)])


def owner_only(*paths):
    """Take group and other permissions off each path, and off everything
    under a directory (symbolic links are left alone)."""
    for top in paths:
        todo = [top]
        if os.path.isdir(top):
            for dirpath, dirs, names in os.walk(top):
                todo += [os.path.join(dirpath, n) for n in dirs + names]
        for p in todo:
            st = os.lstat(p)
            if not stat.S_ISLNK(st.st_mode) and st.st_mode & 0o077:
                os.chmod(p, stat.S_IMODE(st.st_mode) & ~0o077)


def generate(plan, gdir, key_path):
    """Every generated file of the plan into gdir, with the device key at
    key_path (created once, mode 0600; `tessera reload` signs packages with
    it) compiled in (docs/reload.md "Authentication")."""
    try:
        key = package.ensure_key(key_path)
    except (OSError, ProtoError) as e:
        raise TesseraError("reload key: %s" % (getattr(e, "strerror", None) or e))
    files.generate(plan, gdir, key)


def cmake(bdir, gdir, defs, what, target=None, tools=()):
    """Configure bdir for the generated files in gdir with -D`defs`, then
    build (everything, or `target`). `what`: (what is configured, what is
    built), for messages. `tools`: programs the build needs besides CMake
    and Ninja."""
    for tool in ("cmake", "ninja") + tuple(tools):
        if shutil.which(tool) is None:
            raise TesseraError("'%s' not found (run scripts/bootstrap.sh)" % tool)
    _run_quiet(["cmake", "-S", ROOT, "-B", bdir, "-G", "Ninja", "-DTESS_GEN_DIR=" + gdir] + ["-D" + d for d in defs],
               "configuring " + what[0])
    _run_quiet(["cmake", "--build", bdir] + (["--target", target] if target else []) + ["--", "-j2"],
               "building " + what[1])


def _run_quiet(cmd, what):
    """Run a build step; its output reaches the user only if it fails."""
    try:
        r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except FileNotFoundError:
        raise TesseraError("%s: '%s' not found (run scripts/bootstrap.sh)" % (what, cmd[0]))
    if r.returncode != 0:
        sys.stderr.write(r.stdout.decode(errors="replace"))
        raise TesseraError("%s failed (output above)" % what)
