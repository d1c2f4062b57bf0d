"""Return values of the low-level container calls (what Ansible's
docker_container module and compose v1 read): rename, pause, update_container,
top, diff, export, commit, attach, containers(trunc/size), kill by int,
logs since/until datetimes, create_host_config binds list / mounts strings,
volumes as list."""
import datetime
import os
import time
import uuid

import docker
from docker.errors import APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
api = docker.APIClient(version="1.41")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pc07": tag}
name = "clibdocker-test-pc07-" + tag
ids = []
img = None
try:
    hc = api.create_host_config(binds=["/tmp:/host-tmp:ro"], mounts=[docker.types.Mount.parse_mount_string("/tmp:/mnt-tmp:ro")],
                                volumes_from=None, privileged=False, init=False,
                                restart_policy={"Name": "always"}, device_cgroup_rules=["c 1:3 mr"],
                                blkio_weight=300, cpu_rt_runtime=None, ipc_mode="private", pid_mode=None,
                                userns_mode=None, uts_mode=None, sysctls=None)
    print("hc", sorted(hc), hc["Mounts"])
    c = api.create_container(IMAGE, "sh -c 'echo hi; echo err >&2; sleep 30'", name=name, labels=LABELS,
                             volumes=["/anon"], host_config=hc, environment=["E=1"], stop_timeout=3)
    ids.append(c["Id"])
    print("start", api.start(c))
    time.sleep(0.5)
    info = api.inspect_container(c)
    print("mounts", sorted((m["Type"], m["Destination"], m["RW"]) for m in info["Mounts"]))
    print("stop_timeout", info["Config"].get("StopTimeout"), info["HostConfig"]["IpcMode"], info["HostConfig"]["BlkioWeight"])
    now = datetime.datetime.now()
    print("logs since past", api.logs(c, since=now - datetime.timedelta(minutes=5)).split() != [])
    print("logs since future", api.logs(c, since=now + datetime.timedelta(minutes=5)))
    print("logs until past", api.logs(c, until=now - datetime.timedelta(minutes=5)))
    print("logs since float", len(api.logs(c, since=time.time() - 300.5).split()))
    print("logs tail", len(api.logs(c, tail=1).split()))
    print("top", sorted(api.top(c)), api.top(c, ps_args="-o pid,comm")["Titles"])
    print("diff", api.diff(c) is None or isinstance(api.diff(c), list))
    print("pause", api.pause(c), api.inspect_container(c)["State"]["Paused"])
    print("unpause", api.unpause(c))
    print("rename", api.rename(c, name + "-r"), api.inspect_container(c)["Name"] == "/" + name + "-r")
    up = api.update_container(c, mem_limit="96m", memswap_limit=-1, cpu_shares=300, blkio_weight=400,
                              restart_policy={"Name": "on-failure", "MaximumRetryCount": 1})
    print("update", up)
    hc2 = api.inspect_container(c)["HostConfig"]
    print("updated", hc2["Memory"], hc2["MemorySwap"], hc2["CpuShares"], hc2["BlkioWeight"],
          hc2["RestartPolicy"])
    lst = api.containers(trunc=True, filters={"label": "pc07=" + tag})
    print("trunc", len(lst[0]["Id"]), "size", sorted(k for k in api.containers(size=True, filters={"label": "pc07=" + tag})[0] if k.startswith("Size")))
    print("Labels in list", lst[0]["Labels"] == LABELS, lst[0]["State"], lst[0]["Names"][0].endswith("-r"))
    img = api.commit(c, repository="clibdocker-test/pc07", tag=tag, message="m", author="a",
                     changes="ENV FROM_COMMIT=1", conf={"Cmd": ["echo", "conf"], "Labels": {"clibdocker-test": "1"}})
    print("commit", sorted(img))
    ii = api.inspect_image(img["Id"])
    print("commit image", ii["Config"]["Cmd"], "FROM_COMMIT=1" in ii["Config"]["Env"], ii["Author"], ii["Comment"])
    ex = api.export(c)
    first = next(iter(ex))
    print("export", type(first).__name__, len(first) > 0)
    ex.close() if hasattr(ex, "close") else None
    print("kill int", api.kill(c, 9), api.wait(c)["StatusCode"])
    time.sleep(0.3)
    st = api.inspect_container(c)["State"]
    print("restart policy kicks in", st["Status"] in ("running", "restarting", "exited"))
    print("stop", api.stop(c, timeout=1))
    print("restart", api.restart(c, timeout=1), api.inspect_container(c)["State"]["Running"])
    print("kill str", api.kill(c, "SIGKILL"))
    api.wait(c)
    print("stop stopped", api.stop(c))
    print("start stopped", api.start(c))
    print("remove force v", api.remove_container(c, v=True, force=True))
    ids.remove(c["Id"])
    try:
        api.remove_container(c)
    except NotFound as e:
        print("remove again", e.status_code, e.explanation.split(":")[0])
    a = api.create_container(IMAGE, ["sh", "-c", "sleep 0.5; echo A; echo B >&2"], labels=LABELS)
    ids.append(a["Id"])
    out = api.attach(a, stream=True, stdout=True, stderr=True, logs=True)
    api.start(a)
    print("attach stream", sorted(b"".join(out).split()))
    api.wait(a)
    # (attach to an exited container: docker-py sometimes loses the bytes
    # the engine sends with the headers, so logs are read instead)
    print("logs stdout", api.logs(a, stdout=True, stderr=False), "stderr", api.logs(a, stdout=False, stderr=True))
    try:
        api.attach("clibdocker-test-nope-" + tag)
    except NotFound as e:
        print("attach missing", e.status_code)
    try:
        api.start("clibdocker-test-nope-" + tag)
    except NotFound as e:
        print("start missing", e.status_code)
    try:
        api.kill(a, signal="SIGNOPE")
    except APIError as e:
        print("bad signal", e.status_code)
finally:
    for i in ids:
        try:
            api.remove_container(i, force=True)
        except NotFound:
            pass
    if img:
        api.remove_image(img["Id"], force=True)
print("left", len(api.containers(all=True, filters={"label": "pc07=" + tag})))
api.close()
