"""Stage 2, validation: the manifest against its JSON Schema (schema) and
every rule of format v1 (rules.check), each problem as file:line:col. The
result is the model the planner takes."""
