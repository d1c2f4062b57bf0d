"""A job runner (the shape of CI executors and test-matrix drivers) that
spreads container jobs over worker processes and threads: a client factory
written to work with docker-py 6 and 7 (kwargs_from_env / TLSConfig
arguments 7.0 dropped, tried first), one client per forked worker made in
the pool initializer, spawned workers that make their own, a client made
before fork and closed so the children reconnect, a thread pool sharing one
client with a small max_pool_size next to threads that each make their own,
engine errors raised in a worker and re-raised in the parent, and workers
that meet an engine that is not there."""
import multiprocessing as mp
import os
import re
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
import docker
from docker import errors
from docker.tls import TLSConfig
from docker.utils import kwargs_from_env

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
TAG = os.environ.setdefault("PQ06_TAG", uuid.uuid4().hex[:8])
LABELS = {"clibdocker-test": "1", "pq06": TAG}


def make_client(environment=None, **kw):
    """docker-py 6 took use_ssh_client/assert_hostname here; 7 does not."""
    try:
        params = kwargs_from_env(environment=environment, use_ssh_client=False, assert_hostname=False)
        style = "6"
    except TypeError:
        params = kwargs_from_env(environment=environment)
        style = "7"
    return docker.DockerClient(**params, **kw), style


def tls_for(host):
    try:
        return TLSConfig(verify=False, assert_hostname=False), "6"
    except TypeError as e:
        return TLSConfig(verify=False), "7: " + str(e)


def clean(text):
    return re.sub("[0-9a-f]{64}", "<id>", str(text)).replace(TAG, "T")


# -- process workers ------------------------------------------------------------
WORKER = {}


def init_worker():
    WORKER["client"], WORKER["style"] = make_client(timeout=60)


def job(i):
    c = WORKER["client"]
    ctr = c.containers.run(IMAGE, ["sh", "-c", f"echo job{i}; exit {i % 3}"], detach=True, labels=LABELS,
                           name=f"clibdocker-test-pq06-p{i}-{TAG}")
    try:
        code = ctr.wait(timeout=60)["StatusCode"]
        return i, WORKER["style"], code, ctr.logs().decode().strip()
    finally:
        ctr.remove(force=True)


def spawned_job(i):
    c = docker.from_env(timeout=60)
    try:
        if i == 2:
            c.containers.get(f"clibdocker-test-pq06-missing-{TAG}")   # raises NotFound in the worker
        ctr = c.containers.create(IMAGE, "true", labels=LABELS, name=f"clibdocker-test-pq06-s{i}-{TAG}")
        ctr.remove()
        return i, c.ping(), sorted(ctr.labels.items()) == sorted(LABELS.items())
    finally:
        c.close()


def unreachable_job(i):
    """A worker whose engine is not there: the runner retries when the
    daemon looks like it is starting (refused) and gives up when its socket
    does not exist."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    host = ["unix:///nonexistent-pq06.sock", f"tcp://127.0.0.1:{port}"][i % 2]
    out = [i]
    for version in (None, "1.41"):
        try:
            docker.from_env(environment={"DOCKER_HOST": host}, version=version).ping()
            out.append("connected?")
        except (errors.DockerException, requests.exceptions.ConnectionError) as e:
            text = str(e)
            verdict = ("retry" if "Connection refused" in text else
                       "no daemon" if "No such file or directory" in text else "unknown")
            out.append((type(e).__name__, text.split(":")[0] if version is None else "", verdict))
    return tuple(out)


def inherited_job(i):
    c = INHERITED
    return i, c.ping(), len(c.containers.list(all=True, filters={"label": f"pq06={TAG}"})) >= 0


INHERITED = None


def main():
    global INHERITED
    client, style = make_client(timeout=60)
    print("factory style", style)
    tls, tstyle = tls_for("tcp://127.0.0.1:2376")
    print("tls style", tstyle, tls.verify)
    print("parent ping", client.ping())
    try:
        # forked workers, one client each
        with mp.get_context("fork").Pool(3, initializer=init_worker) as pool:
            print("fork jobs", sorted(pool.map(job, range(6))))
        # a client made before the fork, closed first: the children open their own connections
        INHERITED = docker.from_env()
        INHERITED.ping()
        INHERITED.close()
        with mp.get_context("fork").Pool(2) as pool:
            print("inherited", sorted(pool.map(inherited_job, range(4))))
        print("parent after fork", INHERITED.ping(), client.ping())
        # spawned workers build their own; an engine error crosses back to the parent
        with mp.get_context("spawn").Pool(2) as pool:
            results = [pool.apply_async(spawned_job, (i,)) for i in range(4)]
            for r in results:
                try:
                    print("spawn", r.get(timeout=120))
                except errors.NotFound as e:
                    print("spawn error", type(e).__name__, e.status_code, clean(e.explanation),
                          isinstance(e, errors.APIError), e.is_client_error())
            print("unreachable", pool.map(unreachable_job, range(2)))

        # threads sharing one client (a small pool: extra connections are dropped, not refused)
        shared = docker.DockerClient(base_url="unix:///var/run/docker.sock", version="auto", timeout=60,
                                     max_pool_size=2)

        def thread_job(i):
            ctr = shared.containers.run(IMAGE, ["sh", "-c", f"echo t{i}"], detach=True, labels=LABELS,
                                        name=f"clibdocker-test-pq06-t{i}-{TAG}")
            try:
                return i, ctr.wait(timeout=60)["StatusCode"], ctr.logs(), shared.api.inspect_container(ctr.id)["Name"]
            finally:
                ctr.remove(force=True)

        with ThreadPoolExecutor(max_workers=6) as ex:
            out = sorted(ex.map(thread_job, range(8)))
        print("threads shared", [(i, code, logs) for i, code, logs, _ in out])
        print("names", [clean(n) for _, _, _, n in out][:3])
        # threads making their own clients
        seen = []
        lock = threading.Lock()

        def own_client(i):
            c, st = make_client(timeout=30)
            try:
                r = (st, c.ping(), c.version()["ApiVersion"] == client.version()["ApiVersion"])
            finally:
                c.close()
            with lock:
                seen.append(r)

        threads = [threading.Thread(target=own_client, args=(i,)) for i in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("threads own", sorted(set(seen)), len(seen))
        shared.close()
        print("left", client.containers.list(all=True, filters={"label": f"pq06={TAG}"}))
    finally:
        for c in client.containers.list(all=True, filters={"label": f"pq06={TAG}"}):
            c.remove(force=True)
        client.close()
    print("done")


if __name__ == "__main__":
    main()
