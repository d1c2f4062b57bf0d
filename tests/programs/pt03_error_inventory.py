"""An error-path inventory, as a wrapper library's test suite writes it: ~40
bad calls a script might make (unknown ids for get/remove/inspect/start/stop/
kill/logs/exec_create, bad port specs and mounts, invalid and duplicate names,
removing a running container or an image in use, pulling a tag that the test
registry does not have, run with a command that fails or cannot start,
exec_run on a stopped container), each reported by exception class, its place
in docker.errors, status_code, is_client_error/is_server_error, and the
explanation / str(e) with ids and names stripped the way a log scrubber does."""
import os
import re
import uuid

import docker
from docker import errors
from docker.types import Mount

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
client = docker.from_env(version="1.41")
api = client.api
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pt03": tag}
PFX = "clibdocker-test-pt03-"
CLASSES = ("NotFound", "ImageNotFound", "APIError", "ContainerError", "InvalidArgument", "InvalidVersion",
           "NullResource", "DockerException", "BuildError", "StreamParseError", "ImageLoadError")


def scrub(text):
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = text.replace(tag, "TAG")
    text = re.sub(r"\b[0-9a-f]{64}\b", "<id>", text)
    text = re.sub(r"\b[0-9a-f]{12}\b", "<id>", text)
    text = re.sub(r"sha256:<id>", "<digest>", text)
    text = re.sub(r"http\+docker://[^/ ]+", "<url>", text)
    text = re.sub(r"https?://[^ ]+?/v1\.\d+", "<url>/vX", text)
    return text


def report(what, fn, refused=False):
    # refused=True: bad input clibdocker refuses before sending (a documented
    # difference, docs/migrating-from-docker-py.md "Refused before any
    # request"): same APIError class and status, its own wording, and also its
    # InvalidArgument; only what both promise is printed there
    try:
        r = fn()
    except docker.errors.DockerException as e:
        isa = [n for n in CLASSES if isinstance(e, getattr(errors, n)) and not (refused and n == "InvalidArgument")]
        line = [what, "->", type(e).__name__, "isa=" + ",".join(isa)]
        if isinstance(e, errors.APIError):
            line += ["status=%s" % e.status_code, "client=%s" % e.is_client_error(),
                     "server=%s" % e.is_server_error()]
            if not refused:
                line += ["expl=%r" % scrub(e.explanation), "reason=%s" % e.response.reason,
                         "body=%r" % scrub(e.response.json().get("message")), "url=%s" % scrub(e.response.url)]
        if isinstance(e, errors.ContainerError):
            line += ["exit=%s" % e.exit_status, "cmd=%r" % (e.command,), "stderr=%r" % scrub(e.stderr),
                     "image=%s" % e.image, "container=%s" % type(e.container).__name__]
            try:
                e.container.reload()
                line.append("container status=%s" % e.container.status)
            except errors.NotFound:
                line.append("container gone")
        if not refused:
            line.append("str=%r" % scrub(str(e)))
        print(" ".join(line))
        return None
    except (TypeError, ValueError) as e:
        print(what, "->", type(e).__name__, "(python)", scrub(str(e)))
        return None
    print(what, "-> ok", type(r).__name__, r if isinstance(r, list) and all(isinstance(x, str) for x in r) else "-")
    return r


created = []


def keep(x):
    if x is not None:
        created.append(x)
    return x


missing = PFX + "missing-" + tag
try:
    running = keep(client.containers.run(IMAGE, "sleep 60", name=PFX + "run-" + tag, labels=LABELS, detach=True))
    stopped = keep(client.containers.create(IMAGE, "true", name=PFX + "stopped-" + tag, labels=LABELS))
    img_tag = "clibdocker-test/pt03:" + tag
    client.images.get(IMAGE).tag(img_tag)
    user = keep(client.containers.create(img_tag, "true", labels=LABELS))

    # unknown ids, model and low level
    report("containers.get missing", lambda: client.containers.get(missing))
    report("images.get missing", lambda: client.images.get(missing))
    report("networks.get missing", lambda: client.networks.get(missing))
    report("volumes.get missing", lambda: client.volumes.get(missing))
    report("inspect_container missing", lambda: api.inspect_container(missing))
    report("inspect_image missing", lambda: api.inspect_image(missing))
    report("inspect_network missing", lambda: api.inspect_network(missing))
    report("inspect_volume missing", lambda: api.inspect_volume(missing))
    report("remove_container missing", lambda: api.remove_container(missing))
    report("remove_image missing", lambda: api.remove_image(missing))
    report("remove_network missing", lambda: api.remove_network(missing))
    report("remove_volume missing", lambda: api.remove_volume(missing))
    report("start missing", lambda: api.start(missing))
    report("stop missing", lambda: api.stop(missing, timeout=1))
    report("kill missing", lambda: api.kill(missing))
    report("logs missing", lambda: api.logs(missing))
    report("exec_create missing", lambda: api.exec_create(missing, "true"))
    report("exec_inspect missing", lambda: api.exec_inspect("0" * 64))
    report("wait missing", lambda: api.wait(missing))
    report("restart missing", lambda: api.restart(missing))
    report("pause missing", lambda: api.pause(missing))
    report("rename missing", lambda: api.rename(missing, PFX + "x-" + tag))
    report("top missing", lambda: api.top(missing))
    report("connect missing net", lambda: api.connect_container_to_network(running.id, missing))
    report("disconnect missing ctr", lambda: api.disconnect_container_from_network(missing, "bridge"))
    report("history missing", lambda: api.history(missing))
    report("tag missing", lambda: api.tag(missing, "clibdocker-test/pt03-x", tag))
    report("containers.get empty", lambda: client.containers.get(""))
    report("images.get empty", lambda: client.images.get(""))
    report("inspect None", lambda: api.inspect_container(None))

    # bad specs
    report("bad port spec", lambda: client.containers.create(IMAGE, "true", labels=LABELS, ports={"eighty/tcp": 80}))
    report("bad port proto", lambda: client.containers.create(IMAGE, "true", labels=LABELS, ports={"80/sctpx": 80}))
    report("host port too big", lambda: keep(client.containers.create(IMAGE, "true", labels=LABELS,
                                                                     ports={"80/tcp": 70000})))
    report("bad mount string", lambda: Mount.parse_mount_string("only-one-part"))
    report("bad mount type", lambda: Mount("/x", "/tmp", type="nope"))
    report("relative bind", lambda: keep(client.containers.create(IMAGE, "true", labels=LABELS,
                                                                 volumes=["relative/path:/x"])))
    report("bind missing source", lambda: keep(client.containers.create(
        IMAGE, "true", labels=LABELS, mounts=[Mount("/x", "/nonexistent-" + tag, type="bind")])))
    report("volume bad mode", lambda: keep(client.containers.create(IMAGE, "true", labels=LABELS,
                                                                   volumes={"/tmp": {"bind": "/x", "mode": "rx"}})))
    report("bad restart policy", lambda: keep(client.containers.create(IMAGE, "true", labels=LABELS,
                                                                      restart_policy={"Name": "sometimes"})), refused=True)
    report("bad mem_limit", lambda: client.containers.create(IMAGE, "true", labels=LABELS, mem_limit="lots"))
    report("unknown kwarg", lambda: client.containers.create(IMAGE, "true", labels=LABELS, colour="red"))

    # names
    report("invalid name", lambda: client.containers.create(IMAGE, "true", name="has space", labels=LABELS),
           refused=True)
    report("invalid name slash", lambda: client.containers.create(IMAGE, "true", name="a/b", labels=LABELS),
           refused=True)
    report("duplicate name", lambda: client.containers.create(IMAGE, "true", name=PFX + "run-" + tag, labels=LABELS))
    net = keep(client.networks.create(PFX + "net-" + tag, labels=LABELS))
    report("duplicate network", lambda: keep(client.networks.create(PFX + "net-" + tag, labels=LABELS,
                                                                   check_duplicate=True)))
    report("invalid volume name", lambda: client.volumes.create("bad/name", labels=LABELS))
    report("invalid network driver", lambda: client.networks.create(PFX + "n2-" + tag, driver="nodriver" + tag))

    # state conflicts
    report("remove running", lambda: running.remove())
    report("remove image in use", lambda: client.images.remove(img_tag))
    report("remove image in use by id", lambda: client.images.remove(client.images.get(IMAGE).id))
    report("remove network in use", lambda: (net.connect(running), net.remove()))
    report("start running", lambda: running.start())
    report("unpause running", lambda: running.unpause())
    report("exec_run stopped", lambda: stopped.exec_run("true"))
    report("exec_create stopped", lambda: api.exec_create(stopped.id, "true"))
    report("attach socket stopped? kill stopped", lambda: stopped.kill())
    report("pause stopped", lambda: stopped.pause())
    report("kill bad signal", lambda: running.kill("SIGNOTHING"))
    report("volume in use", lambda: (keep(client.containers.create(IMAGE, "true", labels=LABELS,
                                                                   volumes={PFX + "vol-" + tag: {"bind": "/v"}})),
                                     client.volumes.get(PFX + "vol-" + tag).remove()))

    # pulls from the test registry
    report("pull missing tag", lambda: client.images.pull(REGISTRY + "/clibdocker-test/pt03-missing", tag=tag))
    report("pull missing repo lowlevel", lambda: api.pull(REGISTRY + "/clibdocker-test/pt03-missing-" + tag,
                                                           tag="v1"))
    report("pull bad reference", lambda: client.images.pull("Upper/Case:" + tag), refused=True)

    # arguments of the wrong kind, filters, updates, archives, builds
    report("get non-str id", lambda: client.containers.get(123))
    report("inspect_image int", lambda: api.inspect_image(42))
    report("networks.get empty", lambda: client.networks.get(""))
    report("logs since str", lambda: running.logs(since="yesterday"))
    report("logs until str", lambda: running.logs(until="tomorrow"))
    report("logs tail str", lambda: type(running.logs(tail="x")).__name__)
    report("list bad status filter", lambda: client.containers.list(all=True, filters={"status": "nonsense"}))
    report("list unknown filter", lambda: client.containers.list(filters={"bogus": "x"}))
    report("images bad dangling", lambda: client.images.list(filters={"dangling": "maybe"}))
    report("volumes bad filter", lambda: client.volumes.list(filters={"bogus": "1"}))
    report("networks bad filter", lambda: client.networks.list(filters={"bogus": "1"}))
    report("prune bad filter", lambda: client.containers.prune(filters={"bogus": "x"}))
    report("volume bad driver", lambda: client.volumes.create(PFX + "vd-" + tag, driver="nodriver" + tag, labels=LABELS))
    report("network bad subnet", lambda: client.networks.create(PFX + "ns-" + tag, labels=LABELS, ipam=docker.types.IPAMConfig(
        pool_configs=[docker.types.IPAMPool(subnet="not-a-cidr")])))
    report("update tiny memory", lambda: running.update(mem_limit="1k"))
    report("update bad cpu_shares", lambda: api.update_container(running.id, cpu_shares="lots"))
    report("get_archive missing path", lambda: stopped.get_archive("/no/such/path-" + tag))
    report("put_archive missing dir", lambda: stopped.put_archive("/no/such/dir-" + tag, b""))
    report("put_archive bad data", lambda: stopped.put_archive("/tmp", b"not a tar"))
    report("stat missing path", lambda: api.get_archive(stopped.id, "/nope-" + tag))
    report("resize stopped", lambda: stopped.resize(10, 10))
    report("disconnect not connected", lambda: net.disconnect(stopped))
    report("connect twice", lambda: net.connect(running))
    report("exec empty cmd", lambda: running.exec_run([]))
    r = report("exec missing binary", lambda: running.exec_run("/no/such/binary"))
    if r is not None:
        print("  exit", r.exit_code, "output", scrub(r.output).split(":")[0])
    r = report("exec bad user", lambda: running.exec_run("true", user="nosuchuser" + tag))
    if r is not None:
        print("  exit", r.exit_code, "output", scrub(r.output)[:60])
    report("exec bad workdir", lambda: running.exec_run("true", workdir="relative"))
    report("build bad instruction", lambda: client.images.build(
        fileobj=__import__("io").BytesIO(b"FROM " + IMAGE.encode() + b"\nNOTACMD x\n"), rm=True, labels=LABELS))
    try:
        client.images.build(fileobj=__import__("io").BytesIO(b"FROM " + IMAGE.encode() + b"\nRUN exit 5\n"),
                            rm=True, forcerm=True, labels=LABELS)
    except errors.BuildError as e:
        print("build failing RUN BuildError", scrub(e.msg), iter(e.build_log) is e.build_log,
              [scrub(x.get("error")) for x in e.build_log if "error" in x], isinstance(e, errors.DockerException))
    report("load garbage", lambda: client.images.load(b"garbage"))
    report("push unknown local", lambda: [scrub(x.get("error")) for x in client.images.push(
        REGISTRY + "/clibdocker-test/pt03-notlocal", tag=tag, stream=True, decode=True) if "error" in x])
    report("login bad password", lambda: client.login("clibdocker", "wrong", registry=REGISTRY, reauth=True))
    report("inspect_distribution missing", lambda: api.inspect_distribution(REGISTRY + "/clibdocker-test/pt03-none:" + tag))

    # run
    report("run failing command", lambda: client.containers.run(IMAGE, ["sh", "-c", "echo oops >&2; exit 7"],
                                                                labels=LABELS, remove=True))
    report("run failing command kept", lambda: client.containers.run(IMAGE, "false", labels=LABELS,
                                                                     name=PFX + "kept-" + tag))
    report("run command not found", lambda: client.containers.run(IMAGE, "/no/such/binary", labels=LABELS,
                                                                  name=PFX + "nf-" + tag))
    report("run missing image", lambda: client.containers.run(REGISTRY + "/clibdocker-test/pt03-nope:" + tag, "true",
                                                              labels=LABELS))
    creds = {"username": os.environ.get("CLIBDOCKER_TEST_REGISTRY_USER", "clibdocker"),
             "password": os.environ.get("CLIBDOCKER_TEST_REGISTRY_PASSWORD", "clibdocker-secret")}
    report("pull missing tag with auth", lambda: client.images.pull(REGISTRY + "/clibdocker-test/pt03-missing", tag=tag,
                                                                    auth_config=creds))
    report("pull bad password", lambda: client.images.pull(REGISTRY + "/clibdocker-test/pt03-missing", tag=tag,
                                                           auth_config={"username": "clibdocker", "password": "no"}))
    report("stop stopped", lambda: api.stop(stopped.id, timeout=1))
    report("start running lowlevel", lambda: api.start(running.id))
    report("exec_start bad id", lambda: api.exec_start("0" * 64))
    report("exec_resize bad id", lambda: api.exec_resize("0" * 64, height=10, width=10))
    report("run detach+remove stream", lambda: client.containers.run(IMAGE, "true", labels=LABELS, detach=True,
                                                                     remove=True, stream=True) and None)
    report("run bad workdir", lambda: client.containers.run(IMAGE, "true", labels=LABELS, working_dir="relative",
                                                            remove=True))
    report("run bad user", lambda: client.containers.run(IMAGE, "true", labels=LABELS, user="nosuchuser" + tag,
                                                         name=PFX + "user-" + tag))
finally:
    for x in client.containers.list(all=True, filters={"label": "pt03=" + tag}):
        try:
            x.remove(force=True, v=True)
        except errors.NotFound:  # a remove=True container going away by itself
            pass
    for n in client.networks.list(filters={"label": "pt03=" + tag}):
        n.remove()
    for x in client.images.list(filters={"label": "pt03=" + tag}):
        client.images.remove(x.id, force=True)
    client.images.prune(filters={"label": "pt03=" + tag, "dangling": True})
    for v in client.volumes.list(filters={"name": PFX + "vol-" + tag}):
        v.remove(force=True)
    try:
        client.images.remove("clibdocker-test/pt03:" + tag)
    except errors.ImageNotFound:
        pass
print("left", len(client.containers.list(all=True, filters={"label": "pt03=" + tag})),
      len(client.networks.list(filters={"label": "pt03=" + tag})),
      len(client.volumes.list(filters={"name": PFX + "vol-" + tag})),
      len(client.images.list(name="clibdocker-test/pt03")), len(client.images.list(all=True, filters={"label": "pt03=" + tag})))
client.close()
