"""A CI job that reaches a "remote" engine over TLS, as deploy pipelines do:
the job's harness puts a TLS terminator (socat, client certificates
required) in front of the engine and writes the certificates the way
`docker-machine env` leaves them (DOCKER_HOST=tcp://, DOCKER_TLS_VERIFY,
DOCKER_CERT_PATH with ca.pem/cert.pem/key.pem). The job then connects in
every way such scripts do (from_env with and without an environment dict,
kwargs_from_env, TLSConfig by hand, https:// and tcp:// base URLs, verify
as a path), runs a container over TLS, reads its events, and prints how
each misconfiguration fails (wrong CA, no client certificate, plain HTTP to
the TLS port, a host name the certificate does not name, missing files)."""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import requests
import docker
from docker import errors
from docker.tls import TLSConfig
from docker.utils import kwargs_from_env

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pq01": tag}
d = tempfile.mkdtemp(prefix="pq01-")
# requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE replace the CA a TLSConfig
# names (docker-py then verifies the engine against the system bundle): the
# job clears them, as its README tells users to
for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(var, None)


def openssl(*args):
    subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True, timeout=60)


def make_pki():
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=pq01 CA",
            "-keyout", "ca-key.pem", "-out", "ca.pem")
    with open(os.path.join(d, "san.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    with open(os.path.join(d, "client.cnf"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    for name, ext, key in (("server", "san.cnf", "server-key.pem"), ("cert", "client.cnf", "key.pem")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}", "-keyout", key,
                "-out", f"{name}.csr")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", f"{name}.pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=other CA",
            "-keyout", "other-key.pem", "-out", "other-ca.pem")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_terminator(port):
    proc = subprocess.Popen(
        ["socat", f"OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,cert={d}/server.pem,"
                  f"key={d}/server-key.pem,cafile={d}/ca.pem,verify=1",
         "UNIX-CONNECT:/var/run/docker.sock"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc


def failure(label, fn):
    """How the job reports a connection problem: the exception's class and
    the families it belongs to."""
    try:
        r = fn()
        print(label, "ok", r)
    except requests.exceptions.SSLError as e:
        print(label, "SSLError", isinstance(e, requests.exceptions.ConnectionError), type(e).__name__)
    except requests.exceptions.ConnectionError as e:
        print(label, "ConnectionError", isinstance(e, requests.exceptions.RequestException),
              type(e).__name__)
    except errors.TLSParameterError as e:
        print(label, "TLSParameterError", str(e).replace(d, "D"))
    except errors.DockerException as e:
        print(label, "DockerException", str(e).split(":")[0])


make_pki()
port = free_port()
socat = start_terminator(port)
HOST = f"tcp://127.0.0.1:{port}"
env = {"DOCKER_HOST": HOST, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": d}


def show_url(u):
    return u.replace(str(port), "PORT")


saved = {k: os.environ.get(k) for k in env}
client = None
try:
    # 1. the environment `docker-machine env` gives, passed as a dict
    client = docker.from_env(environment=env, timeout=60)
    print("from_env dict", show_url(client.api.base_url), client.ping(),
          client.version()["ApiVersion"], client.api.api_version)
    kw = kwargs_from_env(environment=env)
    t = kw["tls"]
    print("kwargs", sorted(kw), show_url(kw["base_url"]), type(t).__name__,
          t.verify, t.ca_cert == os.path.join(d, "ca.pem"),
          t.cert == (os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")))
    # 2. the same variables in os.environ
    os.environ.update(env)
    c2 = docker.from_env()
    print("from_env os.environ", show_url(c2.api.base_url), c2.ping(), sorted(kwargs_from_env()))
    print("info over tls", sorted(k for k in c2.info() if k in ("Containers", "Images", "ServerVersion")))
    c2.close()
    # DOCKER_TLS_VERIFY empty: TLS without verification (the client cert is still sent)
    os.environ["DOCKER_TLS_VERIFY"] = ""
    kw = kwargs_from_env()
    print("verify off kwargs", kw["tls"].verify, kw["tls"].cert is not None)
    c3 = docker.from_env()
    print("verify off", show_url(c3.api.base_url), c3.ping())
    c3.close()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v

    # 3. TLSConfig by hand, as deployment tools build it
    cert = (os.path.join(d, "cert.pem"), os.path.join(d, "key.pem"))
    forms = [
        ("ca verify", HOST, TLSConfig(client_cert=cert, ca_cert=os.path.join(d, "ca.pem"), verify=True)),
        ("verify path", HOST, TLSConfig(client_cert=cert, verify=os.path.join(d, "ca.pem"))),
        ("https url", f"https://127.0.0.1:{port}", TLSConfig(client_cert=cert, ca_cert=os.path.join(d, "ca.pem"),
                                                              verify=True)),
        ("localhost", f"tcp://localhost:{port}", TLSConfig(client_cert=cert, ca_cert=os.path.join(d, "ca.pem"),
                                                           verify=True)),
        ("no verify", HOST, TLSConfig(client_cert=cert)),
        ("tls=True", HOST, True),
    ]
    for label, url, tls in forms:
        def go(url=url, tls=tls):
            c = docker.DockerClient(base_url=url, tls=tls, version="1.41", timeout=20)
            try:
                return show_url(c.api.base_url), c.ping(), c.version()["ApiVersion"]
            finally:
                c.close()
        failure("form " + label, go)

    # 4. what goes wrong in the field
    bad = [
        ("wrong ca", lambda: docker.DockerClient(base_url=HOST, version="1.41", timeout=20, tls=TLSConfig(
            client_cert=cert, ca_cert=os.path.join(d, "other-ca.pem"), verify=True)).ping()),
        ("wrong ca auto", lambda: docker.DockerClient(base_url=HOST, timeout=20, tls=TLSConfig(
            client_cert=cert, ca_cert=os.path.join(d, "other-ca.pem"), verify=True)).ping()),
        ("system bundle", lambda: docker.APIClient(base_url=HOST, version="1.41", timeout=20, tls=TLSConfig(
            client_cert=cert, verify=True)).version()),
        ("plain http", lambda: docker.APIClient(base_url=HOST, version="1.41", timeout=20).ping()),
        ("missing files", lambda: docker.from_env(environment={**env, "DOCKER_CERT_PATH": d + "/nope"})),
        ("cert not pair", lambda: TLSConfig(client_cert=cert[0])),
        ("missing ca", lambda: TLSConfig(client_cert=cert, ca_cert=d + "/nope.pem", verify=True)),
        ("tls no url", lambda: docker.APIClient(tls=True)),
    ]
    for label, fn in bad:
        failure("bad " + label, fn)

    # 5. real work over TLS: run, logs, exec, events between two instants
    # live streams opened first (a since= replay reads the engine's last 256
    # events only, which a busy engine turns over in seconds)
    live = client.events(decode=True, filters={"label": f"pq01={tag}", "type": "container"})
    live_raw = client.api.events(filters={"label": f"pq01={tag}", "event": "destroy"})
    ctr = client.containers.run(IMAGE, ["sh", "-c", "echo over-tls; sleep 30"], detach=True, labels=LABELS,
                                name="clibdocker-test-pq01-" + tag)
    try:
        deadline = time.time() + 20
        while b"over-tls" not in ctr.logs() and time.time() < deadline:
            time.sleep(0.2)
        print("logs", ctr.logs())
        print("exec", ctr.exec_run(["sh", "-c", "echo $((6*7))"]))
        print("top", len(ctr.top()["Processes"]) >= 1)
        ctr.stop(timeout=1)
        print("wait", ctr.wait(timeout=30)["StatusCode"])
    finally:
        ctr.remove(force=True)
    actions = []
    for e in live:
        actions.append(e["Action"].split(":")[0])
        if e["Action"] == "destroy":
            break
    live.close()
    print("events", [a for a in actions if a in ("create", "start", "die", "destroy")])
    raw = next(live_raw)
    live_raw.close()
    print("raw event", type(raw).__name__, b'"destroy"' in raw)
    print("listed after", client.containers.list(all=True, filters={"label": f"pq01={tag}"}))
finally:
    if client is not None:
        for c in client.containers.list(all=True, filters={"label": f"pq01={tag}"}):
            c.remove(force=True)
        client.close()
    socat.terminate()
    socat.wait(10)
    shutil.rmtree(d, ignore_errors=True)
print("done")
