"""An httpx transport whose every connection goes to a checked, public address.

The host name is resolved here, every address it resolves to is checked (see
`addresses.py`), and the connection is opened to the checked address itself, so a second
lookup (DNS rebinding) cannot swap in another. TLS still verifies the certificate for the
host name in the URL. Each redirect opens its connection through the same check. Proxy
settings in the environment are ignored: a proxy would reach addresses for us unchecked.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterable
from ipaddress import ip_address

import httpcore
import httpx

from server.external_calendars.addresses import permitted

log = logging.getLogger(__name__)


class AddressDenied(httpcore.ConnectError):
    """The host resolves to an address imports may not reach."""


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks and connects in one step; sleeping is the stock backend's."""

    def __init__(self, allowed: Iterable) -> None:
        self.allowed = tuple(allowed)
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _resolve(host, port)
        denied = [a for a in addresses if not permitted(ip_address(a), self.allowed)]
        if not addresses or denied:
            log.warning("calendar import: %s resolves to %s, which is not allowed", host, denied)
            raise AddressDenied(f"{host} is not an address imports may reach")
        error: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as failure:  # try the host's next address
                error = failure
        raise error or httpcore.ConnectError(host)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


async def _resolve(host: str, port: int) -> list[str]:
    """The distinct addresses of `host`, in the resolver's order."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise httpcore.ConnectError(f"{host} could not be resolved") from error
    return list(dict.fromkeys(str(info[4][0]) for info in found))


class CheckedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (request mapping, errors), over a connection pool that
    connects through `CheckedBackend`."""

    def __init__(self, allowed: Iterable) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=CheckedBackend(allowed),
        )
