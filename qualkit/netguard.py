"""A guard that makes any connection off this machine fail: for tests, and for researchers who want proof.

    with no_network():
        run_the_pipeline()   # a non-loopback connect / DNS lookup raises NetworkBlocked

Loopback (127.0.0.0/8, ::1, localhost) and Unix sockets stay allowed, so a local PostgreSQL keeps working.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager


class NetworkBlocked(OSError):
    """Raised instead of connecting to (or resolving) a host that is not this machine."""


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}


def is_local(host) -> bool:
    """True for loopback addresses and names (and for None / empty, which mean this machine)."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0].lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _address_host(address):
    if isinstance(address, (tuple, list)) and address:
        return address[0]
    return None  # AF_UNIX path or other families: never leave the machine


@contextmanager
def no_network(log: list | None = None) -> Iterator[list]:
    """Within the block, any attempt to reach a non-local host raises NetworkBlocked. Attempts are appended to
    `log` (also yielded), so a test can assert that none was even tried."""
    attempts = [] if log is None else log
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create, real_getaddrinfo = socket.create_connection, socket.getaddrinfo
    real_gethostbyname = socket.gethostbyname

    def check(what: str, host) -> None:
        if not is_local(host):
            attempts.append((what, host))
            raise NetworkBlocked(f"network access blocked: {what} to {host!r} (qualkit never leaves this machine)")

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check("connect", _address_host(address))
        return real_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check("connect_ex", _address_host(address))
        return real_connect_ex(self, address)

    def create_connection(address, *args, **kwargs):
        check("create_connection", _address_host(address))
        return real_create(address, *args, **kwargs)

    def getaddrinfo(host, *args, **kwargs):
        check("getaddrinfo", host)
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host):
        check("gethostbyname", host)
        return real_gethostbyname(host)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.create_connection, socket.getaddrinfo, socket.gethostbyname = create_connection, getaddrinfo, gethostbyname
    try:
        yield attempts
    finally:
        socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex
        socket.create_connection, socket.getaddrinfo = real_create, real_getaddrinfo
        socket.gethostbyname = real_gethostbyname
