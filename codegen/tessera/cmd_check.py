"""`tessera check` (placeholder until implemented)."""
from tessera.errors import TesseraError


def add_parser(sub):
    p = sub.add_parser("check", help="(not implemented yet)")
    return p


def run(args):
    raise TesseraError("'check' is not implemented yet")
