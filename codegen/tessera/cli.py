"""The `tessera` command line: a dispatcher over tessera.commands.<name>.

Each command module exposes `add_parser(subparsers)` (adds its subparser and
returns it) and `run(args) -> int`. To add a command, add its module name to
COMMANDS below; nothing else needs to change.
"""
import argparse
import importlib
import sys

from tessera.errors import ManifestError, TesseraError

COMMANDS = [
    "check",
    "gen",
    "graph",
    "reload",
    "schema",
    "build",
    "qemu",
    "sim",
    "traffic",
]


def _build_parser():
    parser = argparse.ArgumentParser(prog="tessera", description="Tessera manifest compiler and tools")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        try:
            mod = importlib.import_module("tessera.commands." + name)
        except Exception as e:  # one broken command must not take down the others
            p = sub.add_parser(name, help="(unavailable: %s)" % e, add_help=False)
            p.add_argument("rest", nargs=argparse.REMAINDER)
            p.set_defaults(_run=_broken(name, e))
            continue
        p = mod.add_parser(sub)
        p.set_defaults(_run=mod.run)
    return parser


def _broken(name, err):
    def run(args):
        raise RuntimeError("command '%s' failed to load: %s: %s" % (name, type(err).__name__, err))

    return run


def main(argv=None):
    try:
        parser = _build_parser()
        args = parser.parse_args(argv)
        return int(args._run(args) or 0)
    except ManifestError as e:
        for m in e.messages:
            print(m, file=sys.stderr)
        return 1
    except TesseraError as e:
        print("tessera: error: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tessera: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except SystemExit as e:  # argparse --help / usage errors
        return e.code if isinstance(e.code, int) else 1
    except Exception as e:  # an internal bug: one line, never a traceback
        where = ""
        tb = e.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where = " (%s:%d)" % (tb.tb_frame.f_code.co_filename.rsplit("/", 1)[-1], tb.tb_lineno)
        print("tessera: internal error: %s: %s%s" % (type(e).__name__, e, where), file=sys.stderr)
        return 2
