"""Argument helpers shared by the API methods (docker-py's ``docker.utils``)."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Union


def filters_dict(filters: Any) -> Dict[str, Any]:
    """A copy of a filters mapping (None -> {}); anything but a mapping is
    refused with InvalidArgument before a request is made."""
    if filters is None:
        return {}
    if not isinstance(filters, Mapping):
        from .errors import InvalidArgument
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
    """Seconds since the epoch for a datetime (naive ones are taken as UTC)."""
    import datetime
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return int(dt.timestamp())


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
