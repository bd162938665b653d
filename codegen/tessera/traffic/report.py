"""The figures of a run (run.Result) as `traffic| ` lines or one JSON
object. Rates: frames sent per second between the first and the last
send; echoes per second between the first send and the last echo."""
import json


def percentile(sorted_values, p):
    """Nearest-rank percentile (0 for no values)."""
    if not sorted_values:
        return 0
    k = max(0, min(len(sorted_values) - 1, -(-len(sorted_values) * p // 100) - 1))
    return sorted_values[int(k)]


def figures(res, extra=None):
    rtt = sorted(res.rtt_ns)
    tx_s = (res.last_tx_ns - res.first_tx_ns) / 1e9
    rx_s = (res.last_rx_ns - res.first_tx_ns) / 1e9
    out = {
        "sent": res.sent, "received": res.received, "lost": res.lost, "reordered": res.reordered,
        "duplicated": res.duplicated, "corrupted": res.corrupted, "late": res.late, "unexpected": res.unexpected,
        "sent_pps": round(res.sent / tx_s) if tx_s > 0 else 0,
        "received_pps": round(res.received / rx_s) if rx_s > 0 and res.received else 0,
        "rtt_us": {"p50": round(percentile(rtt, 50) / 1e3, 1), "p99": round(percentile(rtt, 99) / 1e3, 1),
                   "max": round((rtt[-1] if rtt else 0) / 1e3, 1)},
        "malformed_sent": dict(res.malformed_sent), "arp_answered": res.arp_answered,
    }
    if res.query is not None:
        out["query_answered"] = res.query
    out.update(extra or {})
    return out


def text(f):
    lines = ["sent %d received %d lost %d reordered %d duplicated %d corrupted %d late %d unexpected %d"
             % tuple(f[k] for k in ("sent", "received", "lost", "reordered", "duplicated", "corrupted", "late",
                                    "unexpected")),
             "%d packets/s sent, %d echoes/s received, rtt p50 %.1f us p99 %.1f us max %.1f us"
             % (f["sent_pps"], f["received_pps"], f["rtt_us"]["p50"], f["rtt_us"]["p99"], f["rtt_us"]["max"])]
    if f["malformed_sent"]:
        lines.append("malformed sent: " + ", ".join("%s %d" % kv for kv in f["malformed_sent"].items()))
    if "arp" in f:
        lines.append("arp: %s is at %s (%.1f us)" % (f["arp"]["ip"], f["arp"]["mac"], f["arp"]["rtt_us"]))
    if f["arp_answered"]:
        lines.append("arp: answered %d requests" % f["arp_answered"])
    if "query_answered" in f:
        lines.append("counters query %s" % ("answered" if f["query_answered"] else "not answered"))
    return "\n".join("traffic| " + line for line in lines)


def as_json(f):
    return json.dumps(f, sort_keys=True)
