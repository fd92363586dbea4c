"""Plain data across a process boundary, without pickle.

The grader must never unpickle what a submission's process sends (a pickle
can run code when loaded). This format carries only None, bools, numbers,
strings, lists, tuples, string-keyed dicts and numeric numpy arrays, as JSON
with tagged objects, inside length-prefixed frames.
"""
import base64
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


def send(sock, value, deadline=None):
    """Send one frame; with a ``deadline`` (``time.monotonic()``), socket.timeout once it passes."""
    data = frame(value)
    _wait_until(sock, deadline)
    sock.sendall(data)  # sendall: the timeout bounds the whole send


def recv(sock, described=str, limit=MAX_FRAME_BYTES, deadline=None):
    """One frame from ``sock``; EOFError if the peer closed it first.

    With a ``deadline`` (a ``time.monotonic()`` time), the whole frame must have arrived by
    then, or socket.timeout is raised: every read waits only for the time that is left, so a
    peer sending a byte now and then cannot stretch the wait (a socket's own timeout starts
    again at each read). Without one, each read honours the socket's timeout.
    """
    size = struct.unpack("!Q", _read_exactly(sock, 8, deadline))[0]
    if size > limit:
        raise WireError(f"message of {size} bytes is over the limit of {limit}")
    return loads(_read_exactly(sock, size, deadline), described)


def _wait_until(sock, deadline):
    if deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("deadline passed")
        sock.settimeout(left)


def _read_exactly(sock, size, deadline=None):
    chunks, left = [], size
    while left:
        _wait_until(sock, deadline)
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
