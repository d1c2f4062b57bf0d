"""``DockerClient``: docker-py's high-level client: collections of models
(``client.containers``, ``client.images``…) over the low-level
:class:`~clibdocker.APIClient` in ``client.api``, plus the System calls."""
from __future__ import annotations

import os

from . import _alias, _lazy
from .api.client import DEFAULT_MAX_POOL_SIZE, DEFAULT_TIMEOUT_SECONDS, APIClient

TYPE_CHECKING = False
if TYPE_CHECKING:  # the models are imported when a collection is first used
    from typing import Any, Dict, Mapping, Optional

    from . import errors
    from .stream import CancellableStream
    from .context import ContextAPI
    from .utils.utils import kwargs_from_env
    from .models.configs import ConfigCollection
    from .models.containers import ContainerCollection
    from .models.images import ImageCollection
    from .models.networks import NetworkCollection
    from .models.nodes import NodeCollection
    from .models.plugins import PluginCollection
    from .models.secrets import SecretCollection
    from .models.services import ServiceCollection
    from .models.swarm import Swarm
    from .models.volumes import VolumeCollection


class DockerClient:
    """docker-py's ``DockerClient``: ``api`` is the low-level
    :class:`~clibdocker.APIClient`; arguments are the same."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.api = APIClient(*args, **kwargs)

    @classmethod
    def from_env(cls, version: Optional[str] = None,
                 timeout: Optional[float] = DEFAULT_TIMEOUT_SECONDS,
                 max_pool_size: int = DEFAULT_MAX_POOL_SIZE,
                 environment: Optional[Mapping[str, str]] = None,
                 use_ssh_client: bool = False,
                 credstore_env: Optional[Dict[str, str]] = None,
                 use_context: Optional[bool] = None) -> "DockerClient":
        """A client configured like the docker CLI from the environment:
        ``DOCKER_HOST`` (default ``unix:///var/run/docker.sock``) and
        ``DOCKER_API_VERSION`` (else negotiated), ``DOCKER_TLS_VERIFY`` and
        ``DOCKER_CERT_PATH`` (TLS material, as docker-py reads them); and
        the CLI's contexts: ``DOCKER_CONTEXT`` or config.json's
        ``currentContext`` (with the context's TLS files);
        ``use_context=False`` leaves contexts out. In a program written for
        docker-py (``import docker`` is clibdocker) this is docker-py 7.2's
        ``from_env``: ``DOCKER_API_VERSION`` is not read, an empty
        ``environment`` means ``os.environ``, and without a ``DOCKER_HOST``
        the context named by ``DOCKER_CONTEXT`` or config.json's
        ``currentContext`` gives the host and TLS (an unknown name: the
        local socket), unless ``use_context=False``."""
        docker_py = _alias.active()
        if docker_py:
            return cls._from_env_as_docker_py(version, timeout, max_pool_size, environment,
                                              use_ssh_client, credstore_env, use_context)
        env = os.environ if environment is None else environment
        if use_context is None:
            use_context = True
        ctx = None
        if use_context:
            from .context import context_from_env
            ctx = context_from_env(env)
        if ctx is not None:      # DOCKER_CONTEXT, or config.json's currentContext
            host: Optional[str] = ctx.host
            tls = ctx.tls_config()
        else:
            # docker-py's kwargs_from_env: DOCKER_TLS_VERIFY / DOCKER_CERT_PATH
            # need cert.pem and key.pem there (TLSParameterError otherwise)
            tls = None
            if env.get("DOCKER_TLS_VERIFY") or env.get("DOCKER_CERT_PATH"):
                # (only then: utils is not on the start-up path)
                from .utils.utils import kwargs_from_env
                tls = kwargs_from_env(environment=env).get("tls")
            host = env.get("DOCKER_HOST") or None
        if version is None:
            version = env.get("DOCKER_API_VERSION") or None
        return cls(base_url=host, version=version, timeout=timeout, tls=tls or False,
                   max_pool_size=max_pool_size, use_ssh_client=use_ssh_client,
                   credstore_env=credstore_env)

    @classmethod
    def _from_env_as_docker_py(cls, version: Optional[str], timeout: Optional[float],
                               max_pool_size: int, environment: Optional[Mapping[str, str]],
                               use_ssh_client: bool, credstore_env: Optional[Dict[str, str]],
                               use_context: Optional[bool]) -> "DockerClient":
        """docker-py 7.2's ``from_env``, step by step: ``kwargs_from_env``
        (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), then, when that
        gave no ``base_url``, the current context's host and TLS fill what
        is missing."""
        from .utils.utils import kwargs_from_env
        params = kwargs_from_env(environment=environment)
        if (use_context is None or use_context) and "base_url" not in params:
            # docker-py's context store is next to the first config file it
            # finds (none: no context is found)
            from .utils.config import find_config_file
            found = find_config_file()
            if found:
                from .context.api import ContextAPI
                from .context.config import as_docker_py
                with as_docker_py(found):
                    ctx_params = ContextAPI.kwargs_from_context(environment=environment or os.environ)
                for k, v in ctx_params.items():
                    params.setdefault(k, v)
        return cls(version=version, timeout=timeout, max_pool_size=max_pool_size,
                   use_ssh_client=use_ssh_client, credstore_env=credstore_env, **params)

    @classmethod
    def from_context(cls, name: Optional[str] = None, **kwargs: Any) -> "DockerClient":
        """A client for the docker CLI context ``name`` (None: the current
        one: ``DOCKER_CONTEXT``, then config.json's ``currentContext``, then
        ``default``), as docker-py 7.2's ``from_context``: ``version``,
        ``timeout``, ``max_pool_size``, ``use_ssh_client`` and any other
        client argument may be given; the context's host and TLS material
        fill the rest."""
        from .context import ContextAPI
        timeout = kwargs.pop("timeout", DEFAULT_TIMEOUT_SECONDS)
        max_pool_size = kwargs.pop("max_pool_size", DEFAULT_MAX_POOL_SIZE)
        version = kwargs.pop("version", None)
        use_ssh_client = kwargs.pop("use_ssh_client", False)
        params = ContextAPI.kwargs_from_context(name=name)
        params.update(kwargs)
        return cls(timeout=timeout, max_pool_size=max_pool_size, version=version,
                   use_ssh_client=use_ssh_client, **params)

    # --- collections ---------------------------------------------------------

    @property
    def configs(self) -> ConfigCollection:
        """The swarm's configs: ``get``, ``list``, ``create``."""
        from .models.configs import ConfigCollection
        return ConfigCollection(client=self)

    @property
    def containers(self) -> ContainerCollection:
        """The containers: ``run``, ``create``, ``get``, ``list``, ``prune``."""
        from .models.containers import ContainerCollection
        return ContainerCollection(client=self)

    @property
    def images(self) -> ImageCollection:
        """The images: ``build``, ``pull``, ``get``, ``list``, ``load``, ``push``…"""
        from .models.images import ImageCollection
        return ImageCollection(client=self)

    @property
    def networks(self) -> NetworkCollection:
        """The networks: ``create``, ``get``, ``list``, ``prune``."""
        from .models.networks import NetworkCollection
        return NetworkCollection(client=self)

    @property
    def nodes(self) -> NodeCollection:
        """The swarm's nodes: ``get``, ``list``."""
        from .models.nodes import NodeCollection
        return NodeCollection(client=self)

    @property
    def plugins(self) -> PluginCollection:
        """The plugins: ``install``, ``create``, ``get``, ``list``."""
        from .models.plugins import PluginCollection
        return PluginCollection(client=self)

    @property
    def secrets(self) -> SecretCollection:
        """The swarm's secrets: ``create``, ``get``, ``list``."""
        from .models.secrets import SecretCollection
        return SecretCollection(client=self)

    @property
    def services(self) -> ServiceCollection:
        """The swarm's services: ``create``, ``get``, ``list``."""
        from .models.services import ServiceCollection
        return ServiceCollection(client=self)

    @property
    def swarm(self) -> Swarm:
        """The swarm (inspected now): ``init``, ``join``, ``leave``, ``update``…"""
        from .models.swarm import Swarm
        return Swarm(client=self)

    @property
    def volumes(self) -> VolumeCollection:
        """The volumes: ``create``, ``get``, ``list``, ``prune``."""
        from .models.volumes import VolumeCollection
        return VolumeCollection(client=self)

    # --- top-level calls --------------------------------------------------------

    def ping(self, *args: Any, **kwargs: Any) -> bool:
        """True when the engine answers: :meth:`clibdocker.APIClient.ping`."""
        return self.api.ping(*args, **kwargs)

    def version(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        """The engine's version: :meth:`clibdocker.APIClient.version`."""
        return self.api.version(*args, **kwargs)

    def info(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        """System-wide information: :meth:`clibdocker.APIClient.info`."""
        return self.api.info(*args, **kwargs)

    def df(self) -> Dict[str, Any]:
        """Disk usage: :meth:`clibdocker.APIClient.df`."""
        return self.api.df()

    def events(self, *args: Any, **kwargs: Any) -> CancellableStream[Any]:
        """The engine's events: :meth:`clibdocker.APIClient.events`."""
        return self.api.events(*args, **kwargs)

    def login(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        """Log in to a registry: :meth:`clibdocker.APIClient.login`."""
        return self.api.login(*args, **kwargs)

    def close(self) -> None:
        """Release the client's connections."""
        self.api.close()

    def __getattr__(self, name: str) -> Any:
        msg = f"'DockerClient' object has no attribute '{name}'"
        from . import _alias
        if _alias.active():  # a program written for docker-py: its words
            if hasattr(APIClient, name):
                msg += (" In Docker SDK for Python 2.0, this method is now on the object "
                        "APIClient. See the low-level API section of the documentation for "
                        "more details.")
        elif not name.startswith("_") and hasattr(APIClient, name):
            msg += (" In Docker SDK for Python 2.0 and clibdocker this method is on "
                    "APIClient: use client.api." + name)
        raise AttributeError(msg)

    def __enter__(self) -> "DockerClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


from_env = DockerClient.from_env
from_context = DockerClient.from_context

# docker-py's docker.client namespace: the collections, ContextAPI and
# kwargs_from_env, imported on first use (PEP 562)
__getattr__, __dir__ = _lazy.names(__name__, {name: (module, name) for name, module in {
    "ConfigCollection": ".models.configs", "ContainerCollection": ".models.containers",
    "ImageCollection": ".models.images", "NetworkCollection": ".models.networks",
    "NodeCollection": ".models.nodes", "PluginCollection": ".models.plugins",
    "SecretCollection": ".models.secrets", "ServiceCollection": ".models.services",
    "Swarm": ".models.swarm", "VolumeCollection": ".models.volumes",
    "ContextAPI": ".context", "kwargs_from_env": ".utils.utils",
    "CancellableStream": ".stream",
    "errors": ".",   # clibdocker.errors, the package's own lazy attribute
}.items()})
