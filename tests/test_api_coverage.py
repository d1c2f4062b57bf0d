"""scripts/api_coverage.py: the coverage table is current on the real tree, and
its checks fail on trees whose claims are wrong (temp copies; no engine)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "api_coverage.py"


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=300)


def copy_tree(dst: Path, with_tests: bool = True) -> Path:
    """The parts of the tree the script reads, without build products."""
    ignore = shutil.ignore_patterns("*.so", "__pycache__", "*.pyc")
    for sub in ("spec", "include", "python", "docs"):
        shutil.copytree(ROOT / sub, dst / sub, ignore=ignore)
    if with_tests:
        shutil.copytree(ROOT / "tests", dst / "tests", ignore=ignore)
    else:
        (dst / "tests" / "c").mkdir(parents=True)
    return dst


def strip_area(root: Path, prefix: str = "Secret") -> Path:
    """Remove the claims for the operations named ``<prefix>...`` from a copied
    tree (C ``@op``, Python ``:op:``, doc headings, pytest markers become
    SystemPing ones), so the tests below can use that area as an example of
    operations the tree does not implement yet."""
    pat = prefix + r"[A-Za-z]*"
    for path in root.rglob("*"):
        if not path.is_file() or path.suffix not in (".h", ".c", ".py", ".md"):
            continue
        text = path.read_text(encoding="utf-8")
        new = re.sub(r"@op\s+" + pat + r"\b", "", text)
        new = re.sub(r":op:\s+" + pat + r"\b", "", new)
        new = re.sub(r"`(" + pat + r")`", r"\1", new)
        new = re.sub(r'\.op\("' + pat + r'"\)', '.op("SystemPing")', new)
        if new != text:
            path.write_text(new, encoding="utf-8")
    return root


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def row(table: str, op: str) -> List[str]:
    line = next(ln for ln in table.splitlines() if f"| `{op}` |" in ln)
    return [c.strip() for c in line.strip("|").split(" | ")]


def test_real_tree_is_current_and_collected():
    res = run(ROOT, "--check", "--pytest")
    assert res.returncode == 0, res.stdout + res.stderr


def test_every_spec_operation_is_a_row():
    table = (ROOT / "docs" / "api-coverage.md").read_text(encoding="utf-8")
    spec = (ROOT / "spec" / "ops-v1.55.tsv").read_text(encoding="utf-8").splitlines()[1:]
    ops = [ln.split("\t")[3] for ln in spec if ln.strip()]
    assert len(ops) == 108
    for op in ops:
        assert len(row(table, op)) == 9


def test_row_claiming_a_missing_test_fails(tmp_path):
    root = copy_tree(tmp_path)
    # the same tests minus the SystemPing markers: the committed table's claim is now false
    removed = 0
    for p in (root / "tests").rglob("*.py"):
        lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [ln for ln in lines if ln.strip() != '@pytest.mark.op("SystemPing")']
        removed += len(lines) - len(kept)
        p.write_text("".join(kept), encoding="utf-8")
    assert removed >= 1
    res = run(root, "--check")
    assert res.returncode == 1
    assert "-| System | GET | `/_ping` | `SystemPing` |" in res.stdout
    assert "stale" in res.stderr
    # regenerated, the row says so and the check passes
    assert run(root).returncode == 0
    table = (root / "docs" / "api-coverage.md").read_text(encoding="utf-8")
    assert row(table, "SystemPing")[5:8] == ["✓", "✓", "✗"]
    assert run(root, "--check").returncode == 0


def test_typo_in_marker_or_op_tag_fails(tmp_path):
    root = copy_tree(tmp_path)
    write(root / "tests" / "test_typo.py", """
        import pytest

        @pytest.mark.op("SystemPnig")
        def test_x():
            pass
        """)
    hdr = root / "include" / "clibdocker" / "system.h"
    hdr.write_text(hdr.read_text() + "/** @op VolumeLsit */\n")
    assert run(root).returncode == 1          # written, but the errors are reported
    res = run(root, "--check")
    assert res.returncode == 1
    assert "tests/test_typo.py::test_x: 'SystemPnig' is not an operationId" in res.stderr
    assert "include/clibdocker/system.h: 'VolumeLsit' is not an operationId" in res.stderr
    assert "stale" not in res.stderr


def test_markers_on_methods_and_several_ids(tmp_path):
    root = strip_area(copy_tree(tmp_path))
    write(root / "tests" / "area" / "test_secrets.py", """
        import pytest
        from pytest import mark

        class TestSecrets:
            @pytest.mark.op("SecretList", "SecretCreate")
            def test_create_then_list(self):
                pass

            @mark.op("SecretList")
            def test_list_filters(self):
                pass

        @pytest.mark.op("SecretList")
        def test_a(): pass

        @pytest.mark.op("SecretList")
        async def test_b(): pass
        """)
    assert run(root).returncode == 0
    table = (root / "docs" / "api-coverage.md").read_text(encoding="utf-8")
    create = row(table, "SecretCreate")
    assert create[7] == "✓" and create[5] == "✗"
    assert create[8] == "tests: `tests/area/test_secrets.py::TestSecrets::test_create_then_list`"
    notes = row(table, "SecretList")[8]
    assert notes.startswith("tests: `tests/area/test_secrets.py::TestSecrets::test_create_then_list`,")
    assert notes.endswith(" +1 more")


def test_marker_on_non_test_fails(tmp_path):
    root = strip_area(copy_tree(tmp_path))
    write(root / "tests" / "test_helpers.py", """
        import pytest

        @pytest.mark.op("SecretList")
        def helper():
            pass

        class Helper:
            @pytest.mark.op("SecretList")
            def test_in_non_test_class(self):
                pass
        """)
    res = run(root)
    assert res.returncode == 1
    assert "op marker on helper" in res.stderr
    assert "op marker on Helper::test_in_non_test_class" in res.stderr
    table = (root / "docs" / "api-coverage.md").read_text(encoding="utf-8")
    assert row(table, "SecretList")[7] == "✗"


def test_impl_needs_both_halves_docs_need_a_heading(tmp_path):
    root = strip_area(copy_tree(tmp_path))
    hdr = root / "include" / "clibdocker" / "system.h"
    # a plain (non-doc) comment does not count
    hdr.write_text(hdr.read_text() + "/** GET /volumes. @op SecretList */\n/* @op SecretCreate */\n")
    write(root / "python" / "clibdocker" / "api" / "secret.py", '''
        def create_volume():
            """Create.

            :op: SecretCreate
            """
        # :op: SecretList is only a comment here
        ''')
    write(root / "docs" / "api" / "secret.md", """
        # Secrets

        List — `SecretList` is not a heading here.

        ```
        ## `SecretCreate` inside a code fence
        ```

        ## Inspect — `SecretInspect`
        """)
    assert run(root).returncode == 0
    table = (root / "docs" / "api-coverage.md").read_text(encoding="utf-8")
    assert row(table, "SecretList")[5:7] == ["✗", "✗"]
    assert "C only" in row(table, "SecretList")[8]
    assert row(table, "SecretCreate")[5:7] == ["✗", "✗"]
    assert "Python only" in row(table, "SecretCreate")[8]
    assert row(table, "SecretInspect")[5:7] == ["✗", "✓"]


def test_c_tests_count_only_when_built(tmp_path):
    root = strip_area(copy_tree(tmp_path))
    write(root / "tests" / "c" / "test_secret_e2e.c", """
        /* Volumes end to end. @op SecretDelete */
        static const char *s = "@op SecretInspect in a string is not a claim";
        int main(void) { return s[0] == 0; } // @op SecretUpdate
        """)
    res = run(root)
    assert res.returncode == 1
    assert "tests/c/test_secret_e2e.c: claims SecretDelete, SecretUpdate but is not built" \
        in res.stderr
    cm = root / "tests" / "c" / "CMakeLists.txt"
    cm.write_text(cm.read_text() + "dk_c_test(test_secret_e2e)\n")
    assert run(root).returncode == 0
    table = (root / "docs" / "api-coverage.md").read_text(encoding="utf-8")
    for op in ("SecretDelete", "SecretUpdate"):
        assert row(table, op)[7:] == ["✓", "tests: `tests/c/test_secret_e2e.c`"]
    assert row(table, "SecretInspect")[7] == "✗"
    assert run(root, "--check").returncode == 0


def test_notes_file(tmp_path):
    root = strip_area(copy_tree(tmp_path), "Session")  # an operation without tests
    notes = root / "docs" / "api-coverage-notes.tsv"
    notes.write_text(notes.read_text() + "Session\tnot supported: a hijacked HTTP/2 | gRPC stream\n")
    assert run(root).returncode == 0
    table = (root / "docs" / "api-coverage.md").read_text(encoding="utf-8")
    assert "| not supported: a hijacked HTTP/2 \\| gRPC stream |" in table
    notes.write_text(notes.read_text() + "Sesion\tmisspelt\n")
    res = run(root, "--check")
    assert res.returncode == 1 and "'Sesion' is not an operationId" in res.stderr


def test_pytest_collection_check(tmp_path):
    root = copy_tree(tmp_path, with_tests=False)
    write(root / "tests" / "test_hidden.py", """
        import pytest

        __test__ = False   # pytest collects nothing here, though the AST has a test

        @pytest.mark.op("SystemInfo")
        def test_info():
            pass
        """)
    assert run(root).returncode == 0
    assert run(root, "--check").returncode == 0
    res = run(root, "--check", "--pytest")
    assert res.returncode == 1
    assert "tests/test_hidden.py::test_info: claimed by an op marker but not collected" \
        in res.stderr


def test_pytest_flag_needs_check():
    res = run(ROOT, "--pytest")
    assert res.returncode == 2 and "--pytest goes with --check" in res.stderr
