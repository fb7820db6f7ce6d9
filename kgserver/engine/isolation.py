"""Take the network away from the processes that run queries (a seccomp filter).

Oxigraph 0.5 has no option to turn ``SERVICE`` off and rdflib's evaluator can fetch
too: refusing such queries before they run (:mod:`kgserver.engine.structure`) is one
wall; this is the second.  A query worker process installs a seccomp-BPF filter (Linux)
that makes the kernel answer ``EPERM`` to every attempt to reach the network:

* ``socket()`` for any address family but ``AF_UNIX`` (workers talk to the web process
  over a Unix socket pair, which keeps working);
* ``connect()``, ``sendmsg()``, ``sendmmsg()`` and ``sendto()`` with a destination address
  (on any socket, inherited ones included);
* ``io_uring_setup()`` (io_uring could connect without the ``connect`` system call);
* every system call made through another ABI (32-bit or x32 calls from a 64-bit process).

``PR_SET_NO_NEW_PRIVS`` is set first, which lets an unprivileged process install the
filter; the filter is inherited by every process forked afterwards and cannot be removed.
Where seccomp is unavailable (another OS or CPU, a kernel without it), :func:`supported`
says why, and the pool refuses to start unless ``QUERY_ISOLATION`` is ``off``.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import socket
import stat
import sys

# prctl options and seccomp constants (linux/prctl.h, linux/seccomp.h, linux/filter.h)
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050000 | errno.EPERM
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
# offsets in struct seccomp_data: int nr; u32 arch; u64 ip; u64 args[6] (little-endian hosts)
_NR, _ARCH, _ARG0, _ARG4_LOW, _ARG4_HIGH = 0, 4, 16, 48, 52

#: audit architecture and system call numbers, per machine.
_ARCHES = {
    "x86_64": dict(audit=0xC000003E, socket=41, connect=42, sendto=44, sendmsg=46, sendmmsg=307, io_uring_setup=425),
    "aarch64": dict(audit=0xC00000B7, socket=198, connect=203, sendto=206, sendmsg=211, sendmmsg=269, io_uring_setup=425),
}
_X32_BIT = 0x40000000

#: The values ``QUERY_ISOLATION`` takes: ``seccomp`` (the default: refuse to run queries
#: without it) or ``off`` (run them without it, e.g. on a system without seccomp).
MODES = ("seccomp", "off")


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def _program(numbers: dict) -> list[tuple[int, int, int, int]]:
    """Return the BPF instructions (code, jump if true, jump if false, constant)."""
    prog = [
        (_LD_W_ABS, 0, 0, _ARCH),  # 0
        (_JEQ_K, 0, 12, numbers["audit"]),  # 1 -> 14 deny
        (_LD_W_ABS, 0, 0, _NR),  # 2
        (_JGE_K, 10, 0, _X32_BIT),  # 3 -> 14 deny
        (_JEQ_K, 6, 0, numbers["socket"]),  # 4 -> 11
        (_JEQ_K, 8, 0, numbers["connect"]),  # 5 -> 14 deny
        (_JEQ_K, 7, 0, numbers["sendmsg"]),  # 6 -> 14 deny
        (_JEQ_K, 6, 0, numbers["sendmmsg"]),  # 7 -> 14 deny
        (_JEQ_K, 5, 0, numbers["io_uring_setup"]),  # 8 -> 14 deny
        (_JEQ_K, 6, 0, numbers["sendto"]),  # 9 -> 16
        (_RET_K, 0, 0, _RET_ALLOW),  # 10
        (_LD_W_ABS, 0, 0, _ARG0),  # 11: socket(domain, ...)
        (_JEQ_K, 2, 0, socket.AF_UNIX),  # 12: AF_UNIX -> 15 allow, else 13
        (_RET_K, 0, 0, _RET_EPERM),  # 13
        (_RET_K, 0, 0, _RET_EPERM),  # 14 deny
        (_RET_K, 0, 0, _RET_ALLOW),  # 15
        (_LD_W_ABS, 0, 0, _ARG4_LOW),  # 16: sendto(..., dest_addr, ...)
        (_JEQ_K, 0, 3, 0),  # 17 -> 21 deny
        (_LD_W_ABS, 0, 0, _ARG4_HIGH),  # 18
        (_JEQ_K, 0, 1, 0),  # 19 -> 21 deny
        (_RET_K, 0, 0, _RET_ALLOW),  # 20
        (_RET_K, 0, 0, _RET_EPERM),  # 21
    ]
    return prog


def supported() -> str | None:
    """Return None if this system can isolate query workers, else the reason it cannot."""
    if not sys.platform.startswith("linux"):
        return f"seccomp filters need Linux (this is {sys.platform})"
    machine = platform.machine()
    if machine not in _ARCHES:
        return f"no seccomp filter is written for this CPU ({machine})"
    if sys.byteorder != "little":
        return "the seccomp filter assumes a little-endian CPU"
    return None


def isolate() -> None:
    """Install the no-network filter in the calling process (irreversibly; children inherit it).

    :raises OSError: when the system refuses (see :func:`supported` for the usual reasons).
    """
    reason = supported()
    if reason:
        raise OSError(errno.ENOSYS, reason)
    libc = ctypes.CDLL(None, use_errno=True)
    prog = _program(_ARCHES[platform.machine()])
    filters = (_Filter * len(prog))(*[_Filter(*instruction) for instruction in prog])
    program = _Program(len(prog), filters)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"prctl(PR_SET_SECCOMP) failed: {os.strerror(code)}")


def close_network_sockets(keep: set[int]) -> None:
    """Close every inherited socket that is not a Unix socket (a listener, a client connection)."""
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []:
        fd = int(name)
        if fd in keep:
            continue
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            probe = socket.socket(fileno=fd)
            family = probe.family
            probe.detach()
        except OSError:
            continue
        if family != socket.AF_UNIX:
            os.close(fd)


def probe() -> str | None:
    """Check in a throw-away child that the filter installs and blocks; return None or what failed."""
    reason = supported()
    if reason:
        return reason
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: install, then try to reach the network
        status = 1
        try:
            os.close(read)
            isolate()
            try:
                socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
                message = b"the filter let socket(AF_INET) through"
            except PermissionError:
                socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                message = b""
            os.write(write, message)
            status = 0
        except BaseException as err:  # noqa: BLE001 - reported to the parent
            os.write(write, str(err).encode()[:500] or b"failed")
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read()
    os.waitpid(pid, 0)
    return message.decode(errors="replace") or None
