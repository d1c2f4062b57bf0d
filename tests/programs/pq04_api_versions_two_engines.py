"""A fleet agent that runs next to two engines of different ages (Docker
20.10, API 1.41, and Docker 26.1, API 1.45) and decides what it may ask each
one from the API version: clients with version="auto", pinned versions,
a version newer than an engine speaks, DOCKER_API_VERSION in the
environment, client.api._version / api_version checked with
docker.utils.version_lt / version_gte, and feature switches taken from
them (health-check start_interval from 1.44, the volume prune `all` filter
from 1.42), and engines picked by CLI context (from_env follows the current
context when DOCKER_HOST is not set). Also ping/version/info/df summaries for each engine, and
failures the agent reports per engine."""
import json
import os
import re
import shutil
import tempfile
import uuid

import docker
from docker import errors
from docker.context import ContextAPI
from docker.constants import DEFAULT_DOCKER_API_VERSION, MINIMUM_DOCKER_API_VERSION
from docker.utils import version_gte, version_lt

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
ENGINE1 = "unix:///var/run/docker.sock"
ENGINE2 = os.environ.get("CLIBDOCKER_TEST_ENGINE2", "unix:///run/clibdocker-engine2/docker.sock")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pq04": tag}
print("constants", DEFAULT_DOCKER_API_VERSION, MINIMUM_DOCKER_API_VERSION)


def report(label, fn):
    try:
        print(label, "->", fn())
    except errors.APIError as e:
        print(label, "APIError", e.status_code, clean(e.explanation), e.is_client_error())
    except errors.InvalidVersion as e:
        # the agent logs the text; it only branches on the class
        print(label, "InvalidVersion", isinstance(e, errors.DockerException))
    except errors.DockerException as e:
        print(label, type(e).__name__, str(e)[:60])


def clean(text):
    return re.sub("[0-9a-f]{64}", "<id>", str(text)).replace(tag, "T")


engines = {
    "old": docker.DockerClient(base_url=ENGINE1, version="auto", timeout=60, max_pool_size=4),
    "new": docker.from_env(environment={"DOCKER_HOST": ENGINE2}, timeout=60, max_pool_size=4),
}
made = []
try:
    for name, c in engines.items():
        v = c.api._version
        print(name, "negotiated", v, c.api.api_version == v, version_gte(v, "1.41"), version_lt(v, "1.44"))
        ver = c.version()
        print(name, "version", ver["ApiVersion"], version_gte(ver["ApiVersion"], ver["MinAPIVersion"]),
              sorted(x["Name"] for x in ver.get("Components", []))[:2])
        print(name, "unversioned", c.api.version(api_version=False)["ApiVersion"] == ver["ApiVersion"])
        info = c.info()
        print(name, "info", sorted(k for k in ("Containers", "Images", "Driver", "OSType", "Swarm", "CgroupVersion")
                                   if k in info), info["OSType"])
        df = c.df()
        print(name, "df", sorted(df), type(df.get("Volumes")).__name__)
        print(name, "ping", c.ping())

    # what the agent switches on the version
    for name, c in engines.items():
        v = c.api._version
        hc = {"test": ["CMD", "true"], "interval": 1_000_000_000, "retries": 3}
        if version_gte(v, "1.44"):
            hc["start_interval"] = 500_000_000
        ctr = c.containers.create(IMAGE, ["sleep", "30"], name=f"clibdocker-test-pq04-{name}-{tag}", labels=LABELS,
                                  healthcheck=hc)
        made.append(ctr)
        got = ctr.attrs["Config"]["Healthcheck"]
        print(name, "healthcheck", sorted(got), got.get("StartInterval"))
        vol = c.volumes.create(labels=LABELS)
        filters = {"label": f"pq04={tag}"}
        if version_gte(v, "1.42"):
            filters["all"] = "true"
        pruned = c.volumes.prune(filters=filters)
        print(name, "prune", len(pruned.get("VolumesDeleted") or []), "all" in filters)
        try:
            c.volumes.get(vol.name)
            print(name, "volume kept")
            vol.remove()
        except errors.NotFound:
            print(name, "volume pruned")

    # pinned versions
    for name, url in (("old", ENGINE1), ("new", ENGINE2)):
        for pin in ("1.24", "1.30", "1.41", "1.44", "1.45"):
            c = docker.DockerClient(base_url=url, version=pin, timeout=30)
            report(f"{name} pin {pin}", lambda c=c: (c.api.api_version, c.ping(), c.version()["ApiVersion"],
                                                     len(c.containers.list(all=True, filters={"label": f"pq04={tag}"}))))
            c.close()
    # a pinned client asks for what its version lacks
    c = docker.APIClient(base_url=ENGINE2, version="1.24")
    report("1.24 configs", lambda: c.configs())
    report("1.24 prune builds", lambda: c.prune_builds())
    report("1.24 list", lambda: len(c.containers(all=True, filters={"label": f"pq04={tag}"})))
    c.close()

    # DOCKER_API_VERSION in the environment: docker-py's from_env negotiates anyway
    os.environ["DOCKER_API_VERSION"] = "1.30"
    try:
        c = docker.from_env(environment={"DOCKER_HOST": ENGINE2, "DOCKER_API_VERSION": "1.30"})
        print("env DOCKER_API_VERSION", c.api._version)
        c.close()
    finally:
        del os.environ["DOCKER_API_VERSION"]

    # engines picked by CLI context, as the agent's operators switch them
    # (`docker context use`): a private DOCKER_CONFIG with a context per engine
    cfgdir = tempfile.mkdtemp(prefix="pq04-")
    saved = {k: os.environ.get(k) for k in ("DOCKER_CONFIG", "DOCKER_HOST", "DOCKER_CONTEXT")}
    try:
        with open(os.path.join(cfgdir, "config.json"), "w") as f:
            json.dump({}, f)
        os.environ["DOCKER_CONFIG"] = cfgdir
        os.environ.pop("DOCKER_HOST", None)
        os.environ.pop("DOCKER_CONTEXT", None)
        ContextAPI.create_context("pq04-old", host=ENGINE1)
        ContextAPI.create_context("pq04-new", host=ENGINE2)
        print("contexts", sorted(c.Name for c in ContextAPI.contexts()))
        print("current", ContextAPI.get_current_context().Name)
        for name in ("pq04-new", "pq04-old", "default"):
            ContextAPI.set_current_context(name)
            c = docker.from_env()
            print("use", name, ContextAPI.get_current_context().Name, c.api._version, c.ping())
            c.close()
        ContextAPI.set_current_context("pq04-new")
        os.environ["DOCKER_CONTEXT"] = "pq04-old"
        print("DOCKER_CONTEXT over current", docker.from_env().api._version)
        os.environ["DOCKER_CONTEXT"] = "pq04-gone"
        print("unknown DOCKER_CONTEXT", docker.from_env().api._version)
        del os.environ["DOCKER_CONTEXT"]
        print("use_context=False", docker.from_env(use_context=False).api._version)
        print("from_context", docker.DockerClient.from_context("pq04-new").api._version,
              docker.DockerClient.from_context().api._version)
        os.environ["DOCKER_HOST"] = ENGINE1
        print("DOCKER_HOST over context", docker.from_env().api._version)
        ContextAPI.set_current_context("default")
        for name in ("pq04-old", "pq04-new"):
            ContextAPI.remove_context(name)
        print("removed", sorted(c.Name for c in ContextAPI.contexts()))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(cfgdir, ignore_errors=True)

    # an agent that refuses engines older than it needs
    for need in ("1.40", "1.43"):
        ok = [n for n, c in engines.items() if version_gte(c.api._version, need)]
        print("engines for", need, ok)
    # the same container looked up on the wrong engine
    report("cross lookup", lambda: engines["old"].containers.get(made[1].id))
    report("cross lookup api", lambda: engines["new"].api.inspect_container(f"clibdocker-test-pq04-old-{tag}"))
finally:
    for ctr in made:
        ctr.remove(force=True)
    for c in engines.values():
        for v in c.volumes.list(filters={"label": f"pq04={tag}"}):
            v.remove(force=True)
        c.close()
print("done")
