"""The `tessera` commands, one module each: `add_parser(subparsers)` and
`run(args)`. They parse options and call the stages; tessera/cli.py
dispatches."""
