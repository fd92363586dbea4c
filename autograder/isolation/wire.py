"""Plain data across a process boundary, without pickle: every channel of the sandbox.

The grader must never unpickle what a submission's process sends (a pickle
can run code when loaded). This format carries only None, bools, numbers,
strings, lists, tuples, string-keyed dicts and numeric numpy arrays, as JSON
with tagged objects, inside length-prefixed frames on a stream socket
(``send``, ``recv``): a call's request and reply. The same frames, on the
same kind of socket, carry the grader's requests to the zygote and to a
sandbox (``SandboxRequest`` and a few small dicts, file descriptors
attached: ``recv_with_fds``) and their answers, and a keeper's reports to
the zygote.
"""
import base64
import dataclasses
import json
import socket
import struct
import time

import numpy as np

MAX_FRAME_BYTES = 64 * 2**20
_NUMERIC_KINDS = "biufc"


class WireError(Exception):
    """A frame that is too large, truncated or not in this format."""


def _encode(value):
    if isinstance(value, str) and type(value) is not str:  # procedures.Described and the like
        return {"described": str(value)}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, np.generic):
        return _encode(value.item()) if value.dtype.kind in _NUMERIC_KINDS else str(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _NUMERIC_KINDS:
            return {"described": f"{value.dtype} array of shape {value.shape}"}
        array = np.require(value, requirements="C")  # keeps 0-d arrays 0-d
        return {"array": [array.dtype.str, list(array.shape), base64.b64encode(array.tobytes()).decode()]}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": [[str(k), _encode(v)] for k, v in value.items()]}
    return {"described": f"{type(value).__name__} object"}


def _decode(value, described):
    if isinstance(value, list):
        return [_decode(v, described) for v in value]
    if not isinstance(value, dict):
        return value
    (tag, content), = value.items()
    if tag == "array":
        dtype, shape, data = content
        dtype = np.dtype(dtype)
        if dtype.kind not in _NUMERIC_KINDS:
            raise WireError(f"refusing dtype {dtype}")
        return np.frombuffer(base64.b64decode(data), dtype=dtype).reshape(shape).copy()
    if tag == "tuple":
        return tuple(_decode(v, described) for v in content)
    if tag == "dict":
        return {str(k): _decode(v, described) for k, v in content}
    if tag == "described":
        return described(str(content))
    raise WireError(f"unknown tag {tag!r}")


def dumps(value):
    return json.dumps(_encode(value)).encode()


def loads(data, described=str):
    """Decode; objects that were not plain data come back as ``described(text)``."""
    try:
        return _decode(json.loads(data), described)
    except (ValueError, TypeError, KeyError, RecursionError) as error:  # nested too deep: RecursionError
        raise WireError(f"malformed message: {type(error).__name__}") from None


def frame(value):
    """The bytes of one frame holding ``value``."""
    data = dumps(value)
    return struct.pack("!Q", len(data)) + data


def send(sock, value, deadline=None, fds=()):
    """Send one frame, the file descriptors ``fds`` attached to its first bytes; with a ``deadline``
    (``time.monotonic()``), socket.timeout once it passes."""
    data = frame(value)
    _wait_until(sock, deadline)
    sent = socket.send_fds(sock, [data], list(fds)) if fds else 0
    sock.sendall(data[sent:])  # sendall: the timeout bounds the whole send


def recv(sock, described=str, limit=MAX_FRAME_BYTES, deadline=None):
    """One frame from ``sock``; EOFError if the peer closed it first.

    With a ``deadline`` (a ``time.monotonic()`` time), the whole frame must have arrived by
    then, or socket.timeout is raised: every read waits only for the time that is left, so a
    peer sending a byte now and then cannot stretch the wait (a socket's own timeout starts
    again at each read). Without one, each read honours the socket's timeout. File descriptors
    sent with it are closed unseen (a worker's reply never hands the grader one).
    """
    return recv_with_fds(sock, 0, described, limit, deadline)[0]


def recv_with_fds(sock, max_fds, described=str, limit=MAX_FRAME_BYTES, deadline=None):
    """``recv``, and the file descriptors (at most ``max_fds``) sent with the frame: (value, fds).
    Only where the grader sends: never take a descriptor from a process that ran student code."""
    header, fds = _read_exactly(sock, 8, deadline, max_fds)
    size = struct.unpack("!Q", header)[0]
    if size > limit:
        raise WireError(f"message of {size} bytes is over the limit of {limit}")
    return loads(_read_exactly(sock, size, deadline)[0], described), fds


def _wait_until(sock, deadline):
    if deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("deadline passed")
        sock.settimeout(left)


def _read_exactly(sock, size, deadline=None, max_fds=0):
    """``size`` bytes, and the descriptors (at most ``max_fds``) that came with the first of them."""
    chunks, left, fds = [], size, []
    while left:
        _wait_until(sock, deadline)
        if max_fds and not chunks:  # the sender attaches them to a frame's first bytes
            chunk, fds, _, _ = socket.recv_fds(sock, min(left, 1 << 20), max_fds)
        else:
            chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks), fds


@dataclasses.dataclass(frozen=True)
class SandboxRequest:
    """What the grader asks the zygote for: one submission's sandbox (the ``open`` request)."""

    folder: str  # the submission's files
    root: str  # an empty folder its root file system is mounted on (without namespaces: its scratch folder's parent)
    uid: int | None  # its own unprivileged uid when grading as root, else None (it runs as the grader)
    layers: tuple[str, ...]  # the layers to try (of confine.LAYERS): those left out are reported as turned off
    memory_bytes: int  # the address space of each of its processes: keeper, init, each worker
    cgroup_memory_bytes: int  # all of its processes together, where a cgroup can be had
    ready_seconds: float  # from its start to its init being ready; past it, started again without preloading
    trusted: tuple[str, ...]  # the modules in ``folder`` that are the grader's own copies (provided, reference)

    def message(self):
        """This request as it crosses to the zygote."""
        return {"op": "open", **dataclasses.asdict(self)}

    @classmethod
    def from_message(cls, message):
        """The request in ``message``, as ``message()`` made it on the other side."""
        return cls(**{field.name: message[field.name] for field in dataclasses.fields(cls)})
