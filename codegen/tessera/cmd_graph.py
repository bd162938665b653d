"""`tessera graph` (placeholder until implemented)."""
from tessera.errors import TesseraError


def add_parser(sub):
    p = sub.add_parser("graph", help="(not implemented yet)")
    return p


def run(args):
    raise TesseraError("'graph' is not implemented yet")
