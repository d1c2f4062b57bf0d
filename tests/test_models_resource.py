"""Models are tolerant views: missing fields read as None/empty, unknown
fields are kept, id-less models refuse actions before any request."""
from __future__ import annotations

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.models.configs import Config
from clibdocker.models.containers import Container
from clibdocker.models.images import Image, RegistryData
from clibdocker.models.networks import Network
from clibdocker.models.nodes import Node
from clibdocker.models.plugins import Plugin
from clibdocker.models.secrets import Secret
from clibdocker.models.services import Service
from clibdocker.models.swarm import Swarm
from clibdocker.models.volumes import Volume


def test_missing_fields_read_as_none_or_empty() -> None:
    c = Container({})
    assert (c.id, c.name, c.status, c.image) == (None, None, None, None)
    assert c.ports == {} and c.health == "unknown" and c.short_id == ""
    assert Container({"Labels": None}).labels == {}   # a sparse list entry without labels
    c2 = Container({"State": {"Health": None}, "Config": {"Labels": None},
                    "NetworkSettings": {"Ports": None}})
    assert c2.health == "unknown" and c2.labels == {} and c2.ports == {}
    i = Image({"RepoTags": None})
    assert i.tags == [] and i.labels == {} and i.short_id == ""
    assert RegistryData("x", {}).id is None
    for m in (Service({}), Node({}), Swarm({})):
        assert m.version is None and m.id is None
    assert Service({}).name is None and Secret({}).name is None and Config({}).name is None
    assert Network({}).name is None and Volume({}).name is None
    p = Plugin({})
    assert (p.name, p.enabled, p.settings) == (None, None, None)


def test_labels_unknown_without_config_ask_for_reload_like_docker_py() -> None:
    # neither inspect's Config nor a list entry's Labels: the labels are not
    # known (not empty); docker-py's DockerException, which programs catch
    # to reload()
    for attrs in ({}, {"Id": "a" * 64}, {"Id": "a" * 64, "State": "running"}):
        with pytest.raises(errors.DockerException, match=r"Call reload\(\) to retrieve"):
            Container(attrs).labels
    assert Container({"Config": {"Labels": {"a": "1"}}}).labels == {"a": "1"}
    assert Container({"Labels": {"b": "2"}}).labels == {"b": "2"}


def test_pre_2_0_call_and_api_method_on_docker_client_words(monkeypatch) -> None:
    dc = clibdocker.DockerClient(version="1.41")
    with pytest.raises(TypeError, match="use clibdocker.APIClient"):
        dc.containers()
    with pytest.raises(AttributeError, match=r"use client\.api\.create_container"):
        dc.create_container
    # a program written for docker-py (import docker is clibdocker): docker-py's words
    import sys
    monkeypatch.setitem(sys.modules, "docker", clibdocker)
    with pytest.raises(TypeError) as e:
        dc.containers()
    assert str(e.value) == ("'ContainerCollection' object is not callable. You might be trying "
                            "to use the old (pre-2.0) API - use docker.APIClient if so.")
    with pytest.raises(AttributeError) as e:
        dc.create_container
    assert str(e.value) == (
        "'DockerClient' object has no attribute 'create_container' In Docker SDK for Python "
        "2.0, this method is now on the object APIClient. See the low-level API section of "
        "the documentation for more details.")
    with pytest.raises(AttributeError) as e:
        dc.no_such_thing
    assert str(e.value) == "'DockerClient' object has no attribute 'no_such_thing'"
    dc.close()


def test_unknown_fields_kept_and_equality() -> None:
    attrs = {"Id": "a" * 64, "Name": "/x", "FutureField": {"nested": [1, 2]}}
    c = Container(attrs)
    assert c.attrs["FutureField"] == {"nested": [1, 2]} and c.name == "x"
    assert c == Container({"Id": "a" * 64}) and hash(c) == hash(Container({"Id": "a" * 64}))
    assert c != Image({"Id": "a" * 64}) and c != Container({"Id": "b" * 64})
    assert repr(c) == "<Container: aaaaaaaaaaaa>"
    assert Image({"Id": "sha256:" + "f" * 64}).short_id == "sha256:" + "f" * 12
    assert Volume({"Name": "v1"}).id == "v1" and Node({"ID": "n1"}).id == "n1"


def test_idless_model_refuses_before_any_request() -> None:
    with clibdocker.DockerClient() as dc:
        c = dc.containers.prepare_model({})
        with pytest.raises(errors.NullResource):
            c.stop()
        with pytest.raises(errors.NullResource):
            c.reload()
        with pytest.raises(errors.NullResource):
            dc.images.prepare_model({}).remove()
        with pytest.raises(errors.NullResource):
            dc.plugins.prepare_model({}).enable()
        with pytest.raises(errors.DockerException) as ei:
            dc.containers.prepare_model("not a dict")
        # docker-py's words: the value as str() shows it
        assert str(ei.value) == "Can't create Container from not a dict"


def test_client_shape() -> None:
    with clibdocker.from_env() as dc:
        assert isinstance(dc.api, clibdocker.APIClient)
        assert dc.ping() is True
        assert dc.version()["ApiVersion"] and "Containers" in dc.info()
        with pytest.raises(TypeError, match="not callable"):
            dc.containers()
        with pytest.raises(AttributeError, match="client.api.inspect_container"):
            dc.inspect_container("x")  # type: ignore[attr-defined]
        with pytest.raises(AttributeError):
            dc.no_such_thing  # type: ignore[attr-defined]
    for name in ("DockerClient", "from_env", "APIClient", "errors", "types", "tls",
                 "TLSConfig"):
        assert hasattr(clibdocker, name)


def test_update_of_a_versionless_model_is_an_attribute_error() -> None:
    """docker-py's ``client.swarm.update()`` on an engine in no swarm (empty
    attrs) fails reading ``attrs.get('Version').get('Index')`` with an
    AttributeError; clibdocker's error is one too (and a DockerException),
    raised before any request (the swarm and node models have no client; the
    service's id names no service)."""
    with clibdocker.DockerClient() as dc:
        svc = dc.services.prepare_model({"ID": "clibdocker-no-such-service",
                                         "Spec": {"TaskTemplate": {"ContainerSpec": {"Image": "x"}}}})
        for call in (lambda: Swarm({}).update(rotate_worker_token=True),
                     lambda: Node({"ID": "n1"}).update({"Role": "worker"}),
                     lambda: svc.scale(2)):
            with pytest.raises(errors.MissingVersion) as ei:
                call()
            assert isinstance(ei.value, AttributeError) and isinstance(ei.value, errors.DockerException)
            assert "Version.Index" in str(ei.value)
    assert Swarm({}).version is None  # tolerant view: reading it never raises


def test_service_tasks_with_filters_that_are_not_a_dict_like_docker_py() -> None:
    """docker-py's ``Service.tasks(filters)`` writes ``service`` into what it
    is given: a str, list or tuple fails with that item assignment's
    TypeError before any request (clibdocker raised dict()'s ValueError)."""
    import docker as dpy
    attrs = {"ID": "clibdocker-no-such-service"}
    with clibdocker.DockerClient() as dc:
        d = dpy.DockerClient()
        try:
            for bad in ("desired-state=running", ["x"], ("x",)):
                with pytest.raises(TypeError) as want:
                    d.services.prepare_model(dict(attrs)).tasks(filters=bad)
                with pytest.raises(TypeError) as got:
                    dc.services.prepare_model(dict(attrs)).tasks(filters=bad)  # type: ignore[arg-type]
                assert str(got.value) == str(want.value)
        finally:
            d.close()
