"""`tessera gen MANIFEST -o DIR [--print-layout]`."""
import sys

from tessera import pipeline
from tessera.render import files, text


def add_parser(sub):
    p = sub.add_parser("gen", help="plan memory and emit the C tables, shard headers and linker scripts",
                       description="Validate and plan MANIFEST, then write layout.json, kern/tables.c, build.cmake "
                       "and shards/<name>/{tessera_shard_cfg.h,shard_cfg.c,shard.ld} into DIR.")
    p.add_argument("manifest", metavar="MANIFEST")
    p.add_argument("-o", "--output", metavar="DIR", help="output directory (default: gen)")
    p.add_argument("--board", metavar="BOARD", help="plan for this board instead of the manifest's")
    p.add_argument("--print-layout", action="store_true", help="print the memory map")
    return p


def run(args):
    plan = pipeline.load_and_plan(args.manifest, args.board)
    for w in plan.warnings:
        print(w, file=sys.stderr)
    if args.output or not args.print_layout:
        files.generate(plan, args.output or "gen")
    if args.print_layout:
        sys.stdout.write(text.render(plan))
    return 0
