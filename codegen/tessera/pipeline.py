"""The front end every command uses: manifest -> validate -> plan, once.

Which board to plan for is decided before planning (validate/rules.py):
`board_override` names one; `arch` keeps the manifest's board if it is for
that arch and takes the arch's default board otherwise (tessera/arch.py).
"""
import os

from tessera.errors import ManifestError, TesseraError
from tessera.plan import layout
from tessera.validate import rules


def check(path, board_override=None, arch=None):
    """(plan or None, diags): every error and warning of one run."""
    model, diags = rules.check(path, board_override, arch)
    if model is None:
        return None, diags
    try:
        return layout.plan(model), diags
    except layout.PlanProblem as e:
        diags.error(path, model["doc"].pos(e.path), e.msg)
        return None, diags


def load_and_plan(path, board_override=None, arch=None):
    """The Plan for `path`, its warnings in plan.warnings; raises
    ManifestError with the formatted messages."""
    if not os.path.isfile(path):
        raise TesseraError("%s: no such manifest file" % path)
    plan, diags = check(path, board_override, arch)
    if plan is None:
        raise ManifestError(diags.formatted("error"))
    plan.warnings = diags.formatted("warning")
    return plan
