"""An extension library for docker-py (the kind that adds endpoints the SDK
lacks and ships helpers around it): an APIClient subclass whose new methods
use docker.utils' decorators (check_resource, minimum_version,
update_headers) and the request helpers; docker.utils.config,
proxy.ProxyConfig, json_stream's splitters, build's tar/exclude_paths/
PatternMatcher/match_tag/mkbuildcontext, fnmatch, ports internals,
create_ipam_*, convert_service_networks, docker.constants and the
version module."""
import io
import json
import os
import shutil
import tarfile
import tempfile
import uuid

import docker
import docker.constants as C
import docker.version
from docker import errors, utils
from docker.utils import build as build_utils
from docker.utils import config as config_utils
from docker.utils import fnmatch as fnmatch_mod
from docker.utils import json_stream as js
from docker.utils import ports as port_utils
from docker.utils.decorators import check_resource, minimum_version, update_headers
from docker.utils.proxy import ProxyConfig

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pm04": tag}
tmp = tempfile.mkdtemp()


def attempt(label, fn):
    try:
        r = fn()
        print(label, "->", str(r).replace(tmp, "TMP"))
    except Exception as e:  # noqa: BLE001 - the report shows what came
        print(label, "!!", type(e).__name__, str(e).replace(tmp, "TMP")[:120])


class ExtendedClient(docker.APIClient):
    @check_resource("container")
    def container_changes(self, container):
        return self._result(self._get(self._url("/containers/{0}/changes", container)), True)

    @check_resource("image")
    def image_history_ids(self, image, limit=2):
        res = self._result(self._get(self._url("/images/{0}/history", image)), True)
        return [bool(x.get("Id")) for x in res][:limit]

    @minimum_version("1.25")
    def disk_usage_keys(self):
        return sorted(self._result(self._get(self._url("/system/df")), True))

    @minimum_version("1.99")
    def future_endpoint(self):
        return "unreachable"

    @update_headers
    def ping_headers(self, headers=None):
        return headers

    @update_headers
    def raw_info(self, **kwargs):
        return sorted(k for k in self._result(self._get(self._url("/info"), **kwargs), True) if k in ("ID", "Name"))


# --- docker.version and constants
print("version", docker.__version__, docker.version.__version__, docker.__version__ == docker.version.__version__)
print("constants", C.DEFAULT_DOCKER_API_VERSION >= "1.41", C.MINIMUM_DOCKER_API_VERSION, C.DEFAULT_TIMEOUT_SECONDS,
      C.STREAM_HEADER_SIZE_BYTES, C.CONTAINER_LIMITS_KEYS, C.DEFAULT_HTTP_HOST, C.DEFAULT_UNIX_SOCKET,
      C.DEFAULT_NPIPE, C.BYTE_UNITS, C.IS_WINDOWS_PLATFORM, C.WINDOWS_LONGPATH_PREFIX, C.DEFAULT_NUM_POOLS,
      C.DEFAULT_NUM_POOLS_SSH, C.DEFAULT_MAX_POOL_SIZE, C.DEFAULT_DATA_CHUNK_SIZE, C.DEFAULT_SWARM_ADDR_POOL,
      C.DEFAULT_SWARM_SUBNET_SIZE)
print("insecure warning", C.INSECURE_REGISTRY_DEPRECATION_WARNING.format("pull()"))
print("utils.utils names", utils.utils.BYTE_UNITS == C.BYTE_UNITS, utils.utils.DEFAULT_UNIX_SOCKET,
      utils.utils.DEFAULT_HTTP_HOST, utils.utils.DEFAULT_NPIPE)

# --- the extension's endpoints
api = ExtendedClient(version="auto")
cid = api.create_container(IMAGE, ["sh", "-c", "echo x > /tmp/pm04; mkdir -p /srv/a"], labels=LABELS,
                           name="clibdocker-test-pm04-" + tag)["Id"]
try:
    api.start(cid)
    api.wait(cid, timeout=30)
    print("changes", sorted((c["Path"], c["Kind"]) for c in api.container_changes(cid)))
    print("changes dict", len(api.container_changes({"Id": cid})) >= 2, len(api.container_changes(container=cid)) >= 2)
    attempt("changes None", lambda: api.container_changes(None))
    attempt("changes empty", lambda: api.container_changes(""))
    attempt("changes dict no id", lambda: api.container_changes({"Name": "x"}))
    print("history", api.image_history_ids(IMAGE), api.image_history_ids(image=IMAGE, limit=1))
    print("df keys", api.disk_usage_keys())
    attempt("future", api.future_endpoint)
    print("wrapped names", ExtendedClient.container_changes.__name__, ExtendedClient.disk_usage_keys.__name__)
    api._general_configs = {"HttpHeaders": {"X-Ext": "1"}}
    print("update_headers", api.ping_headers(), api.ping_headers(headers={"A": "b"}))
    print("update_headers request", api.raw_info())
    api._general_configs = {}
    print("no HttpHeaders", api.ping_headers(), api.ping_headers(headers={"A": "b"}))
    old = ExtendedClient(version="1.24")
    attempt("df on 1.24", old.disk_usage_keys)
    old.close()
finally:
    api.remove_container(cid, force=True)
print("left", api.containers(all=True, filters={"label": f"pm04={tag}"}))

# --- docker.utils.config
os.makedirs(os.path.join(tmp, "cfg"))
with open(os.path.join(tmp, "cfg", "config.json"), "w") as f:
    json.dump({"HttpHeaders": {"X-Cfg": "yes"}, "proxies": {"default": {"httpProxy": "http://proxy:3128",
                                                                         "noProxy": "localhost"}},
               "detachKeys": "ctrl-x"}, f)
with open(os.path.join(tmp, "bad.json"), "w") as f:
    f.write("{not json")
saved = os.environ.get("DOCKER_CONFIG")
os.environ["DOCKER_CONFIG"] = os.path.join(tmp, "cfg")
try:
    attempt("config_path_from_environment", config_utils.config_path_from_environment)
    attempt("find_config_file", config_utils.find_config_file)
    attempt("find_config_file given", lambda: config_utils.find_config_file(os.path.join(tmp, "bad.json")))
    attempt("find_config_file missing", lambda: config_utils.find_config_file(os.path.join(tmp, "none.json")))
    attempt("load_general_config", lambda: sorted(config_utils.load_general_config().items()))
    attempt("load_general_config bad", lambda: config_utils.load_general_config(os.path.join(tmp, "bad.json")))
    attempt("filenames", lambda: (config_utils.DOCKER_CONFIG_FILENAME, config_utils.LEGACY_DOCKER_CONFIG_FILENAME))
    cfg_client = docker.APIClient(version="1.41")
    print("client general", sorted(cfg_client._general_configs), str(cfg_client._proxy_configs),
          type(cfg_client._proxy_configs).__name__)
    cfg_client.close()
    os.environ["DOCKER_CONFIG"] = ""
    attempt("config_path_from_environment empty", config_utils.config_path_from_environment)
finally:
    if saved is None:
        os.environ.pop("DOCKER_CONFIG", None)
    else:
        os.environ["DOCKER_CONFIG"] = saved

# --- ProxyConfig
p = ProxyConfig.from_dict({"httpProxy": "http://p:1", "httpsProxy": "https://p:2", "ftpProxy": "ftp://p:3",
                           "noProxy": "a,b"})
print("proxy", p.http, p.https, p.ftp, p.no_proxy, str(p), bool(p), sorted(p.items()))
print("proxy env", sorted(p.get_environment().items()))
print("proxy inject", p.inject_proxy_environment(["A=1"]), p.inject_proxy_environment(None)[:2])
empty = ProxyConfig.from_dict({})
print("proxy empty", str(empty), bool(empty), dict(empty), empty.get_environment(),
      empty.inject_proxy_environment(["A=1"]), empty.inject_proxy_environment(None))
print("proxy direct", str(ProxyConfig(http="h")), ProxyConfig(http="h").https)

# --- json_stream
attempt("stream_as_text", lambda: list(js.stream_as_text([b"a\xc3\xa9", "b", b"\xff"])))
attempt("line_splitter", lambda: (js.line_splitter("a\nb"), js.line_splitter("ab"), js.line_splitter("a|b", "|")))
attempt("split_buffer lines", lambda: list(js.split_buffer(iter([b"one\ntw", b"o\nthree"]))))
attempt("split_buffer custom", lambda: list(js.split_buffer(["a;b;", "c"], lambda b: js.line_splitter(b, ";"))))
attempt("split_buffer decoder", lambda: list(js.split_buffer(["1\n2\n"], None, lambda s: int(s))))
attempt("json_splitter", lambda: (js.json_splitter('  {"a": [1, 2]}  \n {"b"'), js.json_splitter("nope")))
attempt("json_stream mixed", lambda: list(js.json_stream(['{"a": 1}\n{"b', '": 2}', ' [3]', "4 "])))
attempt("json_stream bad tail", lambda: list(js.json_stream(['{"a": 1}', "{bad"])))
attempt("json_decoder", lambda: js.json_decoder.decode('{"x": null}'))

# --- build helpers
ctx = os.path.join(tmp, "ctx")
for rel, data in [("Dockerfile", "FROM scratch\n"), ("app/main.py", "print(1)\n"), ("app/test_x.py", ""),
                  ("docs/readme.md", "#\n"), ("docs/keep.md", ""), (".git/HEAD", "ref"), ("build/out.o", ""),
                  ("deep/a/b/c.txt", ""), ("x.pyc", ""), (".dockerignore", "ignored")]:
    path = os.path.join(ctx, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(data)
patterns = [".git", "build/", "**/*.pyc", "docs/*", "!docs/keep.md", "deep/**/c.txt", "app/test_*"]
attempt("exclude_paths", lambda: sorted(build_utils.exclude_paths(ctx, list(patterns))))
attempt("exclude_paths dockerfile", lambda: sorted(build_utils.exclude_paths(ctx, ["*"], dockerfile="Dockerfile")))
attempt("walk", lambda: sorted(build_utils.walk(ctx, [".git", "app"])))
pm = build_utils.PatternMatcher(["*.md", "!docs/keep.md", "deep"])
print("PatternMatcher", [pm.matches(x) for x in ("docs/readme.md", "docs/keep.md", "a.md", "deep/a/b/c.txt", "app/main.py")],
      len(pm.patterns))
attempt("Pattern", lambda: [(q.exclusion, q.dirs, q.cleaned_pattern) for q in
                            (build_utils.Pattern("!a/../b/./c/"), build_utils.Pattern(" x/y "))])
attempt("split_path", lambda: (build_utils.split_path("./a//b/./c"), build_utils.normalize_slashes("a/b")))
attempt("build_file_list", lambda: sorted(build_utils.build_file_list(os.path.join(ctx, "app"))))
with build_utils.tar(ctx, exclude=list(patterns)) as t:
    with tarfile.open(fileobj=t) as tf:
        print("tar", sorted(m.name for m in tf.getmembers()))
with build_utils.tar(ctx, exclude=["docs"], dockerfile=("Dockerfile.alt", "FROM scratch\nLABEL x=1\n")) as t:
    with tarfile.open(fileobj=t) as tf:
        print("tar extra", sorted(m.name for m in tf.getmembers() if not m.name.startswith(("app", "deep", ".git", "build"))),
              tf.extractfile(".dockerignore").read())
with build_utils.tar(ctx, exclude=["*", "!app/main.py"], gzip=True) as t:
    with tarfile.open(fileobj=t, mode="r:gz") as tf:
        print("tar gzip", sorted(m.name for m in tf.getmembers()))
with build_utils.create_archive(ctx, files=["Dockerfile", "app/main.py"], extra_files=[("x.txt", "extra")]) as t:
    with tarfile.open(fileobj=t) as tf:
        print("create_archive", sorted((m.name, m.size) for m in tf.getmembers()))
f = build_utils.mkbuildcontext(io.BytesIO(b"FROM scratch\n"))
with tarfile.open(fileobj=f) as tf:
    print("mkbuildcontext", [(m.name, m.size) for m in tf.getmembers()])
f.close()
attempt("mkbuildcontext text", lambda: build_utils.mkbuildcontext(io.StringIO("FROM scratch\n")))
for t_ in ["busybox", "busybox:1.36", "localhost:5000/a/b:v1", "UPPER:x", "a:b:c", "reg.io/a_b__c-d.e:tag",
           "-x", "x:" + "t" * 128, "x:" + "t" * 129]:
    attempt("match_tag " + t_[:30], lambda t_=t_: build_utils.match_tag(t_))
for name, pat in [("a.py", "*.py"), ("dir/a.py", "*.py"), ("dir/a.py", "**/*.py"), ("a.py", "**/*.py"),
                  ("x/y/z", "x/**"), ("x", "x/**"), ("a[b", "a[b"), ("ab", "a?"), ("a/b", "a?b"), ("A.PY", "*.py"),
                  ("a.txt", "[!a]*"), ("b.txt", "[!a]*")]:
    attempt(f"fnmatch {name} {pat}", lambda n=name, p_=pat: (fnmatch_mod.fnmatch(n, p_), fnmatch_mod.fnmatchcase(n, p_)))

# --- ports internals and network helpers
attempt("port_range", lambda: (port_utils.port_range("80", "82", "/udp"), port_utils.port_range("80", None, ""),
                               port_utils.port_range("80", "80", "/tcp"), port_utils.port_range("", None, "", True)))
attempt("port_range bad", lambda: port_utils.port_range("82", "80", ""))
pb = {}
port_utils.add_port(pb, "80-81/tcp", ["8080", "8081"])
port_utils.add_port(pb, "90", None)
port_utils.add_port_mapping(pb, "100", ("127.0.0.1", "1000"))
port_utils.add_port_mapping(pb, "100", "1001")
print("add_port", sorted(pb.items()))
attempt("PORT_SPEC", lambda: port_utils.PORT_SPEC.match("127.0.0.1:8080-8081:80-81/udp").groupdict())
attempt("split_port list", lambda: port_utils.split_port(["8080:80"]))
attempt("convert_service_networks", lambda: utils.convert_service_networks(["net1", {"Target": "net2", "Aliases": ["a"]}]))
attempt("convert_service_networks none", lambda: utils.convert_service_networks(None))
attempt("convert_service_networks bad", lambda: utils.convert_service_networks("net1"))
attempt("create_ipam_pool", lambda: utils.create_ipam_pool(subnet="10.1.0.0/16", gateway="10.1.0.1"))
attempt("create_ipam_config", lambda: utils.create_ipam_config(pool_configs=[utils.create_ipam_pool(subnet="10.1.0.0/16")]))
attempt("decode_json_header", lambda: utils.decode_json_header("eyJuYW1lIjogInZhbHVlIn0="))
attempt("utils module names", lambda: sorted(n for n in ("parse_repository_tag", "kwargs_from_env", "split_command",
                                                          "format_environment", "parse_bytes", "parse_env_file",
                                                          "convert_filters", "create_host_config", "parse_host",
                                                          "version_gte", "version_lt", "compare_version",
                                                          "datetime_to_timestamp", "normalize_links",
                                                          "format_extra_hosts", "mkbuildcontext", "tar",
                                                          "exclude_paths", "match_tag", "minimum_version",
                                                          "check_resource", "update_headers")
                                                 if callable(getattr(utils, n, None))))
api.close()
shutil.rmtree(tmp)
print("done")
