"""Shared machinery of the differential tests (tests/test_differential_*.py).

A *case* is a function ``case(side, rec)`` that performs the same calls on
one client library: ``side`` holds that library's module (``docker`` for
docker-py 7.2.0, ``clibdocker``), its ``APIClient`` and ``DockerClient``, and
tracks the objects the case creates (each side creates its own, labelled
``clibdocker-test=1`` with unique names; a docker-py client removes them at
the end whatever happened). ``rec(step, thunk, mode=...)`` calls ``thunk``
and records the *shape* of what it returned or raised. The case runs once
per library against the real engine, and the two recordings must have the
same shape step by step.

Shapes (``snap``):
- exceptions: the class name, the names of its classes from the library's
  ``errors`` module and builtins other than the requests-only bases (so a
  docker-py ``NotFound`` needs a clibdocker class named ``NotFound`` that
  derives from one named ``APIError``), and ``status_code`` when present;
- models: the class name and the top-level keys of ``attrs``;
- iterators (generators, streams) are drained (``take`` items at most) and
  compared item by item; an iterator never matches a list;
- tuples by type name (namedtuple fields included), bytes vs str, bool and
  None by value;
- dicts: ``mode="json"`` (engine JSON passed through): the top-level keys
  and the types of their values (a null against anything is accepted below
  the top); ``mode="client"`` (made by the client): keys and types at every
  level; ``mode="value"``: equal values; ``mode="type"``: the type only.
- other objects (sockets): the attributes of a fixed probe list that the
  docker-py object has must exist on the other one.
"""
from __future__ import annotations

import inspect
import importlib
import types
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

import docker as dpy  # docker-py 7.2.0 from the test venv

import clibdocker

assert "site-packages" in (dpy.__file__ or ""), f"'docker' is not docker-py: {dpy.__file__}"

LABELS = {"clibdocker-test": "1"}
TEST_IMAGE = "clibdocker-test/busybox:latest"
REGISTRY = "127.0.0.1:5000"
AUTH = {"username": "clibdocker", "password": "clibdocker-secret"}
MISSING = "clibdocker-test-does-not-exist-0f3c9a"

LIBS = (("docker-py", dpy), ("clibdocker", clibdocker))

SOCKET_PROBE = ("read", "write", "close", "closed", "fileno", "readline", "readinto",
                "_sock", "recv", "send", "sendall", "flush")


# --- the cases ----------------------------------------------------------------

class Case:
    def __init__(self, fn: Callable[..., None], covers: Tuple[str, ...], swarm: bool,
                 version: Optional[str]):
        self.fn, self.covers, self.swarm, self.version = fn, covers, swarm, version
        self.name = fn.__name__

    def __repr__(self) -> str:
        return self.name


def case(table: List[Case], *covers: str, swarm: bool = False,
         version: Optional[str] = None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register ``fn`` in ``table``; ``covers`` names the docker-py methods
    (``APIClient.x``, ``Container.x``, ``ContainerCollection.x``,
    ``DockerClient.x``) it calls. ``version`` pins the clients' API version."""
    def deco(fn: Callable[..., None]) -> Callable[..., None]:
        table.append(Case(fn, covers, swarm, version))
        return fn
    return deco


# --- one library's side ----------------------------------------------------------

_REF: Optional[Any] = None


def ref() -> Any:
    """A docker-py client used for set-up checks and the clean-up of both
    sides (so clibdocker bugs cannot leave objects behind)."""
    global _REF
    if _REF is None:
        _REF = dpy.APIClient(version="auto", timeout=120)
    return _REF


class Side:
    def __init__(self, label: str, mod: Any, version: Optional[str] = None):
        self.label, self.mod, self.errors = label, mod, mod.errors
        self.version = version
        self.tag = uuid.uuid4().hex[:8]
        self.api = mod.APIClient(version=version or "auto", timeout=120)
        self._dc: Optional[Any] = None
        self._made: List[Tuple[str, str]] = []

    @property
    def dc(self) -> Any:
        if self._dc is None:
            self._dc = self.mod.DockerClient(version=self.version or "auto", timeout=120)
        return self._dc

    def name(self, kind: str = "x") -> str:
        return f"clibdocker-test-diff-{kind}-{self.tag}-{uuid.uuid4().hex[:6]}"

    def made(self, kind: str, ident: Any) -> Any:
        """Remember an object to remove at the end; returns ``ident``."""
        if isinstance(ident, dict):
            ident = ident.get("Id") or ident.get("ID")
        elif hasattr(ident, "id") and not isinstance(ident, str):
            ident = ident.id
        if ident:
            self._made.append((kind, str(ident)))
        return ident

    def close(self) -> None:
        r = ref()
        removers = {
            "container": lambda i: r.remove_container(i, force=True, v=True),
            "image": lambda i: r.remove_image(i, force=True),
            "network": r.remove_network,
            "volume": lambda i: r.remove_volume(i, force=True),
            "plugin": lambda i: r.remove_plugin(i, force=True),
            "service": r.remove_service,
            "secret": r.remove_secret,
            "config": r.remove_config,
            "repo": lambda repo: [r.remove_image(ref_, force=True)
                                  for i in r.images()
                                  for ref_ in (i.get("RepoTags") or []) +
                                  (i.get("RepoDigests") or []) if ref_.startswith(repo)],
        }
        for kind, ident in reversed(self._made):
            try:
                removers[kind](ident)
            except dpy.errors.NotFound:
                pass
            except Exception as e:  # noqa: BLE001 - report, keep cleaning
                print(f"differential clean-up of {kind} {ident}: {e}")
        for c in (self.api, self._dc):
            try:
                if c is not None:
                    c.close()
            except Exception:  # noqa: BLE001
                pass


# --- recording ------------------------------------------------------------------

class Rec:
    """Records the shape of each step's result or exception."""

    def __init__(self, side: Side):
        self.side = side
        self.steps: Dict[str, Any] = {}
        self.info: Dict[str, str] = {}

    def __call__(self, step: str, thunk: Callable[[], Any], mode: str = "json",
                 take: Optional[int] = None) -> Any:
        """Run ``thunk``; record its shape under ``step`` and return its value
        (an iterator is drained into a list first, at most ``take`` items, and
        closed when it has ``close``), or None when it raised."""
        assert step not in self.steps, f"step {step!r} recorded twice"
        try:
            v = thunk()
            if is_iterator(v):
                items = []
                attrs = tuple(a for a in ("close", "__next__", "__iter__") if hasattr(v, a))
                for x in v:
                    items.append(x)
                    if take is not None and len(items) >= take:
                        break
                if hasattr(v, "close") and take is not None:
                    try:
                        v.close()
                    except Exception:  # noqa: BLE001
                        pass
                self.steps[step] = ("iter", attrs, [snap(x, mode) for x in items])
                self.info[step] = f"{type(v).__name__} of {len(items)}"
                return items
            self.steps[step] = snap(v, mode)
            self.info[step] = type(v).__name__
            return v
        except Exception as e:  # noqa: BLE001 - the shape of the failure is the result
            self.steps[step] = snap_exc(e)
            self.info[step] = f"raised {type(e).__name__}: {str(e)[:200]}"
            return None

    def value(self, step: str, v: Any, mode: str = "json") -> Any:
        """Record an already computed value."""
        return self(step, lambda: v, mode)


def is_iterator(v: Any) -> bool:
    return (hasattr(v, "__next__") and hasattr(v, "__iter__")
            and not isinstance(v, (str, bytes, bytearray, list, tuple, dict))
            and not is_socketlike(v))


def is_socketlike(v: Any) -> bool:
    return hasattr(v, "fileno") and (hasattr(v, "recv") or hasattr(v, "readinto")
                                     or hasattr(v, "_sock"))


def is_model(v: Any) -> bool:
    return hasattr(v, "attrs") and hasattr(v, "client") and hasattr(v, "reload")


_REQUESTS_BASES = {"HTTPError", "RequestException"}


def snap_exc(e: BaseException) -> Any:
    names = frozenset(k.__name__ for k in type(e).__mro__
                      if k.__name__ not in _REQUESTS_BASES and k is not object
                      and (k.__module__ in ("builtins",) or k.__module__.endswith(".errors")))
    return ("exc", type(e).__name__, names, getattr(e, "status_code", None))


def snap(v: Any, mode: str = "json", depth: int = 0) -> Any:
    if isinstance(v, BaseException):
        return snap_exc(v)
    if is_socketlike(v):
        return ("obj", frozenset(a for a in SOCKET_PROBE if hasattr(v, a)))
    if mode == "json" and depth > 0:
        # engine JSON below the top: the type only, a null matches anything
        if v is None:
            return ("jnull",)
        if is_model(v):
            return ("model", type(v).__name__, None)
        return ("type", kind_name(v))
    if v is None or isinstance(v, bool):
        return ("value", type(v).__name__, v)
    if mode == "type":
        if is_model(v):
            return ("model", type(v).__name__, None)
        return ("type", kind_name(v))
    if mode == "value":
        if is_model(v):
            return ("model", type(v).__name__, v.id)
        return ("value", kind_name(v), v if not isinstance(v, (list, dict, tuple)) else
                repr(v))
    if is_model(v):
        return ("model", type(v).__name__, snap(v.attrs, "json"))
    if isinstance(v, (int, float, str, bytes, bytearray)):
        return ("type", kind_name(v))
    if isinstance(v, tuple):
        fields = getattr(type(v), "_fields", None)
        return ("tuple", type(v).__name__, fields, [snap(x, mode, depth + 1) for x in v])
    if isinstance(v, list):
        # a list keeps the level: the items of a top-level engine list are
        # compared like top-level objects
        return ("list", [snap(x, mode, depth if mode == "json" else depth + 1) for x in v])
    if isinstance(v, dict):
        return ("dict", type(v).__name__ if type(v) is not dict else "dict",
                frozenset(v), {k: snap(x, mode, depth + 1) for k, x in v.items()})
    if is_iterator(v):
        return ("iter", None, [])
    return ("obj", frozenset(a for a in SOCKET_PROBE if hasattr(v, a)))


def kind_name(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, (bytes, bytearray)):
        return "bytes"
    if isinstance(v, str):
        return "str"
    if isinstance(v, float):
        return "float"
    if isinstance(v, tuple):
        return type(v).__name__
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "dict"
    if is_iterator(v):
        return "iterator"
    return type(v).__name__


def _docker_py_error_names() -> frozenset:
    import docker.errors as de
    return frozenset(n for n, v in vars(de).items()
                     if isinstance(v, type) and issubclass(v, BaseException))


def more_specific(a: Any, b: Any) -> bool:
    """clibdocker raised a class of its own (``Conflict`` for a 409,
    ``Unauthorized`` for rejected registry credentials) that derives from the
    class docker-py raised, and from no other docker-py error class than
    docker-py's exception already is: every ``except`` clause a docker-py
    program can write catches it exactly when it catches docker-py's."""
    if a[1] not in b[2]:
        return False
    dpy_names = _docker_py_error_names()
    if b[1] in dpy_names:
        return False          # e.g. ImageNotFound where docker-py says NotFound
    return not ((b[2] - a[2]) & dpy_names)


def compare(a: Any, b: Any, path: str = "") -> List[str]:
    """Differences between docker-py's shape ``a`` and clibdocker's ``b``."""
    out: List[str] = []
    ka, kb = a[0], b[0]
    if ka == "exc" or kb == "exc":
        if ka != kb:
            return [f"{path}: docker-py {describe(a)} vs clibdocker {describe(b)}"]
        if a[1] != b[1] and not more_specific(a, b):
            sub = " (a subclass of it)" if a[1] in b[2] else ""
            out.append(f"{path}: docker-py raised {a[1]} vs clibdocker {b[1]}{sub}")
        missing = a[2] - b[2]
        if missing and a[1] == b[1]:
            out.append(f"{path}: clibdocker's {b[1]} is not a subclass of {sorted(missing)}")
        if a[3] != b[3]:
            out.append(f"{path}: {a[1]}.status_code docker-py {a[3]!r} vs clibdocker {b[3]!r}")
        return out
    if ka == "jnull" or kb == "jnull":
        return []   # engine JSON: a null below the top against anything
    if ka != kb:
        return [f"{path}: docker-py {describe(a)} vs clibdocker {describe(b)}"]
    if ka == "value":
        if a[1:] != b[1:]:
            out.append(f"{path}: docker-py {a[2]!r} vs clibdocker {b[2]!r}")
    elif ka == "type":
        if a[1] != b[1]:
            out.append(f"{path}: docker-py {a[1]} vs clibdocker {b[1]}")
    elif ka == "model":
        if a[1] != b[1]:
            out.append(f"{path}: docker-py model {a[1]} vs clibdocker {b[1]}")
        elif a[2] is not None and b[2] is not None:
            if isinstance(a[2], tuple):
                out += compare(a[2], b[2], path + ".attrs")
            elif a[2] != b[2]:
                out.append(f"{path}: model ids differ")
    elif ka == "tuple":
        if a[1] != b[1] or a[2] != b[2]:
            out.append(f"{path}: docker-py {a[1]}{a[2] or ''} vs clibdocker {b[1]}{b[2] or ''}")
        out += _seq(a[3], b[3], path, exact_len=True)
    elif ka == "list":
        out += _seq(a[1], b[1], path, exact_len=False)
    elif ka == "iter":
        missing = set(a[1] or ()) - set(b[1] or ())
        if missing:
            out.append(f"{path}: clibdocker's iterator lacks {sorted(missing)}")
        out += _seq(a[2], b[2], path, exact_len=False)
    elif ka == "dict":
        if a[1] != b[1]:
            out.append(f"{path}: docker-py {a[1]} vs clibdocker {b[1]}")
        if a[2] != b[2]:
            extra, missing = sorted(b[2] - a[2]), sorted(a[2] - b[2])
            out.append(f"{path}: keys differ: only docker-py {missing}, only clibdocker {extra}")
        for k in a[2] & b[2]:
            out += compare(a[3][k], b[3][k], f"{path}/{k}")
    elif ka == "obj":
        missing = a[1] - b[1]
        if missing:
            out.append(f"{path}: clibdocker's object lacks {sorted(missing)}")
    return out


def _seq(a: List[Any], b: List[Any], path: str, exact_len: bool) -> List[str]:
    if exact_len and len(a) != len(b):
        return [f"{path}: length docker-py {len(a)} vs clibdocker {len(b)}"]
    if bool(a) != bool(b):
        return [f"{path}: docker-py has {len(a)} items vs clibdocker {len(b)}"]
    out: List[str] = []
    for i, (x, y) in enumerate(zip(a, b)):
        d = compare(x, y, f"{path}[{i}]")
        if d:
            out += d
            break   # one item's difference is enough
    return out


def describe(s: Any) -> str:
    k = s[0]
    if k == "exc":
        return f"raised {s[1]}" + (f"({s[3]})" if s[3] else "")
    if k == "value":
        return f"{s[1]} {s[2]!r}"
    if k == "type":
        return s[1]
    if k == "model":
        return f"model {s[1]}"
    if k == "tuple":
        return f"tuple {s[1]}"
    if k == "iter":
        return "an iterator"
    if k == "obj":
        return "an object"
    return k


# Steps where docker-py 7.2.0 itself is broken (so clibdocker working is not a
# difference a working docker-py program could rely on): not compared.
DOCKER_PY_BUGS = {
    "from_stream": "import_image_from_stream sends 'Transfer-Encoding: chunked' over an "
                   "unchunked body; the engine answers 500 'invalid byte in chunk length'",
    "import_stream_src": "the same bug through import_image(stream_src=True)",
    "push": "push_plugin posts to /plugins/{name}/pull, the engine answers 404",
}
BUGGY_CASES = {"from_stream": "image_imports", "import_stream_src": "image_imports",
               "push": ("plugins", "plugin_models")}


# Deliberate differences, each documented in docs/migrating-from-docker-py.md:
# (case, step) -> (what docker-py does, what clibdocker does, why). The step is
# still compared, and must show exactly this difference.
DELIBERATE = {
    ("volumes", "remove_missing_force"): (
        ("exc", "NotFound"), ("value", "NoneType"),
        "docker-py drops force= from the request; clibdocker sends it, and the engine "
        "ignores a missing volume under force"),
    ("system", "events_bad_since"): (
        ("iter", None), ("exc", "APIError"),
        "docker-py hands the engine's 500 over as an empty stream; clibdocker raises it"),
    ("version_gates", "bad_version"): (
        ("exc", "ValueError"), ("exc", "InvalidArgument"),
        "a malformed version is InvalidArgument, also a ValueError (docker-py: int() fails)"),
    ("container_collection", "prepare_model_bad"): (
        ("exc", "Exception"), ("exc", "DockerException"),
        "DockerException (an Exception) with docker-py's message, not a bare Exception"),
    ("container_collection", "create_no_image"): (
        ("exc", "APIError"), ("exc", "InvalidArgument"),
        "bad input refused before any request (docker-py sends it; the engine answers 400)"),
    ("image_models", "tag_bad"): (
        ("exc", "APIError"), ("exc", "InvalidRepository"),
        "a malformed repository refused before any request (docker-py: the engine's 500)"),
    ("swarm_and_nodes", "unlock_bad_key_type"): (
        ("exc", "APIError"), ("exc", "InvalidArgument"),
        "a non-string unlock key refused before any request (docker-py: the engine's 400)"),
    ("service_models", "scale_stale"): (
        ("exc", "APIError"), ("dict", None),
        "Service.scale after update() on the same model: clibdocker reloads and retries "
        "'update out of sequence'; docker-py fails with the engine's 500"),
    ("build", "build_nothing"): (
        ("exc", "TypeError"), ("exc", "InvalidBuildArgument"),
        "bad build arguments are InvalidArgument subclasses of the builtin docker-py raises"),
    ("build", "build_bad_path"): (
        ("exc", "TypeError"), ("exc", "InvalidBuildArgument"),
        "bad build arguments are InvalidArgument subclasses of the builtin docker-py raises"),
    ("image_models", "build_nothing"): (
        ("exc", "TypeError"), ("exc", "InvalidBuildArgument"),
        "bad build arguments are InvalidArgument subclasses of the builtin docker-py raises"),
    ("build", "build_gzip_encoding"): (
        ("exc", "DockerException"), ("exc", "InvalidArgument"),
        "bad build arguments are InvalidArgument (a DockerException), checked before any work"),
    ("build", "build_bad_mem"): (
        ("exc", "DockerException"), ("exc", "InvalidArgument"),
        "bad build arguments are InvalidArgument (a DockerException), checked before any work"),
}


def _deliberate(case_name: str, step: str, a: Any, b: Any) -> bool:
    want = DELIBERATE.get((case_name, step))
    if want is None:
        return False
    (ka, na), (kb, nb) = want[0], want[1]
    ok = a[0] == ka and b[0] == kb and (na is None or a[1] == na) and (nb is None or b[1] == nb)
    if ok:
        print(f"{case_name}/{step}: deliberate difference: {want[2]}")
    return ok


def _docker_py_bug(case_name: str, step: str, a: Any) -> bool:
    where = BUGGY_CASES.get(step)
    if where is None or case_name not in (where if isinstance(where, tuple) else (where,)):
        return False
    return bool(a[0] == "exc")   # only while docker-py really fails there


# --- running a case ---------------------------------------------------------------

def run_case(c: Case, extra: Any = None) -> None:
    recs = []
    for label, mod in LIBS:
        side = Side(label, mod, c.version)
        side.extra = extra   # type: ignore[attr-defined]
        rec = Rec(side)
        try:
            c.fn(side, rec)
        finally:
            side.close()
        recs.append(rec)
    a, b = recs
    diffs: List[str] = []
    for step in a.steps:
        if step not in b.steps:
            diffs.append(f"{step}: only docker-py recorded it")
            continue
        if _docker_py_bug(c.name, step, a.steps[step]):
            print(f"{c.name}/{step}: not compared, docker-py bug: {DOCKER_PY_BUGS[step]}")
            continue
        if _deliberate(c.name, step, a.steps[step], b.steps[step]):
            continue
        d = compare(a.steps[step], b.steps[step], step)
        if d:
            diffs += d
            diffs.append(f"    (docker-py: {a.info[step]}; clibdocker: {b.info[step]})")
    for step in b.steps:
        if step not in a.steps:
            diffs.append(f"{step}: only clibdocker recorded it")
    assert not diffs, f"{c.name}: {len(diffs)} difference lines\n" + "\n".join(diffs)


def push_plugin_setup(name: str) -> None:
    """Push a plugin to the local registry for a case's set-up, through the
    engine API directly (docker-py's push_plugin uses the wrong route)."""
    r = ref()
    res = r._post(r._url("/plugins/{0}/push", name),
                  headers={"X-Registry-Auth": dpy.auth.encode_header(AUTH)}, stream=True)
    r._raise_for_status(res)
    for _ in r._stream_helper(res, decode=True):
        pass


def plugin_dir_factory(tmp_path_factory: Any) -> Callable[[str], Any]:
    """``make(version)``: a fresh plugin directory (rootfs + config.json)
    for create_plugin, built as tests/test_plugins.py builds its plugin."""
    import shutil
    import subprocess

    import pytest
    import test_plugins as tp
    if shutil.which("gcc") is None:  # pragma: no cover
        pytest.skip("gcc is needed to build the test plugin's server")
    base = tmp_path_factory.mktemp("diff-plugin")
    binary = base / "vdriver"
    subprocess.run(["gcc", "-static", "-O2", "-o", str(binary), tp.HELPER_SRC], check=True,
                   capture_output=True, timeout=120)

    def make(version: str) -> Any:
        return tp._make_dir(tmp_path_factory.mktemp("p"), binary, version)
    return make


# --- docker-py's surface -------------------------------------------------------------

MODEL_MODULES = ("containers", "images", "networks", "volumes", "configs", "secrets",
                 "nodes", "plugins", "swarm", "services")


def docker_py_surface() -> List[str]:
    """Every public method of docker-py's APIClient mixins, of DockerClient,
    and every public method/property of its model and collection classes."""
    names = set()
    for cls in dpy.APIClient.__mro__:
        if cls.__module__.startswith("docker.api.") and cls.__name__.endswith("Mixin"):
            names |= {f"APIClient.{n}" for n, v in vars(cls).items()
                      if not n.startswith("_") and callable(v)}
    names |= {f"DockerClient.{n}" for n in vars(dpy.DockerClient) if not n.startswith("_")}
    from docker.models import resource
    for modname in MODEL_MODULES:
        mod = importlib.import_module(f"docker.models.{modname}")
        for cname, cls in vars(mod).items():
            if not (inspect.isclass(cls) and cls.__module__ == mod.__name__):
                continue
            if not issubclass(cls, (resource.Model, resource.Collection)):
                continue
            for n, v in vars(cls).items():
                if n.startswith("_") or n in ("model", "id_attribute"):
                    continue
                if callable(v) or isinstance(v, property):
                    names.add(f"{cname}.{n}")
    names |= {"Model.id", "Model.short_id", "Model.reload", "Collection.prepare_model"}
    return sorted(names)


def _unused(*_: Any) -> None:   # keep linters quiet about imports used by the tables
    return None


_unused(types)
