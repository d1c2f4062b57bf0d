"""Container API (non-streaming part) against the real engines: every
operation checks its effect through inspect, the CLI or the container's own
state."""
from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from typing import Any, Callable, Dict, List, Tuple

import pytest

import clibdocker
from clibdocker import errors, types
from conftest import ENGINE2, LABELS, TEST_IMAGE, docker_cli, unique

# A container that exits with 42 on SIGTERM, 7 on SIGUSR1 (PID 1 ignores
# signals it has no handler for, so `sleep` alone never reacts to TERM).
TRAP = ["sh", "-c", "trap 'exit 42' TERM; trap 'exit 7' USR1; "
        "while :; do sleep 0.1; done"]
SLEEP = ["sleep", "300"]


@pytest.fixture
def make(client: clibdocker.APIClient) -> Any:
    """make(cmd, c=client, **create_container kwargs) -> id; every container
    made is removed afterwards (through the CLI, independent of clibdocker)."""
    made: List[Tuple[str, str]] = []

    def _make(command: Any = SLEEP, c: clibdocker.APIClient = client,
              start: bool = False, **kw: Any) -> str:
        labels = dict(LABELS)
        labels.update(kw.pop("labels", {}) or {})
        kw.setdefault("name", unique())
        r = c.create_container(TEST_IMAGE, command, labels=labels, **kw)
        host = "" if c is client else c.docker_host
        made.append((r["Id"], host))
        if start:
            c.start(r["Id"])
        return r["Id"]

    yield _make
    for cid, host in made:
        try:
            docker_cli("rm", "-f", "-v", cid, host=host)
        except Exception:
            pass


def state(c: clibdocker.APIClient, cid: str) -> Dict[str, Any]:
    return c.inspect_container(cid)["State"]  # type: ignore[no-any-return]


def wait_for(pred: Callable[[], bool], timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def no_request(c: clibdocker.APIClient, fn: Callable[[], Any], exc: type) -> BaseException:
    """Assert `fn` raises `exc` without sending any request."""
    c.api_version  # negotiate first
    seen: List[Any] = []
    c.set_trace_hook(seen.append)
    try:
        with pytest.raises(exc) as ei:
            fn()
    finally:
        c.set_trace_hook(None)
    assert seen == [], [r.url for r in seen]
    return ei.value


# --- ContainerList -----------------------------------------------------------

@pytest.mark.op("ContainerList")
def test_list_filters_all_size_limit(client, make):
    tag = unique("list")
    lab = {"clibdocker-list": tag}
    a = make(labels=lab)
    b = make(labels=lab)
    c = make(labels=lab, start=True)
    flt = {"label": f"clibdocker-list={tag}"}

    running = client.containers(filters=flt)
    assert [x["Id"] for x in running] == [c]
    assert running[0]["State"] == "running"
    every = client.containers(all=True, filters=flt)
    assert {x["Id"] for x in every} == {a, b, c}
    # newest first; limit and latest
    assert [x["Id"] for x in every] == [c, b, a]
    assert [x["Id"] for x in client.containers(all=True, limit=2, filters=flt)] == [c, b]
    assert [x["Id"] for x in client.containers(all=True, latest=True, filters=flt)] == [c]
    # other filters
    created = client.containers(all=True, filters={**flt, "status": "created"})
    assert {x["Id"] for x in created} == {a, b}
    name_b = client.inspect_container(b)["Name"].lstrip("/")
    assert [x["Id"] for x in client.containers(all=True, filters={"name": name_b})] == [b]
    assert [x["Id"] for x in client.containers(all=True, filters={**flt, "id": a[:16]})] == [a]
    assert {x["Id"] for x in client.containers(all=True, filters={**flt, "since": a})} == {b, c}
    assert {x["Id"] for x in client.containers(all=True, filters={**flt, "before": c})} == {a, b}
    # the since/before arguments change nothing, as docker-py's (the engine
    # ignores the legacy query parameters docker-py sends)
    assert {x["Id"] for x in client.containers(all=True, since=a, filters=flt)} == {a, b, c}
    assert {x["Id"] for x in client.containers(all=True, before=c, filters=flt)} == {a, b, c}
    assert {x["Id"] for x in client.containers(
        all=True, filters={**flt, "ancestor": TEST_IMAGE})} == {a, b, c}
    # quiet, trunc, size
    assert client.containers(all=True, quiet=True, filters=flt) == [{"Id": c}, {"Id": b}, {"Id": a}]
    assert {x["Id"] for x in client.containers(all=True, trunc=True, filters=flt)} == \
        {a[:12], b[:12], c[:12]}
    sized = client.containers(all=True, size=True, filters=flt)
    assert all(x.get("SizeRootFs", 0) > 0 for x in sized)  # SizeRw is omitted when 0
    assert all("SizeRootFs" not in x for x in every)
    # exited / volume filters
    d = make(["true"], labels=lab, volumes=["/listvol"], start=True)
    assert client.wait(d, timeout=30)["StatusCode"] == 0
    assert [x["Id"] for x in client.containers(all=True, filters={**flt, "exited": 0})] == [d]
    assert [x["Id"] for x in client.containers(all=True,
                                               filters={**flt, "volume": "/listvol"})] == [d]
    assert [x["Id"] for x in client.containers(all=True, filters={**flt, "status": "exited"})] == [d]
    # a bad filter is the engine's error, a malformed limit is refused here
    with pytest.raises(errors.APIError) as ei:
        client.containers(filters={"no-such-filter": "x"})
    assert ei.value.status_code == 400 and "no-such-filter" in ei.value.explanation
    # a digit string is the number docker-py sends as it is; anything else is refused
    two = [x["Id"] for x in client.containers(all=True, limit=2, filters=flt)]
    assert [x["Id"] for x in client.containers(all=True, limit="2", filters=flt)] == two
    assert len(two) == 2
    no_request(client, lambda: client.containers(limit="three"), errors.InvalidArgument)


# --- ContainerCreate ---------------------------------------------------------

@pytest.mark.op("ContainerCreate")
def test_create_representative_spread(client, make):
    net = unique("net")
    docker_cli("network", "create", "--label", "clibdocker-test=1", net)
    hostdir = tempfile.mkdtemp(prefix="clibdocker-bind-")
    os.chmod(hostdir, 0o755)
    try:
        with open(os.path.join(hostdir, "hello.txt"), "w") as f:
            f.write("from the host")
        hc = client.create_host_config(
            binds={hostdir: {"bind": "/hostdir", "mode": "ro"}},
            mounts=[types.Mount("/vol", None, type="volume", labels=dict(LABELS)),
                    types.Mount("/scratch", None, type="tmpfs", tmpfs_size="8m")],
            tmpfs={"/run/t": "size=4m"},
            port_bindings={8080: ("127.0.0.1", None), "9090/udp": 19090},
            restart_policy={"Name": "on-failure", "MaximumRetryCount": 3},
            mem_limit="64m", memswap_limit="128m", cpu_shares=512, pids_limit=64,
            nano_cpus=500_000_000, shm_size="16m",
            log_config=types.LogConfig(type="json-file", config={"max-size": "1m"}),
            init=True, cap_add=["NET_ADMIN"], cap_drop=["MKNOD"],
            sysctls={"net.ipv4.ip_unprivileged_port_start": 1024},
            ulimits=[types.Ulimit(name="nofile", soft=1024, hard=2048)],
            extra_hosts={"db.example": "10.1.2.3"}, dns_opt=["ndots:2"],
            network_mode=net, read_only=False, oom_score_adj=100,
            masked_paths=["/proc/kcore"], group_add=["123"])
        ncfg = client.create_networking_config(
            {net: client.create_endpoint_config(aliases=["svc-alias"])})
        hcheck = types.Healthcheck(test="true", interval=1_000_000_000, timeout=2_000_000_000,
                                   retries=2, start_period=1_000_000_000)
        cid = make(["-c", "sleep 300"], entrypoint=["sh"], environment={"A": "1", "B": "two"},
                   labels={"role": "spread"}, working_dir="/tmp", user="nobody",
                   hostname="spreadhost", domainname="example.org", ports=[8080, (9090, "udp")],
                   volumes=["/anon"], host_config=hc, networking_config=ncfg,
                   healthcheck=hcheck, stop_signal="SIGUSR1", stop_timeout=3)
        client.start(cid)
        info = client.inspect_container(cid)
        cfg, hcfg = info["Config"], info["HostConfig"]
        assert info["State"]["Running"]
        assert {"A=1", "B=two"} <= set(cfg["Env"])
        assert cfg["Labels"]["role"] == "spread" and cfg["Labels"]["clibdocker-test"] == "1"
        assert cfg["Entrypoint"] == ["sh"] and cfg["Cmd"] == ["-c", "sleep 300"]
        assert cfg["WorkingDir"] == "/tmp" and cfg["User"] == "nobody"
        assert cfg["Hostname"] == "spreadhost" and cfg["Domainname"] == "example.org"
        assert set(cfg["ExposedPorts"]) == {"8080/tcp", "9090/udp"}
        assert "/anon" in cfg["Volumes"]
        assert cfg["StopSignal"] == "SIGUSR1" and cfg["StopTimeout"] == 3
        assert cfg["Healthcheck"] == {"Test": ["CMD-SHELL", "true"], "Interval": 1_000_000_000,
                                      "Timeout": 2_000_000_000, "Retries": 2,
                                      "StartPeriod": 1_000_000_000}
        assert hcfg["Binds"] == [f"{hostdir}:/hostdir:ro"]
        mounts = {m["Target"]: m for m in hcfg["Mounts"]}
        assert mounts["/vol"]["Type"] == "volume"
        assert mounts["/scratch"]["TmpfsOptions"]["SizeBytes"] == 8 * 1024 * 1024
        assert hcfg["Tmpfs"] == {"/run/t": "size=4m"}
        assert hcfg["PortBindings"]["8080/tcp"] == [{"HostIp": "127.0.0.1", "HostPort": ""}]
        assert hcfg["PortBindings"]["9090/udp"] == [{"HostIp": "", "HostPort": "19090"}]
        assert hcfg["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}
        assert hcfg["Memory"] == 64 * 1024 * 1024 and hcfg["MemorySwap"] == 128 * 1024 * 1024
        assert hcfg["CpuShares"] == 512 and hcfg["PidsLimit"] == 64
        assert hcfg["NanoCpus"] == 500_000_000 and hcfg["ShmSize"] == 16 * 1024 * 1024
        assert hcfg["LogConfig"] == {"Type": "json-file", "Config": {"max-size": "1m"}}
        assert hcfg["Init"] is True
        assert hcfg["CapAdd"] == ["NET_ADMIN"] and hcfg["CapDrop"] == ["MKNOD"]
        assert hcfg["Sysctls"] == {"net.ipv4.ip_unprivileged_port_start": "1024"}
        assert hcfg["Ulimits"] == [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]
        assert hcfg["ExtraHosts"] == ["db.example:10.1.2.3"]
        assert hcfg["DnsOptions"] == ["ndots:2"] and hcfg["OomScoreAdj"] == 100
        assert hcfg["MaskedPaths"] == ["/proc/kcore"] and hcfg["GroupAdd"] == ["123"]
        assert hcfg["NetworkMode"] == net
        assert "svc-alias" in info["NetworkSettings"]["Networks"][net]["Aliases"]
        # the effects inside the running container
        assert docker_cli("exec", cid, "cat", "/hostdir/hello.txt") == "from the host"
        limits = docker_cli("exec", cid, "cat", "/proc/1/limits")
        assert [ln.split()[3:5] for ln in limits.splitlines()
                if ln.startswith("Max open files")] == [["1024", "2048"]]
        assert docker_cli("exec", cid, "id", "-u").strip() == "65534"
        assert docker_cli("exec", cid, "cat",
                          "/proc/sys/net/ipv4/ip_unprivileged_port_start").strip() == "1024"
        # the port binding got a host port on 127.0.0.1
        bound = client.port(cid, 8080)
        assert bound and bound[0]["HostIp"] == "127.0.0.1" and int(bound[0]["HostPort"]) > 0
        assert client.port(cid, "9090/udp")[0]["HostPort"] == "19090"
        assert client.port(cid, 1234) is None
        # healthcheck runs
        assert wait_for(lambda: state(client, cid).get("Health", {}).get("Status") == "healthy",
                        15)
    finally:
        try:
            docker_cli("rm", "-f", "-v", *[x["Id"] for x in client.containers(
                all=True, filters={"network": net})])
        except Exception:
            pass
        docker_cli("network", "rm", net)
        import shutil
        shutil.rmtree(hostdir, ignore_errors=True)


@pytest.mark.op("ContainerCreate")
def test_create_from_raw_config_and_platform(client, make, name):
    # fields docker-py has no argument for go through as given
    body = {"Image": TEST_IMAGE, "Cmd": ["true"], "Labels": dict(LABELS),
            "Shell": ["/bin/sh", "-c"], "OnBuild": ["RUN true"],
            "HostConfig": {"ReadonlyPaths": ["/srv"]}}
    try:
        r = client.create_container_from_config(body, name=name, platform="linux/amd64")
        assert r["Warnings"] in (None, [])
        info = client.inspect_container(name)
        assert info["Id"] == r["Id"]
        assert info["Config"]["Shell"] == ["/bin/sh", "-c"]
        assert info["Config"]["OnBuild"] == ["RUN true"]
        assert info["HostConfig"]["ReadonlyPaths"] == ["/srv"]
        assert info["Name"] == "/" + name
    finally:
        docker_cli("rm", "-f", name)


@pytest.mark.op("ContainerCreate")
def test_create_errors(client, make, name):
    make(name=name)
    with pytest.raises(errors.Conflict) as ei:
        client.create_container(TEST_IMAGE, "true", name=name, labels=LABELS)
    assert ei.value.status_code == 409 and name in ei.value.explanation
    with pytest.raises(errors.ImageNotFound) as ei2:
        client.create_container("clibdocker-test/no-such-image:latest", "true", labels=LABELS)
    assert "No such image" in ei2.value.explanation
    with pytest.raises(errors.APIError) as ei3:
        client.create_container(TEST_IMAGE, "true", labels=LABELS, platform="bad///x")
    assert ei3.value.status_code == 400
    # refused before sending: a malformed name, no image, bad types
    e = no_request(client, lambda: client.create_container(TEST_IMAGE, "true", name="bad name!"),
                   errors.InvalidArgument)
    assert "bad name!" in str(e)
    no_request(client, lambda: client.create_container(TEST_IMAGE, "true", name="x"),
               errors.InvalidArgument)
    no_request(client, lambda: client.create_container(""), errors.InvalidArgument)
    no_request(client, lambda: client.create_host_config(restart_policy={"Name": "sometimes"}),
               errors.InvalidArgument)
    no_request(client, lambda: client.create_host_config(network_mode="host",
                                                         port_bindings={80: 80}),
               errors.InvalidArgument)
    no_request(client, lambda: client.create_host_config(cpu_shares="lots"), TypeError)
    no_request(client, lambda: client.create_host_config(annotations={"a": "b"}),
               errors.InvalidVersion)
    no_request(client, lambda: types.Mount("/x", "/y", type="bind", no_copy=True),
               errors.InvalidArgument)
    # nothing of those was created
    assert client.containers(all=True, filters={"name": "bad name!"}) == []


@pytest.mark.op("ContainerCreate")
def test_create_newer_fields_on_newer_engine(client2, make):
    hc = client2.create_host_config(annotations={"org.example/a": "b"})
    hcheck = types.Healthcheck(test=["CMD", "true"], start_interval=1_000_000_000)
    cid = make(SLEEP, c=client2, host_config=hc, healthcheck=hcheck)
    info = client2.inspect_container(cid)
    assert info["HostConfig"]["Annotations"] == {"org.example/a": "b"}
    assert info["Config"]["Healthcheck"]["StartInterval"] == 1_000_000_000


# --- ContainerInspect --------------------------------------------------------

@pytest.mark.op("ContainerInspect")
def test_inspect_size_and_not_found(client, make):
    cid = make(labels={"k": "v"})
    info = client.inspect_container(cid)
    assert info["Id"] == cid and info["Config"]["Labels"]["k"] == "v"
    assert info["State"]["Status"] == "created"
    assert "SizeRootFs" not in info
    sized = client.inspect_container({"Id": cid}, size=True)
    assert sized["SizeRootFs"] > 0
    assert client.inspect_container(cid[:12])["Id"] == cid
    missing = unique("missing")
    with pytest.raises(errors.NotFound) as ei:
        client.inspect_container(missing)
    assert ei.value.status_code == 404
    assert ei.value.explanation == f"No such container: {missing}"
    no_request(client, lambda: client.inspect_container(""), errors.NullResource)
    no_request(client, lambda: client.inspect_container({"Name": "x"}), errors.NullResource)
    # a leading "/" (as inspect shows names) is fine; what the engine's
    # router would rewrite is refused
    assert client.inspect_container(info["Name"])["Id"] == cid
    for bad in ("../../info", "..", "a/b"):
        no_request(client, lambda: client.inspect_container(bad), errors.InvalidArgument)


# --- ContainerTop ------------------------------------------------------------

@pytest.mark.op("ContainerTop")
def test_top_and_ps_args(client, make):
    cid = make(SLEEP, start=True)
    t = client.top(cid)
    assert "PID" in t["Titles"] and "CMD" in t["Titles"]
    assert any("sleep 300" in " ".join(p) for p in t["Processes"])
    aux = client.top(cid, ps_args="aux")
    assert "%CPU" in aux["Titles"] and "USER" in aux["Titles"]
    assert any("sleep 300" in " ".join(p) for p in aux["Processes"])
    stopped = make(SLEEP)
    with pytest.raises(errors.APIError) as ei:
        client.top(stopped)
    assert "is not running" in ei.value.explanation


# --- ContainerChanges --------------------------------------------------------

@pytest.mark.op("ContainerChanges")
def test_diff_reports_changes(client, make):
    fresh = make(SLEEP)
    assert not client.diff(fresh)
    cid = make(["sh", "-c", "mkdir /made && echo x > /made/f && rm /bin/vi"], start=True)
    assert client.wait(cid, timeout=30)["StatusCode"] == 0
    changes = {c["Path"]: c["Kind"] for c in client.diff(cid)}
    assert changes["/made"] == 1 and changes["/made/f"] == 1
    assert changes["/bin/vi"] == 2 and changes["/bin"] == 0


# --- ContainerResize ---------------------------------------------------------

@pytest.mark.op("ContainerResize")
def test_resize_tty(client, make):
    cid = make(["sh", "-c", "while :; do stty size > /tmp/size; sleep 0.1; done"],
               tty=True, start=True)
    client.resize(cid, 41, 103)
    assert wait_for(lambda: docker_cli("exec", cid, "cat", "/tmp/size").strip() == "41 103")
    client.resize(cid, height=20, width=70)
    assert wait_for(lambda: docker_cli("exec", cid, "cat", "/tmp/size").strip() == "20 70")
    no_request(client, lambda: client.resize(cid, -1, 80), errors.InvalidArgument)
    with pytest.raises(errors.NotFound):
        client.resize(unique("missing"), 10, 10)


# --- ContainerStart / Stop / Restart / Kill -------------------------------------

@pytest.mark.op("ContainerStart")
def test_start(client, make):
    cid = make(TRAP)
    assert state(client, cid)["Status"] == "created"
    client.start(cid, detach_keys="ctrl-x,x")
    st = state(client, cid)
    assert st["Running"] and st["Pid"] > 0
    client.start(cid)  # already running: 304, not an error
    assert state(client, cid)["Pid"] == st["Pid"]
    with pytest.raises(errors.DeprecatedMethod):
        client.start(cid, binds=["/a:/b"])
    with pytest.raises(errors.NotFound) as ei:
        client.start(unique("missing"))
    assert "No such container" in ei.value.explanation
    bad = make(["/no/such/binary"])
    with pytest.raises(errors.APIError) as ei2:
        client.start(bad)
    assert "no such file" in ei2.value.explanation.lower()


@pytest.mark.op("ContainerStop")
def test_stop_and_timeout(client, make):
    trap = make(TRAP, start=True)
    client.stop(trap, timeout=10)
    st = state(client, trap)
    assert not st["Running"] and st["ExitCode"] == 42  # SIGTERM was handled
    stubborn = make(SLEEP, start=True)  # PID 1 without a TERM handler
    t0 = time.monotonic()
    client.stop(stubborn, timeout=1)
    took = time.monotonic() - t0
    st = state(client, stubborn)
    assert not st["Running"] and st["ExitCode"] == 137 and 0.9 <= took < 8
    client.stop(stubborn)  # already stopped: fine
    no_request(client, lambda: client.stop(stubborn, timeout=-1), errors.InvalidArgument)


@pytest.mark.op("ContainerStop")
def test_stop_signal_is_version_gated(client, client2, make):
    cid = make(TRAP, start=True)
    e = no_request(client, lambda: client.stop(cid, signal="SIGUSR1"), errors.InvalidVersion)
    assert "1.42" in str(e)
    assert state(client, cid)["Running"]
    cid2 = make(TRAP, c=client2, start=True)
    client2.stop(cid2, timeout=5, signal="SIGUSR1")
    st = state(client2, cid2)
    assert not st["Running"] and st["ExitCode"] == 7


@pytest.mark.op("ContainerRestart")
def test_restart(client, client2, make):
    cid = make(TRAP, start=True)
    before = state(client, cid)
    time.sleep(1.1)
    client.restart(cid, timeout=5)
    after = state(client, cid)
    assert after["Running"] and after["Pid"] != before["Pid"]
    assert after["StartedAt"] > before["StartedAt"]
    no_request(client, lambda: client.restart(cid, signal="SIGUSR1"), errors.InvalidVersion)
    # a stopped container is started by restart
    client.stop(cid)
    client.restart(cid)
    assert state(client, cid)["Running"]
    # with a signal on the newer engine: USR1 makes the trap exit 7 first
    cid2 = make(TRAP, c=client2, start=True)
    events_since = int(time.time())
    client2.restart(cid2, timeout=5, signal="SIGUSR1")
    assert state(client2, cid2)["Running"]
    out = docker_cli("events", "--since", str(events_since), "--until", str(int(time.time()) + 1),
                     "--filter", f"container={cid2}", "--filter", "event=die",
                     "--format", "{{json .Actor.Attributes}}", host=ENGINE2)
    assert any(json.loads(line).get("exitCode") == "7" for line in out.splitlines() if line)


@pytest.mark.op("ContainerKill")
def test_kill(client, make):
    cid = make(TRAP, start=True)
    client.kill(cid, signal="SIGTERM")
    assert wait_for(lambda: not state(client, cid)["Running"])
    assert state(client, cid)["ExitCode"] == 42
    cid2 = make(TRAP, start=True)
    client.kill(cid2, signal=10)  # SIGUSR1 by number
    assert wait_for(lambda: not state(client, cid2)["Running"])
    assert state(client, cid2)["ExitCode"] == 7
    cid3 = make(SLEEP, start=True)
    client.kill(cid3)  # SIGKILL
    assert wait_for(lambda: not state(client, cid3)["Running"])
    assert state(client, cid3)["ExitCode"] == 137
    with pytest.raises(errors.Conflict) as ei:
        client.kill(cid3)
    assert "is not running" in ei.value.explanation
    with pytest.raises(errors.APIError) as ei2:
        client.kill(make(SLEEP, start=True), signal="SIGNOPE")
    assert ei2.value.status_code == 400
    # an empty signal is no signal, as docker-py's "signal=" reads to the
    # engine: its default SIGKILL
    cid4 = make(SLEEP, start=True)
    client.kill(cid4, signal="")
    assert wait_for(lambda: not state(client, cid4)["Running"])
    assert state(client, cid4)["ExitCode"] == 137
    no_request(client, lambda: client.kill(cid3, signal=object()), TypeError)


# --- ContainerUpdate ---------------------------------------------------------

@pytest.mark.op("ContainerUpdate")
def test_update_resources_and_restart_policy(client, make):
    cid = make(SLEEP, start=True)
    res = client.update_container(cid, mem_limit="96m", memswap_limit="192m", cpu_shares=256,
                                  cpu_period=100000, cpu_quota=50000, pids_limit=50,
                                  restart_policy={"Name": "on-failure", "MaximumRetryCount": 2})
    assert isinstance(res.get("Warnings"), (list, type(None)))
    hc = client.inspect_container(cid)["HostConfig"]
    assert hc["Memory"] == 96 * 1024 * 1024 and hc["MemorySwap"] == 192 * 1024 * 1024
    assert hc["CpuShares"] == 256 and hc["CpuQuota"] == 50000 and hc["CpuPeriod"] == 100000
    assert hc["PidsLimit"] == 50
    assert hc["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    # the running container's cgroup really changed
    mem = docker_cli("exec", cid, "sh", "-c",
                     "cat /sys/fs/cgroup/memory.max 2>/dev/null || "
                     "cat /sys/fs/cgroup/memory/memory.limit_in_bytes").strip()
    assert mem == str(96 * 1024 * 1024)
    client.update_container(cid, restart_policy={"Name": "unless-stopped"},
                            resources={"CpuShares": 1024})
    hc = client.inspect_container(cid)["HostConfig"]
    assert hc["RestartPolicy"]["Name"] == "unless-stopped" and hc["CpuShares"] == 1024
    with pytest.raises(errors.APIError) as ei:
        client.update_container(cid, mem_limit="32m", memswap_limit="16m")
    assert ei.value.status_code in (400, 500)
    with pytest.raises(errors.NotFound):
        client.update_container(unique("missing"), cpu_shares=2)


# --- ContainerRename ---------------------------------------------------------

@pytest.mark.op("ContainerRename")
def test_rename(client, make):
    cid = make()
    other = make()
    new = unique("renamed")
    client.rename(cid, new)
    assert client.inspect_container(cid)["Name"] == "/" + new
    assert client.inspect_container(new)["Id"] == cid
    other_name = client.inspect_container(other)["Name"].lstrip("/")
    with pytest.raises(errors.Conflict) as ei:
        client.rename(cid, other_name)
    assert other_name in ei.value.explanation
    assert client.inspect_container(cid)["Name"] == "/" + new
    no_request(client, lambda: client.rename(cid, "no/slashes"), errors.InvalidArgument)
    with pytest.raises(errors.NotFound):
        client.rename(unique("missing"), unique())


# --- ContainerPause / ContainerUnpause ---------------------------------------

@pytest.mark.op("ContainerPause")
@pytest.mark.op("ContainerUnpause")
def test_pause_unpause(client, make):
    cid = make(["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.05; done"],
               start=True)
    client.pause(cid)
    st = state(client, cid)
    assert st["Paused"] and st["Status"] == "paused"
    with pytest.raises(errors.APIError) as ei:
        client.pause(cid)
    assert "already paused" in ei.value.explanation
    client.unpause(cid)
    st = state(client, cid)
    assert not st["Paused"] and st["Running"]
    # it makes progress again
    n1 = docker_cli("exec", cid, "cat", "/tmp/n").strip()
    assert wait_for(lambda: docker_cli("exec", cid, "cat", "/tmp/n").strip() != n1)
    with pytest.raises(errors.APIError) as ei2:
        client.unpause(cid)
    assert "not paused" in ei2.value.explanation
    with pytest.raises(errors.NotFound):
        client.pause(unique("missing"))


# --- ContainerWait -----------------------------------------------------------

@pytest.mark.op("ContainerWait")
def test_wait_status_code(client, make):
    cid = make(["sh", "-c", "sleep 0.3; exit 3"], start=True)
    r = client.wait(cid)
    assert r == {"StatusCode": 3, "Error": None}
    # not-running on a stopped container answers at once
    assert client.wait(cid, condition="not-running", timeout=10)["StatusCode"] == 3


@pytest.mark.op("ContainerWait")
def test_wait_conditions(client, make):
    # next-exit on a created container: waits for the run that comes next
    cid = make(["sh", "-c", "exit 5"])
    got: Dict[str, Any] = {}

    def waiter(key: str, target: str, condition: str) -> None:
        try:
            got[key] = client.wait(target, condition=condition, timeout=30)
        except BaseException as e:  # reported below
            got[key] = e

    t = threading.Thread(target=waiter, args=("next", cid, "next-exit"))
    t.start()
    time.sleep(0.5)
    assert t.is_alive()  # still waiting: nothing ran yet
    client.start(cid)
    t.join(30)
    assert got["next"] == {"StatusCode": 5, "Error": None}
    # removed: returns only once the container is gone
    cid2 = make(SLEEP, start=True)
    t2 = threading.Thread(target=waiter, args=("removed", cid2, "removed"))
    t2.start()
    time.sleep(0.5)
    assert t2.is_alive()
    client.remove_container(cid2, force=True)
    t2.join(30)
    assert isinstance(got["removed"], dict) and got["removed"]["StatusCode"] == 137
    with pytest.raises(errors.NotFound):
        client.inspect_container(cid2)
    no_request(client, lambda: client.wait(cid, condition="whenever"), errors.InvalidArgument)
    with pytest.raises(errors.NotFound) as ei:
        client.wait(unique("missing"), timeout=5)
    assert "No such container" in ei.value.explanation


@pytest.mark.op("ContainerWait")
def test_wait_timeout_leaves_client_usable(client, make):
    cid = make(SLEEP, start=True)
    t0 = time.monotonic()
    with pytest.raises(errors.DockerTimeout) as ei:
        client.wait(cid, timeout=0.5)
    took = time.monotonic() - t0
    assert isinstance(ei.value, TimeoutError)
    assert 0.4 <= took < 5
    assert "ContainerWait" in str(ei.value) and "timed out" in str(ei.value)
    # the same client goes on working, also for another wait
    assert state(client, cid)["Running"]
    client.kill(cid)
    assert client.wait(cid, timeout=10)["StatusCode"] == 137
    no_request(client, lambda: client.wait(cid, timeout=0), errors.InvalidArgument)


# --- ContainerDelete ---------------------------------------------------------

@pytest.mark.op("ContainerDelete")
def test_remove_force_and_volumes(client, make):
    running = make(SLEEP, start=True)
    with pytest.raises(errors.Conflict) as ei:
        client.remove_container(running)
    assert "running" in ei.value.explanation
    client.remove_container(running, force=True)
    with pytest.raises(errors.NotFound):
        client.inspect_container(running)

    def anon_volume(cid: str) -> str:
        return [m["Name"] for m in client.inspect_container(cid)["Mounts"]
                if m["Destination"] == "/data"][0]

    with_v = make(volumes=["/data"])
    vol = anon_volume(with_v)
    client.remove_container(with_v, v=True)
    with pytest.raises(Exception):
        docker_cli("volume", "inspect", vol)
    keep = make(volumes=["/data"])
    vol2 = anon_volume(keep)
    try:
        client.remove_container(keep)
        assert json.loads(docker_cli("volume", "inspect", vol2))[0]["Name"] == vol2
    finally:
        docker_cli("volume", "rm", "-f", vol2)
    with pytest.raises(errors.NotFound) as ei2:
        client.remove_container(unique("missing"))
    assert "No such container" in ei2.value.explanation


@pytest.mark.op("ContainerDelete")
def test_remove_link(client, make):
    target = make(SLEEP, start=True)
    tname = client.inspect_container(target)["Name"]
    src = make(SLEEP, host_config=client.create_host_config(links={tname.lstrip("/"): "db"}))
    sname = client.inspect_container(src)["Name"]
    assert client.inspect_container(src)["HostConfig"]["Links"] == [f"{tname}:{sname}/db"]
    client.remove_container(f"{sname}/db", link=True)
    assert not client.inspect_container(src)["HostConfig"]["Links"]
    assert client.inspect_container(target)["State"]["Running"]  # the target stays
    assert client.inspect_container(src)["Id"] == src
    no_request(client, lambda: client.remove_container("no-alias", link=True),
               errors.InvalidArgument)


# --- ContainerArchiveInfo ----------------------------------------------------

@pytest.mark.op("ContainerArchiveInfo")
def test_stat_archive(client, make):
    cid = make(["sh", "-c", "printf 'hello world' > /tmp/f.txt && mkdir /tmp/d"], start=True)
    assert client.wait(cid, timeout=30)["StatusCode"] == 0
    st = client.stat_archive(cid, "/tmp/f.txt")
    assert st["name"] == "f.txt" and st["size"] == 11 and st["linkTarget"] == ""
    assert st["mode"] & 0o777 == 0o644
    d = client.stat_archive(cid, "/tmp/d")
    assert d["name"] == "d" and d["mode"] & (1 << 31)  # Go's os.ModeDir
    link = client.stat_archive(cid, "/bin/sh")
    assert link["linkTarget"] == "/bin/busybox"
    with pytest.raises(errors.NotFound):
        client.stat_archive(cid, "/no/such/path")
    with pytest.raises(errors.NotFound):
        client.stat_archive(unique("missing"), "/tmp")
    no_request(client, lambda: client.stat_archive(cid, ""), errors.InvalidArgument)


# --- ContainerPrune ----------------------------------------------------------

@pytest.mark.op("ContainerPrune")
def test_prune_by_label(client, make):
    tag = unique("prune")
    lab = {"clibdocker-prune": tag}
    gone1 = make(["true"], labels=lab, start=True)
    gone2 = make(["true"], labels=lab)
    alive = make(SLEEP, labels=lab, start=True)
    other = make(["true"], labels={"clibdocker-prune": tag + "-other"})
    assert client.wait(gone1, timeout=30)["StatusCode"] == 0
    res = client.prune_containers(filters={"label": f"clibdocker-prune={tag}"})
    assert set(res["ContainersDeleted"]) == {gone1, gone2}
    assert isinstance(res["SpaceReclaimed"], int)
    for cid in (gone1, gone2):
        with pytest.raises(errors.NotFound):
            client.inspect_container(cid)
    assert client.inspect_container(alive)["State"]["Running"]
    assert client.inspect_container(other)["Id"] == other
    again = client.prune_containers(filters={"label": f"clibdocker-prune={tag}"})
    assert not again["ContainersDeleted"] and again["SpaceReclaimed"] == 0
    with pytest.raises(errors.APIError) as ei:
        client.prune_containers(filters={"label": f"clibdocker-prune={tag}", "bogus": "1"})
    assert ei.value.status_code == 400


# --- the configuration types, without an engine --------------------------------

def test_types_convert_like_docker_py():
    from clibdocker.types._util import parse_bytes
    assert parse_bytes("64m") == 64 * 1024 ** 2 and parse_bytes("1gb") == 1024 ** 3
    assert parse_bytes("512") == 512 and parse_bytes(1.5) == 1
    with pytest.raises(errors.DockerException):
        parse_bytes("12q")
    hc = types.HostConfig("1.41", port_bindings={80: 8080, "53/udp": ("127.0.0.1", 53),
                                                 22: [1111, ("0.0.0.0", 2222)]},
                          binds={"/a": {"bind": "/b", "ro": True}, "/c": "/d",
                                 "/e": {"bind": "/f", "mode": "rw", "propagation": "rshared"}},
                          devices=["/dev/fuse", "/dev/sda:/dev/xvda:r"],
                          tmpfs=["/run:size=1m", "/tmp"], links={"db": "alias", "cache": None},
                          volumes_from="x,y", extra_hosts={"h": "1.2.3.4"},
                          log_config={"type": "none"}, ulimits=[{"name": "core", "soft": 0}])
    assert hc["PortBindings"] == {
        "80/tcp": [{"HostIp": "", "HostPort": "8080"}],
        "53/udp": [{"HostIp": "127.0.0.1", "HostPort": "53"}],
        "22/tcp": [{"HostIp": "", "HostPort": "1111"}, {"HostIp": "0.0.0.0", "HostPort": "2222"}]}
    assert hc["Binds"] == ["/a:/b:ro", "/c:/d:rw", "/e:/f:rw,rshared"]
    assert hc["Devices"] == [
        {"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"},
        {"PathOnHost": "/dev/sda", "PathInContainer": "/dev/xvda", "CgroupPermissions": "r"}]
    assert hc["Tmpfs"] == {"/run": "size=1m", "/tmp": ""}
    assert hc["Links"] == ["cache", "db:alias"] and hc["VolumesFrom"] == ["x", "y"]
    assert hc["ExtraHosts"] == ["h:1.2.3.4"] and hc["NetworkMode"] == "default"
    assert isinstance(hc["LogConfig"], types.LogConfig) and hc["LogConfig"]["Type"] == "none"
    assert hc["Ulimits"] == [{"Name": "core", "Soft": 0, "Hard": None}]
    cc = types.ContainerConfig("1.41", "img", "sh -c 'echo a b'", ports=[80, (53, "udp")],
                               labels=["x"], volumes="/v", environment={"A": None, "B": 1},
                               stdin_open=True)
    assert cc["Cmd"] == ["sh", "-c", "echo a b"] and cc["Labels"] == {"x": ""}
    assert cc["ExposedPorts"] == {"80/tcp": {}, "53/udp": {}} and cc["Volumes"] == {"/v": {}}
    assert cc["Env"] == ["A", "B=1"]
    assert cc["AttachStdin"] and cc["StdinOnce"] and cc["AttachStdout"]
    detached = types.ContainerConfig("1.41", "img", None, detach=True, stdin_open=True)
    assert not detached["AttachStdout"] and not detached["AttachStdin"]
    assert types.Healthcheck(test="true")["Test"] == ["CMD-SHELL", "true"]
    with pytest.raises(errors.InvalidVersion):
        types.ContainerConfig("1.41", "img", None, healthcheck={"test": "x", "start_interval": 1})
    with pytest.raises(errors.InvalidVersion):
        types.EndpointConfig("1.45", gw_priority=1)
    assert types.EndpointConfig("1.48", aliases=["a"], ipv4_address="10.0.0.2", gw_priority=2) == {
        "Aliases": ["a"], "IPAMConfig": {"IPv4Address": "10.0.0.2"}, "GwPriority": 2}
    m = types.Mount.parse_mount_string("/host:/ctr:ro")
    assert m["Type"] == "bind" and m["ReadOnly"] and m["Source"] == "/host"
    assert types.Mount("/t", None, type="tmpfs", tmpfs_size="1m", tmpfs_mode=0o700)[
        "TmpfsOptions"] == {"SizeBytes": 1024 * 1024, "Mode": 0o700}
    with pytest.raises(errors.InvalidArgument):
        types.Mount("/t", "v", type="volume", propagation="shared")
    with pytest.raises(TypeError):
        types.RestartPolicy(condition="sometimes")
