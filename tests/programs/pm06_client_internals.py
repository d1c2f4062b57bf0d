"""What test frameworks and plugins (testcontainers' DockerClient wrapper,
pytest-docker-compose, an airflow hook, a molecule driver) read and call on
docker-py's client beyond its documented methods: adapters and
get_adapter().socket_path, _custom_adapter, TLSConfig.configure_client,
verify/cert, _retrieve_server_version, _set_request_timeout,
_attach_params, _check_is_tty, _get_result, an attach made by hand with
_post(stream=True) read through _read_from_socket / _get_raw_response_socket,
and docker.utils.socket's frame readers on the program's own socketpair."""
import os
import socket
import struct
import threading
import uuid

import docker
from docker import errors, tls
from docker.utils import socket as dsock

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pm06": tag}


def attempt(label, fn):
    try:
        print(label, "->", fn())
    except Exception as e:  # noqa: BLE001 - the plugin reports whatever comes
        print(label, "!!", type(e).__name__, str(e).replace(tag, "X")[:100])


client = docker.DockerClient(base_url="unix:///var/run/docker.sock", version="1.41", timeout=25)
api = client.api

# --- adapters, as testcontainers and the compose plugins read them
ad = api.get_adapter(api.base_url)
print("adapter", type(ad).__name__, ad.socket_path, type(api._custom_adapter).__name__,
      api._custom_adapter is ad)
print("adapters", sorted(k for k in api.adapters if k.startswith("http+docker")),
      type(api.adapters["http+docker://"]).__name__)
attempt("get_adapter unknown", lambda: type(api.get_adapter("ftp://nowhere")).__name__)
tcp = docker.APIClient(base_url="tcp://127.0.0.1:2", version="1.41")
print("tcp", tcp.base_url, sorted(k for k in tcp.adapters if k in ("http://", "https://")))
tcp.close()

# --- TLS settings on a client, as an airflow hook builds them
tlsc = tls.TLSConfig(verify=False)
tclient = docker.APIClient(base_url="tcp://127.0.0.1:2376", version="1.41", tls=tlsc)
print("tls client", tclient.base_url, tclient.verify, tclient.cert)
tlsc2 = tls.TLSConfig(verify=True)
tlsc2.configure_client(tclient)
print("configure_client", tclient.verify, tclient.cert, tlsc2.verify, tlsc2.cert, tlsc2.ca_cert)
tclient.close()
attempt("tls=True no base_url", lambda: docker.APIClient(tls=True))
attempt("tls on http url", lambda: docker.APIClient(base_url="http://127.0.0.1:2375", version="1.41", tls=True).base_url)

# --- version and timeout helpers
print("retrieve version", api._retrieve_server_version() == api.version()["ApiVersion"])
kw = {}
print("set timeout", api._set_request_timeout(kw), api._set_request_timeout({"timeout": 3}), kw)
api.timeout = None
print("set timeout none", api._set_request_timeout({}))
api.timeout = 25
print("attach params", api._attach_params(), api._attach_params({"stdout": 1}))
dead = docker.APIClient(base_url="unix:///nonexistent-pm06.sock", version="1.41")
try:
    dead._retrieve_server_version()
except errors.DockerException as e:  # the rest of the text names the transport's error
    print("retrieve version dead", type(e).__name__, str(e).startswith("Error while fetching server API version: "))

# --- a hand-made attach through the request helpers
cids = []
try:
    plain = api.create_container(IMAGE, ["sh", "-c", "echo out1; echo err1 >&2; sleep 0.3; echo out2"],
                                 labels=LABELS, name="clibdocker-test-pm06-" + tag)["Id"]
    cids.append(plain)
    tty = api.create_container(IMAGE, ["sh", "-c", "echo tty-line"], tty=True, labels=LABELS)["Id"]
    cids.append(tty)
    print("check_is_tty", api._check_is_tty(plain), api._check_is_tty(tty), api._check_is_tty({"Id": tty}))
    for cid in cids:
        api.start(cid)
        api.wait(cid, timeout=30)
    r = api._get(api._url("/containers/{0}/logs", plain), params={"stdout": 1, "stderr": 1}, stream=False)
    print("get_result plain", sorted(api._get_result(plain, False, r).split()))
    r = api._get(api._url("/containers/{0}/logs", tty), params={"stdout": 1}, stream=False)
    print("get_result tty", api._get_result(tty, False, r))
    r = api._get(api._url("/containers/{0}/logs", plain), params={"stdout": 1, "stderr": 1, "follow": 1},
                 stream=True)
    print("get_result stream", sorted(b"".join(api._get_result(plain, True, r)).split()))
    r = api._get(api._url("/containers/{0}/logs", tty), params={"stdout": 1, "follow": 1}, stream=True)
    print("stream_raw_result", b"".join(api._stream_raw_result(r, chunk_size=4, decode=False)))
    headers = {"Connection": "Upgrade", "Upgrade": "tcp"}
    params = {"stdout": 1, "stderr": 1, "stream": 1}

    def attached(cmd, tty=False):
        # attach before start, as docker-py's run() does: the output ends
        # when the container exits
        cid = api.create_container(IMAGE, cmd, tty=tty, labels=LABELS)["Id"]
        cids.append(cid)
        r = api._post(api._url("/containers/{0}/attach", cid), headers=headers, params=params, stream=True)
        api.start(cid)
        return r

    r = attached(["sh", "-c", "echo out1; echo err1 >&2; echo out2"])
    print("attach response", r.status_code, r.ok)
    print("read_from_socket", sorted(api._read_from_socket(r, stream=False, tty=False).split()))
    r = attached(["sh", "-c", "echo out1; echo err1 >&2; echo out2"])
    out, err = api._read_from_socket(r, stream=False, tty=False, demux=True)
    print("read_from_socket demux", sorted(out.split()), err)
    r = attached(["sh", "-c", "echo tty-line"], tty=True)
    print("read_from_socket tty", b"".join(api._read_from_socket(r, stream=True, tty=True)))
    r.close()
    r = attached(["sh", "-c", "echo a; echo b >&2"])
    sock = api._get_raw_response_socket(r)
    api._disable_socket_timeout(sock)
    print("raw socket frames", sorted(dsock.frames_iter(sock, tty=False)))
    r.close()
    r = api._post(api._url("/containers/{0}/attach", "clibdocker-test-pm06-missing-" + tag), headers=headers,
                  params=params, stream=True)
    print("attach missing", r.status_code, r.ok)
    attempt("attach missing raw", lambda: api._get_raw_response_socket(r))
finally:
    for cid in cids:
        api.remove_container(cid, force=True)
print("left", api.containers(all=True, filters={"label": f"pm06={tag}"}))

# --- docker.utils.socket on the program's own socketpair (its unit tests)


def frame(stream, data):
    return struct.pack(">BxxxL", stream, len(data)) + data


def feed(payload, close=True):
    # written in small pieces, all of it before the reader starts (what a
    # read returns then does not depend on timing)
    a, b = socket.socketpair()

    def writer():
        for i in range(0, len(payload), 5):
            a.sendall(payload[i:i + 5])
        if close:
            a.close()
    t = threading.Thread(target=writer)
    t.start()
    t.join()
    return b, t, a


payload = frame(1, b"hello ") + frame(2, b"oops\n") + frame(1, b"") + frame(1, b"world\n")
b, t, a = feed(payload)
print("own frames", list(dsock.frames_iter(b, tty=False)))
t.join()
b.close()
b, t, a = feed(payload)
print("own consume demux", dsock.consume_socket_output((dsock.demux_adaptor(*f) for f in dsock.frames_iter(b, False)),
                                                       demux=True))
t.join()
b.close()
b, t, a = feed(b"raw tty bytes\r\n")
print("own tty", b"".join(d for _, d in dsock.frames_iter(b, tty=True)))
t.join()
b.close()
b, t, a = feed(payload[:10])
print("own truncated header", dsock.next_frame_header(b), end=" ")
attempt("read_exactly short", lambda: dsock.read_exactly(b, 10))
t.join()
b.close()
b, t, a = feed(frame(1, b"abc") + frame(2, b"de"))
print("own header", dsock.next_frame_header(b), dsock.read_exactly(b, 3), dsock.next_frame_header(b),
      dsock.read(b, 100), dsock.next_frame_header(b))
t.join()
b.close()
b, t, a = feed(payload)
sio = b.makefile("rb", buffering=0)
print("own SocketIO", list(dsock.frames_iter_no_tty(sio)))
t.join()
sio.close()
b.close()
b, t, a = feed(b"x" * 10)
print("own frames_iter_tty", b"".join(dsock.frames_iter_tty(b)))
t.join()
b.close()
attempt("demux bad stream", lambda: dsock.demux_adaptor(3, b"x"))
print("demux ok", dsock.demux_adaptor(1, b"o"), dsock.demux_adaptor(2, b"e"), dsock.STDOUT, dsock.STDERR)
print("consume", dsock.consume_socket_output([b"a", b"b"]), dsock.consume_socket_output([], demux=True),
      dsock.consume_socket_output([(b"1", None), (None, b"2"), (b"3", None)], demux=True))
print("SocketError", issubclass(dsock.SocketError, Exception), issubclass(dsock.SocketError, errors.DockerException),
      dsock.NPIPE_ENDED)
client.close()
dead.close()
print("done")
