"""The memory map as text (`tessera gen --print-layout`)."""
from tessera.manifest.units import fmt_size
from tessera.validate.rules import bus_masters


def render(plan):
    rows = [("kernel reserve", plan.kernel_pa, None, plan.kernel_size, "kernel")]
    for s in plan.shards:
        n = s["name"]
        img = s["mem_size"] - s["stack_size"]
        rows.append(("%s memory: image" % n, s["mem_pa"], s["mem_va"], img, n))
        rows.append(("%s memory: stack (guard below)" % n, s["mem_pa"] + img, s["stack_top"] - s["stack_size"],
                     s["stack_size"], n))
        rows.append(("%s ctrl page" % n, s["ctrl_pa"], s["ctrl_va"], 4096, n))
        if s["persist_size"]:
            rows.append(("%s persistent" % n, s["persist_pa"], s["persist_va"], s["persist_size"], n))
        if s["pt_size"]:
            rows.append(("%s page tables" % n, s["pt_pa"], None, s["pt_size"], "kernel"))
    for c in plan.channels:
        rows.append(("channel %s (%dx%d)" % (c["name"], c["slots"], c["slot_size"]), c["pa"], c["va"], c["size"],
                     "%s -> %s" % (c["from"], c["to"])))
    for r in plan.regions:
        rows.append(("region %s" % r["name"], r["pa"], r["va"], r["size"],
                     ", ".join("%s:%s" % kv for kv in r["access"].items())))
    for d in plan.dma:
        rows.append(("dma %s%s" % (d["name"], "" if d["cached"] else " (uncached)"), d["pa"], d["va"], d["size"],
                     ", ".join("%s:%s" % kv for kv in d["access"].items())))
    for s in plan.shards:
        for w in s["dev_windows"]:
            rows.append(("device %s" % w["device"], w["pa"], w["va"], w["size"], s["name"] + (
                " (MMIO, DMA unconfined)" if w["device"] in s["dma_unconfined"] else " (MMIO)")))
    out = ["%s on board %s (%s): RAM 0x%x-0x%x, %s of %s used" % (
        plan.name, plan.board["name"], plan.arch, plan.ram_base, plan.ram_base + plan.ram_size,
        fmt_size(plan.ram_used), fmt_size(plan.ram_size))]
    out.append("%-34s %-29s %-29s %8s  %s" % ("what", "PA", "VA", "size", "owner"))
    for what, pa, va, size, owner in rows:
        par = "0x%012x-0x%012x" % (pa, pa + size)
        var = "0x%012x-0x%012x" % (va, va + size) if va is not None else "-"
        out.append("%-34s %-29s %-29s %8s  %s" % (what, par, var, fmt_size(size), owner))
    out.append("cores: " + "; ".join("%d: %s" % (c, " ".join(plan.shards[i]["name"] for i in o) or "-")
                                     for c, o in enumerate(plan.core_order)))
    for s in plan.shards:
        if s["dma_unconfined"]:
            out.append("shard %s: this shard can reach all memory (%s granted with dma: unconfined; no IOMMU)"
                       % (s["name"], bus_masters(s)))
    return "\n".join(out) + "\n"
