"""`tessera trace --port PORT -o run.json`: the kernel's trace rings (the
last events of every core) as Chrome trace-event JSON, which Perfetto
and chrome://tracing open (docs/inspect.md "trace")."""
import sys

from tessera.commands import inspect as cmd_inspect
from tessera.inspect import chrome, client


def add_parser(sub):
    p = sub.add_parser("trace", help="export the kernel's trace as Chrome/Perfetto JSON",
                       description="Read every core's trace ring from the kernel on PORT and write them as "
                       "Chrome trace-event JSON (one track per core).")
    cmd_inspect.add_port_arguments(p)
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the JSON file to write")
    return p


def run(args):
    port, c = cmd_inspect.connect(args)
    try:
        snap = client.snapshot(c, ("system", "shards"))
        events, lost = cmd_inspect.trace_events(c, snap)
    finally:
        port.close()
    with open(args.output, "w") as f:
        f.write(chrome.events_json(snap["system"]["name"], events))
    print("trace| %d events of %d cores to %s%s" % (len(events), snap["system"]["cores"], args.output,
                                                    " (%d overwritten while read)" % lost if lost else ""),
          file=sys.stderr)
    return 0
