"""A dev-environment tool (a `devenv up`-style wrapper) sets up its client the
way such tools do: from_env with an explicit environment, DockerClient and
APIClient built by hand, version pinning, the context manager, and the
docker.utils / docker.auth / docker.tls helpers it uses to turn a project
file into API arguments. Prints results and the exceptions (class, text)."""
import datetime
import os
import tempfile

import docker
from docker import auth, errors, tls, utils
from docker.utils import ports as port_utils
from docker.utils import json_stream

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")


envdir = ""


def attempt(label, fn):
    try:
        r = fn()
        print(label, "->", repr(r))
    except Exception as e:  # noqa: BLE001 - the tool prints whatever comes
        bases = [c.__name__ for c in type(e).__mro__][1:3]
        print(label, "!!", type(e).__name__, bases, str(e).replace(envdir, "TMP")[:120])


# -- the client, as the tool builds it
env = {"DOCKER_HOST": "unix:///var/run/docker.sock"}
c1 = docker.from_env(environment=env, timeout=33, max_pool_size=4)
print("from_env", c1.api.base_url, c1.api.timeout, c1.api.api_version, c1.api._version)
c2 = docker.from_env(version="1.35", environment={"DOCKER_HOST": "unix:///var/run/docker.sock"})
print("from_env version", c2.api.api_version, c2.version(api_version=False)["ApiVersion"] >= "1.35")
c3 = docker.DockerClient(base_url="unix:///var/run/docker.sock", version="auto", timeout=10)
print("DockerClient auto", c3.api.api_version >= "1.24", c3.api.timeout, c3.api is c3.api)
print("ping", c1.ping(), c2.ping(), c3.ping())
print("version keys", sorted(k for k in c3.version() if k in ("ApiVersion", "MinAPIVersion", "GoVersion", "Os")))
print("api version from ctor", c1.api.version()["ApiVersion"] >= "1.40")
a = docker.APIClient(base_url="unix://var/run/docker.sock", version="1.38", timeout=7)
print("APIClient", a.base_url, a.api_version, a.timeout, "User-Agent" in a.headers, "user-agent" in a.headers)
a2 = docker.APIClient(user_agent="devenv/1.0")
print("custom ua", a2.headers["User-Agent"], a2.base_url)
a2.close()
for base in ["tcp://127.0.0.1:2375", "tcp://[::1]:2376", "http://localhost:1234", "https://example.test:2376",
             "unix:///tmp/x.sock", "npipe:////./pipe/docker_engine", "fd://", "tcp://", "tcp://host:abc",
             "ssh://user@host", "127.0.0.1:2375", ":2375", "tcp://host/path"]:
    attempt("parse_host " + base, lambda b=base: utils.parse_host(b, False, tls=False))
attempt("parse_host tls", lambda: utils.parse_host("tcp://127.0.0.1:2376", False, tls=True))
attempt("parse_host None", lambda: utils.parse_host(None, False, tls=False))
attempt("parse_host win", lambda: utils.parse_host(None, True, tls=False))
for v in ["1.9", "1.24", 1.41, None]:
    attempt(f"APIClient version {v!r}", lambda v=v: docker.APIClient(version=v).api_version)
attempt("DockerClient tcp", lambda: docker.DockerClient(base_url="tcp://127.0.0.1:1", version="1.41").api.base_url)
attempt("DockerClient tls", lambda: docker.DockerClient(base_url="tcp://127.0.0.1:1", version="1.41", tls=True).api.base_url)
attempt("DockerClient bad scheme", lambda: docker.DockerClient(base_url="ftp://x", version="1.41"))

with docker.APIClient(version="auto") as cm:
    print("context manager", cm.ping(), cm.images(name=IMAGE, quiet=True)[:1] != [])
for c in (c1, c2, c3):
    c.close()
a.close()

# -- kwargs_from_env with the environments the tool meets
for e in [{}, {"DOCKER_HOST": "tcp://10.0.0.2:2375"}, {"DOCKER_HOST": ""},
          {"DOCKER_HOST": "tcp://10.0.0.2:2376", "DOCKER_TLS_VERIFY": "0"},
          {"DOCKER_TLS_VERIFY": "", "DOCKER_CERT_PATH": ""}]:
    attempt("kwargs_from_env " + repr(sorted(e.items())), lambda e=e: sorted(utils.kwargs_from_env(environment=e).items()))
with tempfile.TemporaryDirectory() as d:
    for n in ("ca.pem", "cert.pem", "key.pem"):
        open(os.path.join(d, n), "w").close()
    kw = utils.kwargs_from_env(environment={"DOCKER_HOST": "tcp://10.0.0.2:2376", "DOCKER_TLS_VERIFY": "1",
                                            "DOCKER_CERT_PATH": d})
    t = kw["tls"]
    print("kwargs tls", sorted(kw), type(t).__name__, t.verify == os.path.join(d, "ca.pem"),
          t.cert == (os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")))
    kw = utils.kwargs_from_env(environment={"DOCKER_HOST": "tcp://10.0.0.2:2376", "DOCKER_TLS_VERIFY": "",
                                            "DOCKER_CERT_PATH": d})
    print("kwargs tls no verify", sorted(kw), kw["tls"].verify, kw["tls"].cert is not None)
    attempt("TLSConfig ok", lambda: (tls.TLSConfig(client_cert=(os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")),
                                                   ca_cert=os.path.join(d, "ca.pem"), verify=True).verify == os.path.join(d, "ca.pem")))
    attempt("TLSConfig verify only", lambda: tls.TLSConfig(verify=True).verify)
    attempt("TLSConfig cert not tuple", lambda: tls.TLSConfig(client_cert=os.path.join(d, "cert.pem")))
    attempt("TLSConfig cert missing", lambda: tls.TLSConfig(client_cert=(os.path.join(d, "no.pem"), os.path.join(d, "key.pem"))))
    attempt("TLSConfig cert 3-tuple", lambda: tls.TLSConfig(client_cert=("a", "b", "c")))
    attempt("tls=True on unix", lambda: docker.APIClient(base_url="unix:///var/run/docker.sock", tls=True, version="1.41").base_url)

# -- docker.utils helpers the tool uses on its project file
for r in ["busybox", "busybox:1.36", "localhost:5000/app", "localhost:5000/app:v2", "app@sha256:" + "a" * 64,
          "reg.io:443/ns/app:tag@sha256:" + "b" * 64, "UPPER/x:y", ""]:
    attempt("parse_repository_tag " + r[:40], lambda r=r: utils.parse_repository_tag(r))
for cmd in ["echo hello world", "sh -c 'echo $HOME && ls'", 'python -c "print(1)"', "", "a\\ b c"]:
    attempt("split_command " + cmd, lambda cmd=cmd: utils.split_command(cmd))
attempt("format_environment", lambda: utils.format_environment({"A": "1", "B": None, "C": "", "D": 0, "E": b"x"}))
attempt("convert_filters", lambda: utils.convert_filters({"dangling": True, "label": ["a=1", "b"], "name": "x",
                                                           "until": 10, "flag": False}))
for s in ["10", "10b", "10k", "10K", "1.5m", "2g", "3G", 512, "1kb", "abc", "1t", "", "-1m", 1.5]:
    attempt(f"parse_bytes {s!r}", lambda s=s: utils.parse_bytes(s))
attempt("parse_devices", lambda: utils.parse_devices(["/dev/sda:/dev/xvda:rwm", "/dev/null", {"PathOnHost": "/dev/zero"}]))
attempt("parse_devices bad", lambda: utils.parse_devices([42]))
attempt("normalize_links", lambda: utils.normalize_links({"db": "database", "cache": None}))
attempt("format_extra_hosts", lambda: utils.format_extra_hosts({"a": "1.2.3.4", "b": "::1"}))
attempt("format_extra_hosts task", lambda: utils.format_extra_hosts({"a": "1.2.3.4"}, task=True))
attempt("datetime_to_timestamp", lambda: utils.datetime_to_timestamp(datetime.datetime(2020, 1, 2, 3, 4, 5)))
attempt("compare_version", lambda: (utils.compare_version("1.41", "1.40"), utils.compare_version("1.40", "1.41"),
                                    utils.compare_version("1.41", "1.41")))
attempt("version_lt", lambda: (utils.version_lt("1.9", "1.10"), utils.version_gte("1.10.1", "1.10")))
attempt("convert_volume_binds", lambda: utils.convert_volume_binds({"/h": {"bind": "/c", "mode": "ro"}, "/x": "/y",
                                                                     "vol": {"bind": "/v", "propagation": "rshared"}}))
attempt("convert_volume_binds list", lambda: utils.convert_volume_binds(["/a:/b", "/c:/d:ro"]))
attempt("convert_volume_binds bad", lambda: utils.convert_volume_binds({"/h": {"mode": "ro"}}))
attempt("convert_port_bindings", lambda: utils.convert_port_bindings({"80/tcp": 8080, 53: ("127.0.0.1", 5353),
                                                                       "443": [4443, ("0.0.0.0", 4444)], "9": None}))
attempt("convert_tmpfs", lambda: utils.utils.convert_tmpfs_mounts(["/run", "/tmp:size=1m"]))
attempt("convert_tmpfs bad", lambda: utils.utils.convert_tmpfs_mounts("x"))
attempt("split_port", lambda: [port_utils.split_port(p) for p in ["80", "8080:80", "127.0.0.1:8080:80/udp",
                                                                  "1000-1002:2000-2002", "::1:8080:80", "127.0.0.1::80"]])
attempt("split_port bad", lambda: port_utils.split_port("1000-1002:80-81"))
attempt("split_port bad2", lambda: port_utils.split_port("abc"))
attempt("build_port_bindings", lambda: sorted(port_utils.build_port_bindings(["80", "8080:80", "90/udp"]).items()))
envdir = tempfile.mkdtemp()
with open(os.path.join(envdir, "project.env"), "w") as f:
    f.write("# comment\nA=1\nB = two words \n\nC=\nexport D=4\nE='q'\n")
attempt("parse_env_file", lambda: utils.parse_env_file(f.name))
with open(f.name, "w") as g:
    g.write("NOEQUALS\n")
attempt("parse_env_file bad", lambda: utils.parse_env_file(f.name))
os.unlink(f.name)
os.rmdir(envdir)
attempt("decode_json_header", lambda: utils.decode_json_header("eyJhIjogMX0="))
attempt("json_splitter", lambda: json_stream.json_splitter('{"a": 1}\n{"b"'))
attempt("json_stream", lambda: list(json_stream.json_stream(iter([b'{"a": 1}{"b"', b': 2}\n', b'  {"c": [1,', b' 2]}']))))
attempt("json_stream bad", lambda: list(json_stream.json_stream(iter([b'{"a": 1} nope']))))
attempt("create_host_config", lambda: sorted(utils.create_host_config(version="1.41", mem_limit="64m",
                                                                       binds=["/a:/b"], port_bindings={80: 8080}).items()))
attempt("create_host_config no version", lambda: utils.create_host_config(mem_limit="64m"))

# -- docker.auth
for name in ["busybox", "library/busybox", "docker.io/library/busybox", "index.docker.io/x/y", "localhost/app",
             "localhost:5000/app", "my.reg.io/a/b/c", "UPPER.io/x", "http://reg.io/x"]:
    attempt("resolve_repository_name " + name, lambda n=name: auth.resolve_repository_name(n))
attempt("resolve_index_name", lambda: [auth.resolve_index_name(x) for x in ("index.docker.io", "docker.io", "Reg.IO:5000")])
attempt("get_credential_store", lambda: auth.get_credential_store({"credHelpers": {"r.io": "pass"}, "credsStore": "desktop"}, "r.io"))
cfg = auth.AuthConfig({"auths": {"r.io": {"auth": "dTpw", "email": "e@x"}}, "credsStore": "nope-" + "x"})
print("AuthConfig", sorted(cfg.auths), cfg.creds_store, cfg.cred_helpers, type(cfg).__mro__[1].__name__)
attempt("AuthConfig resolve", lambda: cfg.resolve_authconfig("r.io"))
cfg.add_auth("other.io", {"username": "u", "password": "p"})
attempt("AuthConfig add_auth", lambda: sorted(cfg.auths))
for bad in ("!!notbase64", "dXNlcg=="):
    try:
        auth.parse_auth({"r.io": {"auth": bad}})
    except ValueError as e:
        print("parse_auth bad", isinstance(e, ValueError))
attempt("encode_header", lambda: auth.encode_header({"username": "ü", "password": "p"}))
print("done")
