"""Stage 4, rendering the plan: every generated file through a Jinja2
template (files), the memory map as text (text), the pipeline as a
graphviz graph (graph)."""
