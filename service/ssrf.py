"""Which URLs and addresses the downloader may reach (OWASP SSRF prevention).

Names are resolved once, by `GuardedResolver`, inside the HTTP client's connector: the addresses it vets are
the ones the connection is made to, so a second lookup cannot be rebound to an internal address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from ipaddress import IPv4Address, IPv6Address

from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from service.errors import Refused

_NAT64 = ipaddress.ip_network("64:ff9b::/96")

# Decides whether an address (as text) may be connected to.
AddressPolicy = Callable[[str], bool]


class AddressRefused(OSError):
    """A host resolved to an address that is not public; raised inside the connector, before any connect."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}, which is not a public address")
        self.host = host
        self.address = address


def is_public(address: str) -> bool:
    """True only for globally routable unicast addresses, looking inside IPv6 forms that embed IPv4."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return _is_public(ip)


def _is_public(ip: IPv4Address | IPv6Address) -> bool:
    if isinstance(ip, IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not _is_public(embedded):
            return False
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified
    )


def check_url(raw: str, *, max_length: int, allowed_hosts: tuple[str, ...], address_ok: AddressPolicy) -> URL:
    """The parsed URL if the service may fetch it; Refused naming the reason otherwise."""
    if len(raw) > max_length:
        raise Refused(f"image_url is longer than {max_length} characters", reason="too_long")
    try:
        url = URL(raw)
        host, port = url.host, url.port
    except (ValueError, TypeError):
        raise Refused("image_url is not a valid URL", reason="invalid") from None
    if url.scheme not in ("http", "https"):
        raise Refused("image_url must be an http or https URL", reason="scheme")
    if url.user is not None or url.password is not None:
        raise Refused("image_url must not carry credentials", reason="credentials")
    if not host or port is None:
        raise Refused("image_url has no host", reason="invalid")
    if allowed_hosts and not _host_allowed(host, allowed_hosts):
        raise Refused(f"host {host} is not allowed for this url_type", reason="host_not_allowed")
    if _is_ip_literal(host) and not address_ok(host):
        raise Refused(f"{host} is not a public address", reason="private_address")
    return url


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    for entry in (entry.lower() for entry in allowed):
        if host == entry or (entry.startswith("*.") and host.endswith(entry[1:])):
            return True
    return False


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class GuardedResolver(AbstractResolver):
    """Resolves with `inner` and refuses the whole answer if any address fails the policy."""

    def __init__(self, inner: AbstractResolver, address_ok: AddressPolicy) -> None:
        self._inner = inner
        self._address_ok = address_ok

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        records = await self._inner.resolve(host, port, family)
        for record in records:
            if not self._address_ok(record["host"]):
                raise AddressRefused(host, record["host"])
        return records

    async def close(self) -> None:
        await self._inner.close()
