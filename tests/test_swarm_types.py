"""The swarm spec types (no engine): the same JSON as docker-py's types for
the same arguments, and the same refusals."""
from __future__ import annotations

import docker.types as dpy
import pytest

from clibdocker import errors, types as ct


@pytest.mark.parametrize("name,args,kwargs", [
    ("ContainerSpec", ("img", "sleep 10"), dict(env={"A": "1", "B": None}, workdir="/w",
                                                user="u", labels={"l": "v"},
                                                mounts=["/a:/b:ro", "vol:/c"],
                                                stop_grace_period=5, tty=True, groups=["g"],
                                                open_stdin=False, read_only=True,
                                                stop_signal="SIGINT", hosts={"h": "1.2.3.4"},
                                                isolation="default", init=True,
                                                cap_add=["NET_ADMIN"], cap_drop=["ALL"],
                                                sysctls={"net.core.somaxconn": "1024"})),
    ("ContainerSpec", ("img",), dict(args=["x"], hostname="h")),
    ("Resources", (), dict(cpu_limit=10, mem_limit=2048, cpu_reservation=5,
                           mem_reservation=1024, generic_resources={"gpu": 2, "ssd": "a"})),
    ("UpdateConfig", (), dict(parallelism=2, delay=5, failure_action="rollback", monitor=7,
                              max_failure_ratio=0.5, order="start-first")),
    ("RollbackConfig", (), dict(parallelism=1, order="stop-first")),
    ("EndpointSpec", (), dict(mode="vip", ports={8080: 80, 53: (53, "udp"),
                                                 9000: (90, None, "host")})),
    ("ServiceMode", ("replicated",), dict(replicas=3)),
    ("ServiceMode", ("global",), {}),
    ("ServiceMode", ("replicated-job",), dict(replicas=5, concurrency=2)),
    ("ServiceMode", ("global-job",), {}),
    ("Placement", (), dict(constraints=["node.role==manager"],
                           preferences=[("spread", "node.labels.zone")],
                           platforms=[("x86_64", "linux")], maxreplicas=2)),
    ("SecretReference", ("sid", "sname"), dict(filename="f", uid="1", gid="2", mode=0o400)),
    ("SecretReference", ("sid", "sname"), {}),
    ("ConfigReference", ("cid", "cname"), dict(filename="/etc/x")),
    ("DNSConfig", (), dict(nameservers=["1.1.1.1"], search=["a"], options=["ndots:2"])),
    ("Privileges", (), dict(credentialspec_file="f", selinux_disable=True)),
    ("NetworkAttachmentConfig", ("net",), dict(aliases=["a"], options={"o": "v"})),
])
def test_same_json_as_docker_py(name, args, kwargs):
    ours = getattr(ct, name)(*args, **kwargs)
    theirs = getattr(dpy, name)(*args, **kwargs)
    assert dict(ours) == dict(theirs)


def test_task_template_and_swarm_spec_like_docker_py():
    cs = ct.ContainerSpec("img", ["true"])
    kw = dict(resources=ct.Resources(cpu_limit=1), restart_policy=ct.RestartPolicy("any"),
              placement=["node.role==worker"], log_driver=ct.DriverConfig("json-file"),
              networks=["n1", {"Target": "n2", "Aliases": ["x"]}], force_update=3)
    assert dict(ct.TaskTemplate(cs, **kw)) == dict(dpy.TaskTemplate(dpy.ContainerSpec("img", ["true"]), **kw))
    skw = dict(task_history_retention_limit=3, snapshot_interval=10, heartbeat_tick=1,
               dispatcher_heartbeat_period=5, node_cert_expiry=100,
               external_cas=[ct.SwarmExternalCA("https://ca", "cfssl")], name="default",
               labels={"a": "b"}, signing_ca_cert="C", signing_ca_key="K", ca_force_rotate=1,
               autolock_managers=True, log_driver=ct.DriverConfig("json-file"))
    assert dict(ct.SwarmSpec("1.41", **skw)) == dict(dpy.SwarmSpec("1.41", **skw))


def test_refusals():
    with pytest.raises(errors.InvalidArgument):
        ct.ServiceMode("sometimes")
    with pytest.raises(errors.InvalidArgument):
        ct.ServiceMode("global", replicas=2)
    with pytest.raises(errors.InvalidArgument):
        ct.UpdateConfig(failure_action="explode")
    with pytest.raises(errors.InvalidArgument):
        ct.UpdateConfig(max_failure_ratio=2)
    with pytest.raises(errors.InvalidArgument):
        ct.UpdateConfig(order="random")
    with pytest.raises(TypeError):
        ct.UpdateConfig(monitor="5s")  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidArgument):
        ct.PlacementPreference("pack", "x")
    with pytest.raises(errors.InvalidArgument):
        ct.Privileges(credentialspec_file="a", credentialspec_registry="b")
    with pytest.raises(errors.NullResource):
        ct.SecretReference("", "name")
    with pytest.raises(TypeError):
        ct.ContainerSpec("img", secrets="s")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ct.TaskTemplate(ct.ContainerSpec("img"), force_update="1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ct.EndpointSpec(ports="80:80")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ct.EndpointSpec(ports={80: (80, "tcp", "host", "x")})
    with pytest.raises(errors.InvalidArgument):
        ct.Resources(generic_resources={"gpu": 1.5})
    assert ct.ServiceMode("replicated", replicas=2).replicas == 2
    assert ct.ServiceMode("global").replicas is None
    # beyond docker-py
    spec = ct.ContainerSpec("img", oom_score_adj=5, ulimits=[{"Name": "nofile", "Soft": 1, "Hard": 2}])
    assert spec["OomScoreAdj"] == 5 and spec["Ulimits"][0]["Name"] == "nofile"
    assert ct.Resources(mem_limit="64m")["Limits"]["MemoryBytes"] == 64 * 1024 * 1024


def test_task_template_force_update_bool_sent_as_docker_py_sends_it():
    """``Service.update(force_update=flag)`` with a false flag: docker-py's
    TaskTemplate takes the bool (an int) and the engine answers 400; a
    TypeError before the request made the two clients fail differently."""
    for flag in (False, True):
        ours = ct.TaskTemplate(ct.ContainerSpec("img"), force_update=flag)
        theirs = dpy.TaskTemplate(dpy.ContainerSpec("img"), force_update=flag)
        assert dict(ours) == dict(theirs) and ours["ForceUpdate"] is flag
    with pytest.raises(TypeError):
        dpy.TaskTemplate(dpy.ContainerSpec("img"), force_update=1.0)
    with pytest.raises(TypeError):
        ct.TaskTemplate(ct.ContainerSpec("img"), force_update=1.0)  # type: ignore[arg-type]
