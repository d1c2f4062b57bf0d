"""In the style of Airflow's docker provider: low-level APIClient with
host config types, attach stream, wait, logs, remove."""
import os
import uuid

from docker import APIClient
from docker.types import LogConfig, Mount, Ulimit
from docker.errors import APIError

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
cli = APIClient(base_url="unix://var/run/docker.sock", version="auto", timeout=60)
print("ping", cli.ping())
print("api", cli.api_version >= "1.24")
vol = "clibdocker-test-p02-" + uuid.uuid4().hex[:8]
cli.create_volume(vol, labels={"clibdocker-test": "1"})
host_config = cli.create_host_config(
    auto_remove=False, mounts=[Mount(target="/data", source=vol, type="volume")],
    log_config=LogConfig(type=LogConfig.types.JSON, config={"max-size": "1m"}),
    ulimits=[Ulimit(name="nofile", soft=1024, hard=2048)], shm_size="64m")
c = cli.create_container(image=IMAGE, command=["sh", "-c", "echo line1; echo line2 >&2; ulimit -n; echo x > /data/f; exit 2"],
                         host_config=host_config, labels={"clibdocker-test": "1"},
                         environment={"AIRFLOW": "1"}, working_dir="/tmp", tty=False)
print("create keys", sorted(c))
try:
    lines = cli.attach(container=c["Id"], stdout=True, stderr=True, stream=True)
    cli.start(c["Id"])
    got = [l for l in lines]
    print("attach", sorted(b"".join(got).split()))
    result = cli.wait(c["Id"])
    print("wait", result["StatusCode"], sorted(result))
    print("logs", sorted(cli.logs(c["Id"], stdout=True, stderr=False).split()))
    print("logs err", cli.logs(c["Id"], stdout=False, stderr=True))
    insp = cli.inspect_container(c["Id"])
    print("inspect", insp["HostConfig"]["LogConfig"]["Type"], insp["HostConfig"]["ShmSize"],
          insp["Config"]["WorkingDir"], insp["HostConfig"]["Ulimits"])
    try:
        cli.start("clibdocker-test-no-such")
    except APIError as e:
        print("start missing", type(e).__name__, e.status_code, e.is_client_error())
finally:
    cli.remove_container(c["Id"], force=True)
    cli.remove_volume(vol)
print("done")
