"""An interactive runner (in the style of a REPL-in-a-container service, a
Jupyter kernel launcher or a judge that feeds stdin to submissions):
attach sockets and exec sockets with stdin, docker.utils.socket helpers
(read, next_frame_header, read_exactly, frames_iter, consume_socket_output,
demux_adaptor), attach(stream/logs/demux), logs(follow=True) that ends when
the container exits, and run(stream=True)."""
import os
import socket as pysocket
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.utils import socket as dsock

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pj05": tag}


def raw(s):
    return getattr(s, "_sock", s)


def read_all(s, tty):
    out = []
    for stream, data in dsock.frames_iter(s, tty):
        out.append((stream, data))
    return out


try:
    # a judge: stdin -> program -> stdout/stderr
    c = client.containers.create(IMAGE, ["sh", "-c", "read a; read b; echo sum=$((a+b)); echo warn >&2"],
                                 stdin_open=True, labels=LABELS)
    s = c.attach_socket(params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
    c.start()
    raw(s).sendall(b"2\n40\n")
    frames = read_all(s, False)
    print("judge frames", sorted(frames))
    s.close()
    print("judge exit", c.wait(timeout=10))
    print("judge logs", c.logs(stdout=True, stderr=False), c.logs(stdout=False, stderr=True))
    c.remove()

    # the same with a TTY: no frames, \r\n
    c = client.containers.create(IMAGE, ["sh", "-c", "read a; echo got-$a"], stdin_open=True, tty=True, labels=LABELS)
    s = c.attach_socket(params={"stdin": 1, "stdout": 1, "stream": 1})
    c.start()
    raw(s).sendall(b"x\n")
    data = b"".join(d for _, d in dsock.frames_iter(s, True))
    print("tty attach", b"got-x" in data, data.count(b"\r\n") >= 1)
    s.close()
    c.wait(timeout=10)
    c.remove(force=True)

    # headers by hand
    c = client.containers.run(IMAGE, ["sh", "-c", "sleep 0.5; printf abc; printf DEFG >&2"], detach=True, labels=LABELS)
    s = c.attach_socket(params={"stdout": 1, "stderr": 1, "stream": 1})
    got = []
    while True:
        stream, size = dsock.next_frame_header(s)
        if size < 0:
            break
        got.append((stream, dsock.read_exactly(s, size)))
    print("frames by hand", sorted(got), dsock.STDOUT, dsock.STDERR)
    s.close()
    c.wait(timeout=10)

    c.remove()

    # logs follow until the container exits
    c = client.containers.run(IMAGE, ["sh", "-c", "for i in 1 2 3; do echo tick$i; sleep 0.2; done"], detach=True, labels=LABELS)
    lines = [l for l in c.logs(stream=True, follow=True)]
    print("follow lines", b"".join(lines))
    print("follow after exit", b"".join(c.logs(stream=True, follow=True)))
    c.remove()

    # run(stream=True): a generator of the output
    out = client.containers.run(IMAGE, ["sh", "-c", "echo a; sleep 0.2; echo b"], stream=True, remove=True, labels=LABELS)
    print("run stream", type(out).__name__ != "bytes", b"".join(out))
    out = client.containers.run(IMAGE, ["sh", "-c", "echo a; echo b >&2"], stream=True, stdout=False, stderr=True, labels=LABELS)
    print("run stream stderr", b"".join(out))

    # exec sockets with stdin
    c = client.containers.run(IMAGE, "sleep 60", detach=True, labels=LABELS)
    ec, s = c.exec_run(["sh", "-c", "read x; echo in=$x; echo e >&2"], socket=True, stdin=True)
    print("exec socket", ec, type(s).__name__ in ("SocketIO", "HijackedSocket") or hasattr(s, "read"))
    raw(s).sendall(b"hello\n")
    print("exec socket frames", sorted(read_all(s, False)))
    s.close()
    ec, s = c.exec_run(["sh", "-c", "echo o; sleep 0.2; echo e >&2"], socket=True)
    print("consume plain", dsock.consume_socket_output(d for _, d in dsock.frames_iter(s, False)))
    s.close()
    ec, s = c.exec_run(["sh", "-c", "echo o; sleep 0.2; echo e >&2"], socket=True)
    print("demux adaptor", dsock.consume_socket_output(
        (dsock.demux_adaptor(*f) for f in dsock.frames_iter(s, False)), demux=True))
    s.close()
    ec, s = c.exec_run(["sh", "-c", "echo tty-line"], socket=True, tty=True)
    print("exec tty read", dsock.consume_socket_output(d for _, d in dsock.frames_iter(s, True)))
    s.close()
    ec, s = c.exec_run(["cat"], socket=True, stdin=True)
    raw(s).sendall(b"echo-me\n")
    raw(s).shutdown(pysocket.SHUT_WR)
    print("exec cat eof", read_all(s, False))
    s.close()
    api = client.api
    e = api.exec_create(c.id, ["sh", "-c", "read l; echo L=$l"], stdin=True)
    s = api.exec_start(e, socket=True)
    raw(s).sendall(b"line\n")
    print("api exec socket", read_all(s, False), api.exec_inspect(e)["ExitCode"] in (0, None))
    s.close()
    s = api.attach_socket(c.id, params={"stdout": 1, "stream": 1, "logs": 0})
    print("api attach_socket", type(s).__name__ != "bytes")
    s.close()
    c.kill()
    c.remove()
finally:
    for x in client.containers.list(all=True, filters={"label": "pj05=" + tag}):
        try:
            x.remove(force=True)
        except NotFound:
            pass
print("left", len(client.containers.list(all=True, filters={"label": "pj05=" + tag})))
client.close()
