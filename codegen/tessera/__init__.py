"""Tessera manifest compiler: check, plan and generate static C tables."""
