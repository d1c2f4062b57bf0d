"""Case-insensitive header mappings: ``APIClient.headers`` and response
headers. Light (loaded when a program first touches ``headers``)."""
from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any, Callable, Dict, Iterator, Optional, Tuple

from .. import errors


class CaseInsensitiveDict(MutableMapping):  # type: ignore[type-arg]
    """A str-keyed mapping whose keys compare case-insensitively and keep
    the case they were last set with (``requests``' CaseInsensitiveDict)."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        self._store: Dict[str, Tuple[str, Any]] = {}
        self.update(data or {}, **kwargs)

    def __setitem__(self, key: str, value: Any) -> None:
        self._store[key.lower()] = (key, value)

    def __getitem__(self, key: str) -> Any:
        return self._store[key.lower()][1]

    def __delitem__(self, key: str) -> None:
        del self._store[key.lower()]

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._store.values())

    def __len__(self) -> int:
        return len(self._store)

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return {k: v for k, (_, v) in self._store.items()} == \
            {str(k).lower(): v for k, v in other.items()}

    def copy(self) -> "CaseInsensitiveDict":
        return CaseInsensitiveDict(dict(self.items()))

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class HeaderDict(CaseInsensitiveDict):
    """``APIClient.headers``: every change is sent to the client's C side
    at once (one FFI call), so requests never pay for it."""

    def __init__(self, data: Any, on_change: Callable[[], None]) -> None:
        self._on_change: Optional[Callable[[], None]] = None
        super().__init__(data)
        self._on_change = on_change

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str) or not key or any(c in key for c in ": \t\r\n"):
            raise errors.InvalidArgument(f"bad header name {key!r}")
        if value is not None and ("\r" in str(value) or "\n" in str(value)):
            raise errors.InvalidArgument(f"header {key}: the value holds a line break")
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed()

    def update(self, *args: Any, **kwargs: Any) -> None:  # one push, not one per key
        cb, self._on_change = self._on_change, None
        try:
            super().update(*args, **kwargs)
        finally:
            self._on_change = cb
        self._changed()

    def clear(self) -> None:
        self._store.clear()
        self._changed()


