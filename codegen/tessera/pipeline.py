"""The shared front end every command uses: parse, validate, plan."""
from tessera import layout, validate
from tessera.errors import ManifestError, TesseraError


def check(path, board_override=None):
    """(plan or None, diags): every error and warning of one run."""
    model, diags = validate.check(path, board_override)
    if model is None:
        return None, diags
    try:
        return layout.plan(model), diags
    except layout.PlanProblem as e:
        diags.error(path, model["doc"].pos(e.path), e.msg)
        return None, diags


def load_and_plan(path, board_override=None):
    """Plan for `path`; raises ManifestError with the formatted messages."""
    import os

    if not os.path.isfile(path):
        raise TesseraError("%s: no such manifest file" % path)
    plan, diags = check(path, board_override)
    if plan is None:
        raise ManifestError(diags.formatted("error"))
    plan.warnings = diags.formatted("warning")
    return plan
