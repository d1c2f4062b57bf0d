"""A deploy script that manages an engine over ssh://, the way teams reach a
build host: DOCKER_HOST=ssh://user@host:port, with docker-py's two ssh
transports (use_ssh_client=True runs the `ssh` program; False uses
paramiko, reading ~/.ssh/config and ~/.ssh/known_hosts). The script's test
harness runs a private sshd on 127.0.0.1 whose sessions run the real
`docker system dial-stdio`, gives the job its own HOME with an ssh config,
key and known_hosts, and wraps `ssh` so the program's ssh reads that
config. The job pings, inspects, runs a container, reads its logs, exec
output and events, uses one client from several threads, and reports an
unreachable host."""
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid

import docker
from docker import errors
from docker.utils import kwargs_from_env

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pq02": tag}
d = tempfile.mkdtemp(prefix="pq02-")
home = os.path.join(d, "home")
sshdir = os.path.join(home, ".ssh")
os.makedirs(sshdir)
os.makedirs(os.path.join(d, "bin"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path], check=True,
                   capture_output=True, timeout=30)


port = free_port()
keygen(os.path.join(d, "host_key"))
keygen(os.path.join(sshdir, "id_ed25519"))
shutil.copy(os.path.join(sshdir, "id_ed25519.pub"), os.path.join(d, "authorized_keys"))
with open(os.path.join(d, "sshd_config"), "w") as f:
    f.write(f"HostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n"
            f"PermitRootLogin prohibit-password\nStrictModes no\nPidFile {d}/sshd.pid\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
            "MaxStartups 100:30:200\nMaxSessions 100\nLogLevel ERROR\n")
with open(os.path.join(d, "host_key.pub")) as f:
    host_key = " ".join(f.read().split()[:2])
with open(os.path.join(sshdir, "known_hosts"), "w") as f:
    f.write(f"[127.0.0.1]:{port} {host_key}\n")
with open(os.path.join(sshdir, "config"), "w") as f:
    f.write(f"Host 127.0.0.1\n  IdentityFile {sshdir}/id_ed25519\n  IdentitiesOnly yes\n"
            f"  UserKnownHostsFile {sshdir}/known_hosts\n  StrictHostKeyChecking yes\n"
            "  LogLevel ERROR\n")
# OpenSSH reads the account's home, not $HOME: the harness's wrapper points
# the job's `ssh` at the job's config
with open(os.path.join(d, "bin", "ssh"), "w") as f:
    f.write(f'#!/bin/sh\nexec {shutil.which("ssh")} -F "$HOME/.ssh/config" "$@"\n')
os.chmod(os.path.join(d, "bin", "ssh"), 0o755)
sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", os.path.join(d, "sshd_config"),
                         "-p", str(port), "-o", "ListenAddress=127.0.0.1"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.time() + 15
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        break
    except OSError:
        time.sleep(0.1)
os.environ["HOME"] = home
os.environ["PATH"] = os.path.join(d, "bin") + os.pathsep + os.environ["PATH"]
URL = f"ssh://root@127.0.0.1:{port}"


def p(x):
    return str(x).replace(str(port), "PORT")


clients = []
try:
    for shell_out in (True, False):
        c = docker.DockerClient(base_url=URL, use_ssh_client=shell_out, timeout=60)
        clients.append(c)
        ad = c.api.get_adapter(c.api.base_url)
        print("ssh client", shell_out, c.api.base_url, p(ad.ssh_host), c.ping(),
              c.version()["ApiVersion"], c.api.api_version)
        print("  info", sorted(k for k in c.info() if k in ("Containers", "Images", "OSType")))
        print("  image", IMAGE in c.images.get(IMAGE).tags)

    kw = kwargs_from_env(environment={"DOCKER_HOST": URL})
    print("kwargs", p(kw))
    env_client = docker.from_env(environment={"DOCKER_HOST": URL}, use_ssh_client=True, timeout=60)
    clients.append(env_client)
    print("from_env ssh", env_client.api.base_url, env_client.ping())
    os.environ["DOCKER_HOST"] = URL
    try:
        c = docker.from_env(use_ssh_client=True, version="1.41")
        clients.append(c)
        print("from_env os.environ", c.api.api_version, len(c.containers.list(filters={"label": f"pq02={tag}"})))
    finally:
        del os.environ["DOCKER_HOST"]

    # real work over the ssh transport
    client = clients[0]
    # a live stream opened first (a since= replay reads the engine's last
    # 256 events only, which a busy engine turns over in seconds)
    live = client.events(decode=True, filters={"label": f"pq02={tag}", "type": "container"})
    ctr = client.containers.run(IMAGE, ["sh", "-c", "echo via-ssh; echo err >&2; sleep 30"], detach=True,
                                labels=LABELS, name="clibdocker-test-pq02-" + tag)
    try:
        deadline = time.time() + 20
        while b"via-ssh" not in ctr.logs() and time.time() < deadline:
            time.sleep(0.2)
        print("logs", ctr.logs(stdout=True, stderr=False), ctr.logs(stdout=False, stderr=True))
        # exec through the paramiko client (docker-py's `ssh` subprocess
        # transport breaks its pipe when an exec's hijacked connection closes)
        pc = clients[1].containers.get(ctr.id)
        print("exec", pc.exec_run(["sh", "-c", "echo from-paramiko"]))
        print("exec demux", pc.exec_run(["sh", "-c", "echo o; echo e >&2"], demux=True))
        # a thread pool of deploy steps sharing the client
        results = []
        lock = threading.Lock()

        def step(i):
            c = clients[i % 2]
            r = (c.ping(), c.containers.get(ctr.id).status, c.api.inspect_container(ctr.id)["Config"]["Labels"]["pq02"] == tag)
            with lock:
                results.append(r)

        threads = [threading.Thread(target=step, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("threads", sorted(set(results)), len(results))
        ctr.stop(timeout=1)
        print("wait", ctr.wait(timeout=30)["StatusCode"])
    finally:
        ctr.remove(force=True)
    evs = []
    for e in live:
        evs.append(e)
        if e["Action"] == "destroy":
            break
    del live   # (docker-py's close() of a stream fails on its ssh sockets: the job drops it)
    print("events", [e["Action"] for e in evs if e["Action"] in ("create", "start", "die", "destroy")])
    try:
        client.containers.get(ctr.id)
    except errors.NotFound as e:
        print("gone", e.status_code)

    # a host nobody listens on
    dead = f"ssh://root@127.0.0.1:{free_port()}"
    for shell_out in (True, False):
        try:
            c = docker.DockerClient(base_url=dead, use_ssh_client=shell_out, version="1.41", timeout=20)
            c.ping()
            print("dead host", shell_out, "reachable?")
        except Exception:  # noqa: BLE001 - the job reports any failure to reach the host
            print("dead host", shell_out, "unreachable")
finally:
    for c in clients:
        try:
            for x in c.containers.list(all=True, filters={"label": f"pq02={tag}"}):
                x.remove(force=True)
        except Exception:  # noqa: BLE001
            pass
        c.close()
    sshd.terminate()
    sshd.wait(10)
    shutil.rmtree(d, ignore_errors=True)
print("done")
