"""Stand-ins for docker-py's ``docker.transport`` (its ``requests`` adapters).

clibdocker's transport is libcurl, so there are no requests adapters to
mount. These classes are what :meth:`clibdocker.APIClient.get_adapter`
returns: they describe the connection (``socket_path`` of a unix socket,
``ssh_host`` of an ssh engine, ``base_url``, ``timeout``, ``max_pool_size``)
so that code reading them, or naming the classes in ``isinstance`` checks,
keeps working. See docs/migrating-from-docker-py.md.
"""
from ..api._http import HTTPAdapter as BaseHTTPAdapter
from ..api._http import SSHHTTPAdapter, UnixHTTPAdapter

__all__ = ["BaseHTTPAdapter", "UnixHTTPAdapter", "SSHHTTPAdapter"]
