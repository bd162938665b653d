"""`tessera schema` (placeholder until implemented)."""
from tessera.errors import TesseraError


def add_parser(sub):
    p = sub.add_parser("schema", help="(not implemented yet)")
    return p


def run(args):
    raise TesseraError("'schema' is not implemented yet")
