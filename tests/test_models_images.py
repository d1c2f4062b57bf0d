"""High-level images (``client.images`` / ``Image`` / ``RegistryData``)
against the real engine and the local registry."""
from __future__ import annotations

import io
import os
from typing import Any, Iterator, List

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.models.images import Image, RegistryData
from conftest import (LABELS, REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, TEST_IMAGE,
                      docker_cli, unique)

GOOD = {"username": REGISTRY_USER, "password": REGISTRY_PASSWORD, "serveraddress": REGISTRY}


@pytest.fixture
def tags(dclient: clibdocker.DockerClient) -> Iterator[List[str]]:
    """Image references appended here are removed afterwards (by the CLI)."""
    made: List[str] = []
    yield made
    for t in made:
        try:
            docker_cli("rmi", "-f", t)
        except Exception:
            pass


def _run_exit(dclient: clibdocker.DockerClient, image: str, cmd: List[str]) -> int:
    c = dclient.containers.create(image, cmd, labels=LABELS)
    try:
        c.start()
        return int(c.wait(timeout=60)["StatusCode"])
    finally:
        c.remove(force=True)


def test_get_list_properties(dclient: clibdocker.DockerClient) -> None:
    img = dclient.images.get(TEST_IMAGE)
    assert isinstance(img, Image)
    assert TEST_IMAGE in img.tags
    assert img.id.startswith("sha256:")  # type: ignore[union-attr]
    assert img.short_id == img.id[:19]  # type: ignore[index]
    assert img.labels == (dclient.api.inspect_image(TEST_IMAGE)["Config"].get("Labels") or {})
    assert repr(img) == "<Image: '" + "', '".join(img.tags) + "'>"
    listed = dclient.images.list(name=TEST_IMAGE.split(":")[0])
    assert img in listed
    assert dclient.images.get(img.id) == img  # type: ignore[arg-type]
    hist = img.history()
    assert isinstance(hist, list) and hist and "Created" in hist[0]
    with pytest.raises(errors.ImageNotFound):
        dclient.images.get(unique("clibdocker-test/missing"))


def test_tag_save_remove_load(dclient: clibdocker.DockerClient, tags: List[str]) -> None:
    repo = unique("clibdocker-test/models-img")
    tags.append(f"{repo}:saved")
    img = dclient.images.get(TEST_IMAGE)
    assert img.tag(repo, "saved") is True
    img.reload()
    assert f"{repo}:saved" in img.tags
    with pytest.raises(errors.InvalidArgument):
        img.save(named="not-a-tag-of-it:x")
    data = b"".join(img.save(named=f"{repo}:saved"))
    assert data[257:262] == b"ustar"  # a tar
    dclient.images.remove(f"{repo}:saved")
    assert f"{repo}:saved" not in dclient.images.get(TEST_IMAGE).tags
    loaded = dclient.images.load(data)
    assert loaded == [img]
    assert f"{repo}:saved" in loaded[0].tags


def test_build_returns_image_and_logs_and_it_runs(dclient: clibdocker.DockerClient,
                                                  tags: List[str], tmp_path: Any) -> None:
    tag = f"{unique('clibdocker-test/models-build')}:1"
    tags.append(tag)
    (tmp_path / "Dockerfile").write_text(
        f"FROM {TEST_IMAGE}\nCOPY hello.txt /hello.txt\nRUN echo built > /built\n")
    (tmp_path / "hello.txt").write_text("hello from the context\n")
    img, logs = dclient.images.build(path=str(tmp_path), tag=tag, labels=LABELS, rm=True)
    assert isinstance(img, Image) and tag in img.tags
    assert img.labels["clibdocker-test"] == "1"
    msgs = list(logs)
    assert msgs and all(isinstance(m, dict) for m in msgs)
    assert any("Successfully" in (m.get("stream") or "") for m in msgs)
    assert _run_exit(dclient, tag, ["sh", "-c", "test \"$(cat /built)\" = built && "
                                                "grep -q 'from the context' /hello.txt"]) == 0


def test_build_from_fileobj_and_build_error(dclient: clibdocker.DockerClient,
                                            tags: List[str]) -> None:
    tag = f"{unique('clibdocker-test/models-build')}:fo"
    tags.append(tag)
    df = io.BytesIO(f"FROM {TEST_IMAGE}\nLABEL clibdocker-test=1\nCMD [\"true\"]\n".encode())
    img, _ = dclient.images.build(fileobj=df, tag=tag, rm=True)
    assert img.attrs["Config"]["Cmd"] == ["true"]
    mark = unique("models")
    bad = io.BytesIO(f"FROM {TEST_IMAGE}\nLABEL clibdocker-test=1 models={mark}\n"
                     "RUN echo oops; exit 3\n".encode())
    try:
        with pytest.raises(errors.BuildError) as ei:
            dclient.images.build(fileobj=bad, rm=True, forcerm=True)
        assert "3" in str(ei.value)
        log = list(ei.value.build_log)
        assert any("oops" in (m.get("stream") or "") for m in log if isinstance(m, dict))
    finally:  # the failed build's LABEL step stays as a dangling image
        dclient.images.prune(filters={"dangling": True, "label": f"models={mark}"})


def test_prune_dangling_built_image(dclient: clibdocker.DockerClient) -> None:
    mark = unique("models")
    df = io.BytesIO(f"FROM {TEST_IMAGE}\nLABEL clibdocker-test=1 models={mark}\n".encode())
    img, _ = dclient.images.build(fileobj=df, rm=True)
    assert img.tags == []
    res = dclient.images.prune(filters={"dangling": True, "label": f"models={mark}"})
    assert img.id in [d.get("Deleted") for d in res["ImagesDeleted"] or []]
    with pytest.raises(errors.ImageNotFound):
        dclient.images.get(img.id)  # type: ignore[arg-type]


def test_push_pull_registry_data(dclient: clibdocker.DockerClient, tags: List[str]) -> None:
    repo = f"{REGISTRY}/clibdocker-test/{unique('models')}"
    tags += [f"{repo}:a", f"{repo}:b"]
    dclient.images.get(TEST_IMAGE).tag(repo, "a")
    dclient.images.get(TEST_IMAGE).tag(repo, "b")
    for t in ("a", "b"):
        out = list(dclient.images.push(repo, tag=t, stream=True, decode=True, auth_config=GOOD))
        assert any((m.get("aux") or {}).get("Digest") for m in out)
    rd = dclient.images.get_registry_data(f"{repo}:a", auth_config=GOOD)
    assert isinstance(rd, RegistryData)
    assert rd.id.startswith("sha256:") and rd.short_id == rd.id[:19]  # type: ignore[union-attr]
    info = dclient.version()
    assert rd.has_platform(f"{info['Os']}/{info['Arch']}")
    assert not rd.has_platform("plan9/mips")
    with pytest.raises(errors.InvalidArgument):
        rd.has_platform("a/b/c/d")
    # pull: remove the local tags first so the image really comes from the registry
    docker_cli("rmi", f"{repo}:a", f"{repo}:b")
    pulled = dclient.images.pull(repo, tag="a", auth_config=GOOD)
    assert isinstance(pulled, Image) and f"{repo}:a" in pulled.tags
    all_tags = dclient.images.pull(repo, all_tags=True, auth_config=GOOD)
    assert isinstance(all_tags, list)
    assert {f"{repo}:a", f"{repo}:b"} <= {t for i in all_tags for t in i.tags}
    dclient.api.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
    docker_cli("rmi", f"{repo}:a")
    by_digest = rd.pull()
    assert by_digest == pulled
