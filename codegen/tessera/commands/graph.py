"""`tessera graph MANIFEST -o pipeline.svg`: draw the pipeline with graphviz
(render/graph.py). The output format follows the file extension (.svg,
.png, .pdf; .dot writes the graph source without running dot).
"""
import os
import shutil
import subprocess

from tessera import pipeline
from tessera.errors import TesseraError
from tessera.render import graph


def add_parser(sub):
    p = sub.add_parser("graph", help="draw the pipeline (graphviz)",
                       description="Draw MANIFEST's shards and channels with graphviz `dot`.")
    p.add_argument("manifest", metavar="MANIFEST")
    p.add_argument("-o", "--output", metavar="FILE", default="pipeline.svg",
                   help="output file; format from the extension: svg, png, pdf or dot (default pipeline.svg)")
    return p


def run(args):
    plan = pipeline.load_and_plan(args.manifest)
    src = graph.dot_source(plan)
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
