"""Walk docker-py (the ``docker`` package installed from PyPI) and clibdocker
side by side: every public module of docker-py must exist under
``clibdocker.<same path>``, with every public name docker-py defines there,
every public method of its classes, and every parameter of its functions and
methods (same names, positional ones in the same order, a default wherever
docker-py has one).

``docker.transport`` (requests adapters) is the one module left out: see
docs/migrating-from-docker-py.md for what stands in its place.

Run as a script for a full report: ``python tests/surface_walk.py``.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from typing import Any, List, Tuple

SKIP_MODULES = ("docker.transport",)


def docker_modules() -> List[str]:
    import docker
    names = ["docker"] + [m.name for m in pkgutil.walk_packages(docker.__path__, "docker.")]
    return sorted(n for n in names
                  if not n.startswith(SKIP_MODULES)
                  and not any(part.startswith("_") for part in n.split(".")[1:]))


def _defined_by_docker(obj: Any) -> bool:
    """Names docker-py binds in a module: its own objects and values; stdlib
    or third-party classes, functions and modules it merely imports are not
    part of its surface."""
    if inspect.ismodule(obj):
        return False
    if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj):
        mod = getattr(obj, "__module__", "") or ""
        return mod == "docker" or mod.startswith("docker.")
    return True


def _signature(obj: Any) -> Any:
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def compare_params(where: str, dobj: Any, cobj: Any) -> List[str]:
    """Every parameter docker-py's callable takes, ours takes too."""
    dsig, csig = _signature(dobj), _signature(cobj)
    if dsig is None:
        return []
    if csig is None:
        return [f"{where}: no signature"]
    problems = []
    cparams = csig.parameters
    c_var_kw = any(p.kind is p.VAR_KEYWORD for p in cparams.values())
    c_var_pos = any(p.kind is p.VAR_POSITIONAL for p in cparams.values())
    c_positional = [p.name for p in cparams.values()
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    d_positional = [p.name for p in dsig.parameters.values()
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for p in dsig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            if not c_var_kw:
                problems.append(f"{where}: no **kwargs")
            continue
        if p.kind is p.VAR_POSITIONAL:
            if not c_var_pos:
                problems.append(f"{where}: no *args")
            continue
        q = cparams.get(p.name)
        if q is None:
            problems.append(f"{where}: parameter {p.name!r} missing")
            continue
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            i = d_positional.index(p.name)
            if i >= len(c_positional) or c_positional[i] != p.name:
                problems.append(f"{where}: parameter {p.name!r} not at position {i}")
        if q.kind is q.POSITIONAL_ONLY and p.kind is not p.POSITIONAL_ONLY:
            problems.append(f"{where}: parameter {p.name!r} is positional-only")
        if p.default is not p.empty and q.default is q.empty:
            problems.append(f"{where}: parameter {p.name!r} has no default "
                            f"(docker-py: {p.default!r})")
    # a parameter we require that docker-py does not have breaks its calls
    for q in cparams.values():
        if (q.default is q.empty and q.kind in (q.POSITIONAL_OR_KEYWORD, q.KEYWORD_ONLY)
                and q.name not in dsig.parameters):
            problems.append(f"{where}: extra required parameter {q.name!r}")
    return problems


def walk() -> Tuple[int, List[str]]:
    """(number of names checked, problems)."""
    checked = 0
    problems: List[str] = []
    for name in docker_modules():
        dmod = importlib.import_module(name)
        cname = "clibdocker" + name[len("docker"):]
        try:
            cmod = importlib.import_module(cname)
        except ImportError as e:
            problems.append(f"module {cname} missing ({e})")
            continue
        for attr, dobj in sorted(vars(dmod).items()):
            if attr.startswith("_") or not _defined_by_docker(dobj):
                continue
            checked += 1
            where = f"{cname}.{attr}"
            try:
                cobj = getattr(cmod, attr)
            except AttributeError:
                problems.append(f"{where} missing")
                continue
            if inspect.isclass(dobj):
                if not inspect.isclass(cobj):
                    problems.append(f"{where}: not a class")
                    continue
                problems += compare_params(where, dobj, cobj)
                for mname, dmember in sorted(vars(dobj).items()) if False else _members(dobj):
                    checked += 1
                    mwhere = f"{where}.{mname}"
                    if not hasattr(cobj, mname):
                        problems.append(f"{mwhere} missing")
                        continue
                    cmember = inspect.getattr_static(cobj, mname)
                    if callable(dmember) and not isinstance(dmember, type):
                        problems += compare_params(mwhere, getattr(dobj, mname),
                                                   getattr(cobj, mname))
            elif inspect.isfunction(dobj):
                if not callable(cobj):
                    problems.append(f"{where}: not callable")
                    continue
                problems += compare_params(where, dobj, cobj)
    return checked, problems


def _members(cls: type) -> List[Tuple[str, Any]]:
    """Public attributes docker-py's class defines (its own or inherited
    from docker-py classes; requests.Session's are left out)."""
    out = {}
    for klass in reversed(cls.__mro__):
        mod = getattr(klass, "__module__", "") or ""
        if not (mod == "docker" or mod.startswith("docker.")):
            continue
        for k, v in vars(klass).items():
            if not k.startswith("_"):
                out[k] = inspect.getattr_static(cls, k)
    return sorted(out.items())


if __name__ == "__main__":
    n, probs = walk()
    for p in probs:
        print(p)
    print(f"{n} names checked, {len(probs)} problems")
    sys.exit(1 if probs else 0)
