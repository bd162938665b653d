"""pytest fixtures of tests/sim (helpers live in simrun.py)."""
import pytest

from simrun import run_sim


@pytest.fixture(scope="session")
def sim():
    return run_sim
