"""What a monitoring / inventory script reads from the engine: version() keys
and ApiVersion, info() selected keys and their types, df() keys and types,
api.events() over a since/until window in which the script creates and removes
a labelled container, events(decode=False) raw bytes split into JSON lines,
ping(), base_url and api_version, docker.__version__, and a custom
User-Agent set on client.api.headers before further calls."""
import datetime
import json
import os
import threading
import time
import uuid

import docker
from docker.errors import NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env(version="1.41")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pt02": tag}


def tname(v):
    return type(v).__name__


print("docker version attr", isinstance(docker.__version__, str), docker.__version__.count(".") >= 2,
      hasattr(docker, "version"), isinstance(docker.version, str))
print("ping", client.ping(), client.api.ping())
print("api_version", client.api.api_version, client.api._version if hasattr(client.api, "_version") else "-")
print("base_url", client.api.base_url)
for url in ("unix:///var/run/docker.sock", "unix://var/run/docker.sock", "/var/run/docker.sock"):
    try:
        c2 = docker.DockerClient(base_url=url, version="1.41")
        print("base_url form", url, "->", c2.api.base_url, c2.ping())
        c2.close()
    except Exception as e:  # noqa: BLE001 — a script reports what it could not open
        print("base_url form", url, "->", type(e).__name__)
# base_url forms a config file may hold (APIClient with a fixed version does
# not connect when built)
for url in ("tcp://127.0.0.1:2375", "tcp://127.0.0.1", "http://127.0.0.1:2375", "127.0.0.1:2375",
            "tcp://localhost:2375/prefix", "tcp://[::1]:2375", "tcp://:2375", "unix://", "unix:///tmp/x.sock",
            "tcp://127.0.0.1:notaport", "ftp://127.0.0.1", "fd://", "tcp://127.0.0.1:2375/", "HTTP://127.0.0.1:2375"):
    try:
        a2 = docker.APIClient(base_url=url, version="1.41")
        print("APIClient base_url", repr(url), "->", a2.base_url)
        a2.close()
    except (docker.errors.DockerException, ValueError) as e:
        # (a port that is not a number: urlparse's ValueError under docker-py,
        # clibdocker's InvalidArgument that is also a ValueError and names the
        # URL first: docs/migrating-from-docker-py.md "Bad arguments fail at once")
        kind = "ValueError" if isinstance(e, ValueError) else type(e).__name__
        print("APIClient base_url", repr(url), "->", kind, str(e).replace(url, "URL").rsplit("': ", 1)[-1])
auto = docker.DockerClient(version="auto")
print("auto version", auto.api.api_version == auto.version()["ApiVersion"])
auto.close()

v = client.version()
print("version keys", sorted(k for k in v if k in ("ApiVersion", "Arch", "BuildTime", "Components", "GitCommit",
                                                    "GoVersion", "KernelVersion", "MinAPIVersion", "Os",
                                                    "Platform", "Version")))
print("version types", tname(v["ApiVersion"]), tname(v["Version"]), tname(v.get("Components")),
      tname(v["Platform"]), tname(v["Platform"].get("Name")))
print("ApiVersion >= 1.41", tuple(int(x) for x in v["ApiVersion"].split(".")) >= (1, 41))
print("api.version same", client.api.version() == v, sorted(client.api.version(api_version=False)) == sorted(v))
comps = v.get("Components") or []
print("components", sorted(c["Name"] for c in comps if c["Name"] == "Engine"),
      all(isinstance(c.get("Details", {}), dict) for c in comps))

info = client.info()
for k in ("ID", "Containers", "ContainersRunning", "Images", "Driver", "DriverStatus", "MemTotal", "NCPU",
          "OperatingSystem", "OSType", "Architecture", "Plugins", "Swarm", "Labels", "RegistryConfig",
          "ServerVersion", "SecurityOptions", "Runtimes", "DefaultRuntime", "LoggingDriver", "CgroupDriver",
          "Debug", "ExperimentalBuild", "Name", "DockerRootDir", "IndexServerAddress"):
    print("info", k, tname(info.get(k)))
print("info swarm state", tname(info["Swarm"].get("LocalNodeState")), sorted(info["Plugins"]))
print("info counts", info["Containers"] >= info["ContainersRunning"], info["NCPU"] > 0, info["MemTotal"] > 0)

df = client.df()
print("df keys", sorted(df))
print("df types", [(k, tname(df[k])) for k in sorted(df)])
imgs = df["Images"] or []
print("df image keys", sorted(set(k for i in imgs for k in i) & {"Containers", "Created", "Id", "Labels", "ParentId",
                                                                 "RepoDigests", "RepoTags", "SharedSize", "Size",
                                                                 "VirtualSize"}))
print("df image size ints", all(isinstance(i["Size"], int) for i in imgs))
print("df volume usage", all("UsageData" in x for x in df["Volumes"] or []))
print("df buildcache", tname(df.get("BuildCache")))
print("api.df same keys", sorted(client.api.df()) == sorted(df))

# custom User-Agent, as some tools add their own name
ua = client.api.headers.get("User-Agent")
# (the default names the client library: docker-sdk-python/<v> or clibdocker/<v>,
# a documented difference; a script only sees that it is "name/version")
print("headers", "user-agent" in client.api.headers, client.api.headers.get("user-agent") == ua,
      isinstance(client.api.headers, dict) or hasattr(client.api.headers, "items"))
print("default UA", isinstance(ua, str), ua.count("/") == 1)
client.api.headers["User-Agent"] = "pt02-monitor/1.0"
print("with custom UA", client.ping(), client.version()["ApiVersion"] == v["ApiVersion"],
      client.api.headers["User-Agent"])

# an event window around a container's life
since = datetime.datetime.utcnow() - datetime.timedelta(seconds=1)
since_ts = int(time.time()) - 1
name = "clibdocker-test-pt02-" + tag
c = None
raw_lines = []


def read_raw(stream):
    buf = b""
    for chunk in stream:
        if not isinstance(chunk, bytes):
            raw_lines.append(("non-bytes", tname(chunk)))
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if line.strip():
                ev = json.loads(line)
                raw_lines.append((ev.get("Type"), ev.get("Action")))
                if ev.get("Action") == "destroy":
                    return


raw = client.events(decode=False, filters={"label": "pt02=" + tag})
t = threading.Thread(target=read_raw, args=(raw,))
t.start()
try:
    time.sleep(0.3)
    c = client.containers.create(IMAGE, "sh -c 'exit 3'", name=name, labels=LABELS)
    c.start()
    print("wait", c.wait()["StatusCode"])
    c.remove()
    c = None
    # the engine keeps only its last 256 events: the windows are read at once,
    # all ending at `end`, a second boundary already past (no waiting for it)
    end = int(time.time()) + 1
    time.sleep(max(0.0, end - time.time()) + 0.05)
    until = datetime.datetime.utcfromtimestamp(end)
    evs = list(client.api.events(since=since, until=until, filters={"label": "pt02=" + tag}, decode=True))
    evs2 = list(client.events(since=since_ts, until=end, decode=True,
                              filters={"label": ["pt02=" + tag], "type": "container", "event": ["start", "die"]}))
    evs3 = list(client.api.events(since=since_ts, until=end, filters={"label": "pt02=" + tag}))
    evs4 = client.events(since=since, until=until, filters={"label": "pt02=" + tag, "event": "destroy"})
    got = [json.loads(x) for x in evs4]
    aware = datetime.datetime.fromtimestamp(since_ts, tz=datetime.timezone.utc)
    evs6 = list(client.events(since=aware, until=datetime.datetime.fromtimestamp(end, tz=datetime.timezone.utc),
                              decode=True, filters={"label": "pt02=" + tag}))
    evs7 = list(client.events(since=float(since_ts), until=float(end), decode=True, filters={"container": name}))
    ev_stream = client.events(since=since_ts, until=end, decode=True, filters={"label": "pt02=" + tag})
    first = next(ev_stream)
    ev_stream.close()
    evs5 = list(client.events(since=since_ts, until=since_ts, decode=True, filters={"label": "pt02=" + tag}))
    t.join(15)
    raw.close()
    t.join(5)
    print("raw stream", tname(raw).replace("CancellableStream", "stream"), raw_lines)
    print("window events", [(e["Type"], e["Action"]) for e in evs])
    print("event shape", sorted(evs[0]) if evs else None, tname(evs[0]["time"]) if evs else None,
          evs[0]["Actor"]["Attributes"].get("pt02") == tag if evs else None,
          evs[0]["Actor"]["Attributes"].get("name") == name if evs else None)
    ex = [e for e in evs if e["Action"] == "die"]
    print("die exitCode", ex[0]["Actor"]["Attributes"].get("exitCode") if ex else None)
    print("filtered events", [(e["Type"], e["Action"]) for e in evs2])
    print("no decode flag", [tname(e) for e in evs3][:1], len(evs3) == len(evs))
    print("bytes window", [(e["Type"], e["Action"]) for e in got])
    print("tz-aware window", [(e["Type"], e["Action"]) for e in evs6])
    print("float window by container name", [(e["Type"], e["Action"]) for e in evs7])
    print("next then close", first["Action"], tname(ev_stream).replace("CancellableStream", "stream"))
    print("empty window", evs5)
    # network and volume events of the same kind of window, exec events,
    # and a second engine's system data
    t0 = int(time.time())
    vol = client.volumes.create(name, labels=LABELS)
    net = client.networks.create(name, labels=LABELS)
    c = client.containers.run(IMAGE, "sleep 30", labels=LABELS, detach=True, network=name,
                              volumes={name: {"bind": "/v", "mode": "rw"}})
    c.exec_run("true")
    c.rename(name + "-renamed")
    c.pause()
    c.unpause()
    c.kill()
    c.wait()
    c.remove()
    c = None
    net.remove()
    vol.remove()
    end = int(time.time()) + 1
    time.sleep(max(0.0, end - time.time()) + 0.05)
    lifecycle = list(client.events(since=t0, until=end, decode=True,
                                   filters={"type": "network", "network": name}))
    lifecycle_v = list(client.events(since=t0, until=end, decode=True, filters={"type": "volume", "volume": name}))
    mine = list(client.events(since=t0, until=end, decode=True, filters={"label": "pt02=" + tag}))
    print("network events", [(e["Type"], e["Action"]) for e in lifecycle])
    print("volume events", [(e["Type"], e["Action"]) for e in lifecycle_v])
    print("labelled events", [(e["Type"], e["Action"].split(":")[0]) for e in mine])
    print("rename attrs", [sorted(k for k in e["Actor"]["Attributes"] if k in ("name", "oldName"))
                           for e in mine if e["Action"] == "rename"])
    e2 = os.environ.get("CLIBDOCKER_TEST_ENGINE2", "unix:///run/clibdocker-engine2/docker.sock")
    if e2:
        other = docker.DockerClient(base_url=e2, version="auto")
        ov = other.version()
        print("engine2 version", tuple(int(x) for x in ov["ApiVersion"].split(".")) > (1, 41),
              other.api.api_version == ov["ApiVersion"])
        odf = other.df()
        print("engine2 df keys", sorted(odf), [(k, tname(odf[k])) for k in sorted(odf)])
        oi = other.info()
        print("engine2 info", tname(oi.get("Containers")), tname(oi.get("CDISpecDirs")), tname(oi.get("Warnings")))
        other.close()
finally:
    if c is not None:
        try:
            c.remove(force=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "pt02=" + tag}):
        x.remove(force=True)
    for n in client.networks.list(filters={"label": "pt02=" + tag}):
        n.remove()
    for v in client.volumes.list(filters={"label": "pt02=" + tag}):
        v.remove()
print("left", len(client.containers.list(all=True, filters={"label": "pt02=" + tag})),
      len(client.networks.list(filters={"label": "pt02=" + tag})), len(client.volumes.list(filters={"label": "pt02=" + tag})))
client.close()
