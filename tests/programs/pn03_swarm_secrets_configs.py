"""A secrets/config manager for swarm stacks (the part of a deploy tool that
syncs a vault into swarm secrets and renders config templates): secrets and
configs from str/bytes/unicode, labels and every list filter, the models'
attrs before and after reload, templated configs (golang templating with
.Service, env and secret), file modes/uids seen by the task, rotating a secret
under a running service, removal while in use, and the engine's refusals.
Run only under flock /tmp/clibdocker-swarm.lock; leaves the engine as it was."""
import base64
import os
import subprocess
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.types import ConfigReference, DriverConfig, SecretReference, ServiceMode, RestartPolicy

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
LABELS = {"clibdocker-test": "1"}
client = docker.from_env()
tag = uuid.uuid4().hex[:8]


def wait(fn, timeout=40.0):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(0.3)


def net_exists(name):
    return any(n.name == name for n in client.networks.list(names=[name]))


def ingress_ready():
    for n in client.networks.list(names=["ingress"]):
        if n.name == "ingress":
            n.reload()
            return "ingress-sbox" in (n.attrs.get("Containers") or {})
    return False


def short(name):
    return name.replace("-" + tag, "")


def err(what, e):
    print(what, isinstance(e, APIError), isinstance(e, NotFound), getattr(e, "status_code", None),
          (getattr(e, "explanation", None) or str(e)).replace(tag, "TAG"))


def in_sequence(svc, fn):
    for _ in range(10):
        svc.reload()
        try:
            return fn()
        except APIError as e:
            if "out of sequence" not in str(e):
                raise
            time.sleep(0.5)
    svc.reload()
    return fn()


state = client.info()["Swarm"]["LocalNodeState"]
created = state == "inactive"
had_gwbridge = net_exists("docker_gwbridge")
if created:
    client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    wait(lambda: client.info()["Swarm"].get("ControlAvailable"))
    wait(ingress_ready, 60)
services, secrets, configs = [], [], []
try:
    # --- secrets synced from a vault ---
    vault = {"db-password": "s3cr3t", "api-key": b"\x00\xffkey", "greeting": "grüß dich", "tls-key": b"-----KEY-----\n"}
    for k, v in vault.items():
        s = client.secrets.create(name="pn03-%s-%s" % (k, tag), data=v,
                                  labels=dict(LABELS, source="vault", kind="bin" if isinstance(v, bytes) else "text"))
        secrets.append(s)
    s0 = secrets[0]
    print("created attrs", sorted(s0.attrs), sorted(s0.attrs["Spec"]), short(s0.name), repr(s0) == "<Secret: '%s'>" % s0.name)
    print("id", s0.id == s0.attrs["ID"], len(s0.short_id), s0.short_id == s0.id[:len(s0.short_id)])
    s0.reload()
    print("reloaded", sorted(s0.attrs)[:4], sorted(s0.attrs["Spec"]), s0.attrs["Spec"]["Labels"]["kind"],
          "Data" in s0.attrs["Spec"], isinstance(s0.version if hasattr(s0, "version") else 0, int))
    got = client.secrets.get(s0.id)
    print("get", got == s0, hash(got) == hash(s0), got.name == s0.name, got is s0)
    print("get by name", client.secrets.get(s0.name).id == s0.id)
    mine = [x for x in client.secrets.list() if tag in x.name]
    print("list", sorted(short(x.name) for x in mine), all("Spec" in x.attrs and "Version" in x.attrs for x in mine))
    print("list label", sorted(short(x.name) for x in client.secrets.list(filters={"label": "kind=bin"}) if tag in x.name))
    print("list label key", len([x for x in client.secrets.list(filters={"label": "source"}) if tag in x.name]))
    print("list name prefix", sorted(short(x.name) for x in client.secrets.list(filters={"name": "pn03-db"}) if tag in x.name))
    print("list names", sorted(short(x.name) for x in client.secrets.list(
        filters={"names": ["pn03-greeting-" + tag, "pn03-api-key-" + tag]})))
    print("list id", [short(x.name) for x in client.secrets.list(filters={"id": secrets[1].id})])
    print("list two labels", sorted(short(x.name) for x in client.secrets.list(
        filters={"label": ["source=vault", "kind=text"]}) if tag in x.name))
    print("list none", client.secrets.list(filters={"label": "pn03-nothing-" + tag}))
    low = client.api.secrets(filters={"name": "pn03-tls-key-" + tag})
    print("low-level", type(low).__name__, [sorted(x)[:3] for x in low])
    print("inspect_secret", sorted(client.api.inspect_secret(secrets[3].id)["Spec"]))

    # --- configs, one of them a template ---
    c_plain = client.configs.create(name="pn03-app-" + tag, data="mode=plain\nlevel=3\n", labels=dict(LABELS, fmt="ini"))
    c_bytes = client.configs.create(name="pn03-blob-" + tag, data=b"\x01\x02\x03", labels=LABELS)
    c_tmpl = client.configs.create(
        name="pn03-tmpl-" + tag, labels=dict(LABELS, fmt="tmpl"), templating={"name": "golang"},
        data='svc={{ .Service.Name }} slot={{ .Task.Slot }} mode={{ env "APP_MODE" }} pw={{ secret "dbpw" }}\n')
    configs += [c_plain, c_bytes, c_tmpl]
    print("config created attrs", sorted(c_tmpl.attrs), sorted(c_tmpl.attrs["Spec"]), repr(c_plain) == "<Config: '%s'>" % c_plain.name)
    c_tmpl.reload()
    print("config templating", c_tmpl.attrs["Spec"].get("Templating"), c_tmpl.attrs["Spec"]["Labels"])
    print("config data", base64.b64decode(client.configs.get(c_plain.id).attrs["Spec"]["Data"]),
          base64.b64decode(client.configs.get(c_bytes.name).attrs["Spec"]["Data"]))
    print("config list", sorted(short(x.name) for x in client.configs.list() if tag in x.name))
    print("config list label", sorted(short(x.name) for x in client.configs.list(filters={"label": "fmt"}) if tag in x.name))
    print("config list name", [short(x.name) for x in client.configs.list(filters={"name": "pn03-tmpl-" + tag})])
    try:
        print("config list names", sorted(short(x.name) for x in client.configs.list(filters={"names": ["pn03-app-" + tag]})))
    except APIError as e:
        err("config list names", e)
    print("config list id", [short(x.name) for x in client.configs.list(filters={"id": c_bytes.id})])
    print("config low-level", [base64.b64decode(x["Spec"]["Data"]) for x in client.api.configs(filters={"name": "pn03-app-" + tag})])

    # --- a service using them, file modes and owners, a templated config ---
    pw = secrets[0]
    svc = client.services.create(
        IMAGE, ["sh", "-c", "for f in /run/secrets/dbpw /run/secrets/key /etc/app.ini /etc/rendered.conf; do"
                            " stat -c '%n %a %u %g %s' $f; done; cat /etc/rendered.conf; cat /run/secrets/dbpw; echo;"
                            " sleep 300"],
        name="pn03-svc-" + tag, labels=LABELS, container_labels=LABELS, env=["APP_MODE=staging"],
        secrets=[SecretReference(pw.id, pw.name, filename="dbpw", uid="1000", gid="1001", mode=0o400),
                 SecretReference(secrets[1].id, secrets[1].name, filename="key", mode=0o440)],
        configs=[ConfigReference(c_plain.id, c_plain.name, filename="/etc/app.ini", uid="0", gid="0", mode=0o644),
                 ConfigReference(c_tmpl.id, c_tmpl.name, filename="/etc/rendered.conf", mode=0o600)],
        mode=ServiceMode("replicated", replicas=1), restart_policy=RestartPolicy(condition="any"))
    services.append(svc)

    def lines():
        out = b"".join(svc.logs(stdout=True, stderr=True))
        got = [l.strip().decode().replace(tag, "TAG") for l in out.splitlines() if l.strip()]
        return got if len(got) >= 6 else None
    print("service sees", wait(lines, 60))

    # rotating a secret: a new version, the service switched over, the old one removed
    pw2 = client.secrets.create(name="pn03-db-password-v2-" + tag, data="n3w-s3cr3t", labels=LABELS)
    secrets.append(pw2)
    try:
        pw.remove()
        print("removed in use")
    except APIError as e:
        err("remove in use", e)
    try:
        c_tmpl.remove()
    except APIError as e:
        err("remove config in use", e)
    in_sequence(svc, lambda: svc.update(secrets=[SecretReference(pw2.id, pw2.name, filename="dbpw", mode=0o400),
                                                 SecretReference(secrets[1].id, secrets[1].name, filename="key",
                                                                 mode=0o440)]))
    svc.reload()
    print("rotated", [short(r["SecretName"]) for r in svc.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["Secrets"]],
          [short(r["ConfigName"]) for r in svc.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["Configs"]])

    def new_pw():
        out = b"".join(svc.logs(stdout=True, stderr=True))
        return b"n3w-s3cr3t" in out and b"pw=n3w-s3cr3t" in out
    print("new secret seen", wait(new_pw, 60))

    def freed():
        try:
            pw.remove()
            return True
        except APIError:
            return False
    print("old removed", wait(freed, 60))
    secrets.remove(pw)

    # --- content a sync script gets wrong (a missing vault entry is None) ---
    for what, data in [("data None", None), ("data int", 42), ("data bytearray", bytearray(b"x"))]:
        for kind, coll in (("secret", client.secrets), ("config", client.configs)):
            try:
                r = coll.create(name="pn03-data-" + tag, data=data, labels=LABELS)
                print(kind, what, "accepted")
                (secrets if kind == "secret" else configs).append(r)
            except AttributeError:
                print(kind, what, "AttributeError")
            except APIError as e:
                err(kind + " " + what, e)

    # --- what the engine refuses ---
    for what, fn in [
        ("get missing secret", lambda: client.secrets.get("pn03-none-" + tag)),
        ("get missing config", lambda: client.configs.get("pn03-none-" + tag)),
        ("remove missing secret", lambda: client.api.remove_secret("pn03-none-" + tag)),
        ("remove twice", lambda: client.api.remove_secret(pw.name)),
        ("duplicate secret", lambda: client.secrets.create(name=secrets[1].name, data=b"x", labels=LABELS)),
        ("duplicate config", lambda: client.configs.create(name=c_plain.name, data=b"x", labels=LABELS)),
        ("empty secret", lambda: client.secrets.create(name="pn03-empty-" + tag, data=b"", labels=LABELS)),
        ("huge secret", lambda: client.secrets.create(name="pn03-huge-" + tag, data=b"x" * 600000, labels=LABELS)),
        ("bad name", lambda: client.secrets.create(name="pn03 bad/name", data=b"x", labels=LABELS)),
        ("bad config name", lambda: client.configs.create(name="-pn03-" + tag, data=b"x", labels=LABELS)),
        ("unknown driver", lambda: client.secrets.create(name="pn03-drv-" + tag, data=b"x", labels=LABELS,
                                                         driver=DriverConfig("pn03-no-such-driver"))),
        ("bad templating", lambda: client.configs.create(name="pn03-badtmpl-" + tag, data=b"{{ nope }}",
                                                         labels=LABELS, templating={"name": "jinja"})),
        ("missing secret ref", lambda: client.services.create(
            IMAGE, ["true"], name="pn03-bad-" + tag, labels=LABELS,
            secrets=[SecretReference("pn03nosuchsecret", "pn03-nosuch-" + tag)])),
        ("missing config ref", lambda: client.services.create(
            IMAGE, ["true"], name="pn03-bad2-" + tag, labels=LABELS,
            configs=[ConfigReference("pn03nosuchconfig", "pn03-nosuch-" + tag)])),
    ]:
        try:
            r = fn()
            print(what, "accepted", type(r).__name__)
            {"Secret": secrets, "Config": configs, "Service": services}.get(type(r).__name__, []).append(r)
        except APIError as e:
            err(what, e)
finally:
    for svc in services:
        try:
            print("remove service", svc.remove())
        except NotFound:
            pass
    for svc in services:
        wait(lambda: not client.containers.list(all=True, sparse=True,
                                                filters={"label": "com.docker.swarm.service.id=" + svc.id}), 30)
    for x in secrets + configs:
        for _ in range(20):
            try:
                x.remove()
                break
            except NotFound:
                break
            except APIError:
                time.sleep(0.5)
    print("left", [x.name for x in client.secrets.list() + client.configs.list() if tag in x.name])
    if created:
        print("leave", client.swarm.leave(force=True))
        wait(lambda: client.info()["Swarm"]["LocalNodeState"] == "inactive", 30)
        wait(lambda: not net_exists("ingress"), 30)
        if not had_gwbridge:
            def gw_unused():
                for n in client.networks.list(names=["docker_gwbridge"]):
                    if n.name == "docker_gwbridge":
                        n.reload()
                        return not n.attrs.get("Containers")
                return True
            wait(gw_unused, 30)
            subprocess.run(["docker", "network", "rm", "docker_gwbridge"], capture_output=True, timeout=60)
print("done")
