"""A fleet agent that runs next to two engines of different ages (Docker
20.10, API 1.41, and Docker 26.1, API 1.45) and decides what it may ask each
one from the API version: clients with version="auto", pinned versions,
a version newer than an engine speaks, DOCKER_API_VERSION in the
environment, client.api._version / api_version checked with
docker.utils.version_lt / version_gte, and feature switches taken from
them (health-check start_interval from 1.44, the volume prune `all` filter
from 1.42). Also ping/version/info/df summaries for each engine, and
failures the agent reports per engine."""
import os
import re
import uuid

import docker
from docker import errors
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
