"""clibdocker.utils, .constants and .version against docker-py 7.2.0.

The pure helpers are checked differentially: docker-py (installed in the test
venv) and clibdocker get the same inputs and must give the same results, or
exceptions of the same name and message. The socket helpers are checked on
the real engine with what clibdocker's attach_socket/exec_start return.
"""
from __future__ import annotations

import datetime
import importlib
import io
import os
import socket
import struct
import sys
import tarfile
import time

import pytest

import clibdocker
from clibdocker import errors
from conftest import LABELS, TEST_IMAGE, unique

dpy = pytest.importorskip("docker")
if not os.path.dirname(dpy.__file__).endswith(os.path.join("site-packages", "docker")):
    pytest.skip("`docker` is not docker-py here", allow_module_level=True)

import docker.utils  # noqa: E402  (docker-py)

SUBMODULES = ("build", "config", "decorators", "fnmatch", "json_stream", "ports", "proxy",
              "socket", "utils")


def outcome(fn, *args, **kwargs):
    """('ok', result) or ('raise', exception class name, message)."""
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the exception is the result
        return ("raise", type(e).__name__, str(e))


def same(module: str, fname: str, *args, **kwargs):
    """Call docker.utils.<module>.<fname> and clibdocker's; they must agree."""
    theirs = getattr(importlib.import_module(f"docker.utils.{module}"), fname)
    ours = getattr(importlib.import_module(f"clibdocker.utils.{module}"), fname)
    want = outcome(theirs, *args, **kwargs)
    got = outcome(ours, *args, **kwargs)
    assert got == want, f"{module}.{fname}{args!r}: docker-py {want!r}, clibdocker {got!r}"
    return got


# --- module surface -----------------------------------------------------------

def test_every_docker_py_name_is_there():
    import inspect
    for mod in ("docker.utils", "docker.constants", "docker.version",
                *(f"docker.utils.{m}" for m in SUBMODULES)):
        theirs = importlib.import_module(mod)
        ours = importlib.import_module("clibdocker" + mod[len("docker"):])
        for name, value in vars(theirs).items():
            if name.startswith("_") and name != "__version__" or inspect.ismodule(value):
                continue
            assert hasattr(ours, name), f"{ours.__name__}.{name} missing"
            if inspect.isfunction(value):
                assert (list(inspect.signature(value).parameters)
                        == list(inspect.signature(getattr(ours, name)).parameters)[
                            :len(inspect.signature(value).parameters)]), f"{mod}.{name}"
        public = {n for n in dir(theirs) if not n.startswith("_")
                  and not (inspect.ismodule(getattr(theirs, n))
                           and (n not in SUBMODULES or mod != "docker.utils"))}
        assert public <= set(dir(ours)), (mod, public - set(dir(ours)))


def test_constants_and_version():
    import docker.constants as dc
    from clibdocker import constants as cc
    from clibdocker import version as cv
    for name in dir(dc):
        if name.isupper() and name != "DEFAULT_USER_AGENT":
            assert getattr(cc, name) == getattr(dc, name), name
    assert cc.DEFAULT_DOCKER_API_VERSION == "1.45" and cc.MINIMUM_DOCKER_API_VERSION == "1.24"
    assert cc.DEFAULT_TIMEOUT_SECONDS == 60 and cc.STREAM_HEADER_SIZE_BYTES == 8
    assert cc.DEFAULT_USER_AGENT == f"clibdocker/{clibdocker.__version__}"
    assert cv.__version__ == clibdocker.__version__


def test_start_up_stays_cheap():
    """The API areas import clibdocker.utils at start-up: the docker-py names
    must not pull the submodules (json, re, tarfile, shlex...) in."""
    import subprocess
    code = ("import sys, clibdocker; clibdocker.APIClient().ping(); "
            "import clibdocker.utils as u; "
            "print(sorted(m for m in sys.modules if m.startswith('clibdocker.utils') "
            "or m in ('json', 'tarfile', 'shlex', 'logging', 'base64', 'urllib.parse'))); "
            "u.parse_host; print('clibdocker.utils.utils' in sys.modules, "
            "'parse_host' in dir(u), 'socket' in dir(u))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout.splitlines()
    assert out == ["['clibdocker.utils']", "True True True"]


def test_lazy_names_resolve_to_their_submodules():
    from clibdocker import utils
    assert utils.parse_host is utils.utils.parse_host
    assert utils.tar is utils.build.tar
    assert utils.check_resource is utils.decorators.check_resource
    assert utils.convert_filters is utils.utils.convert_filters
    with pytest.raises(AttributeError):
        utils.no_such_name  # noqa: B018
    for name in ("create_host_config", "create_ipam_config", "create_ipam_pool"):
        with pytest.raises(errors.DeprecatedMethod):
            getattr(utils, name)(None) if name == "create_host_config" else getattr(utils, name)()


# --- utils.utils ----------------------------------------------------------------

HOSTS = [
    None, "", "unix://", " unix:// ", "unix:///var/run/docker.sock", "unix://var/run/docker.sock",
    "unix:///", "http+unix:///tmp/s", "tcp://1.2.3.4:2375", "tcp://1.2.3.4:2375/",
    "tcp://1.2.3.4", "tcp://:2375", "tcp://", "1.2.3.4:2375", "localhost:5", ":7",
    "http://h:1", "https://h:1", "tcp://h:1/path", "tcp://h:1?x=1", "tcp://h:1#f",
    "tcp://u:p@h:1", "tcp://u@h:1", "ssh://h", "ssh://user@h", "ssh://user@h:2222",
    "ssh://h/path", "npipe:////./pipe/docker_engine", "npipe://", "fd://", "ftp://h:1",
    "tcp://[::1]:2375", "[fe80::1]:80", "tcp://h:0", "tcp://h:99999", "ssh://:22", "host",
    "somehost.net:80/service/swarm", "tcp://h:1 ", "UNIX:///x", "tcp-x://h:1",
]


@pytest.mark.parametrize("addr", HOSTS)
@pytest.mark.parametrize("tls", [False, True])
def test_parse_host(addr, tls):
    same("utils", "parse_host", addr, tls=tls)
    same("utils", "parse_host", addr, True, tls)


@pytest.mark.parametrize("value", [
    10, 1.5, "", "10", "10b", "10k", "10K", "10kb", "10KB", "1.5m", "2g", "10x", "m", "-5k",
    "10 k", "b", "kb", "1e3", "10mB", "0x10k", "1.5", "1.7b", "10bb", "1kk", "10Bk", "1_000k",
    " 5", "5 ", "nan", "99999999999999999999k",
])
def test_parse_bytes(value):
    same("utils", "parse_bytes", value)


def test_converters_agree():
    cases = [
        ("convert_port_bindings", {"80/tcp": 8080, 81: ("127.0.0.1", 81),
                                   82: ["1", ("2.2.2.2", 3), ("4.4.4.4",)], 83: None,
                                   84: [None], 86: "1000", 88: 0, "89/udp": [80, 81],
                                   90: ("a", "b", "c"), 91: []}),
        ("convert_port_bindings", {80: {"HostIp": "x"}}),
        ("convert_port_bindings", {80: ()}),
        ("convert_port_bindings", {80: ("127.0.0.1", None), 81: [("10.0.0.1", None), None]}),
        ("convert_volume_binds", ["/a:/b"]),
        ("convert_volume_binds", {"/a": "/b", b"/c": {"bind": "/d", "ro": True},
                                  "/e": {"bind": "/f", "mode": "z"}, "/g": {"bind": b"/h"},
                                  "/i": {"bind": "/j", "ro": False}, "/k": b"/l", "/m": 3}),
        ("convert_volume_binds", {"/a": {"bind": "/b", "ro": True, "mode": "rw"}}),
        ("convert_volume_binds", {"/a": {"nobind": 1}}),
        # bind propagation joins the mode (pk01 found it dropped)
        ("convert_volume_binds", {"v": {"bind": "/v", "propagation": "rshared"},
                                  "/a": {"bind": "/b", "mode": "ro", "propagation": "slave"},
                                  "/c": {"bind": "/d", "ro": True, "propagation": "rprivate"},
                                  "/e": {"bind": "/f", "mode": "", "propagation": "shared"},
                                  "/g": {"bind": "/h", "propagation": "bogus"}}),
        ("convert_tmpfs_mounts", {"/a": "size=1"}),
        ("convert_tmpfs_mounts", ["/a:size=1,mode=1777", "/b", "/c:"]),
        ("convert_tmpfs_mounts", [1]),
        ("convert_tmpfs_mounts", "x"),
        ("convert_tmpfs_mounts", None),
        ("convert_service_networks", ["a", {"Target": "b", "Aliases": ["x"]}]),
        ("convert_service_networks", None),
        ("convert_service_networks", []),
        ("convert_service_networks", "abc"),
        ("normalize_links", {"b": "x", "a": None, "c": ""}),
        ("normalize_links", [("b", "x"), ("a", None)]),
        ("normalize_links", None),
        ("format_environment", {"a": "1", "b": None, "c": b"x", "d": 3, "e": ""}),
        ("format_extra_hosts", {"h": "1.2.3.4", "g": "::1"}),
        ("format_extra_hosts", ["a:b"]),
        ("parse_devices", ["/dev/a", "/dev/a:/dev/b", "/dev/a:/dev/b:r", {"PathOnHost": "x"},
                           "/a:/b:c:d", "/a::r", "/a:", ":/b"]),
        ("parse_devices", [3]),
        ("split_command", "a 'b c' \"d e\" f\\ g"),
        ("split_command", 'a "b'),
        ("decode_json_header", "eyJhIjogMX0="),
        ("decode_json_header", "eyJhIjogMX0"),
        ("decode_json_header", "eyJuYW1lIjoi_75cdTAwZmYifQ=="),
        ("decode_json_header", b"eyJhIjogWzEsMl19"),
        ("decode_json_header", "eyJhIjoiPz8_In0="),
        ("decode_json_header", "eyJhIjoiPz8/In0="),
        ("convert_filters", {"a": True, "b": [1, "x"], "c": None, "d": False, "e": "s"}),
    ]
    for fname, arg in cases:
        same("utils", fname, arg)
    same("utils", "format_extra_hosts", {"h": "1.2.3.4", "a": "::1"}, task=True)
    for v1, v2 in [("1.2", "1.10"), ("1.2.0", "1.2"), ("2", "1.9"), ("1.24", "1.3"),
                   ("1.45", "1.45"), ("1.41", "1.45"), ("1.9.1", "1.9"), ("x", "1")]:
        for f in ("compare_version", "version_lt", "version_gte"):
            same("utils", f, v1, v2)
    for name in ["a/b:c", "a:5000/b", "a:5000/b:t", "a@sha256:x", "a:t@sha256:x", "a", "",
                 "a/b/c", "a:", ":t", "host:5000/ns/img:1.0@sha256:abc"]:
        same("utils", "parse_repository_tag", name)
    for f in ("create_host_config", "create_ipam_config", "create_ipam_pool"):
        same("utils", f, None)


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_datetime_to_timestamp(tz, monkeypatch):
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        for dt in (datetime.datetime(2020, 1, 1), datetime.datetime(2020, 1, 1, 0, 0, 0, 999999),
                   datetime.datetime(1969, 12, 31, 23, 59, 59, 500000),
                   datetime.datetime(2020, 6, 1, tzinfo=datetime.timezone(
                       datetime.timedelta(hours=2)))):
            same("utils", "datetime_to_timestamp", dt)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_parse_env_file(tmp_path):
    p = tmp_path / "env"
    for text in ["# c\n\nA=1\nB = 2 \n  C=x=y\n export D=4\n#E=5\n", "A\n",
                 "  # indented comment\n\t\nA=\n", "A=1", "=v\n", "A=1\r\nB=2\r\n"]:
        p.write_text(text)
        same("utils", "parse_env_file", str(p))
    same("utils", "parse_env_file", str(tmp_path / "missing"))


def test_kwargs_from_env(tmp_path, monkeypatch):
    from clibdocker.tls import TLSConfig
    from clibdocker.utils import kwargs_from_env
    import docker.utils as dutils
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("x")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    os.makedirs(tmp_path / "home" / ".docker")
    for env in [{"DOCKER_HOST": "tcp://h:2376"},
                {"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1",
                 "DOCKER_CERT_PATH": str(tmp_path)},
                {"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "",
                 "DOCKER_CERT_PATH": str(tmp_path)},
                {"DOCKER_TLS_VERIFY": "0", "DOCKER_CERT_PATH": str(tmp_path)},
                {"DOCKER_CERT_PATH": "", "DOCKER_TLS_VERIFY": ""},
                {"DOCKER_TLS_VERIFY": "1"},             # ~/.docker has no certificates
                {"OTHER": "x"}]:
        want = outcome(dutils.kwargs_from_env, environment=env)
        got = outcome(kwargs_from_env, environment=env)
        assert got[0] == want[0], (env, want, got)
        if want[0] == "raise":
            assert got[1] == want[1], (env, want, got)
            continue
        want, got = want[1], got[1]
        assert set(got) == set(want), env
        assert got.get("base_url") == want.get("base_url")
        if "tls" in want:
            assert isinstance(got["tls"], TLSConfig)
            assert got["tls"].verify == want["tls"].verify, env
            assert got["tls"].ca_cert == want["tls"].ca_cert
            assert tuple(got["tls"].cert) == tuple(want["tls"].cert)
    # an empty mapping means os.environ, as in docker-py
    monkeypatch.setenv("DOCKER_HOST", "tcp://from-environ:1")
    assert kwargs_from_env(environment={}) == {"base_url": "tcp://from-environ:1"}
    assert kwargs_from_env()["base_url"] == "tcp://from-environ:1"


def test_kwargs_from_env_feed_the_clients(client):
    from clibdocker.utils import kwargs_from_env
    kw = kwargs_from_env(environment={"DOCKER_HOST": "unix:///var/run/docker.sock"})
    assert kw == {"base_url": "unix:///var/run/docker.sock"}
    c = clibdocker.APIClient(**kw)
    try:
        assert c.ping() is True
    finally:
        c.close()
    d = clibdocker.DockerClient(**kw)
    try:
        assert d.ping() is True
    finally:
        d.close()


# --- ports -------------------------------------------------------------------------

PORT_SPECS = ["80", 80, "80/udp", "8080:80", "127.0.0.1:8080:80", "127.0.0.1::80",
              "8000-8010:80-90", "8000-8010:80", "80-90", "[::1]:80:80", "::1:80:80",
              "1.2.3.4:80-81:90-91/tcp", "abc", "80:", ":80", "1:2:3:4", "8000-8001:80-82",
              "80-82/sctp", "0.0.0.0:80", "x:80:80", "80-70", "127.0.0.1::80-81",
              "127.0.0.1:1-3:80-81", "80/xyz", "80\n"]


@pytest.mark.parametrize("spec", PORT_SPECS)
def test_split_port(spec):
    same("ports", "split_port", spec)


def test_port_helpers():
    same("ports", "build_port_bindings",
         ["80", "8080:80", "127.0.0.1:8081:80", "90-91", "1000-1001:100-101/udp"])
    same("ports", "build_port_bindings", ["nope"])
    for args in [("80", "82", "/tcp"), ("80", None, ""), ("80", "82", "", True),
                 ("80", "70", ""), ("", "1", ""), (None, None, "")]:
        same("ports", "port_range", *args)
    from clibdocker.utils import ports
    b = {}
    ports.add_port(b, ["80", "81"], ["1", "2"])
    ports.add_port(b, ["90"], None)
    ports.add_port_mapping(b, "80", "3")
    assert b == {"80": ["1", "3"], "81": ["2"], "90": [None]}


# --- fnmatch -------------------------------------------------------------------------

FN_PATTERNS = ["*", "**", "a/**/b", "**/b", "a/**", "?", "[abc]", "[!a]", "[^a]", "[", "[]]",
               "a[", "[a-", "a.b", "\\*", "***", "a**b", "[!]", "[a/b]", "**/", "x/**/",
               "*.py", "a/*/c", "[a-c]?", "a\\b", "(x)", "+", "a$"]
FN_NAMES = ["a", "b", "ab", "a/b", "a/x/y/b", "a/c/b", "x/", "x", "x/y", "^", "[", "]",
            "a.b", "axb", "*", "\\x", "c.py", "d/c.py", "a/z/c", "bz", "(x)", "+", "a$", "a\n",
            "A", "AB", "C.PY", "D/c.Py", "A/X/Y/B"]   # docker-py's fnmatch ignores case


def test_fnmatch_translate_and_match():
    for pat in FN_PATTERNS:
        same("fnmatch", "translate", pat)
        for name in FN_NAMES:
            same("fnmatch", "fnmatch", name, pat)
            same("fnmatch", "fnmatchcase", name, pat)


# --- json_stream -----------------------------------------------------------------------

def chunked(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


def test_json_stream_helpers():
    doc = '{"a": 1}\n{"b": [1, 2]}  {"c": "é"}\r\n[3]\n"s" 4'.encode()
    for size in (1, 2, 3, 7, len(doc)):
        for module_fn in ("json_stream", "split_buffer", "stream_as_text"):
            ours = getattr(importlib.import_module("clibdocker.utils.json_stream"), module_fn)
            theirs = getattr(importlib.import_module("docker.utils.json_stream"), module_fn)
            assert list(ours(chunked(doc, size))) == list(theirs(chunked(doc, size)))
    # a truncated document at the end: StreamParseError in both
    for bad in (b'{"a": 1}{"b": ', b"  {}", b"xyz"):
        def run(mod, bad=bad):
            return list(importlib.import_module(mod).json_stream([bad]))
        want, got = outcome(run, "docker.utils.json_stream"), outcome(run, "clibdocker.utils.json_stream")
        assert got[:2] == want[:2], (bad, want, got)
    from clibdocker.errors import StreamParseError
    with pytest.raises(StreamParseError):
        list(clibdocker.utils.json_stream.json_stream([b'{"a": ']))
    for buf in ['{"a": 1} {"b"', '  {"a": 1}', "[1]\n\n", "", "nope"]:
        same("json_stream", "json_splitter", buf)
    for buf in ["a\nb", "ab", "\n", "a\r\nb"]:
        same("json_stream", "line_splitter", buf)
        same("json_stream", "line_splitter", buf, "b")
    text = ["l1\nl", b"2\nl3", b"\xff\n"]
    assert (list(clibdocker.utils.json_stream.split_buffer(text))
            == list(docker.utils.json_stream.split_buffer(text)))
    assert list(clibdocker.utils.json_stream.stream_as_text([b"\xffa", "b"])) == ["\ufffda", "b"]


# --- build: .dockerignore, tar -------------------------------------------------------------

TREE = ["Dockerfile", ".dockerignore", "a.py", "b.txt", "README.md", "docs/index.md",
        "docs/api/x.md", "docs/api/y.txt", "src/main.py", "src/lib/util.py",
        "src/lib/deep/er/x.py", "src/keep/keep.txt", "node_modules/m/index.js",
        "node_modules/m/keep.js", "build/out.o", "build/sub/keep.o", "x/y/z/w.txt",
        "dir with space/f.txt", "weird[1]/f", ".git/HEAD", ".git/objects/ab/cd", "empty/",
        "other/Dockerfile", "a/b/c/d/e.txt"]

IGNORE_SETS = [
    [],
    ["*"],
    ["*", "!Dockerfile"],
    ["*.py"],
    ["**/*.py"],
    ["**/*.py", "!src/lib/**"],
    ["src"],
    ["src", "!src/keep"],
    ["src/", "!src/keep/keep.txt"],
    ["node_modules", "!node_modules/m/keep.js"],
    ["**"],
    ["**", "!docs/**", "docs/api/*.txt"],
    [".git", "build/*", "!build/sub"],
    ["./docs/../src", "/b.txt/", "  a.py  ", "#comment", "."],
    ["docs/*/x.md", "x/**/w.txt", "?.py"],
    ["dir with space", "weird[1]", "weird\\[1\\]"],
    ["*/", "!src"],
    ["a/**/e.txt"],
    ["!a.py", "a.py"],
    ["Dockerfile", ".dockerignore"],
    ["**/keep*", "!**/keep.o"],
    ["[a-c]*", "!b*"],
    ["other", "!other/Dockerfile"],
    ["empty"],
]


@pytest.fixture
def context_tree(tmp_path):
    root = tmp_path / "ctx"
    for rel in TREE:
        p = root / rel
        if rel.endswith("/"):
            p.mkdir(parents=True, exist_ok=True)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(rel)
    os.symlink("src", root / "link-to-src")
    os.symlink("missing", root / "dangling")
    return str(root)


@pytest.mark.parametrize("patterns", IGNORE_SETS, ids=lambda p: "|".join(p) or "none")
def test_exclude_paths_like_docker_py(context_tree, patterns):
    from clibdocker.utils import build
    import docker.utils.build as dbuild
    for dockerfile in (None, "other/Dockerfile"):
        theirs_pats, ours_pats = list(patterns), list(patterns)
        want = dbuild.exclude_paths(context_tree, theirs_pats, dockerfile=dockerfile)
        got = build.exclude_paths(context_tree, ours_pats, dockerfile=dockerfile)
        assert got == want, (patterns, dockerfile, sorted(got ^ want))
        assert ours_pats == theirs_pats     # both append !<dockerfile>
    pm, dpm = build.PatternMatcher(patterns), dbuild.PatternMatcher(patterns)
    assert [(p.dirs, p.exclusion, p.cleaned_pattern) for p in pm.patterns] == [
        (p.dirs, p.exclusion, p.cleaned_pattern) for p in dpm.patterns]
    for rel in TREE + ["nope", "src/lib", "a/b"]:
        rel = rel.rstrip("/")
        assert pm.matches(rel) == dpm.matches(rel), (patterns, rel)
    assert sorted(build.walk(context_tree, patterns)) == sorted(
        dbuild.walk(context_tree, patterns))


def test_pattern_and_small_helpers():
    for p in ["!./a/../b/c/", "a/../../b", "..", "!", "  x  ", "a//b", "./"]:
        same("build", "split_path", p)
        ours, theirs = clibdocker.utils.build.Pattern(p), docker.utils.build.Pattern(p)
        assert (ours.dirs, ours.exclusion, ours.cleaned_pattern) == (
            theirs.dirs, theirs.exclusion, theirs.cleaned_pattern), p
        assert clibdocker.utils.build.Pattern.normalize(p) == docker.utils.build.Pattern.normalize(p)
    same("build", "normalize_slashes", "a\\b/c")
    for tag in ["a", "A", "a/b:1", "a--b", "a-b__c.d_e", "a___b", "a:", "a:-x",
                "localhost:5000/a", "a/B", "a..b", "a_-b", "", "Localhost:5000/a", "a.B/c",
                "a-/b", "a:5000", "a:5000/b:t", "a@sha256:" + "0" * 64, "a.b.c:1/d/e",
                "a:1:2/b", "x:" + "a" * 128, "x:" + "a" * 129, "x:.a", "x:_a", "a/b.",
                "1.2.3.4:5/x", "[::1]:5000/a", "a:5x/b", "a b", "a\n", "a/b:1/c",
                "a:1/b:2/c", "x:é", "a.-b", "a__b__c"]:
        same("build", "match_tag", tag)


def tar_names(fileobj):
    with tarfile.open(fileobj=fileobj) as t:
        return [(m.name, m.type, m.size) for m in t.getmembers()]


@pytest.mark.parametrize("patterns", [[], ["src", "!src/keep"], ["**/*.py", ".git"]])
def test_tar_like_docker_py(context_tree, patterns):
    from clibdocker.utils import build
    import docker.utils.build as dbuild
    for kwargs in ({}, {"gzip": True}, {"dockerfile": ("../Dockerfile.out", "FROM scratch\n")},
                   {"dockerfile": ("Dockerfile", None)}):
        want = tar_names(dbuild.tar(context_tree, exclude=list(patterns), **kwargs))
        got = tar_names(build.tar(context_tree, exclude=list(patterns), **kwargs))
        assert got == want, (patterns, kwargs)
    with build.tar(context_tree, exclude=["*"],
                   dockerfile=("../D", "FROM x")) as f, tarfile.open(fileobj=f) as t:
        assert t.extractfile(".dockerignore").read() == b"*\n../D"
        assert t.extractfile("../D").read() == b"FROM x"


def test_create_archive_and_mkbuildcontext(context_tree):
    from clibdocker.utils import build
    import docker.utils.build as dbuild
    same("build", "build_file_list", context_tree)
    extra = [("src/main.py", "replaced"), ("new.txt", "new")]
    for kwargs in ({}, {"files": ["a.py", "docs", "docs/index.md"]}, {"extra_files": extra}):
        assert tar_names(build.create_archive(context_tree, **kwargs)) == tar_names(
            dbuild.create_archive(context_tree, **kwargs)), kwargs
    buf = io.BytesIO()
    assert build.create_archive(context_tree, files=["a.py"], fileobj=buf) is buf
    assert tar_names(buf) == [("a.py", tarfile.REGTYPE, 4)]
    for make in (lambda: io.BytesIO(b"FROM x\n"),
                 lambda: open(os.path.join(context_tree, "Dockerfile"), "rb")):
        a, b = make(), make()
        assert tar_names(build.mkbuildcontext(a)) == tar_names(dbuild.mkbuildcontext(b))
        a.close(), b.close()
    with pytest.raises(TypeError):
        build.mkbuildcontext(io.StringIO("FROM x"))


def test_tar_builds_on_the_engine(client, context_tree):
    """What utils.tar produces is a context the engine builds."""
    from clibdocker.utils import tar
    with open(os.path.join(context_tree, "Dockerfile"), "w") as f:
        f.write(f"FROM {TEST_IMAGE}\nCOPY . /ctx\nRUN test -f /ctx/src/keep/keep.txt "
                "&& test ! -e /ctx/src/main.py\n")
    tag = unique("clibdocker-test-utils-tar").lower()
    ctx = tar(context_tree, exclude=["src", "!src/keep"])
    try:
        log = list(client.build(fileobj=ctx, custom_context=True, tag=tag, labels=LABELS,
                                rm=True, decode=True))
        assert not [x for x in log if "error" in x], log
        assert client.inspect_image(tag)["Id"]
    finally:
        try:
            client.remove_image(tag, force=True)
        except errors.NotFound:
            pass


# --- config, proxy, decorators ---------------------------------------------------------------

def test_config_file_lookup(tmp_path, monkeypatch):
    from clibdocker.utils import config
    import docker.utils.config as dconfig
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)

    def check():
        for fname, args in [("home_dir", ()), ("config_path_from_environment", ()),
                            ("find_config_file", ()), ("find_config_file", (str(tmp_path / "x"),)),
                            ("load_general_config", ()),
                            ("load_general_config", (str(tmp_path / "explicit.json"),))]:
            assert outcome(getattr(config, fname), *args) == outcome(
                getattr(dconfig, fname), *args), fname

    check()                                       # nothing anywhere
    (home / ".dockercfg").write_text('{"legacy": true}')
    check()
    (home / ".docker").mkdir()
    (home / ".docker" / "config.json").write_text('{"HttpHeaders": {"X-A": "1"}}')
    check()
    assert config.load_general_config() == {"HttpHeaders": {"X-A": "1"}}
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "cfgdir"))
    check()                                       # DOCKER_CONFIG without a file
    (tmp_path / "cfgdir").mkdir()
    (tmp_path / "cfgdir" / "config.json").write_text("{not json")
    check()
    assert config.load_general_config() == {}
    (tmp_path / "explicit.json").write_text('{"proxies": {}}')
    check()
    assert config.load_general_config(str(tmp_path / "explicit.json")) == {"proxies": {}}
    assert config.DOCKER_CONFIG_FILENAME == dconfig.DOCKER_CONFIG_FILENAME
    assert config.log.name == "clibdocker.utils.config"


def test_proxy_config_like_docker_py():
    from clibdocker.utils.proxy import ProxyConfig
    from docker.utils.proxy import ProxyConfig as DProxyConfig
    for raw in [{}, {"httpProxy": "http://p:3128", "noProxy": "localhost"},
                {"httpProxy": "h", "httpsProxy": "s", "ftpProxy": "f", "noProxy": "n"},
                {"other": 1}, {"httpsProxy": ""}]:
        ours, theirs = ProxyConfig.from_dict(raw), DProxyConfig.from_dict(raw)
        assert dict(ours) == dict(theirs) and str(ours) == str(theirs)
        assert (ours.http, ours.https, ours.ftp, ours.no_proxy) == (
            theirs.http, theirs.https, theirs.ftp, theirs.no_proxy)
        assert ours.get_environment() == theirs.get_environment()
        for env in (None, [], ["A=1", "http_proxy=mine"]):
            assert ours.inject_proxy_environment(env) == theirs.inject_proxy_environment(env)
    assert not ProxyConfig() and ProxyConfig().inject_proxy_environment(["a"]) == ["a"]
    assert isinstance(ProxyConfig(), dict)


class Fake:
    """A stand-in client for the decorators (they only read attributes)."""

    def __init__(self, version=None, general=None):
        if version is not None:
            self._version = version
        if general is not None:
            self._general_configs = general


def test_decorators_like_docker_py():
    from clibdocker.utils import decorators as ours
    import docker.utils.decorators as theirs
    for mod in (ours, theirs):
        @mod.check_resource("container")
        def inspect(self, container, extra=None):
            return container, extra

        assert inspect(None, "abc") == ("abc", None)
        assert inspect(None, {"Id": "i1"}) == ("i1", None)
        assert inspect(None, {"ID": "i2"}, 5) == ("i2", 5)
        assert inspect(None, container="kw", extra=1) == ("kw", 1)
        for bad in (None, "", {}, {"Name": "x"}):
            with pytest.raises(Exception) as e:
                inspect(None, bad)
            assert type(e.value).__name__ == "NullResource"
            assert str(e.value) == "Resource ID was not provided"

        @mod.minimum_version("1.30")
        def new_thing(self):
            """doc"""
            return "ran"

        assert new_thing.__name__ == "new_thing" and new_thing.__doc__ == "doc"
        assert new_thing(Fake("1.30")) == "ran" and new_thing(Fake("1.41")) == "ran"
        with pytest.raises(Exception) as e:
            new_thing(Fake("1.29"))
        assert type(e.value).__name__ == "InvalidVersion"
        assert str(e.value) == "new_thing is not available for version < 1.30"

        @mod.update_headers
        def call(self, headers=None):
            return headers

        assert call(Fake(general={})) is None
        assert call(Fake(general={"HttpHeaders": {"X-A": "1"}})) == {"X-A": "1"}
        assert call(Fake(general={"HttpHeaders": {"X-A": "1"}}),
                    headers={"X-A": "0", "X-B": "2"}) == {"X-A": "1", "X-B": "2"}
    # clibdocker: a client without _general_configs, and a real APIClient
    assert ours.update_headers(lambda self, headers=None: headers)(object()) is None
    c = clibdocker.APIClient()
    try:
        gated = ours.minimum_version("99.0")(lambda self: "ran")
        with pytest.raises(errors.InvalidVersion):
            gated(c)
        assert ours.minimum_version("1.24")(lambda self: "ran")(c) == "ran"
    finally:
        c.close()


# --- socket helpers -----------------------------------------------------------------------------

def frame(stream, data):
    return struct.pack(">BxxxL", stream, len(data)) + data


def socket_with(data):
    a, b = socket.socketpair()
    b.sendall(data)
    b.close()
    return a


def test_socket_helpers_on_plain_sockets():
    from clibdocker.utils import socket as ours
    import docker.utils.socket as theirs
    payload = frame(1, b"out\n") + frame(2, b"err\n") + frame(1, b"x" * 70000) + frame(2, b"")
    for mod in (ours, theirs):
        with socket_with(payload) as s:
            got = list(mod.frames_iter(s, False))
        assert b"".join(d for sid, d in got if sid == 1) == b"out\n" + b"x" * 70000
        assert [d for sid, d in got if sid == 2] == [b"err\n"]
        with socket_with(b"raw tty bytes") as s:
            assert list(mod.frames_iter(s, True)) == [(mod.STDOUT, b"raw tty bytes")]
        with socket_with(b"abc") as s:
            assert mod.next_frame_header(s) == (-1, -1)
        with socket_with(b"abc") as s:
            with pytest.raises(mod.SocketError):
                mod.read_exactly(s, 5)
        with socket_with(frame(2, b"e")) as s:
            assert mod.next_frame_header(s) == (2, 1) and mod.read(s) == b"e"
        with socket_with(b"via socketio") as s:
            assert mod.read(socket.SocketIO(s, "rb"), 3) == b"via"
        assert mod.consume_socket_output([b"a", b"b"]) == b"ab"
        assert mod.consume_socket_output(
            [(b"a", None), (None, b"e"), (b"c", None)], demux=True) == (b"ac", b"e")
        assert mod.consume_socket_output([], demux=True) == (None, None)
        assert mod.demux_adaptor(1, b"x") == (b"x", None)
        assert mod.demux_adaptor(2, b"x") == (None, b"x")
        with pytest.raises(ValueError):
            mod.demux_adaptor(3, b"x")
    # a non-blocking socket is waited on, not failed
    a, b = socket.socketpair()
    a.setblocking(False)
    import threading
    threading.Timer(0.2, lambda: (b.sendall(b"late"), b.close())).start()
    assert ours.read(a) == b"late"
    a.close()
    # clibdocker also takes frames_iter's (stream, data) pairs directly
    with socket_with(payload) as s:
        assert ours.consume_socket_output(ours.frames_iter(s, False), demux=True) == (
            b"out\n" + b"x" * 70000, b"err\n")


def make_container(client, tty, cmd):
    return client.create_container(TEST_IMAGE, command=cmd, tty=tty, labels=LABELS,
                                   name=unique("clibdocker-test-utils"))["Id"]


SCRIPT = ["sh", "-c", "echo out; echo err >&2"]


@pytest.mark.parametrize("tty", [False, True])
def test_attach_socket_frames_on_the_engine(client, tty):
    from clibdocker.utils.socket import (STDOUT, consume_socket_output, demux_adaptor,
                                         frames_iter)
    client.set_timeouts(stream_idle=30)
    cid = make_container(client, tty, SCRIPT)
    try:
        sock = client.attach_socket(cid, params={"stdout": 1, "stderr": 1, "stream": 1})
        try:
            client.start(cid)
            frames = list(frames_iter(sock, tty))
        finally:
            sock.close()
        if tty:
            assert {sid for sid, _ in frames} == {STDOUT}
            out = consume_socket_output(frames)
            assert sorted(out.split(b"\r\n")) == [b"", b"err", b"out"]
        else:
            assert consume_socket_output((demux_adaptor(*f) for f in frames),
                                         demux=True) == (b"out\n", b"err\n")
            assert consume_socket_output(frames, demux=True) == (b"out\n", b"err\n")
            assert sorted(consume_socket_output(d for _, d in frames).splitlines()) == [
                b"err", b"out"]
    finally:
        client.remove_container(cid, force=True)


@pytest.mark.parametrize("tty", [False, True])
def test_exec_start_socket_frames_on_the_engine(client, tty):
    from clibdocker.utils.socket import consume_socket_output, demux_adaptor, frames_iter
    client.set_timeouts(stream_idle=30)
    cid = make_container(client, False, ["sleep", "60"])
    try:
        client.start(cid)
        ex = client.exec_create(cid, SCRIPT, tty=tty)
        sock = client.exec_start(ex, socket=True, tty=tty)
        try:
            frames = list(frames_iter(sock, tty))
        finally:
            sock.close()
        if tty:
            assert sorted(consume_socket_output(frames).split(b"\r\n")) == [b"", b"err", b"out"]
        else:
            assert consume_socket_output([demux_adaptor(*f) for f in frames],
                                         demux=True) == (b"out\n", b"err\n")
    finally:
        client.remove_container(cid, force=True)


# --- seeded random inputs -------------------------------------------------------------------

def test_random_inputs_agree():
    """Random strings from the characters that matter, the same answers."""
    import random
    import warnings
    rnd = random.Random(20240610)

    def text(alphabet, n):
        return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, n)))

    host_parts = ["unix", "tcp", "ssh", "http", "https", "npipe", ":", "/", "//", "@", "h", "1",
                  "22", "[", "]", "::1", "?", "#", " ", "+", "."]
    port_parts = ["1", "80", "-", ":", "/tcp", "/udp", "[", "]", "::", "1.2.3.4", "a"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)   # "possible nested set", both sides
        for _ in range(3000):
            same("utils", "parse_host", text(host_parts, 8), False, rnd.random() < 0.5)
            same("utils", "parse_bytes", text("0123456789kmgbKMGB.- xe_", 6))
            same("utils", "parse_repository_tag", text("a:/@", 6))
            same("ports", "split_port", text(port_parts, 6))
            same("fnmatch", "fnmatch", text("abAB/.*[]\\-", 6), text("abAB*?/[]!^-\\.", 6))
            same("build", "match_tag", text("aA0:/._-@", 8))


def test_star_import_of_utils_gives_docker_pys_names() -> None:
    """``from docker.utils import *`` (the lazy module has no globals for
    its helpers): the same public names as with docker-py just imported
    (each in a fresh interpreter: which submodules docker-py exports depends
    on what was loaded before), each the helper itself."""
    import subprocess
    code = ("import {0}; ns = {{}}; exec('from {0}.utils import *', ns); "
            "print(sorted(k for k in ns if not k.startswith('_')))")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(clibdocker.__file__)))
    names = [subprocess.run([sys.executable, "-c", code.format(m)], capture_output=True, text=True,
                            check=True, env=env, timeout=60).stdout for m in ("docker", "clibdocker")]
    assert names[0] == names[1] and "parse_bytes" in names[0]
    ours: dict = {}
    exec("from clibdocker.utils import *", ours)
    assert ours["parse_bytes"]("1k") == 1024
    assert ours["kwargs_from_env"] is clibdocker.utils.kwargs_from_env
    assert ours["utils"] is importlib.import_module("clibdocker.utils.utils")
