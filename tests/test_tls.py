"""TLS to a real engine: the main engine's API served over TLS on
127.0.0.1 by socat (a TLS terminator in front of its unix socket, with
client-certificate verification), certificates made by the test with the
openssl CLI. Checks verification both ways, client certificates, and the
environment variables docker-py users set."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.tls import TLSConfig
from clibdocker._binding import _tls_failure as errors_tls_failure

pytestmark = pytest.mark.skipif(shutil.which("socat") is None,
                                reason="socat is installed by scripts/setup.sh")


def _openssl(*args: str, cwd: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _make_pki(d: str) -> None:
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=clibdocker test CA", "-keyout", "ca-key.pem", "-out", "ca.pem", cwd=d)
    with open(os.path.join(d, "san.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    with open(os.path.join(d, "client.cnf"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    for name, ext in (("server", "san.cnf"), ("cert", "client.cnf")):
        key = "server-key.pem" if name == "server" else "key.pem"
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                 "-keyout", key, "-out", f"{name}.csr", cwd=d)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                 "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", f"{name}.pem", cwd=d)
    # a second CA the engine's certificate does not chain to
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=other CA", "-keyout", "other-key.pem", "-out", "other-ca.pem", cwd=d)


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def tls_engine(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("pki"))
    _make_pki(d)
    port = _free_port()
    proc = subprocess.Popen([
        "socat",
        f"OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,cert={d}/server.pem,"
        f"key={d}/server-key.pem,cafile={d}/ca.pem,verify=1",
        "UNIX-CONNECT:/var/run/docker.sock"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield f"tcp://127.0.0.1:{port}", d
    finally:
        proc.terminate()
        proc.wait(10)


def test_tls_with_client_cert_and_verification(tls_engine):
    url, d = tls_engine
    tls = TLSConfig(client_cert=(f"{d}/cert.pem", f"{d}/key.pem"), ca_cert=f"{d}/ca.pem",
                    verify=True)
    seen = []
    with clibdocker.APIClient(base_url=url, tls=tls) as c:
        c.set_trace_hook(seen.append)
        assert c.ping()
        assert c.version()["ApiVersion"] == "1.41"
        # a stream over TLS too
        evs = list(c.events(since=0, until=int(time.time()) + 1, decode=True))
        assert isinstance(evs, list)
    assert seen and all(r.url.startswith("https://127.0.0.1:") for r in seen)


def test_tls_verify_refuses_an_unknown_ca(tls_engine):
    url, d = tls_engine
    tls = TLSConfig(client_cert=(f"{d}/cert.pem", f"{d}/key.pem"), ca_cert=f"{d}/other-ca.pem",
                    verify=True)
    with clibdocker.APIClient(base_url=url, tls=tls, timeout=10) as c:
        with pytest.raises(errors.TransportError) as ei:
            c.ping()
    assert "certificate" in str(ei.value).lower() or "ssl" in str(ei.value).lower()


def test_tls_verify_without_a_ca_uses_the_system_bundle_or_ssl_cert_file(tls_engine, monkeypatch):
    """No ca_cert: the system's CA bundle verifies (which does not know our
    test CA), and $SSL_CERT_FILE names another bundle, as for OpenSSL."""
    url, d = tls_engine
    tls = TLSConfig(client_cert=(f"{d}/cert.pem", f"{d}/key.pem"), verify=True)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with clibdocker.APIClient(base_url=url, tls=tls, timeout=10) as c:
        with pytest.raises(errors.TransportError) as ei:
            c.ping()
    assert "certificate" in str(ei.value).lower() or "ssl" in str(ei.value).lower()
    monkeypatch.setenv("SSL_CERT_FILE", f"{d}/ca.pem")
    with clibdocker.APIClient(base_url=url, tls=tls, timeout=10) as c:
        assert c.ping()


def test_tls_without_verification_still_needs_the_client_cert(tls_engine):
    url, d = tls_engine
    with clibdocker.APIClient(base_url=url, tls=TLSConfig(
            client_cert=(f"{d}/cert.pem", f"{d}/key.pem"), verify=False)) as c:
        assert c.ping()          # unknown CA, but verification is off
    with clibdocker.APIClient(base_url=url, tls=TLSConfig(verify=False), timeout=10) as c:
        with pytest.raises(errors.TransportError):
            c.ping()             # the engine side demands a client certificate


def test_failed_tls_handshake_is_requests_ssl_error_as_in_docker_py(tls_engine, monkeypatch):
    """A certificate that does not verify (an unknown CA, the system bundle
    for a private CA): docker-py raises requests' SSLError (a
    ConnectionError); clibdocker's TLSError is that class too once the
    program has imported requests, and is named SSLError; so is the
    engine's TLS alert for a missing client certificate (pq01). A plain-HTTP
    request to the TLS port stays a ConnectionError, not an SSLError."""
    requests = pytest.importorskip("requests")
    docker = pytest.importorskip("docker")
    url, d = tls_engine
    # requests would let these replace the CA docker-py's TLSConfig names
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    cert = (f"{d}/cert.pem", f"{d}/key.pem")
    for kw in ({"ca_cert": f"{d}/other-ca.pem", "verify": True}, {"verify": True}):
        with pytest.raises(requests.exceptions.SSLError) as theirs:
            docker.APIClient(base_url=url, version="1.41", timeout=10,
                             tls=docker.tls.TLSConfig(client_cert=cert, **kw)).ping()
        with clibdocker.APIClient(base_url=url, version="1.41", timeout=10,
                                  tls=TLSConfig(client_cert=cert, **kw)) as c:
            with pytest.raises(errors.TLSError) as ours:
                c.ping()
        assert isinstance(ours.value, requests.exceptions.SSLError)
        assert isinstance(ours.value, requests.exceptions.ConnectionError)
        assert isinstance(ours.value, errors.TransportError)
        assert type(ours.value).__name__ == type(theirs.value).__name__ == "SSLError"
    # no client certificate: the engine's TLS alert, also an SSLError
    with pytest.raises(requests.exceptions.SSLError):
        docker.APIClient(base_url=url, version="1.41", timeout=10,
                         tls=docker.tls.TLSConfig(ca_cert=f"{d}/ca.pem", verify=True)).ping()
    # (libcurl sometimes sees the connection gone before the alert, "send
    # failure": no OpenSSL words, left a ConnectionError; several tries)
    kinds = []
    for _ in range(6):
        with clibdocker.APIClient(base_url=url, version="1.41", timeout=10,
                                  tls=TLSConfig(ca_cert=f"{d}/ca.pem", verify=True)) as c:
            with pytest.raises(requests.exceptions.ConnectionError) as ours:
                c.ping()
        kinds.append((type(ours.value).__name__, isinstance(ours.value, errors.TLSError),
                      "OpenSSL" in str(ours.value)))
    assert all(k[:2] == ("SSLError", True) for k in kinds if k[2]), kinds
    assert ("SSLError", True, True) in kinds, kinds
    assert errors_tls_failure(56, "OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert")
    assert not errors_tls_failure(56, "Connection reset by peer")
    assert errors_tls_failure(60, "SSL certificate problem")
    with pytest.raises(requests.exceptions.ConnectionError) as theirs:
        docker.APIClient(base_url=url, version="1.41", timeout=10).ping()
    with clibdocker.APIClient(base_url=url, version="1.41", timeout=10) as c:
        with pytest.raises(requests.exceptions.ConnectionError) as ours:
            c.ping()
    assert not isinstance(theirs.value, requests.exceptions.SSLError)
    assert not isinstance(ours.value, requests.exceptions.SSLError)


def test_plain_http_to_a_tls_port_is_a_clear_error(tls_engine):
    url, _ = tls_engine
    with clibdocker.APIClient(base_url=url, timeout=5) as c:
        with pytest.raises(errors.DockerException):
            c.ping()


def test_from_env_reads_docker_tls_verify_and_cert_path(tls_engine):
    url, d = tls_engine
    env = {"DOCKER_HOST": url, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": d}
    with clibdocker.from_env(environment=env) as dc:
        assert dc.ping()
        assert dc.api.docker_host == url
    # the C library reads the same variables (example built by scripts/test.sh)
    exe = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "tests", "c",
                       "example_ping")
    if os.path.exists(exe):
        out = subprocess.run([exe], env=dict(os.environ, **env), capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0, out.stderr
        assert "API 1.41" in out.stdout


def test_bad_tls_parameters():
    with pytest.raises(errors.TLSParameterError) as ei:
        TLSConfig(client_cert=("/nonexistent/cert.pem", "/nonexistent/key.pem"))
    # docker-py's message, word for word (Ansible shows it to the user)
    assert str(ei.value).endswith("TLS configurations should map the Docker CLI client "
                                  "configurations. See https://docs.docker.com/engine/"
                                  "articles/https/ for API details.")
    with pytest.raises(errors.TLSParameterError):
        TLSConfig(ca_cert="/nonexistent/ca.pem")
    # a unix socket ignores tls= (docker-py's unix adapter does): no error
    with clibdocker.APIClient(base_url="unix:///var/run/docker.sock", tls=True) as c:
        assert c.ping() is True


# --- hijacked connections (attach / exec with stdin) over TLS ---------------------

def _tls_client(tls_engine, **kw) -> clibdocker.APIClient:
    url, d = tls_engine
    tls = TLSConfig(client_cert=(f"{d}/cert.pem", f"{d}/key.pem"), ca_cert=f"{d}/ca.pem",
                    verify=True)
    return clibdocker.APIClient(base_url=url, tls=tls, **kw)


from hijack_checks import ctr  # noqa: E402,F401  (the fixture)


@pytest.mark.op("ContainerAttach")
def test_attach_socket_with_stdin_over_tls(tls_engine, ctr):
    import hijack_checks
    with _tls_client(tls_engine) as c:
        c.set_timeouts(stream_idle=20)
        hijack_checks.attach_round_trip(c, ctr)   # binary, several TLS records, both ways


@pytest.mark.op("ExecStart")
def test_exec_start_socket_with_stdin_over_tls(tls_engine, ctr):
    import hijack_checks
    from conftest import TEST_IMAGE
    cid = ctr.run(TEST_IMAGE, "sleep", "300")
    with _tls_client(tls_engine) as c:
        c.set_timeouts(stream_idle=30)
        hijack_checks.exec_stdin_round_trip(c, cid)


@pytest.mark.op("ContainerAttachWebsocket")
def test_attach_websocket_over_tls(tls_engine, ctr):
    import hijack_checks
    from conftest import TEST_IMAGE
    cid = ctr.run("-i", TEST_IMAGE, "cat")
    with _tls_client(tls_engine) as c:
        c.set_timeouts(stream_idle=20)
        with c.attach_websocket(cid, {"stdin": 1, "stdout": 1, "stream": 1}) as ws:
            hijack_checks.websocket_round_trip(ws)


def test_tls_client_used_on_both_sides_of_a_fork(tls_engine):
    # the child must not touch its parent's TLS connections (closing one
    # would send close_notify into the parent's stream): it leaves them and
    # opens its own (tests/test_fork.py)
    from test_fork import fork_and_hammer
    url, d = tls_engine
    tls = TLSConfig(client_cert=(f"{d}/cert.pem", f"{d}/key.pem"), ca_cert=f"{d}/ca.pem",
                    verify=True)
    with clibdocker.APIClient(base_url=url, tls=tls, version="1.41") as c:
        fork_and_hammer(c, rounds=60)
