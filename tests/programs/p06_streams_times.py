"""Streams and times: logs since/until with datetimes, events with until,
stats without stream, timeouts caught as requests' exceptions."""
import datetime
import os
import time
import uuid

import docker
import requests

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
api = docker.APIClient(timeout=30)
start = datetime.datetime.now()
name = "clibdocker-test-p06-" + uuid.uuid4().hex[:8]
c = api.create_container(IMAGE, ["sh", "-c", "echo one; sleep 2; echo two; sleep 30"], name=name,
                         labels={"clibdocker-test": "1"})
try:
    api.start(c)
    time.sleep(3.5)
    print("logs all", api.logs(c).split())
    print("logs since future", api.logs(c, since=datetime.datetime.now() + datetime.timedelta(seconds=60)))
    print("logs since float", api.logs(c, since=time.time() - 1.0).split())
    print("logs until", api.logs(c, until=int(time.time()) - 2, timestamps=False).split()[:1])
    print("logs tail", api.logs(c, tail=1).split())
    gen = api.logs(c, stream=True, follow=False)
    print("logs stream", [x for x in gen])
    s = api.stats(c, stream=False)
    print("stats", "memory_stats" in s, "cpu_stats" in s)
    try:
        api.wait(c, timeout=1)
    except requests.exceptions.ConnectionError as e:
        print("wait timeout caught as requests ConnectionError")
    events = api.events(since=start, until=datetime.datetime.now(), decode=True,
                        filters={"container": name})
    print("events", sorted({e["Action"] for e in events} & {"create", "start"}))
    api.kill(c)
finally:
    api.remove_container(c, force=True)
print("done")
