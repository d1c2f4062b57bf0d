"""Exceptions, named as docker-py names them.

Every exception clibdocker raises is a :class:`DockerException`. Errors the
engine answered carry its HTTP status and message (:class:`APIError`);
transport failures, timeouts and protocol errors have their own classes, which
are also the matching Python builtins (``ConnectionError``, ``TimeoutError``).

When the program has imported ``requests`` (docker-py's transport, which
clibdocker does not use), the exceptions clibdocker raises for an engine's
error status, a transport failure or a timeout are also ``requests``'
``HTTPError``, ``ConnectionError`` and ``ReadTimeout`` (see :func:`_twin`), so
``except requests.exceptions.ConnectionError`` written for docker-py still
catches them. clibdocker never imports ``requests`` itself.
"""
from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Tuple


class DockerException(Exception):
    """Base of every exception clibdocker raises."""


class _Request:
    """The request an :class:`APIError` answered, as ``requests``'
    ``PreparedRequest`` reads where programs log it: ``method``, ``url``,
    ``path_url``."""

    __slots__ = ("method", "url")

    def __init__(self, method: Optional[str], url: str) -> None:
        self.method = method
        self.url = url

    @property
    def path_url(self) -> str:
        rest = self.url.split("://", 1)[-1]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"

    def __repr__(self) -> str:
        return f"<PreparedRequest [{self.method}]>"


class _Response:
    """The parts of an HTTP response an :class:`APIError` keeps (the shape of
    ``requests.Response`` that docker-py users read): ``status_code``,
    ``reason``, ``ok``, ``url``, ``headers``, ``content``, ``text``,
    ``json()``, ``request`` (``method``, ``url``, ``path_url``; None when no
    request was sent), ``raise_for_status()``."""

    __slots__ = ("status_code", "reason", "url", "content", "request")
    encoding = "utf-8"

    _REASONS = {
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        409: "Conflict", 500: "Internal Server Error", 501: "Not Implemented",
        503: "Service Unavailable", 304: "Not Modified",
    }

    def __init__(self, status_code: int, url: Optional[str] = None, content: bytes = b"",
                 method: Optional[str] = None) -> None:
        self.status_code = status_code
        self.reason = self._REASONS.get(status_code, "")
        self.url = url
        self.content = content
        self.request = _Request(method, url) if url else None

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    def __bool__(self) -> bool:
        return self.ok

    @property
    def headers(self) -> Any:
        """The body's type, in a case-insensitive dict (the engine's other
        headers are not kept)."""
        from .api._headers import CaseInsensitiveDict
        kind = "application/json" if self.content[:1] == b"{" else "text/plain; charset=utf-8"
        return CaseInsensitiveDict({"Content-Type": kind})

    def raise_for_status(self) -> None:
        """Raise the :class:`APIError` (NotFound, ImageNotFound) for this
        error status, as the response of docker-py's requests raises its
        HTTPError (also one, when the program imported ``requests``)."""
        if self.status_code < 400:
            return
        try:
            explanation = self.json()["message"]
        except Exception:
            explanation = self.text.strip()
        kind = "Client" if self.status_code < 500 else "Server"
        where = f" for url: {self.url}" if self.url else ""
        raise _twin(_api_error_class(self.status_code, explanation))(
            f"{self.status_code} {kind} Error: {self.reason}{where}", response=self,
            explanation=explanation)

    @classmethod
    def engine_body(cls, message: str) -> bytes:
        """The body the engine sends with an error status, ``{"message":
        ...}`` and a newline, as Go's encoder writes it (what docker-py's
        ``response.content`` / ``.text`` / ``.json()`` show)."""
        import json
        text = json.dumps({"message": message}, ensure_ascii=False, separators=(",", ":"))
        for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
            text = text.replace(ch, esc)
        return (text + "\n").encode("utf-8")

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        import json
        return json.loads(self.content)

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"


class APIError(DockerException, OSError):
    """The engine answered with an error status.

    Also an ``OSError``, as docker-py's (a ``requests`` exception) is, so
    ``except OSError`` catches it in both.

    ``status_code`` is the HTTP status, ``explanation`` the daemon's message,
    ``response`` a small response object (``status_code``, ``reason``, ``url``).
    """

    def __init__(self, message: Any, response: Optional[_Response] = None,
                 explanation: Optional[str] = None) -> None:
        super().__init__(message)
        self.response = response
        self.explanation = explanation

    def __str__(self) -> str:
        message = super().__str__()
        if self.response is not None:
            where = f" for {self.response.url}" if self.response.url else ""
            if self.is_client_error():
                message = f"{self.status_code} Client Error{where}: {self.response.reason}"
            elif self.is_server_error():
                message = f"{self.status_code} Server Error{where}: {self.response.reason}"
        if self.explanation:
            message = f'{message} ("{self.explanation}")'
        return message

    @property
    def status_code(self) -> Optional[int]:
        return self.response.status_code if self.response is not None else None

    def is_error(self) -> bool:
        return self.is_client_error() or self.is_server_error()

    def is_client_error(self) -> bool:
        return self.status_code is not None and 400 <= self.status_code < 500

    def is_server_error(self) -> bool:
        return self.status_code is not None and 500 <= self.status_code < 600


class NotFound(APIError):
    """The engine answered 404."""


class ImageNotFound(NotFound):
    """An image the call named does not exist."""


class Conflict(APIError):
    """The engine answered 409 (e.g. a name already in use)."""


class Unauthorized(APIError):
    """The engine answered 401 (e.g. wrong registry credentials)."""


class InvalidVersion(DockerException):
    """The API version is malformed, unsupported, or too old for a parameter."""


class InvalidRepository(DockerException):
    """A repository name is malformed."""


class InvalidConfigFile(DockerException):
    """A Docker config file could not be read."""


class InvalidArgument(DockerException, ValueError):
    """An argument was refused before any request was sent."""


class DeprecatedMethod(DockerException):
    """The method is deprecated."""


class TLSParameterError(DockerException):
    """TLS settings are inconsistent (``msg`` says how)."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg

    def __str__(self) -> str:
        # docker-py's words after every message
        return str(self.msg) + (". TLS configurations should map the Docker CLI "
                                "client configurations. See "
                                "https://docs.docker.com/engine/articles/https/ "
                                "for API details.")


class NullResource(DockerException, ValueError):
    """A resource id or name was empty."""


class InvalidData(DockerException, AttributeError):
    """Secret or config content that is neither bytes nor str (None, an int,
    a bytearray). docker-py fails there calling ``data.encode()`` with an
    ``AttributeError``, so this is one too; nothing is sent (clibdocker used
    to store ``str(data)``: a secret reading "None")."""


class MissingVersion(DockerException, AttributeError):
    """An update of a model whose ``attrs`` carry no ``Version.Index`` (the
    ``client.swarm`` of an engine in no swarm, a model never reloaded).
    docker-py fails there reading ``attrs.get('Version').get('Index')`` with
    an ``AttributeError``, so this is one too."""


class ContainerError(DockerException):
    """A container exited with a non-zero status (high-level ``run``)."""

    def __init__(self, container: Any, exit_status: int, command: Any, image: Any,
                 stderr: Optional[bytes]) -> None:
        self.container = container
        self.exit_status = exit_status
        self.command = command
        self.image = image
        self.stderr = stderr
        # as docker-py: the stderr value itself (bytes show as b'...')
        err = ": " + str(stderr) if stderr is not None else ""
        super().__init__(f"Command '{command}' in image '{image}' returned non-zero "
                         f"exit status {exit_status}{err}")


class StreamParseError(RuntimeError):
    """A stream's framing or a message in it could not be parsed (``msg``
    holds the reason). As in docker-py, a ``RuntimeError`` and no
    ``DockerException`` (``utils.json_stream`` raises it); the engine's
    protocol breaches are its subclass :class:`ProtocolError`, which is one."""

    def __init__(self, reason: Any) -> None:
        super().__init__(reason)
        self.msg = reason


class BuildError(DockerException):
    """An image build failed; ``build_log`` holds the messages."""

    def __init__(self, reason: str, build_log: Any) -> None:
        super().__init__(reason)
        self.msg = reason
        self.build_log = build_log


class ImageLoadError(DockerException):
    """Loading an image failed."""


class MissingContextParameter(DockerException):
    """A context needs a parameter that was not given."""

    def __init__(self, param: str) -> None:
        super().__init__(param)   # args as docker-py's (pickles back the same)
        self.param = param

    def __str__(self) -> str:
        return f"missing parameter: {self.param}"


class ContextException(DockerException):
    """A Docker context is invalid (``msg`` says how)."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg

    def __str__(self) -> str:
        return str(self.msg)


class ContextAlreadyExists(DockerException):
    """A context of that name exists already."""

    def __init__(self, name: str) -> None:
        super().__init__(name)   # args as docker-py's (pickles back the same)
        self.name = name

    def __str__(self) -> str:
        return f"context {self.name} already exists"


class ContextNotFound(DockerException):
    """No context of that name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)   # args as docker-py's (pickles back the same)
        self.name = name

    def __str__(self) -> str:
        return f"context '{self.name}' not found"


# --- beyond docker-py: failures below the HTTP layer --------------------------

class TransportError(DockerException, ConnectionError):
    """Could not connect to the engine, or the connection was cut."""


class DockerTimeout(TransportError, TimeoutError):
    """A connect, total or idle timeout expired. The client stays usable."""


class TLSError(TransportError):
    """The TLS handshake with the engine failed: its certificate did not
    verify against the CA in use, or the engine refused ours (docker-py:
    requests' ``SSLError``, a ``ConnectionError``)."""


class ProtocolError(StreamParseError, DockerException):
    """The engine's answer broke the HTTP or stream protocol."""


class StreamError(APIError):
    """The engine reported an error inside a stream (``errorDetail``)."""


class Canceled(DockerException):
    """The call or stream was canceled."""


class UnsupportedError(DockerException, NotImplementedError):
    """Not supported by this build, transport or engine."""


# 404 messages that mean an image is missing (lower case), as docker-py reads them
_IMAGE_NOT_FOUND = ("no such image", "not found: does not exist or no pull access",
                    "repository does not exist",
                    "was found but does not match the specified platform")


def _api_error_class(status: Optional[int], explanation: Optional[str]) -> type:
    """APIError, or NotFound / ImageNotFound for a 404 (by its message)."""
    if status != 404:
        return APIError
    text = (explanation or "").lower()
    return ImageNotFound if any(f in text for f in _IMAGE_NOT_FOUND) else NotFound


def create_api_error_from_http_exception(e: Exception) -> "APIError":
    """docker-py's helper: raise the :class:`APIError` (:class:`NotFound`,
    :class:`ImageNotFound` for a 404 by its message) for an HTTP error
    ``e`` that carries a ``response`` (a ``requests`` HTTPError, or a
    response-like object from :meth:`~clibdocker.APIClient._get`); the
    daemon's ``message`` becomes the explanation. An :class:`APIError` is
    raised as it is. Despite its name it raises, as docker-py's does."""
    if isinstance(e, APIError):
        raise e
    response = getattr(e, "response", None)
    explanation: Optional[str] = None
    if response is not None:
        try:
            explanation = response.json()["message"]
        except Exception:
            explanation = (getattr(response, "text", "") or "").strip()
    cls = _api_error_class(getattr(response, "status_code", None), explanation)
    raise _twin(cls)(e, response=response, explanation=explanation) from e


_REFUSED: Dict[Tuple[type, type], type] = {}


def _refused_class(base: type, api: Optional[type] = None) -> Any:
    """``base`` that is also ``api`` (:class:`APIError`, or :class:`NotFound`
    where the engine answers 404; see :func:`refused_as_engine`), made once;
    None when the two cannot be combined."""
    api = api or APIError
    cls = _REFUSED.get((base, api))
    if cls is None:
        recipe: Tuple[Any, ...] = ("refused", _recipe(base))
        if api is not APIError:
            recipe += (api.__name__,)
        try:
            cls = type(base.__name__, (base, api),
                       {"__module__": base.__module__, "__qualname__": base.__qualname__,
                        "__doc__": base.__doc__, "__reduce__": _reduce_made,
                        "_recipe": recipe})
        except TypeError:
            return None
        _REFUSED[(base, api)] = cls
    return cls


def refused_as_engine(exc: DockerException, status: int) -> DockerException:
    """``exc`` -- a bad argument clibdocker refuses before any request --
    as a program written for docker-py expects it where docker-py sends the
    request and the engine answers ``status``: an instance of ``exc``'s own
    class (InvalidArgument, InvalidRepository...) that is also an
    :class:`APIError` (a :class:`NotFound` for 404) with that
    ``status_code`` (``response``, ``explanation``, ``is_client_error()``),
    so ``except APIError`` / ``except NotFound`` written for docker-py
    catches it. No request was sent."""
    if isinstance(exc, APIError):
        return exc
    cls = _refused_class(type(exc), NotFound if status == 404 else APIError)
    if cls is None:  # a layout APIError cannot share: leave it
        return exc
    msg = str(exc)
    out = _twin(cls)(msg)
    out.response = _Response(status, None, _Response.engine_body(msg))
    out.explanation = msg
    out.__cause__ = exc.__cause__
    return out  # type: ignore[no-any-return]


_PLAIN: Dict[type, type] = {}


def plain_docker_error(base: type, msg: str) -> DockerException:
    """A ``base`` error (InvalidArgument, InvalidRepository...) for a bad
    argument where docker-py raises a bare :class:`DockerException`: for a
    program written for docker-py (under the alias) its class is named
    ``DockerException`` too; ``except`` clauses catch it as either."""
    cls = _PLAIN.get(base)
    if cls is None:
        cls = type(base.__name__, (base,), {"__module__": base.__module__,
                                            "__qualname__": base.__qualname__,
                                            "__doc__": base.__doc__})
        _PLAIN[base] = cls
    return _twin(cls)(msg)  # type: ignore[no-any-return]


def _docker_py_url(url: str) -> str:
    """A refused request's URL (as libcurl sent it) as docker-py shows it in
    ``str(APIError)`` and ``response.url``: an engine on a unix socket (or
    over ssh) is ``http+docker://localhost`` there, libcurl's
    ``http://localhost``; path arguments keep '/' and ':'; the query as
    docker-py sends it (:func:`_docker_py_query`)."""
    if url.startswith("http://localhost/"):
        url = "http+docker://localhost" + url[len("http://localhost"):]
    # docker-py quotes path arguments keeping '/' and ':' (image names)
    path, sep, query = url.partition("?")
    for esc, ch in (("%2F", "/"), ("%2f", "/"), ("%3A", ":"), ("%3a", ":")):
        path = path.replace(esc, ch)
    query = _docker_py_query(path, query)
    return path + ("?" if query else "") + query


_IMAGE_OPS = ("/json", "/history", "/get", "/push", "/tag")


def _docker_py_query(path: str, query: str) -> str:
    """The query string docker-py sends for the same request, for the calls
    whose refusals programs print most (remove a container or an image,
    pull, tag, stats, container logs): its parameters, order and spelling (``force=False``,
    requests' encoding). Others stay as sent."""
    import re
    from urllib.parse import parse_qsl, urlencode
    if re.match(r"^[a-z+]+://[^/]+/v[0-9.]+/commit$", path):
        return urlencode([(k, ("True" if v in ("1", "true") else "False") if k == "pause" else v)
                          for k, v in parse_qsl(query, keep_blank_values=True)])
    sent = parse_qsl(query, keep_blank_values=True)
    if re.match(r"^[a-z+]+://[^/]+/v[0-9.]+/build$", path):
        return urlencode(_docker_py_build_query(sent))
    sw = re.match(r"^[a-z+]+://[^/]+/v[0-9.]+/swarm/(leave|update)$", path)
    if sw:     # leave_swarm, update_swarm: docker-py's params, Python's bools
        had = dict(sent)

        def py_bool(name: str) -> str:
            return "True" if had.get(name, "") in ("1", "true", "True") else "False"
        if sw.group(1) == "leave":
            return urlencode([("force", py_bool("force"))])
        upd = [("rotateWorkerToken", py_bool("rotateWorkerToken")),
               ("rotateManagerToken", py_bool("rotateManagerToken")),
               ("version", had.get("version", ""))]
        if py_bool("rotateManagerUnlockKey") == "True":
            upd.append(("rotateManagerUnlockKey", "True"))
        return urlencode(upd)
    svc = re.match(r"^[a-z+]+://[^/]+/v[0-9.]+/services(/[^/]+)?(/logs)?$", path)
    if svc and query:
        return urlencode(_docker_py_services_query(bool(svc.group(1)), bool(svc.group(2)), sent))
    m = re.match(r"^[a-z+]+://[^/]+/v[0-9.]+/(containers|images)/(.+)$", path)
    if not m:
        return urlencode(sent)    # requests' encoding of the same parameters
    got = dict(sent)

    def flag(name: str) -> str:
        return "True" if got.get(name, "") in ("1", "true", "True") else "False"

    kind, rest = m.group(1), m.group(2)
    pairs: "list[tuple[str, str]]" = []

    def bit(name: str) -> str:
        return "1" if flag(name) == "True" else "0"

    if kind == "containers" and rest == "json":                 # containers()
        pairs = [("limit", got.get("limit", "-1")), ("all", bit("all")), ("size", bit("size")),
                 ("trunc_cmd", "0")]
        return urlencode(pairs + [(k, v) for k, v in sent if k not in ("limit", "all", "size")])
    if kind == "images" and rest == "json":                     # images()
        pairs = [("only_ids", "0"), ("all", bit("all"))]
        return urlencode(pairs + [(k, v) for k, v in sent if k not in ("all",)])
    if kind == "containers" and "/" not in rest and rest not in ("create", "json", "prune"):
        # remove_container
        pairs = [("v", flag("v")), ("link", flag("link")), ("force", flag("force"))]
    elif kind == "containers" and rest.endswith("/logs") and rest.count("/") == 1:
        pairs = [("stderr", bit("stderr")), ("stdout", bit("stdout")),
                 ("timestamps", bit("timestamps")), ("follow", bit("follow")),
                 ("tail", got.get("tail", "all"))]
        pairs += [(k, got[k]) for k in ("since", "until") if k in got]
    elif kind == "containers" and rest.endswith("/stats") and rest.count("/") == 1:
        pairs = [("stream", flag("stream"))]
        if "one-shot" in got:
            pairs.append(("one-shot", flag("one-shot")))
    elif kind == "images" and rest == "create":
        if "fromSrc" in got:                                      # import_image
            pairs = [(k, got[k]) for k in ("repo", "tag", "fromSrc") if k in got]
            return urlencode(pairs + [(k, v) for k, v in sent if k not in ("repo", "tag", "fromSrc")])
        if "fromImage" not in got:
            return urlencode(sent)
        pairs = [(k, got[k]) for k in ("tag", "fromImage", "platform") if k in got]
    elif kind == "images" and rest.endswith("/tag"):
        pairs = [(k, got[k]) for k in ("tag", "repo") if k in got]
        pairs.append(("force", "1" if flag("force") == "True" else "0"))
    elif kind == "images" and rest not in ("create", "load", "prune", "search", "get", "json") \
            and not rest.endswith(_IMAGE_OPS):                    # remove_image
        pairs = [("force", flag("force")), ("noprune", flag("noprune"))]
    else:
        return urlencode(sent)
    return urlencode(pairs)


def _docker_py_services_query(one: bool, logs: bool,
                              sent: "list[tuple[str, str]]") -> "list[tuple[str, str]]":
    """docker-py's query for ``services(filters, status)`` (``status`` a
    Python bool), ``inspect_service(insert_defaults=)`` (``insertDefaults``
    likewise) and ``service_logs()`` (its seven parameters in its order, the
    flags as ``True``/``False``, ``since=0``, ``tail=all`` by default)."""
    got = dict(sent)

    def py(v: str) -> str:
        return "True" if v in ("1", "true", "True") else "False"
    if logs:
        out = [(k, py(got.get(k, "0"))) for k in ("details", "follow", "stdout", "stderr")]
        out.append(("since", got.get("since", "0")))
        out.append(("timestamps", py(got.get("timestamps", "0"))))
        out.append(("tail", got.get("tail", "all")))
        known = {"details", "follow", "stdout", "stderr", "since", "timestamps", "tail"}
        return out + [(k, v) for k, v in sent if k not in known]
    flag = "insertDefaults" if one else "status"
    return [(k, py(v) if k == flag else v) for k, v in sent]


def _docker_py_build_query(sent: "list[tuple[str, str]]") -> "list[tuple[str, str]]":
    """docker-py's ``build()`` query for the same build: ``t`` (one tag),
    ``remote``, the five flags as ``True``/``False``, ``dockerfile``, the
    container limits, then the optional parameters in its order; anything
    else clibdocker sent after them."""
    flags = ("q", "nocache", "rm", "forcerm", "pull")
    limits = ("memory", "memswap", "cpushares", "cpusetcpus", "cpuperiod", "cpuquota")
    later = ("buildargs", "shmsize", "labels", "cachefrom", "target", "networkmode", "squash",
             "extrahosts", "platform", "isolation")
    got: "dict[str, list[str]]" = {}
    for k, v in sent:
        got.setdefault(k, []).append(v)
    out: "list[tuple[str, str]]" = []
    if "t" in got:
        out.append(("t", got["t"][0]))
    if "remote" in got:
        out.append(("remote", got["remote"][0]))
    for k in flags:
        out.append((k, "True" if got.get(k, ["0"])[0] in ("1", "true", "True") else "False"))
    if "dockerfile" in got:
        out.append(("dockerfile", got["dockerfile"][0]))
    out += [(k, v) for k, v in sent if k in limits]
    for k in later:
        if k == "squash" and k in got:
            out.append((k, "True" if got[k][0] in ("1", "true", "True") else "False"))
        else:
            out += [(k, v) for v in got.get(k, ())]
    known = set(flags) | set(limits) | set(later) | {"t", "remote", "dockerfile"}
    return out + [(k, v) for k, v in sent if k not in known]


def create_unexpected_kwargs_error(name: str, kwargs: Any) -> TypeError:
    """The TypeError a function raises for keyword arguments it does not
    take (docker-py's wording)."""
    quoted = [f"'{k}'" for k in sorted(kwargs)]
    what = ("got an unexpected keyword argument " if len(quoted) == 1
            else "got unexpected keyword arguments ")
    return TypeError(f"{name}() {what}{', '.join(quoted)}")


# --- requests compatibility (docker-py programs catch requests' exceptions) --

_TWINS: Dict[Any, type] = {}


def _requests_bases(cls: type, rex: Any, in_body: bool = False) -> Tuple[type, ...]:
    if issubclass(cls, APIError):
        return (rex.HTTPError,)
    if issubclass(cls, DockerTimeout):
        # docker-py: a timeout reading the body (the engine's headers had
        # come: wait(timeout=) and other slow answers) is requests'
        # ConnectionError (wrapping urllib3's ReadTimeoutError), and no
        # ReadTimeout; before the headers it is ReadTimeout: then both match
        if in_body:
            return (rex.ConnectionError,)
        return (rex.ConnectionError, rex.ReadTimeout)
    if issubclass(cls, TLSError):
        return (rex.SSLError,)
    if issubclass(cls, TransportError):
        return (rex.ConnectionError,)
    return ()


def _alias_active() -> bool:
    """``import docker`` is clibdocker: the program was written for docker-py."""
    from ._alias import active
    return active()


def _docker_py_name(cls: type, in_body: bool, alias: bool) -> str:
    """The class name docker-py's exception has where clibdocker raises
    ``cls``: a transport failure or a timeout is requests' ConnectionError
    / ReadTimeout there; for a program written for docker-py (under the
    alias) a 409, a registry's refusal and an error inside a stream are its
    APIError. Other classes keep their names."""
    if cls is TransportError:
        return "ConnectionError"
    if cls is TLSError:
        return "SSLError"
    if cls is DockerTimeout:
        return "ConnectionError" if in_body else "ReadTimeout"
    if alias and cls in _REFUSED.values():
        return "NotFound" if issubclass(cls, NotFound) else "APIError"
    if alias and cls in (Conflict, Unauthorized, StreamError):
        return "APIError"
    if alias and cls in _PLAIN.values():
        return "DockerException"
    return cls.__name__


# Pickling (multiprocessing hands exceptions between processes): the classes
# made at run time (twins, refusals) are not module attributes, so their
# instances pickle with a recipe -- the module's class they were made from
# and how -- and the class is made again where they are unpickled.

def _recipe(cls: type) -> Any:
    return cls.__dict__.get("_recipe", cls)  # its own recipe, not a base's


def _class_of(recipe: Any) -> Any:
    if isinstance(recipe, type):
        return recipe
    kind, base = recipe[0], _class_of(recipe[1])
    if kind == "twin":
        return _twin(base, recipe[2])
    api = {"NotFound": NotFound}.get(recipe[2]) if len(recipe) > 2 else None
    return _refused_class(base, api) or base


def _reduce_made(self: BaseException) -> Any:
    return (_rebuild_made, (_recipe(type(self)), self.args), self.__dict__ or None)


def _rebuild_made(recipe: Any, args: Tuple[Any, ...]) -> BaseException:
    cls = _class_of(recipe)
    try:
        exc: BaseException = cls(*args)  # as an exception of a module's class unpickles
    except TypeError:  # an __init__ that wants more than the message
        exc = cls.__new__(cls, *args)
    exc.args = args
    return exc


def _docker_py_read_timeout(url: Optional[str]) -> Optional[str]:
    """For a program written for docker-py (under the ``docker`` alias): the
    text of the exception docker-py raises when a read times out after the
    engine's headers (``wait(timeout=)``...): urllib3's ``<pool>: Read timed
    out.`` for the engine at ``url`` (as :func:`_docker_py_url` shows it).
    None otherwise (clibdocker's own message is kept)."""
    if not url or not _alias_active():
        return None
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    if parts.scheme == "http+docker":
        pool = "UnixHTTPConnectionPool(host='localhost', port=None)"
    elif parts.scheme in ("http", "https") and parts.hostname:
        name = "HTTPSConnectionPool" if parts.scheme == "https" else "HTTPConnectionPool"
        port = parts.port or (443 if parts.scheme == "https" else 80)
        pool = f"{name}(host={parts.hostname!r}, port={port})"
    else:
        return None
    return f"{pool}: Read timed out."


def _twin(cls: type, in_body: bool = False) -> Any:
    """``cls``, or a subclass of it for a program written for docker-py:
    when the program has imported ``requests``, also the matching
    ``requests`` exception (HTTPError for APIError and its subclasses,
    ConnectionError for TransportError, SSLError for TLSError,
    ConnectionError and ReadTimeout for DockerTimeout); named as docker-py's exception is named there (see
    :func:`_docker_py_name`; under the ``docker`` alias only, or with
    ``requests``). Made once per class and situation; ``requests`` is never
    imported here (a program that catches its exceptions has imported it).
    ``in_body``: a timeout after the engine's headers (ConnectionError only)."""
    mod = sys.modules.get("requests.exceptions")
    alias = _alias_active()
    if mod is None and not alias:
        return cls
    key: Any = (cls, in_body, mod is not None, alias)
    twin = _TWINS.get(key)
    if twin is not None:
        return twin
    bases: Tuple[type, ...] = ()
    if mod is not None:
        bases = tuple(b for b in _requests_bases(cls, mod, in_body) if not issubclass(cls, b))
    name = _docker_py_name(cls, in_body, alias) if (bases or alias) else cls.__name__
    if not bases and name == cls.__name__:
        _TWINS[key] = cls
        return cls
    try:
        # requests' RequestException.__init__ may not run (the builtin
        # OSError init comes first): its attributes default here
        twin = type(name, (cls,) + bases,
                    {"__module__": cls.__module__, "__qualname__": name,
                     "__doc__": cls.__doc__, "response": None, "request": None,
                     "__reduce__": _reduce_made, "_recipe": ("twin", _recipe(cls), in_body)})
    except TypeError:  # a layout requests' classes cannot share: leave it
        twin = cls
    _TWINS[key] = twin
    return twin
