"""A CI job runner (in the style of a GitLab/Drone-like step executor built on
docker-py): foreground ``containers.run`` with every stdout/stderr flag
combination, remove=True, ContainerError with its attributes, entrypoint and
command in str/list forms, environment as dict and list, working_dir, user,
hostname/domainname, extra_hosts, dns, init, read_only + tmpfs, stop_signal."""
import os
import re
import uuid

import docker
from docker.errors import ContainerError, ImageNotFound, APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pj01": tag}


def step(name, **kw):
    kw.setdefault("labels", LABELS)
    try:
        out = client.containers.run(IMAGE, **kw)
        print(name, type(out).__name__, repr(out))
    except ContainerError as e:
        print(name, "ContainerError", e.exit_status, repr(e.stderr), type(e.container).__name__,
              e.image == IMAGE, e.command == kw.get("command"))
        print(name, "str", str(e).replace(e.container.id, "<id>"))
        print(name, "isinstance", isinstance(e, docker.errors.DockerException))
    except APIError as e:
        print(name, "APIError", e.status_code, repr(e.explanation), e.is_client_error())
        print(name, "str", re.sub("[0-9a-f]{64}", "<id>", str(e)))


try:
    step("plain", command="echo hello")
    step("list", command=["sh", "-c", "echo out; echo err >&2"])
    step("stdout-only", command=["sh", "-c", "echo out; echo err >&2"], stdout=True, stderr=False)
    step("stderr-only", command=["sh", "-c", "echo out; echo err >&2"], stdout=False, stderr=True)
    step("both", command=["sh", "-c", "echo out; sleep 0.2; echo err >&2"], stdout=True, stderr=True)
    step("none", command=["sh", "-c", "echo out; echo err >&2"], stdout=False, stderr=False)
    step("fail", command=["sh", "-c", "echo some-out; echo bad thing >&2; exit 3"])
    step("fail-str", command="sh -c 'exit 7'")
    step("fail-nostderr", command=["sh", "-c", "echo x >&2; exit 2"], stderr=False)
    step("fail-remove", command=["sh", "-c", "echo gone >&2; exit 4"], remove=True)
    step("remove", command=["echo", "removed"], remove=True)
    # (alive for a moment: docker-py's own wait may come after the removal)
    step("auto-remove", command=["sh", "-c", "sleep 0.5; echo auto-removed"], auto_remove=True)
    step("auto-remove tty", command=["sh", "-c", "sleep 0.5; echo auto-tty"], auto_remove=True, tty=True)
    step("auto-remove fail", command=["sh", "-c", "sleep 0.5; echo bye >&2; exit 9"], auto_remove=True)
    step("entry-str", entrypoint="echo", command="a b  c")
    step("entry-list", entrypoint=["sh", "-c"], command=["echo $0-$1", "x", "y"])
    step("env-dict", command=["sh", "-c", "echo $A:$B:$C"], environment={"A": "1", "B": "two words", "C": ""})
    step("env-list", command=["sh", "-c", "echo $A:$B"], environment=["A=x=y", "B"])
    step("workdir", command="pwd", working_dir="/tmp/sub")
    step("user", command="id -u", user="1234")
    step("user-group", command="id", user="1234:5678")
    step("hostname", command="hostname", hostname="build-host")
    step("domain", command=["sh", "-c", "hostname; cat /etc/hostname"], hostname="h1", domainname="example.org")
    step("hosts", command=["sh", "-c", "grep -E '(db|cache)[.]local' /etc/hosts | sort"],
         extra_hosts={"db.local": "10.1.2.3", "cache.local": "10.1.2.4"})
    step("hosts-list", command=["sh", "-c", "grep svc /etc/hosts"], extra_hosts=["svc:10.9.9.9"])
    step("dns", command=["sh", "-c", "grep -E '^(nameserver|search|options)' /etc/resolv.conf"],
         dns=["10.0.0.53"], dns_search=["corp.example"], dns_opt=["ndots:3"])
    step("init", command=["sh", "-c", "cat /proc/1/comm"], init=True)
    step("readonly", command=["sh", "-c", "touch /x 2>/dev/null || echo ro; touch /scratch/y && echo tmp-ok"],
         read_only=True, tmpfs={"/scratch": "size=1m"})
    step("tmpfs-list", command=["sh", "-c", "mount | grep -c ' /t1 '"], tmpfs=["/t1:size=64k"])
    step("privileged", command=["sh", "-c", "ls /dev | grep -c ."], privileged=False)
    step("cap-drop", command=["sh", "-c", "chown 1 /tmp && echo chowned || echo denied"], cap_drop=["CHOWN"])
    step("sysctl", command=["cat", "/proc/sys/net/ipv4/ip_forward"], sysctls={"net.ipv4.ip_forward": "1"})
    step("shm", command=["sh", "-c", "df -k /dev/shm | tail -1 | awk '{print $2}'"], shm_size="8m")
    step("mem", command="true", mem_limit="64m")
    step("nonexist-cmd", command="/no/such/binary")
    try:
        client.containers.run("clibdocker-test/no-such-image:" + tag, "true", labels=LABELS)
    except ImageNotFound as e:
        print("missing image", type(e).__name__, e.status_code)
    except APIError as e:
        print("missing image api", type(e).__name__, e.status_code)
    try:
        client.containers.run(IMAGE, "true", labels=LABELS, remove=True, detach=True, auto_remove=True)
        print("remove+detach ok")
    except Exception as e:
        print("remove+detach", type(e).__name__, str(e))
    try:
        client.containers.run(IMAGE, "true", labels=LABELS, mem_limit="lots")
    except Exception as e:
        print("bad mem", type(e).__name__, str(e))
    try:
        client.containers.run(IMAGE, "true", labels=LABELS, no_such_kwarg=1)
    except TypeError as e:
        print("bad kwarg", type(e).__name__, str(e))
finally:
    for x in client.containers.list(all=True, filters={"label": "pj01=" + tag}, ignore_removed=True):
        try:
            x.remove(force=True)
        except NotFound:
            pass
    print("left", len(client.containers.list(all=True, filters={"label": "pj01=" + tag})))
client.close()
