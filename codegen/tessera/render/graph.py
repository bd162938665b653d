"""The pipeline as a graphviz graph (`tessera graph`).

Shards (with their core) are nodes, channels are edges labelled
slots x slot_size, shared regions are dashed boxes linked to their users.
"""


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
