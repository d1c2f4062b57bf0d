#!/usr/bin/env python3
"""Generate docs/api-coverage.md: which Engine API operations clibdocker
implements, documents and tests.

One row per operation of the newest spec in ``spec/`` (``ops-v<X.Y>.tsv``),
grouped by tag. The marks come from the tree, never from a hand-kept list:

- Implementation: a public header ``include/clibdocker/*.h`` names the
  operation as ``@op <operationId>`` in a doc comment (``/** ... */``) AND a
  Python source under ``python/clibdocker/`` names it as ``:op: <operationId>``
  in a docstring.
- Documentation: a Markdown heading in ``docs/api/*.md`` contains the
  operationId in backticks (outside fenced code blocks).
- Tests: a test function in ``tests/**/test_*.py`` (or a test method of a
  ``Test*`` class) is decorated ``@pytest.mark.op("<operationId>", ...)``
  (found with :mod:`ast`), or a C test ``tests/c/*.c`` built by
  ``tests/c/CMakeLists.txt`` names it as ``@op <operationId>`` in a comment.

Free-text notes per operation come from ``docs/api-coverage-notes.tsv``
(``operationId<TAB>note``).

Usage::

    python3 scripts/api_coverage.py            # write docs/api-coverage.md
    python3 scripts/api_coverage.py --check    # exit 1 if stale or a claim is wrong
    python3 scripts/api_coverage.py --check --pytest   # also ask pytest to collect
    python3 scripts/api_coverage.py --root DIR # work on another tree

``--check`` also fails when an ``@op``/``:op:``/marker names an operationId
that the spec does not have (a typo guard), when a marker cannot be read
statically or sits on a function pytest would not collect, and when a C test
that claims an operation is not built by CTest.

Standard library only; the output is deterministic (sorted, no timestamps).
"""
from __future__ import annotations

import argparse
import ast
import difflib
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

OUTPUT = "docs/api-coverage.md"
NOTES = "docs/api-coverage-notes.tsv"
MAX_NODES = 3
YES, NO = "✓", "✗"

RULES = (
    "Implementation ✓ = a public header `include/clibdocker/*.h` names the operation as "
    "`@op <operationId>` in a doc comment and a docstring under `python/clibdocker/` names "
    "it as `:op: <operationId>`. Documentation ✓ = a Markdown heading in `docs/api/*.md` "
    "contains `` `<operationId>` ``. Tests ✓ = a pytest test in `tests/` is marked "
    "`@pytest.mark.op(\"<operationId>\")` (read with `ast`), or a C test `tests/c/*.c` built "
    "by CTest names it as `@op <operationId>` in a comment; Notes list the tests (at most "
    f"{MAX_NODES}). Since = the first API version with the operation "
    "(`spec/version-gates.tsv`; 1.25 means 1.25 or earlier)."
)

_OP_ID = r"([A-Za-z_][A-Za-z0-9_]*)"
_C_OP = re.compile(r"@op\s+" + _OP_ID)
_PY_OP = re.compile(r":op:\s+" + _OP_ID)
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BACKTICKED = re.compile(r"`([^`\n]+)`")


@dataclass
class Op:
    tag: str
    method: str
    path: str
    op_id: str
    since: str = ""


@dataclass
class Scan:
    """What the tree claims, by operationId."""
    c_impl: Dict[str, Set[str]] = field(default_factory=dict)    # op -> header files
    py_impl: Dict[str, Set[str]] = field(default_factory=dict)   # op -> python files
    docs: Dict[str, Set[str]] = field(default_factory=dict)      # op -> doc files
    tests: Dict[str, Set[str]] = field(default_factory=dict)     # op -> node ids / C files
    py_nodes: Dict[str, Set[str]] = field(default_factory=dict)  # op -> python node ids
    notes: Dict[str, str] = field(default_factory=dict)
    errors: List[str] = field(default_factory=list)
    # every (operationId, where) named by @op / :op: / a marker / a note, for the typo guard
    named: List[Tuple[str, str]] = field(default_factory=list)


def _add(d: Dict[str, Set[str]], key: str, value: str) -> None:
    d.setdefault(key, set()).add(value)


def _rel(root: Path, p: Path) -> str:
    return p.relative_to(root).as_posix()


def _version_key(v: str) -> Tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v))


# --- the spec -------------------------------------------------------------------

def newest_spec(root: Path) -> Tuple[str, Path]:
    specs = []
    for p in (root / "spec").glob("ops-v*.tsv"):
        m = re.fullmatch(r"ops-v(\d+\.\d+)\.tsv", p.name)
        if m:
            specs.append((_version_key(m.group(1)), m.group(1), p))
    if not specs:
        raise SystemExit(f"api_coverage: no spec/ops-v*.tsv under {root}")
    specs.sort()
    return specs[-1][1], specs[-1][2]


def _read_tsv(path: Path) -> List[Dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        return []
    head = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        if not line.strip():
            continue
        cells = line.split("\t")
        cells += [""] * (len(head) - len(cells))
        rows.append(dict(zip(head, cells)))
    return rows


def load_ops(root: Path) -> Tuple[str, List[Op]]:
    version, path = newest_spec(root)
    ops = [Op(r["tag"], r["method"], r["path"], r["operationId"]) for r in _read_tsv(path)]
    gates = root / "spec" / "version-gates.tsv"
    since = {}
    if gates.exists():
        since = {r["operationId"]: r["since"] for r in _read_tsv(gates) if r["kind"] == "op"}
    for op in ops:
        op.since = since.get(op.op_id, "")
    return version, ops


# --- C sources: comments ------------------------------------------------------------

def c_comments(text: str) -> List[Tuple[str, str]]:
    """The comments of a C source as (kind, text), kind "doc" for ``/** */``
    and ``/*! */``, "block" for other ``/* */``, "line" for ``//``. String and
    character literals are skipped."""
    out: List[Tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j
            body = text[i + 2:j]
            doc = (body.startswith("*") and not body.startswith("*/")) or body.startswith("!")
            out.append(("doc" if doc else "block", body))
            i = j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(("line", text[i + 2:j]))
            i = j
        else:
            i += 1
    return out


def scan_headers(root: Path, scan: Scan) -> None:
    for p in sorted((root / "include" / "clibdocker").glob("*.h")):
        where = _rel(root, p)
        for kind, body in c_comments(p.read_text(encoding="utf-8", errors="replace")):
            if kind != "doc":
                continue
            for m in _C_OP.finditer(body):
                _add(scan.c_impl, m.group(1), where)
                scan.named.append((m.group(1), where))


def _ctest_names(root: Path) -> Set[str]:
    cm = root / "tests" / "c" / "CMakeLists.txt"
    if not cm.exists():
        return set()
    text = cm.read_text(encoding="utf-8", errors="replace")
    text = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return set(re.findall(r"[A-Za-z0-9_.-]+", text))


def scan_c_tests(root: Path, scan: Scan) -> None:
    built = _ctest_names(root)
    for p in sorted((root / "tests" / "c").glob("*.c")):
        where = _rel(root, p)
        ops = []
        for _kind, body in c_comments(p.read_text(encoding="utf-8", errors="replace")):
            ops += [m.group(1) for m in _C_OP.finditer(body)]
        if not ops:
            continue
        if p.stem not in built and p.name not in built:
            scan.errors.append(f"{where}: claims {', '.join(sorted(set(ops)))} but is not "
                               "built by tests/c/CMakeLists.txt")
            continue
        for op in ops:
            _add(scan.tests, op, where)
            scan.named.append((op, where))


# --- Python sources -----------------------------------------------------------

def _parse(p: Path, root: Path, scan: Scan) -> Optional[ast.Module]:
    try:
        return ast.parse(p.read_text(encoding="utf-8"), filename=str(p))
    except (SyntaxError, UnicodeDecodeError) as e:
        scan.errors.append(f"{_rel(root, p)}: cannot parse: {e}")
        return None


def scan_python(root: Path, scan: Scan) -> None:
    base = root / "python" / "clibdocker"
    for p in sorted(base.rglob("*.py")):
        tree = _parse(p, root, scan)
        if tree is None:
            continue
        where = _rel(root, p)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node, clean=False)
                for m in _PY_OP.finditer(doc or ""):
                    _add(scan.py_impl, m.group(1), where)
                    scan.named.append((m.group(1), where))


def _is_op_marker(dec: ast.expr) -> bool:
    """``pytest.mark.op(...)`` or ``mark.op(...)``."""
    if not isinstance(dec, ast.Call) or not isinstance(dec.func, ast.Attribute):
        return False
    f = dec.func
    if f.attr != "op":
        return False
    v = f.value
    if isinstance(v, ast.Attribute) and v.attr == "mark" and isinstance(v.value, ast.Name) \
            and v.value.id == "pytest":
        return True
    return isinstance(v, ast.Name) and v.id == "mark"


def _marker_ops(decs: Iterable[ast.expr], where: str, scan: Scan) -> List[str]:
    ops: List[str] = []
    for dec in decs:
        if not _is_op_marker(dec):
            continue
        assert isinstance(dec, ast.Call)
        if not dec.args or dec.keywords:
            scan.errors.append(f"{where}: op marker needs one or more operationIds as "
                               "positional string arguments")
        for a in dec.args:
            if isinstance(a, ast.Constant) and isinstance(a.value, str):
                ops.append(a.value)
            else:
                scan.errors.append(f"{where}: op marker argument is not a string literal "
                                   f"(line {a.lineno})")
    return ops


def _is_test_file(p: Path) -> bool:
    return p.name.startswith("test_") or p.name.endswith("_test.py")


def _has_init(cls: ast.ClassDef) -> bool:
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "__init__"
               for n in cls.body)


def scan_tests(root: Path, scan: Scan) -> None:
    tests = root / "tests"
    for p in sorted(tests.rglob("*.py")) if tests.exists() else []:
        tree = _parse(p, root, scan)
        if tree is None:
            continue
        rel = _rel(root, p)
        collectable_file = _is_test_file(p)
        funcs = (ast.FunctionDef, ast.AsyncFunctionDef)

        def claim(node_id: str, ops: List[str], collectable: bool, line: int) -> None:
            if not ops:
                return
            if not collectable:
                scan.errors.append(f"{rel}:{line}: op marker on {node_id.split('::', 1)[1]}, "
                                   "which pytest does not collect as a test")
                return
            for op in ops:
                _add(scan.tests, op, node_id)
                _add(scan.py_nodes, op, node_id)
                scan.named.append((op, node_id))

        for node in tree.body:
            if isinstance(node, funcs):
                ops = _marker_ops(node.decorator_list, f"{rel}:{node.lineno}", scan)
                claim(f"{rel}::{node.name}", ops,
                      collectable_file and node.name.startswith("test"), node.lineno)
            elif isinstance(node, ast.ClassDef):
                cls_ops = _marker_ops(node.decorator_list, f"{rel}:{node.lineno}", scan)
                cls_ok = collectable_file and node.name.startswith("Test") and not _has_init(node)
                methods = [m for m in node.body if isinstance(m, funcs)]
                for m in methods:
                    ops = _marker_ops(m.decorator_list, f"{rel}:{m.lineno}", scan)
                    is_test = cls_ok and m.name.startswith("test")
                    # a class marker applies to the class's tests, not to its helpers
                    claim(f"{rel}::{node.name}::{m.name}",
                          ops + (cls_ops if is_test else []), is_test, m.lineno)
                if cls_ops and not (cls_ok and any(m.name.startswith("test") for m in methods)):
                    scan.errors.append(f"{rel}:{node.lineno}: op marker on class {node.name}, "
                                       "which has no test pytest collects")


# --- docs and notes -----------------------------------------------------------------

def scan_docs(root: Path, scan: Scan) -> None:
    for p in sorted((root / "docs" / "api").glob("*.md")):
        where = _rel(root, p)
        fence: Optional[str] = None
        for line in p.read_text(encoding="utf-8").splitlines():
            m = _FENCE.match(line)
            if m:
                mark = m.group(1)
                if fence is None:
                    fence = mark[0] * len(mark)
                elif mark.startswith(fence):
                    fence = None
                continue
            if fence is None and _HEADING.match(line):
                for t in _BACKTICKED.findall(line):
                    _add(scan.docs, t.strip(), where)


def load_notes(root: Path, scan: Scan) -> None:
    p = root / NOTES
    if not p.exists():
        return
    for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or (i == 1 and line.startswith("operationId\t")):
            continue
        op, sep, note = line.partition("\t")
        op, note = op.strip(), note.strip()
        if not sep or not note:
            scan.errors.append(f"{NOTES}:{i}: expected 'operationId<TAB>note'")
            continue
        if op in scan.notes:
            scan.errors.append(f"{NOTES}:{i}: a second note for {op}")
            continue
        scan.notes[op] = note
        scan.named.append((op, f"{NOTES}:{i}"))


def scan_tree(root: Path) -> Scan:
    scan = Scan()
    scan_headers(root, scan)
    scan_python(root, scan)
    scan_docs(root, scan)
    scan_tests(root, scan)
    scan_c_tests(root, scan)
    load_notes(root, scan)
    return scan


# --- rendering ------------------------------------------------------------------------

def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _nodes_note(nodes: Set[str]) -> str:
    ordered = sorted(nodes)
    shown = ", ".join(f"`{n}`" for n in ordered[:MAX_NODES])
    if len(ordered) > MAX_NODES:
        shown += f" +{len(ordered) - MAX_NODES} more"
    return shown


def render(version: str, ops: List[Op], scan: Scan) -> str:
    rows = []
    for op in ops:
        has_c, has_py = op.op_id in scan.c_impl, op.op_id in scan.py_impl
        impl = has_c and has_py
        doc = op.op_id in scan.docs
        tests = scan.tests.get(op.op_id, set())
        notes = []
        if has_c != has_py:
            notes.append("C only (no Python `:op:`)" if has_c else "Python only (no C `@op`)")
        if op.op_id in scan.notes:
            notes.append(scan.notes[op.op_id])
        if tests:
            notes.append("tests: " + _nodes_note(tests))
        rows.append((op, impl, doc, bool(tests), "; ".join(notes)))

    order = {"GET": 0, "HEAD": 1, "POST": 2, "PUT": 3, "PATCH": 4, "DELETE": 5}
    rows.sort(key=lambda r: (r[0].tag, r[0].path, order.get(r[0].method, 9), r[0].method,
                             r[0].op_id))
    total = len(rows)
    n_impl = sum(r[1] for r in rows)
    n_doc = sum(r[2] for r in rows)
    n_test = sum(r[3] for r in rows)

    out = [
        "# Engine API coverage",
        "",
        f"<!-- Generated by scripts/api_coverage.py from spec/ops-v{version}.tsv: do not edit. "
        "Regenerate with `python3 scripts/api_coverage.py`; notes go in "
        f"{NOTES}. -->",
        "",
        f"**Engine API v{version}: {total} operations. Implementation {YES} {n_impl}/{total} · "
        f"Documentation {YES} {n_doc}/{total} · Tests {YES} {n_test}/{total}.**",
        "",
        RULES,
        "",
        "| Area | Operations | Implementation | Documentation | Tests |",
        "|---|---:|---:|---:|---:|",
    ]
    tags = sorted({r[0].tag for r in rows})
    for tag in tags:
        rs = [r for r in rows if r[0].tag == tag]
        out.append(f"| [{tag}](#{tag.lower()}) | {len(rs)} | {sum(r[1] for r in rs)} | "
                   f"{sum(r[2] for r in rs)} | {sum(r[3] for r in rs)} |")
    for tag in tags:
        out += [
            "",
            f"## {tag}",
            "",
            "| Area | Method | Path | operationId | Since | Implementation | Documentation "
            "| Tests | Notes |",
            "|---|---|---|---|---|:-:|:-:|:-:|---|",
        ]
        for op, impl, doc, tested, note in (r for r in rows if r[0].tag == tag):
            out.append(
                f"| {_cell(op.tag)} | {op.method} | `{_cell(op.path)}` | `{op.op_id}` | "
                f"{op.since} | {YES if impl else NO} | {YES if doc else NO} | "
                f"{YES if tested else NO} | {_cell(note)} |")
    return "\n".join(out) + "\n"


# --- checks ---------------------------------------------------------------------------

def typo_errors(ops: List[Op], scan: Scan) -> List[str]:
    known = {op.op_id for op in ops}
    bad = sorted({(op, where) for op, where in scan.named if op not in known})
    return [f"{where}: '{op}' is not an operationId of the spec" for op, where in bad]


def pytest_errors(root: Path, scan: Scan) -> List[str]:
    """Ask pytest which tests it collects; every claimed node id must be one."""
    claimed = sorted({n for nodes in scan.py_nodes.values() for n in nodes})
    if not claimed:
        return []
    files = sorted({n.split("::", 1)[0] for n in claimed})
    env = dict(os.environ)
    py = str(root / "python")
    env["PYTHONPATH"] = py + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         *files], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    collected = set()
    for line in proc.stdout.splitlines():
        line = line.strip()
        if "::" in line and not line.startswith(("ERROR", "FAILED")):
            collected.add(re.sub(r"\[.*\]$", "", line))
    errs = []
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        errs.append(f"pytest --collect-only failed (exit {proc.returncode}):\n{tail}")
    for n in claimed:
        if n not in collected:
            errs.append(f"{n}: claimed by an op marker but not collected by pytest")
    return errs


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help=f"compare with the committed {OUTPUT} and verify the claims; "
                         "exit 1 if stale or wrong")
    ap.add_argument("--pytest", action="store_true",
                    help="with --check: also verify with `pytest --collect-only` that every "
                         "claimed test is collected")
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                    help="the source tree (default: this script's repository)")
    args = ap.parse_args(argv)
    if args.pytest and not args.check:
        ap.error("--pytest goes with --check")
    root = args.root.resolve()

    version, ops = load_ops(root)
    scan = scan_tree(root)
    text = render(version, ops, scan)
    errors = scan.errors + typo_errors(ops, scan)
    out = root / OUTPUT

    if not args.check:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        for e in errors:
            print(f"api_coverage: {e}", file=sys.stderr)
        print(f"api_coverage: wrote {OUTPUT}", file=sys.stderr)
        return 1 if errors else 0

    if args.pytest:
        errors += pytest_errors(root, scan)
    status = 0
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if old != text:
        sys.stdout.writelines(difflib.unified_diff(
            old.splitlines(keepends=True), text.splitlines(keepends=True),
            f"{OUTPUT} (committed)", f"{OUTPUT} (generated)"))
        print(f"api_coverage: {OUTPUT} is stale; run python3 scripts/api_coverage.py",
              file=sys.stderr)
        status = 1
    for e in errors:
        print(f"api_coverage: {e}", file=sys.stderr)
    if errors:
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
