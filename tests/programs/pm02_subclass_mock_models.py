"""A project's own layer over docker-py, as frameworks (molecule drivers,
testcontainers' DockerClient wrapper, airflow operators) write it: an
APIClient subclass that adds project labels in create_container and counts
calls through super(); a DockerClient subclass whose __init__ sets its own
api and whose containers collection makes the project's Container subclass;
unit-test style unittest.mock.patch.object on API, collection and model
methods (wraps=, autospec=, side_effect=); models built by hand from attrs
dicts (Container(attrs, client=...)), their eq/hash/repr/short_id and the
properties that work or fail on sparse attrs; collection.prepare_model."""
import os
import uuid
from unittest import mock

import docker
from docker.errors import APIError, DockerException, NotFound
from docker.models.containers import Container, ContainerCollection
from docker.models.images import Image
from docker.models.networks import Network
from docker.models.resource import Collection, Model
from docker.models.volumes import Volume

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pm02": tag}
scrub = [tag]


def clean(text):
    for s in scrub:
        text = text.replace(s, "X")
    return text


def attempt(label, fn):
    try:
        print(label, "->", clean(str(fn())))
    except Exception as e:  # noqa: BLE001 - the report shows what came
        print(label, "!!", type(e).__name__, clean(str(e))[:110])


class ProjectAPIClient(docker.APIClient):
    """Adds the project's labels to every container and counts calls."""

    def __init__(self, project, **kwargs):
        super().__init__(**kwargs)
        self.project = project
        self.calls = []

    def create_container(self, image, command=None, **kwargs):
        self.calls.append("create_container")
        labels = dict(kwargs.pop("labels", None) or {})
        labels.setdefault("project", self.project)
        return super().create_container(image, command, labels=labels, **kwargs)

    def start(self, container, *args, **kwargs):
        self.calls.append("start")
        return super().start(container, *args, **kwargs)

    def inspect_container(self, container):
        self.calls.append("inspect_container")
        return super().inspect_container(container)

    def remove_container(self, container, v=False, link=False, force=False):
        self.calls.append("remove_container")
        return super(ProjectAPIClient, self).remove_container(container, v=v, link=link, force=force)

    def containers(self, *args, **kwargs):
        self.calls.append("containers")
        return super().containers(*args, **kwargs)


class ProjectContainer(Container):
    @property
    def project(self):
        return self.labels.get("project")

    def describe(self):
        return f"{self.name.replace(tag, 'X')} ({self.project}, {self.status})"


class ProjectContainers(ContainerCollection):
    model = ProjectContainer


class ProjectClient(docker.DockerClient):
    def __init__(self, project):  # no super().__init__: the api is the project's
        self.api = ProjectAPIClient(project, version="auto", timeout=30)

    @property
    def containers(self):
        return ProjectContainers(client=self)


class PlainSubclass(docker.DockerClient):
    pass


client = docker.from_env()
pc = ProjectClient("pm02")
sub = PlainSubclass.from_env()
print("from_env on subclass", type(sub).__name__, type(sub.api).__name__, sub.ping())
print("subclass api", type(pc.api).__name__, isinstance(pc.api, docker.APIClient), pc.api.project, pc.ping())
print("subclass mro", [c.__name__ for c in ProjectAPIClient.__mro__][:2], issubclass(ProjectClient, docker.DockerClient))
print("collection class", type(pc.containers).__name__, pc.containers.model.__name__, client.containers.model.__name__,
      client.images.model.__name__, client.networks.model.__name__, client.volumes.model.__name__)
print("fresh collection each time", client.containers is client.containers, client.containers.client is client)
try:
    run = pc.containers.run(IMAGE, ["sh", "-c", "echo hi"], name="clibdocker-test-pm02-" + tag, labels=LABELS, detach=True)
    print("run calls", [c for c in pc.api.calls if c in ("create_container", "start")])
    print("run model", type(run).__name__, run.project, isinstance(run, Container), run.client is pc,
          type(run.collection).__name__)
    print("wait", run.wait(timeout=20)["StatusCode"], run.logs())
    run.reload()
    print("describe", run.describe())
    pc.api.calls.clear()
    got = pc.containers.get(run.id)
    print("get", type(got).__name__, got == run, hash(got) == hash(run), "inspect_container" in pc.api.calls)
    listed = pc.containers.list(all=True, filters={"label": f"pm02={tag}"})
    print("list", [type(x).__name__ for x in listed], [x.project for x in listed], "containers" in pc.api.calls)
    pc.api.calls.clear()
    got.remove()
    print("remove calls", pc.api.calls)
    try:
        got.reload()
    except NotFound as e:
        print("reload removed", type(e).__name__, e.status_code)

    # unittest.mock on the real objects (unit tests of code that uses docker)
    c = client.containers.create(IMAGE, "sleep 30", labels=LABELS, mem_limit="32m",
                                 environment={"A": "1"}, name="clibdocker-test-pm02c-" + tag)
    scrub += [c.id, c.short_id]
    with mock.patch.object(client.api, "create_container", wraps=client.api.create_container) as m:
        c2 = client.containers.create(IMAGE, ["true"], labels=LABELS, mem_limit="16m", working_dir="/tmp")
        kw = m.call_args.kwargs
        print("wraps create_container", m.call_count, kw.get("image"), kw.get("command"), kw.get("labels") == LABELS,
              kw["host_config"]["Memory"], kw.get("working_dir"), type(kw["host_config"]).__name__)
        c2.remove()
    with mock.patch.object(docker.APIClient, "inspect_container", autospec=True,
                           side_effect=NotFound("patched away")) as m:
        try:
            client.containers.get(c.id)
        except NotFound as e:
            print("autospec side_effect", type(e).__name__, str(e), m.call_count, m.call_args.args[1] == c.id)
    with mock.patch.object(Container, "logs", autospec=True, return_value=b"fake logs\n") as m:
        print("patched model logs", c.logs(tail=5), m.call_args.kwargs)
    with mock.patch.object(ContainerCollection, "list", return_value=[]) as m:
        print("patched collection list", client.containers.list(all=True), m.call_count)
    with mock.patch.object(client.containers, "list", return_value=["not used"]):
        print("patched discarded collection", len(client.containers.list(filters={"label": f"pm02={tag}"})) >= 0)
    with mock.patch.object(Container, "exec_run", autospec=True) as m:
        m.return_value = (0, b"ok")
        print("autospec exec_run", c.exec_run(["echo", "x"], workdir="/tmp", environment={"B": "2"}), m.call_args.kwargs)
        try:
            c.exec_run(["echo"], no_such_kwarg=1)
        except TypeError as e:
            print("autospec bad kwarg", type(e).__name__)
    with mock.patch.object(client.api, "wait", return_value={"StatusCode": 7, "Error": None}):
        print("patched wait", c.wait(timeout=1))
    with mock.patch.object(client.api, "start", side_effect=APIError("boom")):
        try:
            c.start()
        except APIError as e:
            print("patched start", type(e).__name__, str(e), e.status_code, e.explanation)
    print("unpatched status", client.containers.get(c.id).status)

    # a model passed where its id belongs (a common slip): docker-py's ValueError
    for what, fn in (("containers.get(model)", lambda: client.containers.get(c)),
                     ("images.get(model)", lambda: client.images.get(client.images.get(IMAGE))),
                     ("api.inspect_container(model)", lambda: client.api.inspect_container(c))):
        try:
            fn()
            print(what, "accepted")
        except ValueError as e:
            print(what, type(e).__name__, str(e).startswith("Expected a string but found <"))
    print("api with dicts", client.api.inspect_container({"ID": c.id})["Id"] == c.id,
          client.api.inspect_image({"ID": client.images.get(IMAGE).id})["Id"] == client.images.get(IMAGE).id)

    # models from attrs dicts
    hand = Container(c.attrs, client=client)
    print("hand-made", hand == c, hand.collection, hand.name.replace(tag, "X"), hand.status, hand.labels == LABELS,
          hand.image.tags == client.images.get(IMAGE).tags)
    attempt("hand-made reload", hand.reload)
    hand2 = Container({"Id": c.id}, client=client, collection=client.containers)
    attempt("sparse name", lambda: hand2.name)
    attempt("sparse labels", lambda: hand2.labels)
    attempt("sparse health", lambda: hand2.health)
    attempt("sparse ports", lambda: hand2.ports)
    hand2.reload()
    print("reloaded sparse", hand2.name.replace(tag, "X"), hand2.status, hand2.attrs["Config"]["Env"][-1:] == ["A=1"] or "A=1" in hand2.attrs["Config"]["Env"])
    print("hand collection get", type(client.containers.prepare_model({"Id": c.id})).__name__)
    attempt("empty model id", lambda: Container().id)
    attempt("empty model attrs", lambda: Container(None).attrs)
    attempt("no client reload", lambda: Container({"Id": c.id}).reload())
    attempt("no client logs", lambda: Container({"Id": c.id}).logs())
    a, b = Container({"Id": "abc123def4567890"}), Container({"Id": "abc123def4567890"})
    print("eq", a == b, a != b, a == "abc123def4567890", a == None, len({a, b}))  # noqa: E711
    print("repr", repr(a), str(a), a.short_id, a.id)
    print("hash formula", hash(a) == hash("Container:abc123def4567890"))
    img = Image({"Id": "sha256:" + "f" * 64, "RepoTags": ["a:1", "<none>:<none>"], "Config": {"Labels": None}})
    print("image", repr(img), img.short_id, img.tags, img.labels, img == Image({"Id": "sha256:" + "f" * 64}))
    attempt("image no tags", lambda: Image({"Id": "x"}).tags)
    print("cross-type eq", Container({"Id": "x"}) == Image({"Id": "x"}), hash(Container({"Id": "x"})) == hash(Image({"Id": "x"})))
    pcm = ProjectContainer({"Id": "x"})
    print("subclass eq", Container({"Id": "x"}) == pcm, pcm == Container({"Id": "x"}), repr(pcm))
    vol = Volume({"Name": "some-volume-name-long", "Driver": "local"})
    print("volume", vol.id, vol.short_id, repr(vol), vol.name, vol == Volume({"Name": "some-volume-name-long"}))
    net = Network({"Id": "n" * 64, "Name": "netname"})
    print("network", repr(net), net.name, net.short_id)
    attempt("network containers no client", lambda: Network({"Id": "n", "Containers": {"a": {}}}).containers)
    print("network containers empty", Network({"Id": "n"}, client=client).containers)

    # prepare_model
    m1 = client.containers.prepare_model({"Id": c.id, "Name": "/x"})
    print("prepare dict", type(m1).__name__, m1.client is client, type(m1.collection).__name__, m1.name)
    loose = Container({"Id": c.id})
    m2 = client.containers.prepare_model(loose)
    print("prepare model", m2 is loose, loose.client is client, type(loose.collection).__name__, loose.health)
    m3 = pc.containers.prepare_model({"Id": c.id, "Config": {"Labels": {"project": "p"}}})
    print("prepare subclass", type(m3).__name__, m3.project)
    for what, coll, bad in (("int", client.containers, 42), ("list", client.images, ["x"])):
        try:  # docker-py raises a bare Exception here
            coll.prepare_model(bad)
        except Exception as e:  # noqa: BLE001
            print("prepare", what, str(e))
    attempt("collection call", lambda: client.containers())
    attempt("base collection list", lambda: Collection().list())
    attempt("base collection get", lambda: Collection().get("x"))
    attempt("base model id", lambda: Model({"Id": "m"}).id)
    attempt("base model repr", lambda: repr(Model({"Id": "m"})))
    attempt("old api on DockerClient", lambda: client.create_container)
    attempt("unknown attr on DockerClient", lambda: client.no_such_thing)
finally:
    for x in client.containers.list(all=True, filters={"label": f"pm02={tag}"}):
        x.remove(force=True)
print("left", client.containers.list(all=True, filters={"label": f"pm02={tag}"}))
for cl in (client, pc, sub):
    cl.close()
print("done")
