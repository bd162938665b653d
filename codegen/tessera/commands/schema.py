"""`tessera schema`: print the manifest JSON Schema (for editors)."""
import json
import sys

from tessera.validate import schema


def add_parser(sub):
    return sub.add_parser("schema", help="print the manifest JSON Schema",
                          description="Print the JSON Schema of manifest format v1 (manifest/schema.json).")


def run(args):
    sys.stdout.write(json.dumps(schema.load(), indent=2) + "\n")
    return 0
