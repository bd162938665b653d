"""Stage 1, the inputs: the manifest YAML with a position for every node
(yamlpos), size and time literals (units), board files (boards), the
kernel's limits (limits.h) and the diagnostics they are reported in (diag)."""
