"""docker-py's ``docker.utils``: argument helpers, build contexts, config
files, stream helpers.

The API methods import ``filters_dict``, ``convert_filters`` and
``time_param`` from here at start-up, so this module stays cheap: every other
name (``parse_host``, ``kwargs_from_env``, ``tar``, ``check_resource``, ...) is
looked up in its submodule on first use (PEP 562), and the submodules
(``utils.build``, ``utils.config``, ``utils.decorators``, ``utils.fnmatch``,
``utils.json_stream``, ``utils.ports``, ``utils.proxy``, ``utils.socket``,
``utils.utils``) load only then.
"""
from __future__ import annotations

from .. import _lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Union

    from .build import create_archive, exclude_paths, match_tag, mkbuildcontext, tar
    from .decorators import check_resource, minimum_version, update_headers
    from .utils import (compare_version, convert_port_bindings, convert_service_networks,
                        convert_volume_binds, create_host_config, create_ipam_config,
                        create_ipam_pool, decode_json_header, format_environment,
                        format_extra_hosts, kwargs_from_env, normalize_links, parse_bytes,
                        parse_devices, parse_env_file, parse_host, parse_repository_tag,
                        split_command, version_gte, version_lt)

# name -> the submodule that defines it (docker-py's docker.utils namespace)
_LAZY = {
    **dict.fromkeys(("create_archive", "exclude_paths", "match_tag", "mkbuildcontext", "tar"),
                    "build"),
    **dict.fromkeys(("check_resource", "minimum_version", "update_headers"), "decorators"),
    **dict.fromkeys((
        "compare_version", "convert_port_bindings", "convert_service_networks",
        "convert_volume_binds", "create_host_config", "create_ipam_config", "create_ipam_pool",
        "decode_json_header", "format_environment", "format_extra_hosts", "kwargs_from_env",
        "normalize_links", "parse_bytes", "parse_devices", "parse_env_file", "parse_host",
        "parse_repository_tag", "split_command", "version_gte", "version_lt"), "utils"),
}
_SUBMODULES = ("build", "config", "decorators", "fnmatch", "json_stream", "ports", "proxy",
               "socket", "utils")
# ``from docker.utils import *`` gives what it gives with docker-py: the
# helpers and the submodules docker-py has loaded by then (loaded here on
# the star import, through __getattr__)
__all__ = sorted({*_LAZY, "convert_filters", "datetime_to_timestamp", "build", "config",
                  "decorators", "fnmatch", "json_stream", "proxy", "socket", "utils"})


__getattr__, __dir__ = _lazy.names(__name__, {
    **{name: (f".{module}", name) for name, module in _LAZY.items()},
    **{module: (f".{module}", None) for module in _SUBMODULES}})


def filters_dict(filters: Any) -> Dict[str, Any]:
    """A copy of a filters mapping (None -> {}); anything but a mapping is
    refused with InvalidArgument before a request is made."""
    if filters is None:
        return {}
    from _collections_abc import Mapping  # collections.abc's, without importing collections
    if not isinstance(filters, Mapping):
        from ..errors import InvalidArgument
        raise InvalidArgument(f"filters must be a dict, not {type(filters).__name__}")
    return dict(filters)


def convert_filters(filters: Mapping[str, Any]) -> str:
    """docker-py's filter encoding: values become lists of strings, booleans
    ``"true"``/``"false"``; the result is the JSON the API takes."""
    filters = filters_dict(filters)
    result = {}
    for k, v in filters.items():
        if isinstance(v, bool):
            v = "true" if v else "false"
        if not isinstance(v, list):
            v = [v]
        result[k] = [item if isinstance(item, str) else str(item) for item in v]
    import json  # not at module level: start-up time
    return json.dumps(result)


def datetime_to_timestamp(dt: Any) -> int:
    """Whole seconds since the epoch (rounded down) for a datetime; a naive
    datetime is local time, as in docker-py."""
    import datetime
    utc = datetime.timezone.utc
    delta = dt.astimezone(utc) - datetime.datetime(1970, 1, 1, tzinfo=utc)
    return int(delta.days * 86400 + delta.seconds)


def time_param(value: Union[None, int, float, str, Any]) -> Optional[str]:
    """since/until: datetime, int, float or str -> the API's string."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("a time must be a datetime, a number or a string, not bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.9f}".rstrip("0").rstrip(".")
    if isinstance(value, str):
        return value
    if hasattr(value, "timestamp"):
        return str(datetime_to_timestamp(value))
    raise TypeError(f"a time must be a datetime, a number or a string, not {type(value).__name__}")
