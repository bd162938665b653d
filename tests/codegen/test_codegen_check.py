"""`tessera check`: one fixture per rule, exact messages and line:col."""
import glob
import os

import pytest

from codegen_helpers import EXAMPLES, FIXTURES, ROOT, expectations, tessera
from tessera import pipeline

FIXTURE_FILES = sorted(glob.glob(os.path.join(FIXTURES, "*.yaml")))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=os.path.basename)
def test_fixture_messages(path):
    rel = os.path.relpath(path, ROOT)
    want = expectations(path)
    assert want, "fixture without # expect: lines"
    plan, diags = pipeline.check(rel)
    got = [m[len(rel) + 1:] for m in diags.formatted()]
    assert got == want
    assert (plan is None) == any(": error: " in w for w in want)


def test_cli_reports_every_error_exit_1_no_traceback():
    rel = "tests/codegen/fixtures/many_errors.yaml"
    rc, out, err = tessera("check", rel)
    assert rc == 1
    assert out == ""
    assert err.splitlines() == ["%s:%s" % (rel, e) for e in expectations(os.path.join(ROOT, rel))]
    assert len(err.splitlines()) == 9
    assert "Traceback" not in err


def test_warning_only_exits_0():
    rel = "tests/codegen/fixtures/warning_isolated.yaml"
    rc, out, err = tessera("check", rel)
    assert rc == 0
    assert err == "%s:15:3: warning: shard 'c' has no channels and no devices\n" % rel


@pytest.mark.parametrize("name", sorted(os.listdir(EXAMPLES)))
def test_examples_pass(name):
    rc, out, err = tessera("check", os.path.join("manifest", "examples", name))
    assert rc == 0, err
    assert ": error: " not in err


def test_faults_example_warns_about_standalone_shards():
    rc, out, err = tessera("check", "manifest/examples/faults.yaml")
    assert rc == 0
    assert [line.split(": warning: ")[1] for line in err.splitlines()] == [
        "shard 'hang' has no channels and no devices",
        "shard 'crash' has no channels and no devices",
        "shard 'wild' has no channels and no devices",
    ]


def test_missing_file_and_bad_usage_are_one_line():
    rc, out, err = tessera("check", "no/such.yaml")
    assert (rc, err) == (1, "tessera: error: no/such.yaml: no such manifest file\n")
    rc, out, err = tessera("frobnicate")
    assert rc == 2 and "Traceback" not in err and "invalid choice" in err


def test_not_a_mapping_and_empty(tmp_path):
    p = tmp_path / "list.yaml"
    p.write_text("- 1\n- 2\n")
    rc, out, err = tessera("check", str(p))
    assert (rc, err) == (1, "%s:1:1: error: a manifest must be a mapping (tessera: 1, name: ..., shards: ...)\n" % p)
    p.write_text("")
    rc, out, err = tessera("check", str(p))
    assert (rc, err) == (1, "%s:1:1: error: manifest is empty\n" % p)


def test_board_override_uses_that_boards_console():
    plan = pipeline.load_and_plan(os.path.join(EXAMPLES, "packet-pipeline-aarch64.yaml"), board_override="host")
    assert plan.board["name"] == "host"
    assert plan.console == "stdout"


def test_internal_error_is_one_line(monkeypatch, capsys):
    from tessera import cli
    from tessera.validate import rules as validate

    def boom(*a, **k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(validate, "check", boom)
    rc = cli.main(["check", os.path.join(EXAMPLES, "packet-pipeline.yaml")])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("tessera: internal error: ZeroDivisionError: boom (test_codegen_check.py:")
    assert len(err.splitlines()) == 1


def test_recursive_alias_and_deep_nesting(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("a: &x {b: *x}\n")
    rc, out, err = tessera("check", str(p))
    assert rc == 1 and "%s:1:4: error: recursive YAML alias\n" % p in err and "Traceback" not in err
    p.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    rc, out, err = tessera("check", str(p))
    assert (rc, err) == (1, "%s:1:35: error: YAML nesting is too deep (more than 32 levels)\n" % p)


def test_wrong_shapes_never_crash(tmp_path):
    p = tmp_path / "w.yaml"
    p.write_text("""tessera: 1
name: x
board: 5
shards: {a: {source: 3, cores: [x], memory: [1]}, b: null}
channels: [1, {from: 1, to: [2], slots: "a", slot_size: {}}]
regions: {r: {size: -1, access: {a: w}}}
kernel: {tick: 5, console: 7, defaults: {memory: 0}}
""")
    rc, out, err = tessera("check", str(p))
    assert rc == 1 and "internal error" not in err
    assert len([line for line in err.splitlines() if ": error: " in line]) == 15
