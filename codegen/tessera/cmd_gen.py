"""`tessera gen` (placeholder until implemented)."""
from tessera.errors import TesseraError


def add_parser(sub):
    p = sub.add_parser("gen", help="(not implemented yet)")
    return p


def run(args):
    raise TesseraError("'gen' is not implemented yet")
