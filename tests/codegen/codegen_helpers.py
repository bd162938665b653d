"""Shared helpers of the codegen tests (not a conftest: test dirs share one namespace)."""
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "codegen", "fixtures")
EXAMPLES = os.path.join(ROOT, "manifest", "examples")
if os.path.join(ROOT, "codegen") not in sys.path:
    sys.path.insert(0, os.path.join(ROOT, "codegen"))


def tessera(*args, cwd=ROOT):
    """Run ./tessera; (exit code, stdout, stderr)."""
    r = subprocess.run([os.path.join(ROOT, "tessera")] + list(args), cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    return r.returncode, r.stdout, r.stderr


def expectations(path):
    """The `# expect: LINE:COL: severity: message` lines of a fixture."""
    with open(path) as f:
        return [line[len("# expect: "):].rstrip("\n") for line in f if line.startswith("# expect: ")]
