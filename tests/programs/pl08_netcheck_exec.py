"""A network check harness driven through exec: an echo server (busybox nc)
on a user network, a client talking to it through an interactive exec
socket (recv/sendall/settimeout on ``_sock``, readline), exec_create with
user/workdir/environment/privileged, exec_start detach/stream/demux, TTY
exec resize, exec_inspect, the low-level attach with demux, and the
errors of execs on wrong targets."""
import os
import socket
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.utils import socket as dsock

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
api = client.api
tag = uuid.uuid4().hex[:8]
L = {"clibdocker-test": "1", "pl08": tag}
made, nets = [], []


def raw(s):
    return getattr(s, "_sock", s)


try:
    net = client.networks.create("clibdocker-test-pl08-" + tag, labels=L)
    nets.append(net)
    server = client.containers.run(IMAGE, ["sh", "-c", "while true; do nc -l -p 7000 -e cat; done"], detach=True,
                                   labels=L, network=net.name, name="clibdocker-test-pl08-srv-" + tag)
    made.append(server)
    net.disconnect(server)
    net.connect(server, aliases=["echo"])
    probe = client.containers.run(IMAGE, ["sleep", "300"], detach=True, labels=L, network=net.name,
                                  name="clibdocker-test-pl08-probe-" + tag)
    made.append(probe)

    # wait until the server answers
    ok = False
    for _ in range(30):
        r = probe.exec_run(["sh", "-c", "echo ping | nc -w 1 echo 7000"])
        if r.exit_code == 0 and r.output.strip() == b"ping":
            ok = True
            break
        time.sleep(0.3)
    print("echo ready", ok)

    # interactive exec socket: nc as a pipe
    ex = api.exec_create(probe.id, ["nc", "echo", "7000"], stdin=True, stdout=True, stderr=True, tty=False)
    s = api.exec_start(ex, socket=True)
    raw(s).settimeout(10)
    raw(s).sendall(b"hello over exec\n")
    hdr = dsock.read_exactly(s, 8)
    stream, size = hdr[0], int.from_bytes(hdr[4:], "big")
    print("echo frame", stream, size, dsock.read_exactly(s, size))
    raw(s).sendall(b"second\n")
    print("next frame", dsock.next_frame_header(s), dsock.read(s, 64))
    raw(s).shutdown(socket.SHUT_WR)
    rest = b"".join(d for _, d in dsock.frames_iter(s, tty=False))
    s.close()
    print("rest", rest)
    print("inspect nc", api.exec_inspect(ex["Id"])["ExitCode"], api.exec_inspect(ex)["Running"])

    # exec options
    ex = api.exec_create(probe.id, ["sh", "-c", "id -u; pwd; echo $A $B"], user="nobody", workdir="/tmp",
                         environment=["A=1", "B=two"])
    print("exec opts", api.exec_start(ex["Id"]).split())
    ex = api.exec_create(probe.id, "sh -c 'echo out; echo err >&2'", privileged=True)
    print("demux", api.exec_start(ex, demux=True))
    ex = api.exec_create(probe.id, ["sh", "-c", "echo s1; sleep 0.2; echo s2 >&2; sleep 0.2; echo s3"])
    print("stream demux", [x for x in api.exec_start(ex, stream=True, demux=True)])
    ex = api.exec_create(probe.id, ["sh", "-c", "sleep 0.5; touch /tmp/detached"])
    print("detach", api.exec_start(ex, detach=True))
    for _ in range(30):
        if not api.exec_inspect(ex)["Running"]:
            break
        time.sleep(0.1)
    print("detached ran", probe.exec_run(["test", "-f", "/tmp/detached"]).exit_code)
    r = probe.exec_run(["sleep", "0.3"], detach=True)
    print("exec_run detach", type(r).__name__, r.exit_code, r.output)
    r = probe.exec_run("sh -c 'exit 7'")
    print("exit code", r.exit_code, r.output, tuple(r))

    # tty exec and resize
    ex = api.exec_create(probe.id, ["sh", "-c", "sleep 0.5; stty size"], tty=True, stdin=True)
    s = api.exec_start(ex, socket=True, tty=True)
    api.exec_resize(ex["Id"], height=33, width=101)
    out = b"".join(d for _, d in dsock.frames_iter(s, tty=True))
    s.close()
    print("tty size", out.split())
    time.sleep(1.5)  # the engine forgets a finished exec a moment after it ends
    try:
        api.exec_resize(ex["Id"], height=10, width=10)
    except APIError as e:
        print("resize finished", type(e).__name__, e.status_code)

    # low-level attach with demux
    c = api.create_container(IMAGE, ["sh", "-c", "sleep 0.3; echo A; echo B >&2; sleep 0.1; echo C"], labels=L)
    made.append(client.containers.get(c["Id"]))
    g = api.attach(c, stdout=True, stderr=True, stream=True, logs=True, demux=True)
    api.start(c)
    print("attach demux", sorted((o or b"", e or b"") for o, e in g))
    print("attach after", api.attach(c, stdout=True, stderr=True, logs=True, stream=False, demux=True))

    # errors
    stopped = client.containers.create(IMAGE, ["true"], labels=L)
    made.append(stopped)
    for what, fn in [
        ("exec stopped", lambda: api.exec_create(stopped.id, "true")),
        ("exec missing container", lambda: api.exec_create("clibdocker-test-pl08-none-" + tag, "true")),
        ("inspect missing exec", lambda: api.exec_inspect("0" * 64)),
        ("start missing exec", lambda: api.exec_start("0" * 64)),
        ("resize missing exec", lambda: api.exec_resize("0" * 64, height=1, width=1)),
        ("bad cmd", lambda: probe.exec_run(["/no/such/binary"])),
    ]:
        try:
            res = fn()
            print(what, "result", getattr(res, "exit_code", None), type(getattr(res, "output", None)).__name__)
        except APIError as e:
            print(what, type(e).__name__, e.status_code)
finally:
    for c in made:
        try:
            c.remove(force=True)
        except NotFound:
            pass
    for n in nets:
        try:
            n.remove()
        except APIError:
            pass
print("left", len(client.containers.list(all=True, filters={"label": "pl08=" + tag})))
