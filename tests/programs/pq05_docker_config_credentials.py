"""A release job that publishes images with the credentials a CI runner
leaves in $DOCKER_CONFIG/config.json: `auths`, a `credsStore` and
`credHelpers` (a docker-credential-* helper on PATH), `HttpHeaders` the
runner adds to every request, and `proxies` that containers and builds
inherit. The job's harness checks what reaches the engine through an
auditing relay (a unix socket that forwards to the engine and records the
request heads), as a platform team does when it audits its CI traffic."""
import base64
import json
import os
import shutil
import socket
import tempfile
import threading
import uuid

import docker
from docker import auth, errors

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
USER = os.environ.get("CLIBDOCKER_TEST_REGISTRY_USER", "clibdocker")
PASSWORD = os.environ.get("CLIBDOCKER_TEST_REGISTRY_PASSWORD", "clibdocker-secret")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pq05": tag}
REPO = f"{REGISTRY}/clibdocker-test/pq05-{tag}"
d = tempfile.mkdtemp(prefix="pq05-")
os.makedirs(os.path.join(d, "bin"))
os.makedirs(os.path.join(d, "cfg"))
LOG = os.path.join(d, "helper.log")


def clean(x):
    return str(x).replace(tag, "T").replace(d, "D")


# -- the auditing relay -------------------------------------------------------
class Relay(threading.Thread):
    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.heads = []
        self.lock = threading.Lock()
        self.srv = socket.socket(socket.AF_UNIX)
        self.srv.bind(path)
        self.srv.listen(16)

    def run(self):
        while True:
            try:
                conn, _ = self.srv.accept()
            except OSError:
                return
            up = socket.socket(socket.AF_UNIX)
            up.connect("/var/run/docker.sock")
            threading.Thread(target=self.pump, args=(conn, up, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(up, conn, False), daemon=True).start()

    def pump(self, src, dst, record):
        buf = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if record:
                    buf += data
                    while b"\r\n\r\n" in buf:
                        head, buf = buf.split(b"\r\n\r\n", 1)
                        if head.split(b" ", 1)[0] in (b"GET", b"POST", b"PUT", b"DELETE", b"HEAD"):
                            with self.lock:
                                self.heads.append(head.decode("latin-1"))
                        else:
                            buf = b""
                    buf = buf[-65536:]
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def requests(self, path_part):
        with self.lock:
            return [h for h in self.heads if path_part in h.split("\r\n", 1)[0]]


def header(head, name):
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == name.lower():
            return v.strip()
    return None


# -- the runner's config.json and credential helper ---------------------------
helper = os.path.join(d, "bin", "docker-credential-pq05")
with open(helper, "w") as f:
    f.write(f"""#!/bin/sh
server=$(cat)
echo "$1 $server" >> {LOG}
case "$1" in
  get)
    if [ "$server" = "{REGISTRY}" ]; then
      printf '{{"ServerURL": "%s", "Username": "{USER}", "Secret": "{PASSWORD}"}}' "$server"
    else
      echo "credentials not found in native keychain"; exit 1
    fi ;;
  list) printf '{{"{REGISTRY}": "{USER}"}}' ;;
  store|erase) cat > /dev/null ;;
esac
""")
os.chmod(helper, 0o755)
os.environ["PATH"] = os.path.join(d, "bin") + os.pathsep + os.environ["PATH"]
config = {
    "auths": {"other.registry.example:5000": {"auth": base64.b64encode(b"someone:pw").decode()}},
    "credHelpers": {REGISTRY: "pq05"},
    "HttpHeaders": {"X-Meta-Runner": "pq05-runner", "X-Job-Id": "1234"},
    "proxies": {"default": {"httpProxy": "http://proxy.example:3128", "httpsProxy": "http://proxy.example:3129",
                            "noProxy": "localhost,127.0.0.1"}},
    "detachKeys": "ctrl-x,x",
}
with open(os.path.join(d, "cfg", "config.json"), "w") as f:
    json.dump(config, f)
os.environ["DOCKER_CONFIG"] = os.path.join(d, "cfg")

relay = Relay(os.path.join(d, "docker.sock"))
relay.start()
client = None
try:
    client = docker.DockerClient(base_url="unix://" + relay.path, version="1.41")
    api = client.api
    print("general configs", sorted(api._general_configs), api._general_configs.get("detachKeys"))
    print("auth configs", sorted(api._auth_configs.auths), api._auth_configs.is_empty,
          api._auth_configs.cred_helpers, api._auth_configs.creds_store)
    print("proxy configs", type(api._proxy_configs).__name__, api._proxy_configs.http, api._proxy_configs.no_proxy)
    print("proxy env", sorted(api._proxy_configs.get_environment().items()))
    print("headers", sorted(k for k in api.headers if k.startswith("X-")))
    print("ping", client.ping())
    ping = relay.requests("/_ping")
    # (the User-Agent names the client library: docs/migrating-from-docker-py.md)
    print("ping headers", header(ping[-1], "X-Meta-Runner"), header(ping[-1], "X-Job-Id"),
          header(ping[-1], "User-Agent") == api.headers["User-Agent"])

    # auth resolution as the job's publish step does it
    ac = auth.load_config()
    print("load_config", sorted(ac.auths), ac.cred_helpers)
    r = auth.resolve_authconfig(ac, REGISTRY)
    print("resolve via helper", sorted(r.items()) if r else r)
    print("resolve from auths", sorted(auth.resolve_authconfig(ac, "other.registry.example:5000").items()))
    print("resolve unknown", auth.resolve_authconfig(ac, "nothing.example"))
    print("credstore env", api.credstore_env)

    # a container inherits the runner's proxies; use_config_proxy=False does not
    ctr = client.containers.create(IMAGE, "env", labels=LABELS, name=f"clibdocker-test-pq05-{tag}")
    env = ctr.attrs["Config"]["Env"] or []
    print("proxied env", sorted(e.split("=")[0] for e in env if "proxy" in e.lower()))
    ctr.remove()
    ctr = client.containers.create(IMAGE, "env", labels=LABELS, environment={"A": "1"}, use_config_proxy=False)
    print("unproxied env", sorted(e.split("=")[0] for e in (ctr.attrs["Config"]["Env"] or []) if e[0] != "P"))
    ctr.remove()

    # publish: tag and push with the helper's credentials, then pull back
    img = client.images.get(IMAGE)
    img.tag(REPO, "v1")
    open(LOG, "w").close()
    out = client.images.push(REPO, tag="v1", stream=True, decode=True)
    msgs = [m for m in out]
    print("push", [m.get("status", "").split(":")[0] for m in msgs if "aux" in m or "error" in m][:2],
          any("error" in m for m in msgs), any("aux" in m for m in msgs))
    push_heads = relay.requests("/push")
    xra = header(push_heads[-1], "X-Registry-Auth")
    sent = json.loads(base64.urlsafe_b64decode(xra + "=" * (-len(xra) % 4)))
    # (the engine reads the header's keys case-insensitively; so does the audit)
    print("push auth", sorted((k.lower(), v) for k, v in sent.items()) if isinstance(sent, dict) else sent)
    with open(LOG) as f:
        print("helper calls", sorted(set(line.split()[0] for line in f if line.strip())))
    client.images.remove(f"{REPO}:v1")
    pulled = client.images.pull(REPO, tag="v1")
    print("pull", clean(pulled.tags))
    print("pull auth sent", header(relay.requests("/images/create")[-1], "X-Registry-Auth") is not None)
    print("registry data", client.images.get_registry_data(f"{REPO}:v1").id == pulled.id)
    client.images.remove(f"{REPO}:v1")

    # explicit credentials beat the helper; wrong ones fail
    print("login", client.login(USER, PASSWORD, registry=REGISTRY, reauth=True)["Status"])
    print("kept", sorted(api._auth_configs.auths), sorted(api._auth_configs.auths[REGISTRY]),
          sorted(api._auth_configs.resolve_authconfig(REGISTRY)))
    creds = api._auth_configs.get_all_credentials()
    print("all credentials", sorted(creds), sorted(creds[REGISTRY]))
    print("login again", sorted(client.login(USER, PASSWORD, registry=REGISTRY)))
    try:
        client.login(USER, "wrong-password", registry=REGISTRY, reauth=True)
    except errors.APIError as e:
        print("bad login", type(e).__name__, e.status_code, e.is_client_error())
    # a new config: reload_config picks up what the runner changed
    config["HttpHeaders"] = {"X-Meta-Runner": "second"}
    with open(os.path.join(d, "cfg", "config.json"), "w") as f:
        json.dump(config, f)
    api.reload_config()
    client.ping()
    print("after reload", header(relay.requests("/_ping")[-1], "X-Meta-Runner"),
          sorted(k for k in api.headers if k.startswith("X-")))
    fresh = docker.from_env(environment={"DOCKER_HOST": "unix://" + relay.path})
    fresh.ping()
    print("fresh client", header(relay.requests("/_ping")[-1], "X-Meta-Runner"), header(relay.requests("/_ping")[-1], "X-Job-Id"))
    fresh.close()
finally:
    if client is not None:
        for c in client.containers.list(all=True, filters={"label": f"pq05={tag}"}):
            c.remove(force=True)
        for ref in (f"{REPO}:v1",):
            try:
                client.images.remove(ref)
            except errors.ImageNotFound:
                pass
        client.close()
    relay.srv.close()
    shutil.rmtree(d, ignore_errors=True)
print("done")
