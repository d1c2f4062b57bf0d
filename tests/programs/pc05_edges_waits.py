"""Edges real harnesses hit: wait(timeout) raising requests' exceptions
(testcontainers/pytest-docker-tools), health without a healthcheck, image of
a container whose image is gone, publish_all_ports, volumes_from, links,
follow logs until exit, raw stats stream, stdin over attach_socket
(molecule/dockerspawner style), errors on stopped containers."""
import io
import json
import os
import time
import uuid

import requests
import docker
from docker.errors import APIError, DockerException, ImageNotFound, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env(timeout=30)
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pc05": tag}
made = []


def mk(*args, **kw):
    kw.setdefault("labels", LABELS)
    c = client.containers.run(*args, detach=True, **kw)
    made.append(c)
    return c


try:
    c = mk(IMAGE, ["sleep", "30"], publish_all_ports=True, ports={"7000/tcp": None},
           volumes=["/shared"])
    c.reload()
    print("health none", c.health)
    print("publish_all", c.attrs["HostConfig"]["PublishAllPorts"], sorted(c.ports))
    try:
        c.wait(timeout=1)
    except requests.exceptions.ConnectionError as e:
        print("wait timeout ConnectionError", isinstance(e, requests.exceptions.RequestException))
    try:
        client.api.wait(c.id, timeout=1)
    except requests.exceptions.ConnectionError:
        print("api wait ConnectionError")
    print("still running", client.containers.get(c.id).status)

    v = mk(IMAGE, ["sh", "-c", "ls -d /shared && sleep 30"], volumes_from=[c.id + ":ro"])
    print("volumes_from", v.wait(timeout=5) if False else v.attrs["HostConfig"]["VolumesFrom"] == [c.id + ":ro"])
    link = mk(IMAGE, ["sleep", "30"], links={c.name: "peer"})
    link.reload()
    print("links", [l.split(":")[1].rsplit("/", 1)[1] for l in link.attrs["HostConfig"]["Links"]])
    print("peer resolves", link.exec_run("ping -c1 -W2 peer").exit_code)

    f = mk(IMAGE, ["sh", "-c", "for i in 1 2 3 4; do echo line$i; sleep 0.2; done"])
    lines = [l.strip() for l in f.logs(stream=True, follow=True)]
    print("follow until exit", lines)
    print("exit", f.wait(timeout=10)["StatusCode"])
    try:
        f.exec_run("true")
    except APIError as e:
        print("exec on stopped", e.status_code, e.is_client_error())
    try:
        f.top()
    except APIError as e:
        print("top on stopped", e.status_code)
    try:
        f.unpause()
    except APIError as e:
        print("unpause not paused", e.status_code)
    f.start()
    print("started again", f.wait(timeout=10)["StatusCode"], f.logs().count(b"line1"))
    try:
        print("stats stopped", sorted(f.stats(stream=False))[:3])
    except APIError as e:
        print("stats stopped error", e.status_code)

    raw = c.stats(decode=False, stream=True)
    chunk = next(raw)
    raw.close()
    print("stats raw", type(chunk).__name__, sorted(json.loads(chunk))[:3])
    print("stats decode no stream", type(client.api.stats(c.id, stream=False)).__name__)

    i = client.containers.create(IMAGE, ["cat"], stdin_open=True, labels=LABELS)
    made.append(i)
    sock = i.attach_socket(params={"stdin": 1, "stdout": 1, "stream": 1})
    i.start()
    raw_sock = sock._sock
    raw_sock.sendall(b"echo-through-stdin\n")
    time.sleep(0.5)
    data = raw_sock.recv(4096)
    print("attach stdin", data[8:] if data[:1] == b"\x01" else data)
    i.kill()
    print("killed", i.wait(timeout=10)["StatusCode"])
    sock.close()

    # image removed while a stopped container still references it
    t = client.images.get(IMAGE)
    t.tag("clibdocker-test/pc05-" + tag, "gone")
    cimg = client.containers.create("clibdocker-test/pc05-" + tag + ":gone", ["true"], labels=LABELS)
    made.append(cimg)
    print("image tags", [x.replace(tag, "T") for x in cimg.image.tags if "pc05" in x])
    client.images.remove("clibdocker-test/pc05-" + tag + ":gone")
    cimg.reload()
    print("image after untag", cimg.image.id == t.id, cimg.attrs["Config"]["Image"].replace(tag, "T"))

    try:
        client.containers.run(IMAGE, ["true"], detach=True, labels=LABELS, ports={"notaport": 1})
    except (APIError, DockerException, ValueError) as e:
        print("bad port", type(e).__mro__[-2].__name__ in ("Exception", "BaseException"), isinstance(e, Exception))
    try:
        client.containers.run(IMAGE, ["true"], detach=True, labels=LABELS, mem_limit="lots")
    except DockerException as e:
        print("bad mem_limit", type(e).__name__)
    try:
        client.containers.run(IMAGE, ["true"], labels=LABELS, restart_policy={"Name": "always"}, auto_remove=True)
    except APIError as e:
        print("auto_remove+restart", e.status_code, "conflicting" in e.explanation.lower() or "auto" in e.explanation.lower())
    try:
        client.containers.create(IMAGE, ["true"], labels=LABELS, unknown_kwarg=1)
    except TypeError as e:
        print("unknown kwarg TypeError", "unknown_kwarg" in str(e))
finally:
    for x in made:
        try:
            x.remove(force=True, v=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "pc05=" + tag}):
        x.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "pc05=" + tag})))
client.close()
