"""An interactive shell over attach / exec sockets, as web terminals and
REPL bridges write it: attach_socket with stdin, sendall through ``_sock``,
half-close with shutdown(SHUT_WR), read the multiplexed frames by hand with
docker.utils.socket (next_frame_header, read_exactly, frames_iter, demux,
consume_socket_output), TTY vs non-TTY framing, exec_start(socket=True),
container.attach_socket, attach(stream=True, logs=True)."""
import os
import socket
import struct
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.utils import socket as dsock

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
api = client.api
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pl02": tag}
made = []


def raw(sock):
    """The socket under what attach_socket returned (docker-py: SocketIO._sock)."""
    return getattr(sock, "_sock", sock)


def read_frames(sock):
    """A hand-written frame reader: header, then exactly that many bytes."""
    out = []
    while True:
        try:
            stream, size = dsock.next_frame_header(sock)
        except dsock.SocketError:
            break
        if size < 0:
            break
        out.append((stream, dsock.read_exactly(sock, size)))
    return out


def runs(frames):
    """Consecutive frames of one stream merged: how the engine cuts its
    output into frames depends on timing, not on the program."""
    out = []
    for stream, data in frames:
        if out and out[-1][0] == stream:
            out[-1] = (stream, out[-1][1] + data)
        else:
            out.append((stream, data))
    return out


def wait_running(c):
    for _ in range(100):
        c.reload()
        if c.status == "running":
            return True
        time.sleep(0.05)
    return False


print("constants", dsock.STDOUT, dsock.STDERR, dsock.NpipeSocket is not None)
try:
    # 1. non-TTY cat: write stdin, half-close, read frames by hand
    c = api.create_container(IMAGE, ["sh", "-c", "cat; echo done-cat >&2"], stdin_open=True, tty=False,
                             labels=LABELS, name="clibdocker-test-pl02-cat-" + tag)
    made.append(c["Id"])
    print("create stdin", api.inspect_container(c)["Config"]["StdinOnce"], api.inspect_container(c)["Config"]["OpenStdin"])
    sock = api.attach_socket(c, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
    print("socket type has _sock", hasattr(sock, "_sock"), callable(getattr(sock, "read", None)))
    api.start(c)
    raw(sock).sendall(b"line one\nline two\n")
    raw(sock).sendall(b"line three\n")
    time.sleep(0.3)
    raw(sock).shutdown(socket.SHUT_WR)
    frames = read_frames(sock)
    sock.close()
    joined = {}
    for stream, data in frames:
        joined[stream] = joined.get(stream, b"") + data
    print("frames by stream", sorted(joined.items()))
    print("exit", api.wait(c)["StatusCode"])

    # 2. frames_iter / demux / consume_socket_output, attached before start
    def attached(cmd):
        x = api.create_container(IMAGE, ["sh", "-c", cmd], labels=LABELS)
        made.append(x["Id"])
        sk = api.attach_socket(x, params={"stdout": 1, "stderr": 1, "stream": 1})
        api.start(x)
        return sk
    cmd = "sleep 0.3; echo out1; echo err1 >&2; sleep 0.1; echo out2"
    sock = attached(cmd)
    print("frames_iter", sorted(dsock.frames_iter(sock, tty=False)))
    sock.close()
    sock = attached(cmd)
    print("consume demux", dsock.consume_socket_output(
        (dsock.demux_adaptor(*f) for f in dsock.frames_iter(sock, tty=False)), demux=True))
    sock.close()
    sock = attached(cmd)
    print("consume plain", sorted(dsock.consume_socket_output((d for _, d in dsock.frames_iter(sock, tty=False)), demux=False).split()))
    sock.close()
    sock = attached("sleep 0.3; printf abc; sleep 0.1; printf defgh >&2")
    h = dsock.read_exactly(sock, 8)
    print("read_exactly", struct.unpack(">BxxxL", h), dsock.read_exactly(sock, 3), dsock.next_frame_header(sock),
          dsock.read(sock, 5))
    print("after end", dsock.next_frame_header(sock), dsock.read(sock, 5))
    sock.close()

    # 3. a TTY shell: no framing, echo of the input, exit
    t = api.create_container(IMAGE, ["sh"], stdin_open=True, tty=True, labels=LABELS,
                             environment={"PS1": "$ "}, name="clibdocker-test-pl02-tty-" + tag)
    made.append(t["Id"])
    sock = api.attach_socket(t, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
    api.start(t)
    raw(sock).sendall(b"echo tty-$((6*7))\n")
    raw(sock).sendall(b"exit 3\n")
    data = b""
    for stream, chunk in dsock.frames_iter(sock, tty=True):
        data += chunk
    sock.close()
    print("tty output", b"tty-42" in data, b"\r\n" in data, data.startswith(b"\x01"))
    print("tty exit", api.wait(t)["StatusCode"])

    # 4. exec_start(socket=True): an interactive exec
    s = client.containers.run(IMAGE, ["sleep", "120"], detach=True, labels=LABELS,
                              name="clibdocker-test-pl02-sleep-" + tag)
    made.append(s.id)
    ex = api.exec_create(s.id, ["sh", "-c", "while read l; do echo got:$l; echo err:$l >&2; done; echo bye"],
                         stdin=True, stdout=True, stderr=True, tty=False)
    es = api.exec_start(ex["Id"], socket=True)
    print("exec socket", hasattr(es, "_sock"))
    raw(es).sendall(b"a\nb\n")
    time.sleep(0.3)
    raw(es).shutdown(socket.SHUT_WR)
    out = dsock.consume_socket_output(
        (dsock.demux_adaptor(*f) for f in dsock.frames_iter(es, tty=False)), demux=True)
    es.close()
    print("exec demux", out)
    info = api.exec_inspect(ex["Id"])
    print("exec inspect", info["ExitCode"], info["Running"], info["OpenStdin"], info["ProcessConfig"]["entrypoint"])

    ex = api.exec_create(s.id, "sh", stdin=True, tty=True, environment={"PS1": "# "})
    es = api.exec_start(ex["Id"], socket=True, tty=True)
    raw(es).sendall(b"echo exec-tty-ok; exit 5\n")
    data = b"".join(chunk for _, chunk in dsock.frames_iter(es, tty=True))
    es.close()
    print("exec tty", b"exec-tty-ok" in data, api.exec_inspect(ex["Id"])["ExitCode"])

    # exec_run(socket=True) through the model
    r = s.exec_run(["sh", "-c", "read x; echo R:$x"], stdin=True, socket=True)
    print("exec_run socket", type(r).__name__, r.exit_code, hasattr(r.output, "_sock"))
    raw(r.output).sendall(b"hello\n")
    print("exec_run socket read", runs(read_frames(r.output)))
    r.output.close()

    # exec_run(stream=True, demux=True)
    r = s.exec_run(["sh", "-c", "echo o1; echo e1 >&2; sleep 0.2; echo o2"], stream=True, demux=True)
    print("exec_run stream", r.exit_code, sorted((o or b"", e or b"") for o, e in r.output))

    # 5. the model's attach_socket and attach(stream=True, logs=True)
    m = client.containers.create(IMAGE, ["sh", "-c", "read n; i=0; while [ $i -lt $n ]; do echo row$i; i=$((i+1)); done"],
                                 stdin_open=True, labels=LABELS, name="clibdocker-test-pl02-model-" + tag)
    made.append(m.id)
    ms = m.attach_socket(params={"stdin": 1, "stdout": 1, "stream": 1})
    m.start()
    raw(ms).sendall(b"3\n")
    print("model socket", runs(read_frames(ms)))
    ms.close()
    print("model wait", m.wait()["StatusCode"])

    def fresh(cmd, **kw):
        x = client.containers.create(IMAGE, ["sh", "-c", cmd], labels=LABELS, **kw)
        made.append(x.id)
        return x
    cmd = "sleep 0.3; echo a1; echo b1 >&2; sleep 0.2; echo a2"
    x = fresh(cmd)
    gen = x.attach(stdout=True, stderr=True, logs=True, stream=True)
    x.start()
    print("attach stream", sorted(b"".join(gen).split()), type(gen).__name__ in ("CancellableStream", "FrameStream"))
    x = fresh(cmd)
    gen = x.attach(stdout=True, stderr=True, stream=True, demux=True)
    x.start()
    print("attach demux", sorted((o or b"", e or b"") for o, e in gen))
    x = fresh(cmd)
    gen = x.attach(stdout=False, stderr=True, stream=True)
    x.start()
    print("attach stderr only", list(gen))
    x = fresh("sleep 0.3; echo t1; sleep 0.1; echo t2", tty=True)
    gen = x.attach(stdout=True, stderr=True, stream=True, logs=True)
    x.start()
    print("attach tty", b"".join(gen).split())

    # a live stream: attach before start, read until the container ends
    live = client.containers.create(IMAGE, ["sh", "-c", "sleep 0.3; for i in 1 2 3; do echo tick$i; sleep 0.1; done"],
                                    labels=LABELS, name="clibdocker-test-pl02-live-" + tag)
    made.append(live.id)
    g = live.attach(stdout=True, stderr=True, stream=True, logs=True)
    live.start()
    print("live", b"".join(g).split())

    # 6. errors
    try:
        api.attach_socket("clibdocker-test-pl02-missing-" + tag)
    except NotFound as e:
        print("attach missing", type(e).__name__, e.status_code)
    try:
        api.exec_start("0" * 64, socket=True)
    except APIError as e:
        print("exec missing", type(e).__name__, e.status_code)
    stopped = client.containers.create(IMAGE, ["true"], labels=LABELS)
    made.append(stopped.id)
    try:
        stopped.exec_run("true")
    except APIError as e:
        print("exec stopped", type(e).__name__, e.status_code)
    h = struct.pack(">BxxxL", 2, 5)
    print("header parse", struct.unpack(">BxxxL", h))
finally:
    for x in made:
        try:
            api.remove_container(x, force=True)
        except NotFound:
            pass
print("left", len(client.containers.list(all=True, filters={"label": "pl02=" + tag})))
