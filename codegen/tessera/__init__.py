"""Tessera manifest compiler: check, plan and generate static C tables, and
build, boot and hot-reload the result.

The rooms follow the pipeline (docs/design.md "The tessera tool"):
manifest/ (read inputs) -> validate/ -> plan/ -> render/ -> backend/
(build, sim, QEMU); reload/ (hot reload, host side) stands apart;
commands/ holds the CLI commands; pipeline.py runs the first three stages;
arch.py is the arch table; image.py the flashable image format.
"""
