"""`tessera check MANIFEST`: validate; every problem as file:line:col."""
import os
import sys

from tessera import pipeline
from tessera.errors import TesseraError


def add_parser(sub):
    p = sub.add_parser("check", help="validate a manifest (every error in one run)",
                       description="Validate MANIFEST against format v1, its board and the kernel limits. "
                       "Prints every problem as file:line:col: error|warning: message; exit 1 on errors.")
    p.add_argument("manifest", metavar="MANIFEST")
    p.add_argument("--board", metavar="BOARD", help="check for this board instead of the manifest's")
    return p


def run(args):
    if not os.path.isfile(args.manifest):
        raise TesseraError("%s: no such manifest file" % args.manifest)
    plan, diags = pipeline.check(args.manifest, args.board)
    for line in diags.formatted():
        print(line, file=sys.stderr)
    return 0 if plan is not None else 1
