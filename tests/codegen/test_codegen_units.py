"""Size/time literals and the limits.h parser."""
import re

import pytest

from codegen_helpers import ROOT  # noqa: F401  (puts codegen/ on sys.path)
from tessera.manifest import limits, units


@pytest.mark.parametrize("text,val", [(4096, 4096), ("4096", 4096), ("64K", 65536), ("2M", 2 << 20), ("1G", 1 << 30)])
def test_sizes(text, val):
    assert units.parse_size(text) == val


@pytest.mark.parametrize("text", ["64k", "1T", "-4", "4 KB", "", True, None, 1.5])
def test_bad_sizes(text):
    with pytest.raises(units.UnitError):
        units.parse_size(text)


@pytest.mark.parametrize("text,val", [("500us", 500000), ("10ms", 10**7), ("1s", 10**9), ("7ns", 7)])
def test_times(text, val):
    assert units.parse_time(text) == val


def test_bare_number_is_not_a_time():
    with pytest.raises(units.UnitError, match="a unit is required"):
        units.parse_time(10)


def test_limits_come_from_the_header():
    L = limits.get()
    text = open(limits.LIMITS_H).read()
    assert re.search(r"#define\s+TESS_MAX_SHARDS\s+%d\n" % L["TESS_MAX_SHARDS"], text)
    assert L["TESS_MAX_SLOT_SIZE"] == 64 * 1024
    assert limits.parse("#define TESS_A 3u\n#define TESS_B (TESS_A << 2) /* x */\n") == {"TESS_A": 3, "TESS_B": 12}
