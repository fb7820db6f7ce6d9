"""The frames the web process and its query workers exchange over a Unix socket pair.

One frame: an 8-byte length, then a pickle (a request and its time limit one way, an
answer or an error the other way).
"""

from __future__ import annotations

import pickle
import socket
import struct

_FRAME = struct.Struct("!Q")


def send(sock: socket.socket, obj) -> None:
    data = pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
    sock.sendall(_FRAME.pack(len(data)) + data)


def receive(sock: socket.socket):
    """Return the next object sent by :func:`send`; raise EOFError when the peer is gone."""
    header = recv_exact(sock, _FRAME.size)
    if header is None:
        raise EOFError
    (size,) = _FRAME.unpack(header)
    data = recv_exact(sock, size)
    if data is None:
        raise EOFError
    return pickle.loads(data)


def recv_exact(sock: socket.socket, size: int) -> bytes | bytearray | None:
    if size <= 65536:
        data = sock.recv(size)
        if len(data) == size or not data:
            return data or None
        data = bytearray(data)
    else:
        data = bytearray()
    buffer = bytearray(size)
    view = memoryview(buffer)
    view[: len(data)] = data
    received = len(data)
    while received < size:
        count = sock.recv_into(view[received:], size - received)
        if not count:
            return None
        received += count
    return buffer
