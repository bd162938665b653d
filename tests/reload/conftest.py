"""The `driver` fixture: reload_driver (kern/reload on stdin/stdout, built
by the host CMake build from tests/reload/driver.c)."""
import os

import pytest

from reload_fixture import ROOT


@pytest.fixture(scope="session")
def driver():
    """$TESS_BUILD_DIR, else build/host (what scripts/test.sh builds before pytest)."""
    bdir = os.environ.get("TESS_BUILD_DIR", os.path.join(ROOT, "build", "host"))
    path = os.path.join(bdir, "tests", "reload", "reload_driver")
    if not os.access(path, os.X_OK):
        pytest.skip("%s not built (scripts/test.sh builds it)" % path)
    return path
