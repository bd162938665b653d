"""`tessera graph MANIFEST -o pipeline.svg`: draw the pipeline with graphviz.

Shards (with their core) are nodes, channels are edges labelled
slots x slot_size, shared regions are dashed boxes linked to their users.
The output format follows the file extension (.svg, .png, .pdf; .dot
writes the graph source without running dot).
"""
import os
import shutil
import subprocess

from tessera import pipeline
from tessera.errors import TesseraError


def add_parser(sub):
    p = sub.add_parser("graph", help="draw the pipeline (graphviz)",
                       description="Draw MANIFEST's shards and channels with graphviz `dot`.")
    p.add_argument("manifest", metavar="MANIFEST")
    p.add_argument("-o", "--output", metavar="FILE", default="pipeline.svg",
                   help="output file; format from the extension: svg, png, pdf or dot (default pipeline.svg)")
    return p


def _q(s):
    return '"%s"' % str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def dot_source(plan):
    L = ["digraph %s {" % _q(plan.name), "  rankdir=LR;", '  node [shape=box, style="rounded", fontname="Helvetica"];',
         '  edge [fontname="Helvetica", fontsize=10];']
    for s in plan.shards:
        extra = "\n" + ", ".join(s["devices"]) if s["devices"] else ""
        L.append("  %s [label=%s];" % (_q("s_" + s["name"]), _q("%s\ncore %d%s" % (s["name"], s["core"], extra))))
    for c in plan.channels:
        L.append("  %s -> %s [label=%s];" % (_q("s_" + c["from"]), _q("s_" + c["to"]),
                                             _q("%s\n%d x %d B" % (c["name"], c["slots"], c["slot_size"]))))
    for r in plan.regions:
        L.append("  %s [shape=box, style=dashed, label=%s];" % (_q("r_" + r["name"]),
                                                                _q("region %s\n%d B" % (r["name"], r["size"]))))
        for sn, mode in r["access"].items():
            L.append("  %s -> %s [style=dashed, dir=%s, label=%s];" % (
                _q("s_" + sn), _q("r_" + r["name"]), "both" if mode == "rw" else "back", _q(mode)))
    L.append("}")
    return "\n".join(L) + "\n"


def run(args):
    plan = pipeline.load_and_plan(args.manifest)
    src = dot_source(plan)
    ext = os.path.splitext(args.output)[1].lstrip(".").lower() or "svg"
    if ext == "dot" or ext == "gv":
        try:
            with open(args.output, "w") as f:
                f.write(src)
        except OSError as e:
            raise TesseraError("cannot write %s: %s" % (args.output, e.strerror))
        return 0
    if ext not in ("svg", "png", "pdf"):
        raise TesseraError("unknown graph format '.%s' (use .svg, .png, .pdf or .dot)" % ext)
    if shutil.which("dot") is None:
        raise TesseraError("graphviz 'dot' not found (run scripts/bootstrap.sh)")
    r = subprocess.run(["dot", "-T" + ext, "-o", args.output], input=src.encode(), stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise TesseraError("dot failed: %s" % r.stderr.decode(errors="replace").strip())
    return 0
