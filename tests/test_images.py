"""Image API against the real engines: list, inspect, history, tag, remove,
prune, commit, save/load, import, attestations, and bad input."""
from __future__ import annotations

import io
import json
import os
import tarfile

import pytest

from clibdocker import errors
from conftest import LABELS, TEST_IMAGE, docker_cli, unique


def _build_image(client, label_value, tag=None, content="x", extra=""):
    """A small image of our own: FROM the test image, one file, labels."""
    df = (f"FROM {TEST_IMAGE}\nRUN echo {content} > /content.txt\n{extra}"
          f"LABEL clibdocker-test=1 clibdocker-test.u={label_value}\n")
    log = list(client.build(fileobj=io.BytesIO(df.encode()), tag=tag, decode=True,
                            rm=True, forcerm=True))
    ids = [m["aux"]["ID"] for m in log if isinstance(m, dict) and "aux" in m]
    assert ids, log
    return ids[-1]


def _remove(client, *names):
    for n in names:
        try:
            client.remove_image(n, force=True)
        except errors.NotFound:
            pass


@pytest.fixture
def image(client):
    """A fresh tagged image of our own, removed afterwards."""
    u = unique("u")
    tag = f"clibdocker-test/{unique('img')}:1"
    iid = _build_image(client, u, tag, content=u)
    yield {"id": iid, "tag": tag, "label": f"clibdocker-test.u={u}", "u": u}
    _remove(client, tag, iid)


@pytest.mark.op("ImageList")
def test_images_list_filters_quiet_all(client, image):
    res = client.images(filters={"label": image["label"]})
    assert [i["Id"] for i in res] == [image["id"]]
    assert image["tag"] in res[0]["RepoTags"]
    assert client.images(filters={"label": image["label"]}, quiet=True) == [image["id"]]
    assert client.images(name=image["tag"], quiet=True) == [image["id"]]
    assert client.images(name="clibdocker-test/none-" + image["u"]) == []
    everything = client.images(all=True, quiet=True)
    assert image["id"] in everything
    assert len(everything) >= len(client.images(quiet=True))
    with_digests = client.images(filters={"label": image["label"]}, digests=True)
    assert "RepoDigests" in with_digests[0]


@pytest.mark.op("ImageList")
def test_images_shared_size_is_gated(client, client2):
    with pytest.raises(errors.InvalidVersion) as ei:
        client.images(shared_size=True)
    assert "1.42" in str(ei.value)
    res = client2.images(name=TEST_IMAGE, shared_size=True)
    assert res and isinstance(res[0]["SharedSize"], int) and res[0]["SharedSize"] >= 0


@pytest.mark.op("ImageInspect")
def test_inspect_and_not_found(client, image):
    info = client.inspect_image(image["tag"])
    assert info["Id"] == image["id"]
    assert info["Config"]["Labels"]["clibdocker-test.u"] == image["u"]
    assert client.inspect_image(image["id"])["Id"] == image["id"]
    assert client.inspect_image({"Id": image["id"]})["Id"] == image["id"]
    with pytest.raises(errors.ImageNotFound) as ei:
        client.inspect_image("clibdocker-test/does-not-exist:" + image["u"])
    assert ei.value.status_code == 404
    with pytest.raises(errors.NullResource):
        client.inspect_image("")
    assert client.inspect_image({"ID": image["id"]})["Id"] == image["id"]
    # an Image model where its id belongs: docker-py's ValueError (its _url)
    from clibdocker.models.images import Image
    model = Image({"Id": image["id"]})
    for call in (client.inspect_image, client.history, lambda m: client.tag(m, "x/y")):
        with pytest.raises(ValueError, match=r"^Expected a string but found <Image: ") as ei:
            call(model)
        assert not isinstance(ei.value, errors.DockerException)


@pytest.mark.op("ImageHistory")
def test_history(client, image):
    h = client.history(image["tag"])
    assert h[0]["Id"] == image["id"]
    assert any("content.txt" in (layer.get("CreatedBy") or "") for layer in h)
    base = client.inspect_image(TEST_IMAGE)["Id"]
    assert any(layer["Id"] == base for layer in h)
    with pytest.raises(errors.ImageNotFound):
        client.history("clibdocker-test/does-not-exist:x")


@pytest.mark.op("ImageTag")
@pytest.mark.op("ImageDelete")
def test_tag_and_remove(client, image):
    repo = f"clibdocker-test/{unique('tag')}"
    assert client.tag(image["id"], repo, "t1") is True
    assert client.tag(image["tag"], repo) is True  # latest
    tags = client.inspect_image(image["id"])["RepoTags"]
    assert f"{repo}:t1" in tags and f"{repo}:latest" in tags
    res = client.remove_image(f"{repo}:t1")
    assert res == [{"Untagged": f"{repo}:t1"}]
    assert f"{repo}:t1" not in client.inspect_image(image["id"])["RepoTags"]
    client.remove_image(f"{repo}:latest")
    with pytest.raises(errors.ImageNotFound):
        client.tag("clibdocker-test/does-not-exist:x", repo, "t")
    with pytest.raises(errors.ImageNotFound):
        client.remove_image("clibdocker-test/does-not-exist:x")
    # an image with several tags needs force to be removed by id
    client.tag(image["id"], repo, "t2")
    with pytest.raises(errors.Conflict):
        client.remove_image(image["id"])
    res = client.remove_image(image["id"], force=True)
    assert {"Deleted": image["id"]} in res
    with pytest.raises(errors.ImageNotFound):
        client.inspect_image(image["id"])


@pytest.mark.op("ImageDelete")
def test_remove_noprune_keeps_untagged_parents(client):
    u = unique("u")
    tag = f"clibdocker-test/{unique('child')}:1"
    child = _build_image(client, u, tag, content="c")
    parent = client.inspect_image(child)["Parent"]  # the intermediate RUN image
    assert parent
    try:
        res = client.remove_image(tag, noprune=True)
        assert {"Deleted": child} in res
        assert {"Deleted": parent} not in res
        assert client.inspect_image(parent)["Id"] == parent  # kept
        res = client.remove_image(parent)  # untagged, unused: removed, pruned
        assert {"Deleted": parent} in res
        with pytest.raises(errors.ImageNotFound):
            client.inspect_image(parent)
    finally:
        _remove(client, tag, child, parent)


@pytest.mark.op("ImagePrune")
def test_prune_dangling_with_label(client):
    u = unique("u")
    dangling = _build_image(client, u, None, content=u)  # no tag: dangling
    keep = _build_image(client, u, f"clibdocker-test/{unique('keep')}:1", content=u + "k")
    try:
        res = client.prune_images(filters={"dangling": True,
                                           "label": f"clibdocker-test.u={u}"})
        deleted = [d.get("Deleted") for d in res["ImagesDeleted"] or []]
        assert dangling in deleted
        assert keep not in deleted
        assert isinstance(res["SpaceReclaimed"], int)
        with pytest.raises(errors.ImageNotFound):
            client.inspect_image(dangling)
        assert client.inspect_image(keep)["Id"] == keep
        res = client.prune_images(filters={"label": "clibdocker-test.u=" + unique("none")})
        assert not res["ImagesDeleted"]
    finally:
        _remove(client, keep, dangling)


@pytest.mark.op("ImageCommit")
def test_commit_changes_config_and_runs(client):
    cname = unique("commit")
    repo = f"clibdocker-test/{unique('committed')}"
    docker_cli("run", "--name", cname, "--label", "clibdocker-test=1", TEST_IMAGE,
               "sh", "-c", "echo committed-content > /c.txt")
    try:
        res = client.commit(cname, repository=repo, tag="v1", message="a message",
                            author="clibdocker tests", pause=False,
                            changes=["CMD cat /c.txt", "ENV FROM_CHANGES=yes"],
                            conf={"Labels": {"clibdocker-test": "1"}})
        assert res["Id"].startswith("sha256:")
        info = client.inspect_image(f"{repo}:v1")
        assert info["Id"] == res["Id"]
        assert info["Author"] == "clibdocker tests"
        assert info["Comment"] == "a message"
        assert "FROM_CHANGES=yes" in info["Config"]["Env"]
        assert info["Config"]["Labels"]["clibdocker-test"] == "1"
        out = docker_cli("run", "--rm", f"{repo}:v1")
        assert out.strip() == "committed-content"
        # pause defaults to True, and a single string of changes works
        res2 = client.commit(cname, repository=repo, tag="v2", changes="CMD echo v2")
        assert client.inspect_image(f"{repo}:v2")["Config"]["Cmd"][-1] == "echo v2"
        assert res2["Id"] != res["Id"]
        with pytest.raises(errors.NotFound):
            client.commit("clibdocker-test-no-such-container-" + unique("x"))
    finally:
        docker_cli("rm", "-f", cname)
        _remove(client, f"{repo}:v1", f"{repo}:v2")


@pytest.mark.op("ImageGet")
@pytest.mark.op("ImageLoad")
def test_save_remove_load_round_trip(client, image, tmp_path):
    path = tmp_path / "img.tar"
    n = client.save_image(image["tag"], str(path))
    assert n == path.stat().st_size and n > 1024
    # the chunk generator gives the same bytes
    chunks = list(client.get_image(image["tag"], chunk_size=64 * 1024))
    assert all(len(c) <= 64 * 1024 for c in chunks)
    data = b"".join(chunks)
    assert len(data) == n
    with tarfile.open(path) as t:
        manifest = json.load(t.extractfile("manifest.json"))
    assert manifest[0]["RepoTags"] == [image["tag"]]
    client.remove_image(image["tag"])
    with pytest.raises(errors.ImageNotFound):
        client.inspect_image(image["id"])
    with open(path, "rb") as f:
        msgs = list(client.load_image(f))
    assert any(image["tag"] in (m.get("stream") or "") for m in msgs)
    assert client.inspect_image(image["tag"])["Id"] == image["id"]
    # bytes and quiet also work (the image is already there)
    msgs = list(client.load_image(data, quiet=True))
    assert client.inspect_image(image["tag"])["Id"] == image["id"]
    # the engine says "reference does not exist": NotFound, as docker-py reads it
    with pytest.raises(errors.NotFound):
        list(client.get_image("clibdocker-test/does-not-exist:x"))


@pytest.mark.op("ImageLoad")
def test_load_garbage_is_an_error(client):
    # as docker-py: the engine's error is the last message (images.load raises)
    msgs = list(client.load_image(b"this is not a tar archive" * 100))
    assert msgs and ("error" in msgs[-1] or "errorDetail" in msgs[-1]), msgs


@pytest.mark.op("ImageGetAll")
def test_get_images_several(client, image, tmp_path):
    other = f"clibdocker-test/{unique('other')}:2"
    client.tag(image["id"], other.split(":")[0], "2")
    try:
        data = b"".join(client.get_images([image["tag"], other]))
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            manifest = json.load(t.extractfile("manifest.json"))
        tags = {t for m in manifest for t in m["RepoTags"]}
        assert {image["tag"], other} <= tags
        path = tmp_path / "all.tar"
        with open(path, "wb") as f:
            n = client.save_image([image["tag"], other], f)
        assert n == len(data) == path.stat().st_size
        with pytest.raises(errors.InvalidArgument):
            client.get_images([])
    finally:
        _remove(client, other)


def _rootfs_tar(client, tmp_path):
    """The test image's filesystem plus /imported.txt, as a tar file."""
    cname = unique("export")
    docker_cli("create", "--name", cname, "--label", "clibdocker-test=1", TEST_IMAGE)
    try:
        path = tmp_path / "rootfs.tar"
        subprocess_out = docker_cli("export", "-o", str(path), cname)
        assert subprocess_out == ""
    finally:
        docker_cli("rm", "-f", cname)
    with tarfile.open(path, "a") as t:
        body = b"imported-content\n"
        info = tarfile.TarInfo("imported.txt")
        info.size = len(body)
        t.addfile(info, io.BytesIO(body))
    return path


@pytest.mark.op("ImageCreate")
def test_import_from_file_data_and_stream(client, tmp_path):
    path = _rootfs_tar(client, tmp_path)
    repo = f"clibdocker-test/{unique('imported')}"
    try:
        out = client.import_image_from_file(str(path), repository=repo, tag="file",
                                            changes=["CMD cat /imported.txt",
                                                     "LABEL clibdocker-test=1"])
        iid = json.loads(out.splitlines()[-1])["status"]
        assert client.inspect_image(f"{repo}:file")["Id"] == iid
        assert docker_cli("run", "--rm", f"{repo}:file").strip() == "imported-content"
        with open(path, "rb") as f:
            client.import_image_from_stream(f, repository=repo, tag="stream",
                                            changes="LABEL clibdocker-test=1")
        client.import_image_from_data(path.read_bytes(), repository=repo, tag="data",
                                      changes="LABEL clibdocker-test=1")
        for t in ("stream", "data"):
            assert client.inspect_image(f"{repo}:{t}")["RootFS"]["Layers"] == \
                client.inspect_image(f"{repo}:file")["RootFS"]["Layers"]
        with pytest.raises(errors.InvalidArgument):
            client.import_image_from_file(str(tmp_path / "missing.tar"))
        with pytest.raises(errors.APIError):
            client.import_image_from_data(b"not a tar" * 1000, repository=repo, tag="bad")
    finally:
        _remove(client, f"{repo}:file", f"{repo}:stream", f"{repo}:data")


@pytest.mark.op("ImageAttestations")
def test_attestations_gated(client, client2):
    for c in (client, client2):
        with pytest.raises(errors.InvalidVersion) as ei:
            c.image_attestations(TEST_IMAGE)
        assert "1.55" in str(ei.value)


@pytest.mark.op("ImageLoad")
def test_load_source_error_is_raised(client, image):
    data = b"".join(client.get_image(image["tag"]))

    class Broken(io.RawIOBase):
        def __init__(self):
            self.pos = 0

        def readable(self):
            return True

        def readinto(self, b):
            if self.pos > len(data) // 2:
                raise ValueError("the source broke")
            n = min(len(b), 4096)
            b[:n] = data[self.pos:self.pos + n]
            self.pos += n
            return n

    with pytest.raises(ValueError, match="the source broke"):
        list(client.load_image(Broken()))
    # the client still works
    assert client.inspect_image(image["tag"])["Id"] == image["id"]
