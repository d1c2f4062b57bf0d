"""``Model`` and ``Collection``: the base of every high-level object.

A model is a tolerant view over the engine's JSON: ``attrs`` is the raw dict
as the engine sent it (unknown fields kept), and properties read it with
``.get`` so a field the engine did not send reads as ``None`` instead of
raising.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Generic, Optional, Tuple, Type, TypeVar

from .. import errors

if TYPE_CHECKING:  # pragma: no cover
    from ..client import DockerClient


def dig(d: Any, *keys: str) -> Any:
    """``d[k1][k2]...``, or None as soon as a level is missing or not a dict."""
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


class Model:
    """One object on the engine (container, image, network…).

    ``attrs`` holds the engine's JSON; ``reload()`` fetches it again. Two
    models are equal when they are of the same class and have the same id.
    """

    #: the key of ``attrs`` that holds the object's id
    id_attribute = "Id"

    def __init__(self, attrs: Optional[Dict[str, Any]] = None,
                 client: Optional["DockerClient"] = None,
                 collection: Optional["Collection[Any]"] = None) -> None:
        #: the client of the engine this object lives on
        self.client: "DockerClient" = client  # type: ignore[assignment]
        #: the collection this object belongs to
        self.collection: "Collection[Any]" = collection  # type: ignore[assignment]
        #: the engine's JSON for this object
        self.attrs: Dict[str, Any] = attrs if attrs is not None else {}

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: {self.short_id}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and self.id == other.id

    def __hash__(self) -> int:
        return hash(f"{self.__class__.__name__}:{self.id}")

    @property
    def id(self) -> Optional[str]:
        """The object's id (None if the engine did not send it)."""
        v = self.attrs.get(self.id_attribute)
        return v if isinstance(v, str) else None

    @property
    def short_id(self) -> str:
        """The id truncated to 12 characters."""
        return (self.id or "")[:12]

    def _require_id(self) -> str:
        i = self.id
        if not i:
            raise errors.NullResource(f"this {self.__class__.__name__} has no id")
        return i

    def reload(self) -> None:
        """Fetch the object from the engine again and replace ``attrs``."""
        new = self.collection.get(self._require_id())
        self.attrs = new.attrs


M = TypeVar("M", bound=Model)


class Collection(Generic[M]):
    """All the objects of one kind on the engine (``client.containers``…)."""

    #: the model class this collection makes (set by each collection)
    model: Type[M] = None  # type: ignore[assignment]

    def __init__(self, client: Optional["DockerClient"] = None) -> None:
        #: the client of the engine
        self.client: "DockerClient" = client  # type: ignore[assignment]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from .. import _alias
        if _alias.active():  # a program written for docker-py: its words
            raise TypeError(
                f"'{self.__class__.__name__}' object is not callable. You might be trying "
                "to use the old (pre-2.0) API - use docker.APIClient if so.")
        raise TypeError(
            f"'{self.__class__.__name__}' object is not callable. You might be trying "
            "to use the old (pre-2.0) docker-py API - use clibdocker.APIClient if so.")

    if TYPE_CHECKING:  # each collection has its own signatures
        list: Callable[..., Any]
        get: Callable[..., Any]
        create: Callable[..., Any]
    else:
        def list(self):
            """All the objects (each collection defines it)."""
            raise NotImplementedError

        def get(self, key):
            """The object with this id or name (each collection defines it)."""
            raise NotImplementedError

        def create(self, attrs=None):
            """Create an object (the collections that can, define it)."""
            raise NotImplementedError

    def prepare_model(self, attrs: Any) -> M:
        """A model of this collection from the engine's JSON (or a model
        re-bound to this collection)."""
        if isinstance(attrs, Model):
            attrs.client = self.client
            attrs.collection = self
            return attrs  # type: ignore[return-value]
        if isinstance(attrs, dict):
            return self.model(attrs=attrs, client=self.client, collection=self)
        # docker-py's words: str(attrs), not its repr
        raise errors.DockerException(f"Can't create {self.model.__name__} from {attrs}")


def lazy_names(module: str, names: Dict[str, Tuple[str, str]]) -> Callable[[str], Any]:
    """A PEP 562 module ``__getattr__`` that imports ``names`` (``{name:
    (absolute module, attribute)}``) on first use: the names docker-py's
    models modules re-export, without loading their modules up front."""
    def __getattr__(name: str) -> Any:
        try:
            mod_name, attr = names[name]
        except KeyError:
            raise AttributeError(f"module {module!r} has no attribute {name!r}") from None
        import importlib
        import sys
        try:
            value = getattr(importlib.import_module(mod_name), attr)
        except ImportError as e:  # reported as the name missing
            raise AttributeError(f"module {module!r} has no attribute {name!r} "
                                 f"({e})") from e
        setattr(sys.modules[module], name, value)
        return value
    return __getattr__
