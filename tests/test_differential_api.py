"""Differential tests of the low-level API (issue 10 item 5): every
``docker.APIClient`` method called the same way through docker-py 7.2.0 and
through clibdocker against the real engine must give the same result shape
and the same exception class. See tests/differential.py for what "the same
shape" means. Each side creates its own objects (unique names, label
``clibdocker-test=1``) and they are removed at the end.

The swarm cases need the ``swarm`` fixture: run this file under
``flock /tmp/clibdocker-swarm.lock``.
"""
from __future__ import annotations

import io
import os
import tarfile
import time
from typing import Any, List

import pytest

from differential import (AUTH, LABELS, MISSING, REGISTRY, TEST_IMAGE, Case, case,
                          plugin_dir_factory, push_plugin_setup, ref, run_case)
from swarm_fixture import swarm, wait_for  # noqa: F401 - the fixture

API: List[Case] = []
SWARM: List[Case] = []


def tar_of(files: dict) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in files.items():
            data = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def mk(s: Any, cmd: Any = "sleep 300", start: bool = False, **kw: Any) -> str:
    """A container of this side's library (not a recorded step)."""
    c = s.api.create_container(TEST_IMAGE, cmd, labels=kw.pop("labels", LABELS),
                               name=s.name("c"), **kw)
    cid = s.made("container", c)
    if start:
        s.api.start(cid)
    return cid


# --- containers ---------------------------------------------------------------------

@case(API, "APIClient.create_host_config", "APIClient.create_container", "APIClient.start",
      "APIClient.inspect_container", "APIClient.containers", "APIClient.top", "APIClient.logs",
      "APIClient.diff", "APIClient.port", "APIClient.stats", "APIClient.pause",
      "APIClient.unpause", "APIClient.update_container", "APIClient.rename",
      "APIClient.restart", "APIClient.kill", "APIClient.wait", "APIClient.stop",
      "APIClient.remove_container", "APIClient.resize")
def container_lifecycle(s: Any, rec: Any) -> None:
    a = s.api
    hc = rec("host_config", lambda: a.create_host_config(port_bindings={8080: None},
                                                          mem_limit="64m"), "client")
    c = a.create_container(TEST_IMAGE, ["sh", "-c", "echo out; echo err >&2; touch /x; sleep 300"],
                           labels=LABELS, name=s.name("c"), ports=[8080], host_config=hc)
    cid = s.made("container", c)
    rec.value("create", c, "client")
    rec("start", lambda: a.start(cid), "value")
    rec("inspect", lambda: a.inspect_container(cid))
    rec("inspect_by_dict", lambda: a.inspect_container({"Id": cid}))
    rec("list", lambda: a.containers(filters={"id": cid}))
    rec("list_all_quiet", lambda: a.containers(all=True, quiet=True, filters={"id": cid}),
        "client")
    rec("list_size", lambda: a.containers(size=True, filters={"id": cid}))
    rec("top", lambda: a.top(cid))
    rec("top_ps_args", lambda: a.top(cid, ps_args="-o pid"))
    time.sleep(0.5)
    rec("logs", lambda: a.logs(cid), "type")
    rec("logs_stream", lambda: a.logs(cid, stream=True, follow=False), "type")
    rec("logs_options", lambda: a.logs(cid, stdout=False, timestamps=True, tail=1,
                                       since=1), "type")
    rec("diff", lambda: a.diff(cid))
    rec("port", lambda: a.port(cid, 8080), "client")
    rec("port_unmapped", lambda: a.port(cid, 9999), "value")
    rec("stats_once", lambda: a.stats(cid, stream=False))
    rec("stats_one_shot", lambda: a.stats(cid, stream=False, one_shot=True))
    rec("stats_stream", lambda: a.stats(cid, decode=True), take=1)
    rec("stats_stream_raw", lambda: a.stats(cid), "type", take=1)
    rec("resize_no_tty", lambda: a.resize(cid, 20, 80))
    rec("pause", lambda: a.pause(cid), "value")
    rec("pause_again", lambda: a.pause(cid))
    rec("unpause", lambda: a.unpause(cid), "value")
    rec("update", lambda: a.update_container(cid, mem_limit="80m", memswap_limit="160m",
                                             restart_policy={"Name": "on-failure",
                                                             "MaximumRetryCount": 1}))
    rec("rename", lambda: a.rename(cid, s.name("renamed")), "value")
    rec("restart", lambda: a.restart(cid, timeout=0), "value")
    rec("kill_signal", lambda: a.kill(cid, signal="SIGKILL"), "value")
    rec("wait", lambda: a.wait(cid), "client")
    rec("wait_timeout_done", lambda: a.wait(cid, timeout=5, condition="not-running"), "client")
    rec("stop_stopped", lambda: a.stop(cid, timeout=1), "value")
    rec("remove", lambda: a.remove_container(cid, v=True), "value")
    rec("inspect_removed", lambda: a.inspect_container(cid))
    rec("stop_removed", lambda: a.stop(cid))
    rec("remove_removed", lambda: a.remove_container(cid))


@case(API, "APIClient.export", "APIClient.get_archive", "APIClient.put_archive",
      "APIClient.commit", "APIClient.prune_containers")
def container_files(s: Any, rec: Any) -> None:
    a = s.api
    plabel = f"clibdocker-test-diff={s.tag}"
    cid = mk(s, start=True, labels={**LABELS, "clibdocker-test-diff": s.tag})
    rec("put_archive", lambda: a.put_archive(cid, "/tmp", tar_of({"hello.txt": "hi\n"})),
        "value")
    rec("put_archive_missing_dir", lambda: a.put_archive(cid, "/nope/nope", tar_of({"a": "b"})))
    got = a.get_archive(cid, "/tmp/hello.txt")
    rec.value("get_archive_pair", got, "type")
    if isinstance(got, tuple) and len(got) == 2:
        rec.value("get_archive_stat", got[1], "client")
        rec("get_archive_stream", lambda: got[0], "type")
    rec("get_archive_chunked", lambda: a.get_archive(cid, "/etc", chunk_size=1024,
                                                     encode_stream=True)[0], "type", take=3)
    rec("get_archive_missing", lambda: a.get_archive(cid, "/nope"))
    rec("export", lambda: a.export(cid, chunk_size=65536), "type", take=2)
    img = rec("commit", lambda: a.commit(cid, repository=s.name("commit"), tag="t1",
                                         message="m", author="a", changes=["ENV X=1"],
                                         conf={"Labels": LABELS}), "client")
    if img:
        s.made("image", img)
    a.kill(cid)
    rec("prune", lambda: a.prune_containers(filters={"label": plabel}), "client")
    rec("prune_nothing", lambda: a.prune_containers(filters={"label": plabel}), "client")


@case(API, "APIClient.attach", "APIClient.attach_socket")
def container_attach(s: Any, rec: Any) -> None:
    a = s.api
    cid = mk(s, ["sh", "-c", "sleep 1; echo out; echo err >&2"])
    a.start(cid)
    # attached while it runs: the stream ends when the container exits
    rec("attach_stream", lambda: a.attach(cid, stream=True), "type")
    a.wait(cid)
    rec("attach_logs", lambda: a.attach(cid, logs=True, stream=False), "type")
    rec("attach_demux", lambda: a.attach(cid, logs=True, demux=True), "type")
    live = mk(s, "sleep 300", stdin_open=True)
    a.start(live)
    sock = rec("attach_socket", lambda: a.attach_socket(live, params={"stdin": 1,
                                                                      "stream": 1}))
    if sock is not None:
        sock.close()
    rec("attach_missing", lambda: a.attach(MISSING, logs=True))


@case(API, "APIClient.exec_create", "APIClient.exec_start", "APIClient.exec_inspect",
      "APIClient.exec_resize")
def exec_calls(s: Any, rec: Any) -> None:
    a = s.api
    cid = mk(s, start=True)
    e = rec("create", lambda: a.exec_create(cid, ["sh", "-c", "echo out; echo err >&2"],
                                            environment={"A": "1"}, workdir="/"))
    eid = e["Id"] if e else None
    rec("start", lambda: a.exec_start(eid), "type")
    rec("inspect", lambda: a.exec_inspect(eid))
    rec("inspect_dict", lambda: a.exec_inspect({"Id": eid}))
    e2 = a.exec_create(cid, ["sh", "-c", "echo out; echo err >&2"])
    rec("start_stream", lambda: a.exec_start(e2, stream=True), "type")
    e3 = a.exec_create(cid, ["sh", "-c", "echo out; echo err >&2"])
    rec("start_demux", lambda: a.exec_start(e3, demux=True), "type")
    e4 = a.exec_create(cid, ["sh", "-c", "echo out; echo err >&2"])
    rec("start_stream_demux", lambda: a.exec_start(e4, stream=True, demux=True), "type")
    e5 = a.exec_create(cid, "sleep 2", tty=True)
    rec("start_detach", lambda: a.exec_start(e5, detach=True, tty=True), "type")
    rec("resize", lambda: a.exec_resize(e5, height=20, width=80), "value")
    e6 = a.exec_create(cid, "cat", stdin=True)
    sock = rec("start_socket", lambda: a.exec_start(e6, socket=True))
    if sock is not None:
        sock.close()
    rec("inspect_missing", lambda: a.exec_inspect(MISSING))
    rec("start_missing", lambda: a.exec_start(MISSING))
    rec("create_missing_container", lambda: a.exec_create(MISSING, "true"))
    a.kill(cid)
    a.wait(cid)
    rec("create_stopped", lambda: a.exec_create(cid, "true"))


@case(API, "APIClient.create_container_config", "APIClient.create_container_from_config",
      "APIClient.create_endpoint_config", "APIClient.create_networking_config")
def container_configs(s: Any, rec: Any) -> None:
    a = s.api
    cfg = rec("container_config", lambda: a.create_container_config(
        TEST_IMAGE, "true", labels=LABELS, environment={"A": "1"}, ports=[80]), "client")
    c = rec("from_config", lambda: a.create_container_from_config(cfg, s.name("cfg")),
            "client")
    if c:
        s.made("container", c)
    ep = rec("endpoint_config", lambda: a.create_endpoint_config(aliases=["x"],
                                                                 links={"a": "b"}), "client")
    rec("networking_config", lambda: a.create_networking_config({"bridge": ep}), "client")
    rec("endpoint_config_bad", lambda: a.create_endpoint_config(ipv4_address="10.0.0.1",
                                                                link_local_ips="x"))


@case(API, "APIClient.create_container", "APIClient.create_host_config")
def container_errors(s: Any, rec: Any) -> None:
    a = s.api
    rec("inspect_missing", lambda: a.inspect_container(MISSING))
    rec("inspect_empty", lambda: a.inspect_container(""))
    rec("inspect_none", lambda: a.inspect_container(None))
    rec("inspect_dict_no_id", lambda: a.inspect_container({"Name": "x"}))
    rec("start_missing", lambda: a.start(MISSING))
    rec("start_hostconfig_kwargs", lambda: a.start(MISSING, publish_all_ports=True))
    rec("create_missing_image",
        lambda: a.create_container("clibdocker-test/nonexistent:nope", "true", labels=LABELS))
    rec("create_unknown_kwarg", lambda: a.create_container(TEST_IMAGE, bogus=1))
    rec("host_config_bad_mem", lambda: a.create_host_config(mem_limit="lots"))
    rec("host_config_bad_kwarg", lambda: a.create_host_config(bogus=1))
    rec("host_config_bad_type", lambda: a.create_host_config(dns_opt="x"))
    rec("host_config_bad_restart", lambda: a.create_host_config(volumes_from="x", cpu_period="x"))
    cid = mk(s, start=True)
    rec("remove_running", lambda: a.remove_container(cid))
    name = a.inspect_container(cid)["Name"].lstrip("/")
    rec("create_duplicate_name",
        lambda: s.made("container", a.create_container(TEST_IMAGE, "true", name=name,
                                                       labels=LABELS)))
    rec("kill_bad_signal", lambda: a.kill(cid, signal="SIGNOPE"))
    rec("logs_bad_since", lambda: a.logs(cid, since="yesterday"))
    rec("logs_bad_tail", lambda: a.logs(cid, tail="many"), "type")
    rec("wait_missing", lambda: a.wait(MISSING))
    rec("update_bad_restart", lambda: a.update_container(cid, restart_policy={"Name": "bogus"}))
    rec("rename_taken", lambda: a.rename(cid, name))
    rec("port_bad", lambda: a.port(cid, "notaport"), "value")
    rec("stats_missing", lambda: a.stats(MISSING, stream=False))
    rec("top_missing", lambda: a.top(MISSING))
    rec("commit_missing", lambda: a.commit(MISSING))


@case(API, "APIClient.logs", "APIClient.wait", "APIClient.prune_builds",
      "APIClient.inspect_distribution", "APIClient.configs", version="1.29")
def version_gates(s: Any, rec: Any) -> None:
    a = s.api
    rec("api_version", lambda: a.api_version, "value")
    cid = mk(s, "true")
    rec("logs_until", lambda: a.logs(cid, until=int(time.time())))
    rec("wait_condition", lambda: a.wait(cid, condition="next-exit"))
    rec("prune_builds_all", lambda: a.prune_builds(all=True))
    rec("inspect_distribution", lambda: a.inspect_distribution(TEST_IMAGE))
    rec("configs", lambda: a.configs())
    rec("too_old", lambda: s.mod.APIClient(version="1.23"))
    rec("bad_version", lambda: s.mod.APIClient(version="abc"))


# --- images ---------------------------------------------------------------------------

@case(API, "APIClient.images", "APIClient.inspect_image", "APIClient.history", "APIClient.tag",
      "APIClient.remove_image", "APIClient.get_image", "APIClient.load_image",
      "APIClient.prune_images")
def images(s: Any, rec: Any) -> None:
    a = s.api
    repo = s.name("tag")
    rec("list", lambda: a.images(name=TEST_IMAGE))
    rec("list_quiet", lambda: a.images(name=TEST_IMAGE, quiet=True), "client")
    rec("list_filters", lambda: a.images(filters={"reference": TEST_IMAGE}, all=True))
    rec("inspect", lambda: a.inspect_image(TEST_IMAGE))
    rec("history", lambda: a.history(TEST_IMAGE))
    rec("tag", lambda: a.tag(TEST_IMAGE, repo, "v1"), "value")
    s.made("image", f"{repo}:v1")
    rec("tag_force", lambda: a.tag(TEST_IMAGE, f"{repo}:v2", force=True), "value")
    s.made("image", f"{repo}:v2")
    rec("remove_tag", lambda: a.remove_image(f"{repo}:v2"))
    rec("remove_tag_again", lambda: a.remove_image(f"{repo}:v2"))
    data = rec("get_image", lambda: a.get_image(f"{repo}:v1", chunk_size=1 << 20), "type")
    if data:
        blob = b"".join(data)
        rec("load", lambda: a.load_image(blob))
        rec("load_quiet", lambda: a.load_image(blob, quiet=True))
    rec("load_garbage", lambda: a.load_image(b"not a tar"))
    rec("remove_noprune", lambda: a.remove_image(f"{repo}:v1", noprune=True))
    rec("prune", lambda: a.prune_images(filters={"label": f"clibdocker-test-diff={s.tag}"}),
        "client")
    rec("prune_dangling", lambda: a.prune_images(filters={"dangling": True,
                                                          "label": "clibdocker-none=1"}),
        "client")


@case(API, "APIClient.import_image", "APIClient.import_image_from_data",
      "APIClient.import_image_from_file", "APIClient.import_image_from_stream",
      "APIClient.import_image_from_url", "APIClient.import_image_from_image",
      "APIClient.search")
def image_imports(s: Any, rec: Any) -> None:
    a = s.api
    tar = tar_of({"hello.txt": "hi\n"})
    path = os.path.join("/tmp", s.name("import") + ".tar")
    with open(path, "wb") as f:
        f.write(tar)
    try:
        repo = s.name("imp")
        rec("from_data", lambda: a.import_image_from_data(tar, repository=repo, tag="d"), "type")
        s.made("image", f"{repo}:d")
        rec("from_file", lambda: a.import_image_from_file(path, repository=repo, tag="f",
                                                          changes=["ENV A=1"]), "type")
        s.made("image", f"{repo}:f")
        rec("from_stream", lambda: a.import_image_from_stream(io.BytesIO(tar), repository=repo,
                                                              tag="s"), "type")
        s.made("image", f"{repo}:s")
        rec("import_src_path", lambda: a.import_image(src=path, repository=repo, tag="p"),
            "type")
        s.made("image", f"{repo}:p")
        rec("import_stream_src", lambda: a.import_image(src=io.BytesIO(tar), repository=repo,
                                                        tag="q", stream_src=True), "type")
        s.made("image", f"{repo}:q")
        rec("inspect_imported", lambda: a.inspect_image(f"{repo}:d"))
        rec("from_url", lambda: a.import_image_from_url("http://127.0.0.1:9/x.tar",
                                                        repository=repo, tag="u"))
        rec("from_image", lambda: a.import_image_from_image(f"{REGISTRY}/{MISSING}",
                                                            repository=repo, tag="i"))
        rec("import_both", lambda: a.import_image(src=path, image="x"))
        rec("search", lambda: a.search("busybox", limit=1))
    finally:
        os.unlink(path)


@case(API, "APIClient.build", "APIClient.prune_builds")
def build(s: Any, rec: Any) -> None:
    a = s.api
    repo = s.name("build")
    df = f"FROM {TEST_IMAGE}\nLABEL clibdocker-test=1\nRUN echo hi > /x\n"
    rec("build_fileobj", lambda: a.build(fileobj=io.BytesIO(df.encode()), tag=f"{repo}:a",
                                         rm=True, decode=True, labels=LABELS), "type")
    s.made("image", f"{repo}:a")
    rec("build_raw", lambda: a.build(fileobj=io.BytesIO(df.encode()), tag=f"{repo}:b",
                                     rm=True, forcerm=True, quiet=True), "type")
    s.made("image", f"{repo}:b")
    ctx = tar_of({"Dockerfile": df.replace("RUN echo hi", "COPY f") + "\n", "f": "x"})
    rec("build_custom_context", lambda: a.build(fileobj=io.BytesIO(ctx), custom_context=True,
                                                tag=f"{repo}:c", rm=True, decode=True,
                                                buildargs={"A": "1"}), "type")
    s.made("image", f"{repo}:c")
    rec("build_fails", lambda: a.build(fileobj=io.BytesIO(
        f"FROM {TEST_IMAGE}\nRUN exit 3\n".encode()), rm=True, forcerm=True, decode=True))
    rec("build_nothing", lambda: a.build())
    rec("build_bad_path", lambda: a.build(path="/nonexistent/ctx"))
    rec("build_gzip_encoding", lambda: a.build(fileobj=io.BytesIO(ctx), custom_context=True,
                                               gzip=True, encoding="identity"))
    rec("build_bad_mem", lambda: a.build(fileobj=io.BytesIO(df.encode()),
                                         container_limits={"bogus": 1}))
    # the keys only: whichever client prunes first takes what the engine's
    # BuildKit cache held (20.10 prunes some records whatever the label
    # filter), the second finds CachesDeleted null
    rec("prune_builds", lambda: sorted(a.prune_builds(filters={"label": "clibdocker-none=1"})),
        "value")


@case(API, "APIClient.login", "APIClient.push", "APIClient.pull",
      "APIClient.inspect_distribution")
def registry(s: Any, rec: Any) -> None:
    a = s.api
    repo = f"{REGISTRY}/clibdocker-test/{s.name('reg')}"
    s.made("repo", repo)   # every tag and digest reference, at the end
    a.tag(TEST_IMAGE, repo, "v1")
    s.made("image", f"{repo}:v1")
    rec("push_noauth", lambda: a.push(repo, tag="v1"), "type")
    rec("login_bad", lambda: a.login(AUTH["username"], "wrong", registry=REGISTRY,
                                     reauth=True))
    rec("push", lambda: a.push(repo, tag="v1", auth_config=AUTH), "type")
    rec("push_stream", lambda: a.push(repo, tag="v1", stream=True, decode=True,
                                      auth_config=AUTH), "type")
    rec("push_stream_raw", lambda: a.push(repo, tag="v1", stream=True, auth_config=AUTH),
        "type")
    rec("distribution", lambda: a.inspect_distribution(f"{repo}:v1", auth_config=AUTH))
    rec("distribution_noauth", lambda: a.inspect_distribution(f"{repo}:v1"))
    a.remove_image(f"{repo}:v1")
    rec("pull", lambda: a.pull(repo, tag="v1", auth_config=AUTH), "type")
    rec("pull_stream", lambda: a.pull(repo, tag="v1", stream=True, decode=True,
                                      auth_config=AUTH), "type")
    rec("pull_platform", lambda: a.pull(f"{repo}:v1", platform="linux/amd64",
                                        auth_config=AUTH), "type")
    rec("pull_all_tags", lambda: a.pull(repo, all_tags=True, auth_config=AUTH), "type")
    rec("pull_missing", lambda: a.pull(repo, tag="nope", auth_config=AUTH))
    rec("pull_noauth", lambda: a.pull(repo, tag="v1"))
    rec("login", lambda: a.login(AUTH["username"], AUTH["password"], registry=REGISTRY))
    rec("login_again", lambda: a.login(AUTH["username"], AUTH["password"], registry=REGISTRY))
    rec("push_after_login", lambda: a.push(repo, tag="v1"), "type")


# --- networks and volumes ---------------------------------------------------------------

@case(API, "APIClient.create_network", "APIClient.networks", "APIClient.inspect_network",
      "APIClient.connect_container_to_network", "APIClient.disconnect_container_from_network",
      "APIClient.remove_network", "APIClient.prune_networks")
def networks(s: Any, rec: Any) -> None:
    a = s.api
    name = s.name("net")
    n = rec("create", lambda: a.create_network(name, labels={**LABELS,
                                                             "clibdocker-test-diff": s.tag},
                                               driver="bridge", attachable=True))
    nid = s.made("network", n)
    rec("create_dup_checked", lambda: s.made("network", a.create_network(
        name, check_duplicate=True, labels=LABELS)))
    rec("list_names", lambda: a.networks(names=[name]))
    rec("list_ids", lambda: a.networks(ids=[nid]))
    rec("list_filters", lambda: a.networks(filters={"label": f"clibdocker-test-diff={s.tag}"}))
    rec("inspect", lambda: a.inspect_network(nid))
    rec("inspect_verbose", lambda: a.inspect_network(nid, verbose=True, scope="local"))
    cid = mk(s, start=True)
    rec("connect", lambda: a.connect_container_to_network(cid, nid, aliases=["al"],
                                                          links=[]), "value")
    rec("connect_again", lambda: a.connect_container_to_network(cid, nid))
    rec("disconnect", lambda: a.disconnect_container_from_network(cid, nid, force=True),
        "value")
    rec("connect_missing_container", lambda: a.connect_container_to_network(MISSING, nid))
    rec("inspect_missing", lambda: a.inspect_network(MISSING))
    rec("remove", lambda: a.remove_network(nid), "value")
    rec("remove_missing", lambda: a.remove_network(nid))
    rec("create_bad_driver", lambda: s.made("network", a.create_network(
        s.name("bad"), driver="nonexistent-driver", labels=LABELS)))
    rec("create_bad_ipam", lambda: a.create_network(s.name("bad"), ipam="notadict"))
    n2 = a.create_network(s.name("prune"), labels={**LABELS, "clibdocker-test-diff": s.tag})
    s.made("network", n2)
    rec("prune", lambda: a.prune_networks(filters={"label": f"clibdocker-test-diff={s.tag}"}),
        "client")


@case(API, "APIClient.create_volume", "APIClient.volumes", "APIClient.inspect_volume",
      "APIClient.remove_volume", "APIClient.prune_volumes")
def volumes(s: Any, rec: Any) -> None:
    a = s.api
    name = s.name("vol")
    labels = {**LABELS, "clibdocker-test-diff": s.tag}
    v = rec("create", lambda: a.create_volume(name, driver="local", labels=labels))
    s.made("volume", name)
    rec("create_again", lambda: a.create_volume(name, labels=labels))
    rec("create_other_driver", lambda: a.create_volume(name, driver="nope-driver"))
    rec("create_bad_labels", lambda: a.create_volume(s.name("bad"), labels=["a"]))
    rec("list", lambda: a.volumes(filters={"name": name}))
    rec("inspect", lambda: a.inspect_volume(name))
    rec("inspect_missing", lambda: a.inspect_volume(MISSING))
    cid = mk(s, "true", host_config=a.create_host_config(binds={name: {"bind": "/v"}}))
    rec("remove_in_use", lambda: a.remove_volume(name))
    a.remove_container(cid)
    rec("remove", lambda: a.remove_volume(name), "value")
    rec("remove_missing", lambda: a.remove_volume(name))
    rec("remove_missing_force", lambda: a.remove_volume(name, force=True), "value")
    a.create_volume(s.name("prune"), labels=labels)
    rec("prune", lambda: a.prune_volumes(filters={"label": f"clibdocker-test-diff={s.tag}"}),
        "client")
    _ = v


# --- system -----------------------------------------------------------------------------

@case(API, "APIClient.info", "APIClient.version", "APIClient.ping", "APIClient.df",
      "APIClient.events")
def system(s: Any, rec: Any) -> None:
    a = s.api
    rec("info", lambda: a.info())
    rec("version", lambda: a.version())
    rec("version_unversioned", lambda: a.version(api_version=False))
    rec("ping", lambda: a.ping(), "value")
    rec("df", lambda: a.df())
    t0 = int(time.time())
    mk(s, "true")
    t1 = int(time.time()) + 1
    rec("events", lambda: a.events(since=t0, until=t1, decode=True,
                                   filters={"label": "clibdocker-test=1"}), take=1)
    rec("events_raw", lambda: a.events(since=t0, until=t1), "type", take=1)
    stream = a.events(decode=True)
    rec.value("events_live_close", hasattr(stream, "close"), "value")
    stream.close()
    rec("events_bad_since", lambda: a.events(since="x", until=t1))


# --- plugins ------------------------------------------------------------------------------

@case(API, "APIClient.plugins", "APIClient.inspect_plugin", "APIClient.create_plugin",
      "APIClient.configure_plugin", "APIClient.enable_plugin", "APIClient.disable_plugin",
      "APIClient.remove_plugin", "APIClient.push_plugin", "APIClient.pull_plugin",
      "APIClient.plugin_privileges", "APIClient.upgrade_plugin")
def plugins(s: Any, rec: Any) -> None:
    a = s.api
    base = f"{REGISTRY}/clibdocker-test/{s.name('plg')}"
    name, other = f"{base}:v1", f"{base}:v2"
    a.login(AUTH["username"], AUTH["password"], registry=REGISTRY)
    rec("create", lambda: a.create_plugin(name, str(s.extra("v1"))), "value")
    s.made("plugin", name)
    rec("create_again", lambda: a.create_plugin(name, str(s.extra("v1"))))
    # only this side's plugin: the engine lists the other side's too, in no
    # fixed order, and a pulled one carries PluginReference
    rec("list", lambda: [p for p in a.plugins() if p.get("Name") == name])
    rec("inspect", lambda: a.inspect_plugin(name))
    rec("inspect_missing", lambda: a.inspect_plugin(MISSING))
    rec("configure", lambda: a.configure_plugin(name, {"GREETING": "diff"}), "value")
    rec("configure_fixed", lambda: a.configure_plugin(name, {"FIXED": "y"}))
    rec("enable", lambda: a.enable_plugin(name, timeout=30), "value")
    rec("enable_again", lambda: a.enable_plugin(name))
    rec("remove_enabled", lambda: a.remove_plugin(name))
    rec("disable", lambda: a.disable_plugin(name), "value")
    rec("push", lambda: a.push_plugin(name), "type")
    push_plugin_setup(name)   # so docker-py's broken push does not skew the next steps
    rec("privileges", lambda: a.plugin_privileges(name))
    rec("privileges_missing", lambda: a.plugin_privileges(f"{base}:nope"))
    a.create_plugin(other, str(s.extra("v2")))
    s.made("plugin", other)
    push_plugin_setup(other)
    privs = a.plugin_privileges(other)
    rec("upgrade", lambda: a.upgrade_plugin(name, other, privs), "type")
    local = s.name("pulled")
    rec("pull", lambda: a.pull_plugin(name, privs, name=local), "type")
    s.made("plugin", local)
    rec("pull_missing", lambda: a.pull_plugin(f"{base}:nope", privs, name=s.name("x")))
    rec("remove", lambda: a.remove_plugin(local, force=True), "value")
    rec("remove_missing", lambda: a.remove_plugin(local))


# --- swarm ----------------------------------------------------------------------------------

@case(SWARM, "APIClient.inspect_swarm", "APIClient.init_swarm", "APIClient.join_swarm",
      "APIClient.leave_swarm", "APIClient.unlock_swarm", "APIClient.get_unlock_key",
      "APIClient.update_swarm", "APIClient.create_swarm_spec", "APIClient.nodes",
      "APIClient.inspect_node", "APIClient.update_node", "APIClient.remove_node",
      swarm=True)
def swarm_and_nodes(s: Any, rec: Any) -> None:
    a = s.api
    sw = rec("inspect", lambda: a.inspect_swarm())
    rec("spec", lambda: a.create_swarm_spec(snapshot_interval=5000, task_history_retention_limit=5,
                                            labels=LABELS), "client")
    rec("spec_bad", lambda: a.create_swarm_spec(bogus=1))
    rec("init_again", lambda: a.init_swarm(advertise_addr="127.0.0.1",
                                           listen_addr="127.0.0.1:2377"))
    rec("join_again", lambda: a.join_swarm(["127.0.0.1:2377"], "SWMTKN-1-bogus",
                                           listen_addr="127.0.0.1:2377"))
    rec("leave_manager", lambda: a.leave_swarm())
    rec("unlock_key", lambda: a.get_unlock_key())
    rec("unlock_not_locked", lambda: a.unlock_swarm("SWMKEY-1-bogus"))
    rec("unlock_bad_key_type", lambda: a.unlock_swarm(42))
    if sw:
        spec = a.create_swarm_spec(task_history_retention_limit=
                                   sw["Spec"]["Orchestration"].get("TaskHistoryRetentionLimit", 5))
        rec("update", lambda: a.update_swarm(version=sw["Version"]["Index"], swarm_spec=spec),
            "value")
        rec("update_stale", lambda: a.update_swarm(version=sw["Version"]["Index"],
                                                   swarm_spec=spec))
        rec("update_gated_param", lambda: a.update_swarm(
            version=a.inspect_swarm()["Version"]["Index"], rotate_worker_token=False,
            swarm_spec=a.create_swarm_spec(data_path_port=4789)))
    rec("nodes", lambda: a.nodes())
    rec("nodes_filtered", lambda: a.nodes(filters={"role": "manager"}))
    node = a.nodes()[0]
    rec("inspect_node", lambda: a.inspect_node(node["ID"]))
    rec("inspect_node_missing", lambda: a.inspect_node(MISSING))
    n = a.inspect_node(node["ID"])
    spec = dict(n["Spec"])
    rec("update_node", lambda: a.update_node(node["ID"], n["Version"]["Index"], spec), "value")
    rec("update_node_stale", lambda: a.update_node(node["ID"], n["Version"]["Index"], spec))
    rec("remove_node_missing", lambda: a.remove_node(MISSING))
    rec("remove_node_self", lambda: a.remove_node(node["ID"]))


@case(SWARM, "APIClient.create_service", "APIClient.services", "APIClient.inspect_service",
      "APIClient.update_service", "APIClient.tasks", "APIClient.inspect_task",
      "APIClient.service_logs", "APIClient.remove_service", swarm=True)
def services(s: Any, rec: Any) -> None:
    a, t = s.api, s.mod.types
    name = s.name("svc")
    tmpl = t.TaskTemplate(t.ContainerSpec(TEST_IMAGE, ["sleep", "300"], labels=LABELS),
                          restart_policy=t.RestartPolicy(condition="none"))
    svc = rec("create", lambda: a.create_service(tmpl, name=name, labels=LABELS,
                                                 mode=t.ServiceMode("replicated", replicas=1)))
    sid = s.made("service", svc)
    rec("create_dup", lambda: a.create_service(tmpl, name=name, labels=LABELS))
    rec("create_bad_template", lambda: a.create_service({"ContainerSpec": {}}, name=s.name("x")))
    rec("list", lambda: a.services(filters={"name": name}))
    rec("list_status", lambda: a.services(filters={"id": sid}, status=True))
    rec("inspect", lambda: a.inspect_service(sid))
    rec("inspect_defaults", lambda: a.inspect_service(sid, insert_defaults=True))
    rec("inspect_missing", lambda: a.inspect_service(MISSING))
    tasks = wait_for(lambda: a.tasks(filters={"service": sid}), 30, what="a task")
    rec("tasks", lambda: a.tasks(filters={"service": sid}))
    rec("inspect_task", lambda: a.inspect_task(tasks[0]["ID"]))
    rec("inspect_task_missing", lambda: a.inspect_task(MISSING))
    rec("logs", lambda: a.service_logs(sid, stdout=True, stderr=True, follow=False), "type")
    rec("logs_nothing", lambda: a.service_logs(sid))
    ver = a.inspect_service(sid)["Version"]["Index"]
    rec("update", lambda: a.update_service(sid, ver, tmpl, name=name, labels={**LABELS, "u": "1"},
                                           mode=t.ServiceMode("replicated", replicas=1)))
    rec("update_stale", lambda: a.update_service(sid, ver, tmpl, name=name))
    rec("update_fetch_current", lambda: a.update_service(
        sid, a.inspect_service(sid)["Version"]["Index"], labels=LABELS,
        fetch_current_spec=True, force_update=True))
    rec("remove", lambda: a.remove_service(sid), "value")
    rec("remove_missing", lambda: a.remove_service(sid))


@case(SWARM, "APIClient.create_secret", "APIClient.secrets", "APIClient.inspect_secret",
      "APIClient.remove_secret", "APIClient.create_config", "APIClient.configs",
      "APIClient.inspect_config", "APIClient.remove_config", swarm=True)
def secrets_configs(s: Any, rec: Any) -> None:
    a = s.api
    name = s.name("sec")
    sec = rec("create_secret", lambda: a.create_secret(name, b"data", labels=LABELS), "client")
    sid = s.made("secret", sec)
    rec("create_secret_str", lambda: s.made("secret", a.create_secret(
        s.name("sec"), "text data", labels=LABELS)), "type")
    rec("create_secret_dup", lambda: a.create_secret(name, b"x", labels=LABELS))
    rec("secrets", lambda: a.secrets(filters={"name": name}))
    rec("inspect_secret", lambda: a.inspect_secret(sid))
    rec("inspect_secret_missing", lambda: a.inspect_secret(MISSING))
    rec("remove_secret", lambda: a.remove_secret(sid), "value")
    rec("remove_secret_missing", lambda: a.remove_secret(sid))
    cname = s.name("cfg")
    cfg = rec("create_config", lambda: a.create_config(cname, b"data", labels=LABELS,
                                                       templating={"name": "golang"}),
              "client")
    cid = s.made("config", cfg)
    rec("create_config_dup", lambda: a.create_config(cname, b"data", labels=LABELS))
    rec("configs", lambda: a.configs(filters={"name": cname}))
    rec("inspect_config", lambda: a.inspect_config(cid))
    rec("inspect_config_missing", lambda: a.inspect_config(MISSING))
    rec("remove_config", lambda: a.remove_config(cid), "value")
    rec("remove_config_missing", lambda: a.remove_config(cid))


# --- running ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plugin_dirs(tmp_path_factory: Any) -> Any:
    return plugin_dir_factory(tmp_path_factory)


@pytest.mark.parametrize("c", API, ids=lambda c: c.name)
def test_api(c: Case, request: Any) -> None:
    extra = request.getfixturevalue("plugin_dirs") if c.name == "plugins" else None
    run_case(c, extra)


@pytest.mark.parametrize("c", SWARM, ids=lambda c: c.name)
def test_api_swarm(c: Case, swarm: Any) -> None:  # noqa: F811 - the fixture
    run_case(c)


def test_error_hierarchy() -> None:
    """Every docker.errors class exists in clibdocker.errors with the same
    bases among docker-py's own classes and the builtins (requests' bases,
    HTTPError and RequestException, aside: but OSError, which docker-py's
    APIError gets through them, counts: ``except OSError`` catches it)."""
    import inspect as ins

    import docker.errors as de

    import clibdocker.errors as ce
    diffs = []
    for n, k in vars(de).items():
        if not (ins.isclass(k) and issubclass(k, BaseException)) or k.__module__ != de.__name__:
            continue
        other = getattr(ce, n, None)
        if other is None:
            diffs.append(f"{n}: missing in clibdocker.errors")
            continue
        want = {b.__name__ for b in k.__mro__
                if b.__module__ in (de.__name__, "builtins") and b is not object}
        have = {b.__name__ for b in other.__mro__}
        if want - have:
            diffs.append(f"{n}: clibdocker's lacks the bases {sorted(want - have)}")
    assert not diffs, "\n".join(diffs)


_ = ref
