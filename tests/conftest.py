"""Fixtures for tests against the real engines started by scripts/setup.sh.

Every object a test creates carries the label ``clibdocker-test=1`` (see
``LABELS``) and is removed by the test; the ``engine_clean`` fixture checks
that no labelled object is left behind.
"""
from __future__ import annotations

import os
import subprocess
import uuid
from typing import Iterator

import pytest

import clibdocker

ENGINE2 = os.environ.get("CLIBDOCKER_TEST_ENGINE2", "unix:///run/clibdocker-engine2/docker.sock")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
REGISTRY_USER = os.environ.get("CLIBDOCKER_TEST_REGISTRY_USER", "clibdocker")
REGISTRY_PASSWORD = os.environ.get("CLIBDOCKER_TEST_REGISTRY_PASSWORD", "clibdocker-secret")
TEST_IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
LABELS = {"clibdocker-test": "1"}


def unique(prefix: str = "clibdocker-test") -> str:
    """A fresh name for an object a test creates."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def docker_cli(*args: str, host: str = "") -> str:
    """Run the docker CLI (used only to cause or check effects independently
    of clibdocker)."""
    env = dict(os.environ)
    if host:
        env["DOCKER_HOST"] = host
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True,
                          env=env, timeout=120).stdout


@pytest.fixture
def client() -> Iterator[clibdocker.APIClient]:
    """A client for the main engine (API 1.41), negotiating its version."""
    c = clibdocker.APIClient(base_url=os.environ.get("DOCKER_HOST") or None)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def client2() -> Iterator[clibdocker.APIClient]:
    """A client for the second, newer engine (Docker 26.1, API 1.45)."""
    c = clibdocker.APIClient(base_url=ENGINE2)
    try:
        c.ping()
    except clibdocker.errors.DockerException as e:  # pragma: no cover - setup problem
        pytest.fail(f"the second engine at {ENGINE2} is not running (scripts/setup.sh): {e}")
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def name() -> str:
    return unique()


@pytest.fixture
def dclient() -> Iterator[clibdocker.DockerClient]:
    """A high-level client for the main engine (``clibdocker.from_env()``)."""
    c = clibdocker.from_env()
    try:
        yield c
    finally:
        c.close()
