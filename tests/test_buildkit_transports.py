"""BuildKit builds on every transport: plain TCP (socat in front of the main
engine's socket), TLS with client certificates (tests/test_tls.py's
socat), and ssh:// (tests/test_ssh.py's private sshd). The session is
upgraded to HTTP/2 over each; the build copies a 5 MB context and runs a
step, and the image is checked on the engine."""
from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.buildkit import IMAGE_ID, TRACE_ID
from conftest import TEST_IMAGE, docker_cli, unique
from test_ssh import sshd, ssh_env  # noqa: F401  (fixtures)
from test_tls import _tls_client, tls_engine  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def tcp_engine():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    proc = subprocess.Popen(["socat", f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork",
                             "UNIX-CONNECT:/var/run/docker.sock"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield f"tcp://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def _build_and_check(api: clibdocker.APIClient, tmp_path) -> None:
    token = unique("tr")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "blob.bin").write_bytes(os.urandom(5 << 20))
    (tmp_path / "t.txt").write_text(token)
    (tmp_path / "Dockerfile").write_text(
        f"FROM {TEST_IMAGE}\nLABEL clibdocker-test=1\nCOPY . /ctx\n"
        "RUN cat /ctx/t.txt && wc -c < /ctx/data/blob.bin\n")
    tag = f"clibdocker-test/{unique('bktr')}:1"
    logs = []
    image = None
    st = api.build(path=str(tmp_path), tag=tag, buildkit=True, decode=True, nocache=True)
    try:
        for m in st:
            assert "errorDetail" not in m, m
            if m.get("id") == TRACE_ID:
                logs += [lg["data"] for lg in m["aux"].get("logs", ())]
            if m.get("id") == IMAGE_ID:
                image = m["aux"]["ID"]
        stats = st.session_stats
        assert image
        assert token in "".join(logs) and str(5 << 20) in "".join(logs)
        assert stats["file_bytes"] >= 5 << 20, stats
        assert docker_cli("run", "--rm", tag, "cat", "/ctx/t.txt") == token
    finally:
        try:
            api.remove_image(tag, force=True)
        except errors.NotFound:
            pass


def test_buildkit_over_tcp(tcp_engine, tmp_path):
    api = clibdocker.APIClient(base_url=tcp_engine)
    try:
        _build_and_check(api, tmp_path)
    finally:
        api.close()


def test_buildkit_over_tls(tls_engine, tmp_path):  # noqa: F811
    api = _tls_client(tls_engine)
    try:
        _build_and_check(api, tmp_path)
    finally:
        api.close()


def test_buildkit_over_ssh(ssh_env, tmp_path):  # noqa: F811
    api = clibdocker.APIClient(base_url=ssh_env.url)
    try:
        _build_and_check(api, tmp_path)
    finally:
        api.close()
