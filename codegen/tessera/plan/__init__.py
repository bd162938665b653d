"""Stage 3, the plan: the one object per run every generated file and
every back end reads (model.Plan), made by the memory planner (layout)."""
