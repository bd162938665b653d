"""`tessera inspect`, `top`, `trace`: the host side of the console's
read-only queries (docs/inspect.md)."""
