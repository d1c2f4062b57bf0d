"""A CI job runner's "service container" launcher (in the style of the
GitLab-runner / Drone / Woodpecker executors written on docker-py): the rarer
run/create options read back from attrs -- devices and device cgroup rules,
device_requests the engine refuses, ulimits as dicts and objects, log
drivers none/local with options, mounts of every type (tmpfs size/mode,
volume driver options and labels, nocopy, bind propagation), sysctls,
cap_add/cap_drop, security_opt, dns/dns_search/dns_opt, extra_hosts in list
form, ipc/pid/network/uts modes shared with a sibling ("container:x"),
cgroupns, init, shm_size, cpu_*/mem_*/blkio options, oom_score_adj,
group_add, userns_mode, domainname/hostname/mac_address, stop_signal,
stop_timeout, healthcheck dicts, working_dir, entrypoint forms, platform."""
import os
import re
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.types import DeviceRequest, DriverConfig, LogConfig, Mount, Ulimit

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "po01": tag}
PREFIX = "clibdocker-test-po01-" + tag
made = []


def scrub(s):
    s = re.sub("[0-9a-f]{64}", "<id>", str(s).replace(tag, "T"))
    return re.sub("[0-9a-f]{12}", "<short>", s)[:200]


def attempt(label, fn):
    try:
        r = fn()
        print(label, "ok", type(r).__name__)
        return r
    except Exception as e:
        print(label, type(e).__name__, getattr(e, "status_code", None), scrub(e))
        return None


def create(label, **kw):
    kw.setdefault("labels", LABELS)
    kw.setdefault("command", ["sleep", "60"])
    c = attempt(label, lambda: client.containers.create(IMAGE, **kw))
    if c is not None:
        made.append(c)
    return c


try:
    svc = create("service", name=PREFIX + "-svc",
                 devices=["/dev/null:/dev/mynull:rwm", "/dev/zero"],
                 device_cgroup_rules=["c 1:3 mr", "a 7:* rmw"],
                 ulimits=[Ulimit(name="nofile", soft=512, hard=1024), {"name": "nproc", "soft": 64, "hard": 128},
                          {"Name": "core", "Soft": 0, "Hard": 0}],
                 log_config=LogConfig(type="local", config={"max-size": "1m", "max-file": "2", "compress": "false"}),
                 sysctls={"net.core.somaxconn": "1024", "net.ipv4.tcp_syncookies": 0},
                 cap_add=["SYS_PTRACE", "NET_RAW"], cap_drop=["ALL"],
                 security_opt=["no-new-privileges:true", "seccomp=unconfined", "apparmor=unconfined"],
                 dns=["10.0.0.2", "10.0.0.3"], dns_search=["ci.example", "example"],
                 dns_opt=["ndots:2", "timeout:1"], extra_hosts=["db.local:10.9.8.7", "cache.local:10.9.8.6"],
                 ipc_mode="shareable", init=True, shm_size=8 * 1024 * 1024,
                 cpu_shares=256, cpu_period=50000, cpu_quota=25000, cpuset_cpus="0", cpuset_mems="0",
                 mem_limit="96m", mem_reservation="48m", memswap_limit="192m", mem_swappiness=0,
                 kernel_memory=None, oom_kill_disable=False, oom_score_adj=321, pids_limit=64,
                 blkio_weight=300, blkio_weight_device=[{"Path": "/dev/null", "Weight": 200}],
                 group_add=["nogroup", "1234"], userns_mode="host", uts_mode=None,
                 hostname="svc-host", domainname="ci.example", mac_address="02:42:ac:11:00:42",
                 stop_signal="SIGUSR1", working_dir="/srv/work/deep",
                 healthcheck={"test": ["CMD-SHELL", "test -d /srv/work"], "interval": 500_000_000,
                              "timeout": 2_000_000_000, "retries": 3, "start_period": 1_000_000_000},
                 entrypoint="/bin/sh -c", command=["exec sleep 60"], platform="linux/amd64",
                 environment={"CI": "true", "CI_JOB": 42}, tty=False)
    svc.reload()
    hc, cfg = svc.attrs["HostConfig"], svc.attrs["Config"]
    print("devices", [(d["PathOnHost"], d["PathInContainer"], d["CgroupPermissions"]) for d in hc["Devices"]])
    print("cgroup rules", hc["DeviceCgroupRules"])
    print("ulimits", [(u["Name"], u["Soft"], u["Hard"]) for u in hc["Ulimits"]])
    print("log", hc["LogConfig"]["Type"], sorted(hc["LogConfig"]["Config"].items()))
    print("sysctls", sorted(hc["Sysctls"].items()))
    print("caps", hc["CapAdd"], hc["CapDrop"], "secopt", hc["SecurityOpt"])
    print("dns", hc["Dns"], hc["DnsSearch"], hc["DnsOptions"], "hosts", hc["ExtraHosts"])
    print("ipc", hc["IpcMode"], "init", hc["Init"], "shm", hc["ShmSize"])
    print("cpu", hc["CpuShares"], hc["CpuPeriod"], hc["CpuQuota"], hc["CpusetCpus"], hc["CpusetMems"])
    print("mem", hc["Memory"], hc["MemoryReservation"], hc["MemorySwap"], hc["MemorySwappiness"],
          hc["OomKillDisable"], hc["OomScoreAdj"], hc["PidsLimit"])
    print("blkio", hc["BlkioWeight"], hc["BlkioWeightDevice"])
    bl = create("blkio", device_read_bps=[{"Path": "/dev/null", "Rate": 1048576}],
                device_write_iops=[{"Path": "/dev/null", "Rate": 100}], device_write_bps=[{"Path": "/dev/zero", "Rate": 2048}])
    if bl is not None:
        bl.reload()
        h = bl.attrs["HostConfig"]
        print("blkio stored", h["BlkioDeviceReadBps"], h["BlkioDeviceWriteIOps"], h["BlkioDeviceWriteBps"])
    print("groups", hc["GroupAdd"], "userns", repr(hc["UsernsMode"]), "uts", repr(hc["UTSMode"]))
    print("names", cfg["Hostname"], cfg["Domainname"], cfg.get("MacAddress"))
    print("stop", cfg["StopSignal"], cfg.get("StopTimeout"), "wd", cfg["WorkingDir"])
    print("health", cfg["Healthcheck"])
    print("entry", cfg["Entrypoint"], cfg["Cmd"], sorted(e for e in cfg["Env"] if e.startswith("CI")))
    print("platform", svc.attrs.get("Platform"), svc.attrs["Config"]["Image"])
    svc.start()
    svc.reload()
    print("svc", svc.status)
    ec, out = svc.exec_run(["sh", "-c", "pwd; ulimit -n; cat /proc/sys/net/core/somaxconn; "
                                        "grep -c db.local /etc/hosts; grep ^search /etc/resolv.conf; "
                                        "grep ^options /etc/resolv.conf; ls /dev/mynull; hostname; id -G"])
    print("svc exec", ec, out.decode().split("\n"))

    # siblings sharing namespaces with the service, as CI "services" do
    side = create("sidecar", name=PREFIX + "-side", network_mode="container:" + svc.name,
                  ipc_mode="container:" + svc.name, pid_mode="container:" + svc.id)
    side.start()
    side.reload()
    hc = side.attrs["HostConfig"]
    print("sidecar modes", hc["NetworkMode"].replace(svc.id, "SVCID").replace(svc.name, "SVC"),
          hc["IpcMode"].replace(svc.id, "SVCID").replace(svc.name, "SVC"),
          hc["PidMode"].replace(svc.id, "SVCID").replace(svc.name, "SVC"))
    print("sidecar ports", side.ports, side.attrs["NetworkSettings"]["Networks"])
    ec, out = side.exec_run(["sh", "-c", "hostname; ps -o comm | grep -c sleep"])
    print("sidecar exec", ec, out.split())
    hostish = create("host modes", name=PREFIX + "-host", pid_mode="host", uts_mode="host",
                     ipc_mode="private", cgroupns="private", network_mode="none", privileged=False,
                     read_only=True, entrypoint=[], command=["true"])
    hostish.reload()
    hc = hostish.attrs["HostConfig"]
    print("host modes", hc["PidMode"], hc["UTSMode"], hc["IpcMode"], hc.get("CgroupnsMode"),
          hc["NetworkMode"], hc["ReadonlyRootfs"], hostish.attrs["Config"]["Entrypoint"])

    # every mount type
    drv = DriverConfig("local", {"type": "tmpfs", "device": "tmpfs", "o": "size=2m,uid=1000"})
    mounts = [
        Mount("/t1", None, type="tmpfs", tmpfs_size=1048576, tmpfs_mode=0o1777),
        Mount("/t2", "", type="tmpfs", tmpfs_size="3m", read_only=True),
        Mount("/v1", PREFIX + "-drv", type="volume", driver_config=drv, labels={"clibdocker-test": "1", "k": "v"}),
        Mount("/v2", PREFIX + "-nocopy", type="volume", no_copy=True),
        Mount("/b1", "/tmp", type="bind", propagation="rprivate", read_only=True),
        Mount("/b2", "/etc", type="bind", consistency="delegated"),
    ]
    m = create("mounts", name=PREFIX + "-mounts", mounts=mounts, tmpfs={"/run": "size=512k,mode=700", "/cache": ""},
               volume_driver="local", command=["sh", "-c", "df -k /t1 /t2 /v1 | tail -3 | tr -s ' ' | cut -d' ' -f2; "
                                                           "stat -c %a /t1; touch /t2/x 2>&1 | grep -c Read-only; "
                                                           "id -u; sleep 60"], user="1000")
    m.start()
    print("mount specs", sorted((x["Type"], x["Target"], x.get("ReadOnly", False),
                                 sorted((x.get("TmpfsOptions") or {}).items()),
                                 (x.get("BindOptions") or {}).get("Propagation"), x.get("Consistency"),
                                 sorted(((x.get("VolumeOptions") or {}).get("Labels") or {}).items()),
                                 (x.get("VolumeOptions") or {}).get("NoCopy"),
                                 ((x.get("VolumeOptions") or {}).get("DriverConfig") or {}).get("Name"))
                                for x in m.attrs["HostConfig"]["Mounts"]))
    print("tmpfs opt", sorted(m.attrs["HostConfig"]["Tmpfs"].items()), m.attrs["HostConfig"]["VolumeDriver"])
    m.reload()
    print("mount points", sorted((x["Type"], x["Destination"], x["RW"], x.get("Propagation")) for x in m.attrs["Mounts"]))
    v = client.volumes.get(PREFIX + "-drv")
    print("driver volume", v.attrs["Driver"], sorted(v.attrs["Options"].items()), sorted((v.attrs["Labels"] or {}).items()))
    for _ in range(50):
        if len(m.logs().split()) >= 6:
            break
        __import__("time").sleep(0.1)
    print("mount logs", m.logs().split())

    # refusals the engine or the client gives
    gpu = create("gpu", device_requests=[DeviceRequest(count=-1, capabilities=[["gpu"]])])
    if gpu is not None:
        print("gpu stored", [(d["Driver"], d["Count"], d["Capabilities"]) for d in gpu.attrs["HostConfig"]["DeviceRequests"]])
        attempt("gpu start", gpu.start)
    gpu2 = create("gpu dict", device_requests=[{"Driver": "nvidia", "DeviceIDs": ["0"], "Capabilities": [["compute"]]}])
    if gpu2 is not None:
        gpu2.reload()
        print("gpu dict stored", [(d["Driver"], d["DeviceIDs"], d["Options"]) for d in gpu2.attrs["HostConfig"]["DeviceRequests"]])
        attempt("gpu dict start", gpu2.start)
    attempt("bad device", lambda: client.containers.run(IMAGE, "true", devices=["/dev/nope-" + tag], labels=LABELS, remove=True))
    attempt("bad ulimit dict", lambda: create("x", ulimits=[{"name": "nofile", "soft": "lots"}]))
    rt = create("rt", cpu_rt_runtime=950000, cpu_rt_period=1000000)
    if rt is not None:
        rt.reload()
        print("rt stored", rt.attrs["HostConfig"]["CpuRealtimeRuntime"], rt.attrs["HostConfig"]["CpuRealtimePeriod"])
        attempt("rt start", rt.start)
    attempt("bad ipc", lambda: create("ipc", ipc_mode="container:" + PREFIX + "-missing"))
    attempt("bad net container", lambda: client.containers.run(IMAGE, "true", network_mode="container:" + PREFIX + "-missing",
                                                               labels=LABELS, detach=True))
    attempt("bad userns", lambda: create("userns", userns_mode="private"))
    attempt("bad cgroupns", lambda: create("cgroupns", cgroupns="weird"))
    attempt("bad platform", lambda: create("plat", platform="windows/amd64"))
    attempt("bad oom", lambda: create("oom", oom_score_adj=5000))
    mac = create("mac", mac_address="not-a-mac")
    if mac is not None:
        attempt("mac start", mac.start)
    attempt("bad health key", lambda: create("hk", healthcheck={"test": "true", "interval": "1s"}))
    attempt("bad tmpfs mount", lambda: create("tm", mounts=[Mount("/t", None, type="tmpfs", tmpfs_size="lots")]))
    attempt("bad memswap", lambda: create("ms", mem_limit="64m", memswap_limit="32m"))
    attempt("bad blkio", lambda: create("bw", blkio_weight=5))
finally:
    for x in reversed(made):
        try:
            x.remove(force=True, v=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "po01=" + tag}):
        x.remove(force=True, v=True)
    for name in (PREFIX + "-drv", PREFIX + "-nocopy"):
        try:
            client.volumes.get(name).remove(force=True)
        except NotFound:
            pass
print("left", len(client.containers.list(all=True, filters={"label": "po01=" + tag})),
      len(client.volumes.list(filters={"name": PREFIX})))
client.close()
