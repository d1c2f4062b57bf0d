"""The ssh:// transport against a real sshd: a private sshd on 127.0.0.1
(own host key, a fresh client key, root login by key only) whose sessions
run the real `docker system dial-stdio`, which reaches the main engine on
this machine. The ssh client is the real `ssh`, configured through
CLIBDOCKER_SSH_COMMAND="ssh -F <tmp>/ssh_config". Checks calls, streams,
connection reuse, threads, clear errors, and that no ssh child process or
zombie is left behind."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from typing import Dict, Iterator, List

import pytest

import clibdocker
from clibdocker import errors

from conftest import LABELS, unique

SSHD = "/usr/sbin/sshd"
pytestmark = pytest.mark.skipif(not os.path.exists(SSHD) or shutil.which("ssh") is None,
                                reason="openssh-server and openssh-client (scripts/setup.sh)")


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _keygen(path: str) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path],
                   check=True, capture_output=True, timeout=30)


def _ssh_config(path: str, d: str, key: str) -> None:
    with open(path, "w") as f:
        f.write(f"Host *\n  IdentityFile {key}\n  IdentitiesOnly yes\n"
                f"  UserKnownHostsFile {d}/known_hosts\n  StrictHostKeyChecking no\n"
                "  LogLevel ERROR\n"
                # the remote docker CLI talks to the main engine whatever
                # root's docker config says
                "  SetEnv DOCKER_HOST=unix:///var/run/docker.sock\n")


class SshServer:
    def __init__(self, d: str, port: int) -> None:
        self.dir = d
        self.port = port
        self.url = f"ssh://root@127.0.0.1:{port}"
        self.command = f"ssh -F {d}/ssh_config"
        self.wrong_key_command = f"ssh -F {d}/ssh_config_wrong"
        self.spawn_log = f"{d}/spawns.log"
        # a wrapper that logs each start, then runs the real ssh
        self.counting_command = f"{d}/ssh-counting -F {d}/ssh_config"


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    d = str(tmp_path_factory.mktemp("sshd"))
    _keygen(f"{d}/host_key")
    _keygen(f"{d}/id")
    _keygen(f"{d}/wrong_id")
    shutil.copy(f"{d}/id.pub", f"{d}/authorized_keys")
    port = _free_port()
    with open(f"{d}/sshd_config", "w") as f:
        f.write(f"HostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n"
                f"PermitRootLogin prohibit-password\nStrictModes no\nPidFile {d}/sshd.pid\n"
                "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
                "AcceptEnv DOCKER_HOST\nMaxStartups 100:30:200\nMaxSessions 100\n"
                "LogLevel INFO\n")
    _ssh_config(f"{d}/ssh_config", d, f"{d}/id")
    _ssh_config(f"{d}/ssh_config_wrong", d, f"{d}/wrong_id")
    with open(f"{d}/ssh-counting", "w") as f:
        f.write(f"#!/bin/sh\necho $$ >> {d}/spawns.log\nexec ssh \"$@\"\n")
    os.chmod(f"{d}/ssh-counting", 0o755)
    os.makedirs("/run/sshd", exist_ok=True)
    proc = subprocess.Popen([SSHD, "-D", "-f", f"{d}/sshd_config", "-p", str(port),
                             "-o", "ListenAddress=127.0.0.1", "-E", f"{d}/sshd.log"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    with open(f"{d}/sshd.log") as log:
                        pytest.fail(f"sshd did not start: {log.read()}")
                time.sleep(0.05)
        yield SshServer(d, port)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def ssh_env(sshd: SshServer, monkeypatch: pytest.MonkeyPatch) -> SshServer:
    """CLIBDOCKER_SSH_COMMAND for clients created in the test (read once,
    when a client is created)."""
    monkeypatch.setenv("CLIBDOCKER_SSH_COMMAND", sshd.command)
    return sshd


def _children() -> List[Dict[str, str]]:
    """This process's child processes: pid, comm, state (from /proc)."""
    me = os.getpid()
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == me:
            out.append({"pid": pid, "comm": comm, "state": fields[0]})
    return out


def _ssh_children() -> List[Dict[str, str]]:
    return [c for c in _children() if c["comm"] in ("ssh", "ssh-counting", "sh")]


def _zombies() -> List[Dict[str, str]]:
    return [c for c in _children() if c["state"] == "Z"]


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_ping_version_info_over_ssh(ssh_env: SshServer) -> None:
    with clibdocker.APIClient(base_url=ssh_env.url, use_ssh_client=True) as c:
        assert c.docker_host == ssh_env.url
        assert c.ping() is True
        assert c.api_version == "1.41"
        v = c.version()
        assert v["ApiVersion"] == "1.41"
        info = c.info()
        assert len(_ssh_children()) >= 1  # the connection is an ssh child
    # the very engine the unix socket reaches
    with clibdocker.APIClient() as local:
        assert info["ID"] == local.info()["ID"]
    assert _ssh_children() == []
    assert _zombies() == []


def test_from_env_ssh_host(ssh_env: SshServer, tmp_path) -> None:
    env = {"DOCKER_HOST": ssh_env.url, "DOCKER_CONFIG": str(tmp_path)}
    client = clibdocker.from_env(environment=env, use_ssh_client=True)
    try:
        assert client.api.docker_host == ssh_env.url
        assert client.ping() is True
        assert client.version()["ApiVersion"] == "1.41"
    finally:
        client.close()
    assert _ssh_children() == []


def test_requests_with_bodies_and_events_over_ssh(ssh_env: SshServer) -> None:
    name = unique()
    start = time.time()
    with clibdocker.APIClient(base_url=ssh_env.url) as c:
        c.create_volume(name, labels=LABELS)
        try:
            assert c.inspect_volume(name)["Labels"] == LABELS
        finally:
            c.remove_volume(name)
        until = time.time() + 1
        seen = [(e["Action"], e["Actor"]["ID"]) for e in
                c.events(since=start, until=until, decode=True,
                         filters={"type": "volume", "volume": name})]
    assert ("create", name) in seen and ("destroy", name) in seen
    assert _ssh_children() == [] and _zombies() == []


def test_events_stream_closed_from_another_thread(ssh_env: SshServer) -> None:
    with clibdocker.APIClient(base_url=ssh_env.url) as c:
        c.ping()
        label = unique()
        stream = c.events(decode=True, filters={"label": [label]})
        assert len(_ssh_children()) == 2  # the pooled connection + the stream's
        closer = threading.Timer(0.5, stream.close)
        t0 = time.monotonic()
        closer.start()
        got = list(stream)
        closer.join()
        assert got == []
        assert time.monotonic() - t0 < 10
        # the stream's ssh child is gone, the pooled one stays
        assert len(_ssh_children()) == 1
        assert _zombies() == []
        assert c.ping() is True
    assert _ssh_children() == []


def test_sequential_calls_reuse_one_ssh_connection(sshd: SshServer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIBDOCKER_SSH_COMMAND", sshd.counting_command)
    if os.path.exists(sshd.spawn_log):
        os.unlink(sshd.spawn_log)
    records = []
    fds0 = _fds()
    with clibdocker.APIClient(base_url=sshd.url) as c:
        c.set_trace_hook(records.append)
        t0 = time.monotonic()
        for i in range(50):
            assert c.ping() is True if i % 2 else c.version()["ApiVersion"] == "1.41"
        elapsed = time.monotonic() - t0
        assert len(_ssh_children()) == 1
    with open(sshd.spawn_log) as f:
        spawns = len(f.read().split())
    print(f"50 calls over ssh: {elapsed:.2f}s, {spawns} ssh process(es) started")
    assert len(records) >= 50 and all(r.status == 200 for r in records)
    assert spawns == 1
    assert _ssh_children() == [] and _zombies() == []
    assert _fds() == fds0


def test_concurrent_threads_on_one_client(ssh_env: SshServer) -> None:
    fds0 = _fds()
    failures: List[BaseException] = []
    with clibdocker.APIClient(base_url=ssh_env.url) as c:
        def work() -> None:
            try:
                for _ in range(8):
                    assert c.version()["ApiVersion"] == "1.41"
                    assert c.ping() is True
            except BaseException as e:  # pragma: no cover - reported below
                failures.append(e)
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not failures, failures
        assert 1 <= len(_ssh_children()) <= 4
    assert _ssh_children() == [] and _zombies() == []
    assert _fds() == fds0


def test_wrong_key_is_a_clear_transport_error(sshd: SshServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIBDOCKER_SSH_COMMAND", sshd.wrong_key_command)
    with clibdocker.APIClient(base_url=sshd.url) as c:
        t0 = time.monotonic()
        with pytest.raises(errors.TransportError) as ei:
            c.ping()
        assert time.monotonic() - t0 < 10
    msg = str(ei.value)
    assert "ssh" in msg and "Permission denied" in msg, msg
    assert _ssh_children() == [] and _zombies() == []


def test_wrong_port_is_a_clear_transport_error(ssh_env: SshServer) -> None:
    port = _free_port()
    with clibdocker.APIClient(base_url=f"ssh://root@127.0.0.1:{port}") as c:
        t0 = time.monotonic()
        with pytest.raises(errors.TransportError) as ei:
            c.version()
        assert time.monotonic() - t0 < 10
    assert f"port {port}" in str(ei.value) and "refused" in str(ei.value), str(ei.value)
    assert _ssh_children() == [] and _zombies() == []


def test_remote_docker_failure_shows_its_stderr(sshd: SshServer,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # the remote docker CLI cannot reach an engine: its own words come back
    monkeypatch.setenv("CLIBDOCKER_SSH_COMMAND",
                       sshd.command + " -o SetEnv=DOCKER_HOST=unix:///nonexistent/docker.sock")
    with clibdocker.APIClient(base_url=sshd.url) as c:
        with pytest.raises(errors.TransportError) as ei:
            c.ping()
    assert "/nonexistent/docker.sock" in str(ei.value), str(ei.value)
    assert _ssh_children() == [] and _zombies() == []


def test_missing_ssh_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIBDOCKER_SSH_COMMAND", "/nonexistent/bin/ssh -v")
    with clibdocker.APIClient(base_url="ssh://somebody@127.0.0.1") as c:
        with pytest.raises(errors.TransportError, match="cannot run '/nonexistent/bin/ssh'"):
            c.ping()
    assert _zombies() == []


def test_bad_ssh_urls_are_refused() -> None:
    for url in ("ssh://", "ssh://host/path", "ssh://user:pw@host", "ssh://-oProxyCommand=x",
                "ssh://host:99999", "ssh://ho st"):
        with pytest.raises(errors.DockerException):
            clibdocker.APIClient(base_url=url)


def test_close_with_open_connections_leaves_no_children(ssh_env: SshServer) -> None:
    fds0 = _fds()
    c = clibdocker.APIClient(base_url=ssh_env.url)
    results: List[bool] = []
    threads = [threading.Thread(target=lambda: results.append(c.ping())) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [True, True, True]
    assert len(_ssh_children()) >= 1
    t0 = time.monotonic()
    c.close()
    print(f"close() with {len(results)} threads' connections: {time.monotonic() - t0:.3f}s")
    assert _ssh_children() == [] and _zombies() == []
    assert _fds() == fds0


def test_c_example_over_ssh(ssh_env: SshServer) -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    exe = os.path.join(os.environ.get("CLIBDOCKER_BUILD_DIR", os.path.join(root, "build")),
                       "tests", "c", "example_ping")
    if not os.access(exe, os.X_OK):
        pytest.skip(f"{exe} is built by cmake (scripts/test.sh)")
    env = dict(os.environ, DOCKER_HOST=ssh_env.url, CLIBDOCKER_SSH_COMMAND=ssh_env.command)
    env.pop("DOCKER_CONTEXT", None)
    out = subprocess.run([exe], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "API 1.41" in out.stdout
    e2e = os.path.join(os.path.dirname(exe), "test_ssh_e2e")
    if os.access(e2e, os.X_OK):
        env["CLIBDOCKER_TEST_SSH_URL"] = ssh_env.url
        out = subprocess.run([e2e], env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stdout + out.stderr


# --- hijacked connections (attach / exec with stdin) over ssh ---------------------

from hijack_checks import ctr  # noqa: E402,F401  (the fixture)


@pytest.mark.op("ContainerAttach")
def test_attach_socket_with_stdin_over_ssh(ssh_env: SshServer, ctr) -> None:
    import hijack_checks
    with clibdocker.APIClient(base_url=ssh_env.url) as c:
        c.set_timeouts(stream_idle=30)
        hijack_checks.attach_round_trip(c, ctr)       # byte-exact through the ssh child
    assert _ssh_children() == [] and _zombies() == []


@pytest.mark.op("ExecStart")
def test_exec_start_socket_with_stdin_over_ssh(ssh_env: SshServer, ctr) -> None:
    import hijack_checks
    from conftest import TEST_IMAGE
    cid = ctr.run(TEST_IMAGE, "sleep", "300")
    with clibdocker.APIClient(base_url=ssh_env.url) as c:
        c.set_timeouts(stream_idle=30)
        hijack_checks.exec_stdin_round_trip(c, cid)
    assert _ssh_children() == [] and _zombies() == []


@pytest.mark.op("ContainerAttachWebsocket")
def test_attach_websocket_over_ssh(ssh_env: SshServer, ctr) -> None:
    import hijack_checks
    from conftest import TEST_IMAGE
    cid = ctr.run("-i", TEST_IMAGE, "cat")
    with clibdocker.APIClient(base_url=ssh_env.url) as c:
        c.set_timeouts(stream_idle=30)
        with c.attach_websocket(cid, {"stdin": 1, "stdout": 1, "stream": 1}) as ws:
            hijack_checks.websocket_round_trip(ws)
    assert _ssh_children() == [] and _zombies() == []
